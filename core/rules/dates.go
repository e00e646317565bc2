package rules

import (
	"time"

	"ticketbook/core"
)

// dayNum is the day count since 1970-01-01. core.Date.DaysUntil goes through
// time.Duration, which saturates after 292 years; counting through Unix
// seconds stays exact for any date a user can type.
func dayNum(d core.Date) int64 {
	return d.In(time.UTC).Unix() / 86400
}

func daysBetween(from, to core.Date) int64 { return dayNum(to) - dayNum(from) }

func minDate(a, b core.Date) core.Date {
	if b.Before(a) {
		return b
	}
	return a
}

// addMonthsCivil adds n months the way Civil Code art. 202 counts a period
// in months: it ends on the same day of the month, or on the last day of the
// month when that day does not exist (Nov 30 + 3 months = Feb 28/29). That
// never gives a user more time than the law does, unlike time.AddDate, which
// would roll Feb 30 over into March.
func addMonthsCivil(d core.Date, n int) core.Date {
	y, m := monthAdd(d.Year, d.Month, n)
	day := d.Day
	if last := daysIn(y, m); day > last {
		day = last
	}
	return core.Date{Year: y, Month: m, Day: day}
}

// anniversary is the start of the n-months-later cycle of a licence first
// issued on d. [unsure] A day the target month lacks rolls over to the first
// of the next month, so a licence first issued on Feb 29 starts its cycles on
// Mar 1 in non-leap years. Order 163 does not say; this is the reading the
// brief chose, and it is what time.AddDate does.
func anniversary(d core.Date, n int) core.Date {
	y, m := monthAdd(d.Year, d.Month, n)
	if d.Day > daysIn(y, m) {
		y, m = monthAdd(y, m, 1)
		return core.Date{Year: y, Month: m, Day: 1}
	}
	return core.Date{Year: y, Month: m, Day: d.Day}
}

func monthAdd(y int, m time.Month, n int) (int, time.Month) {
	total := y*12 + int(m-1) + n
	return floorDiv(total, 12), time.Month(total-floorDiv(total, 12)*12) + 1
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// beijing is where Chinese traffic records are kept: an offence at 23:30
// Beijing time on the 1st is stored as 15:30 UTC the same day, but one at
// 07:00 Beijing time on the 2nd is 23:00 UTC on the 1st.
var beijing = time.FixedZone("CST", 8*3600)

func beijingDate(t time.Time) core.Date { return core.DateOf(t.In(beijing)) }
