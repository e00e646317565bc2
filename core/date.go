package core

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"ticketbook/core/field"
)

// Date is a calendar day with no time zone: a decision date or a licence's
// first-issued date is the same day wherever the laptop is.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads 2026-03-01 (also 2026/3/1 and 2026.03.01).
func ParseDate(fieldName, s string) (Date, error) {
	in := strings.TrimSpace(toHalfWidth(s))
	in = strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "").Replace(in)
	t, err := time.Parse("2006-1-2", in)
	if err != nil {
		return Date{}, field.New(fieldName, "date_format",
			fmt.Sprintf("%q is not a date like 2026-03-01", s),
			fmt.Sprintf("“%s”不是日期，应为 2026-03-01 这样的格式", s))
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		return Date{}, field.New(fieldName, "date_range",
			fmt.Sprintf("year %d is out of range", t.Year()), fmt.Sprintf("年份 %d 超出范围", t.Year()))
	}
	return DateOf(t), nil
}

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) IsZero() bool { return d.Year == 0 }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// In is the start of the day in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

// DaysUntil counts calendar days from d to other (negative when other is earlier).
func (d Date) DaysUntil(other Date) int {
	return int(other.In(time.UTC).Sub(d.In(time.UTC)).Hours() / 24)
}

func (d Date) Before(o Date) bool { return d.DaysUntil(o) > 0 }
func (d Date) After(o Date) bool  { return d.DaysUntil(o) < 0 }

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// ParseLocalTime reads "2026-03-01 08:30" (seconds optional; a bare date is
// midnight, RFC 3339 is taken as given) in loc and returns it in UTC.
func ParseLocalTime(fieldName, s string, loc *time.Location) (time.Time, error) {
	in := strings.TrimSpace(toHalfWidth(s))
	if t, err := time.Parse(time.RFC3339, in); err == nil {
		return t.UTC(), nil
	}
	in = strings.Replace(in, "T", " ", 1)
	in = strings.ReplaceAll(in, "/", "-")
	for _, layout := range []string{"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2"} {
		if t, err := time.ParseInLocation(layout, in, loc); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, field.New(fieldName, "time_format",
		fmt.Sprintf("%q is not a time like 2026-03-01 08:30", s),
		fmt.Sprintf("“%s”不是时间，应为 2026-03-01 08:30 这样的格式", s))
}
