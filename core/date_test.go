package core

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-01": "2026-03-01", "2026/3/1": "2026-03-01", "2024-02-29": "2024-02-29",
		"2026.03.01": "2026-03-01", "2026年3月1日": "2026-03-01", "２０２６-０３-０１": "2026-03-01",
	} {
		d, err := ParseDate("decided", in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, err)
		}
	}
	for _, in := range []string{"2026-02-29", "2023-13-01", "yesterday", "", "1800-01-01", "2026-03-01 08:00"} {
		if _, err := ParseDate("decided", in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func TestDateArithmeticAcrossYearEndsAndLeapDays(t *testing.T) {
	d := Date{2024, 2, 28}
	if got := d.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("leap day = %s", got)
	}
	if got := (Date{2026, 12, 25}).AddDays(15).String(); got != "2027-01-09" {
		t.Errorf("year end = %s", got)
	}
	if n := (Date{2026, 3, 1}).DaysUntil(Date{2026, 3, 16}); n != 15 {
		t.Errorf("DaysUntil = %d", n)
	}
	if !(Date{2026, 3, 1}).Before(Date{2026, 3, 2}) || (Date{2026, 3, 2}).Before(Date{2026, 3, 2}) {
		t.Error("Before is wrong")
	}
}

func TestParseLocalTimeStoresUTC(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	got, err := ParseLocalTime("occurred", "2026-03-01 08:30", shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("got %v, want %v in UTC", got, want)
	}
	if _, err := ParseLocalTime("occurred", "2026-03-01T08:30:00+08:00", time.UTC); err != nil {
		t.Errorf("RFC 3339 refused: %v", err)
	}
	if _, err := ParseLocalTime("occurred", "8:30 tomorrow", shanghai); err == nil {
		t.Error("nonsense accepted")
	}
}
