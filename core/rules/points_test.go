package rules

import (
	"math/rand"
	"testing"

	"ticketbook/core"
)

func TestCycleAt(t *testing.T) {
	cases := []struct {
		first, asOf, start, end string
	}{
		{"2015-06-01", "2026-05-31", "2025-06-01", "2026-05-31"},
		{"2015-06-01", "2026-06-01", "2026-06-01", "2027-05-31"},
		{"2015-06-01", "2015-06-01", "2015-06-01", "2016-05-31"}, // the very first day
		{"2015-12-31", "2026-01-01", "2025-12-31", "2026-12-30"},
		// [unsure] Feb 29 licences: anniversaries fall on Mar 1 in non-leap years.
		{"2020-02-29", "2021-02-28", "2020-02-29", "2021-02-28"},
		{"2020-02-29", "2021-03-01", "2021-03-01", "2022-02-28"},
		{"2020-02-29", "2024-02-28", "2023-03-01", "2024-02-28"},
		{"2020-02-29", "2024-02-29", "2024-02-29", "2025-02-28"},
		{"2020-02-29", "2025-03-01", "2025-03-01", "2026-02-28"},
	}
	for _, c := range cases {
		got, ok := CycleAt(d(c.first), d(c.asOf), Default())
		if !ok || got.Start != d(c.start) || got.End != d(c.end) {
			t.Errorf("CycleAt(%s, %s) = %s..%s %v; want %s..%s", c.first, c.asOf, got.Start, got.End, ok, c.start, c.end)
		}
	}
	if _, ok := CycleAt(core.Date{}, d("2026-01-01"), Default()); ok {
		t.Error("no first-issued date, yet a cycle")
	}
	if _, ok := CycleAt(d("2026-01-02"), d("2026-01-01"), Default()); ok {
		t.Error("licence issued after asOf, yet a cycle")
	}
}

// Cycles tile time: each contains its day, and the day after one ends is
// the first day of the next.
func TestCyclesTile(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	for i := 0; i < 2000; i++ {
		first := d("1960-01-01").AddDays(rng.Intn(24000))
		if rng.Intn(10) == 0 {
			first = d("2000-02-29")
		}
		asOf := first.AddDays(rng.Intn(20000))
		c, ok := CycleAt(first, asOf, Default())
		if !ok || !c.Contains(asOf) || c.End.Before(c.Start) {
			t.Fatalf("CycleAt(%s, %s) = %+v", first, asOf, c)
		}
		if n := daysBetween(c.Start, c.End); n < 364 || n > 365 {
			t.Fatalf("cycle %s..%s is %d days", c.Start, c.End, n+1)
		}
		nextC, _ := CycleAt(first, c.End.AddDays(1), Default())
		if nextC.Start != c.End.AddDays(1) {
			t.Fatalf("gap or overlap after %s..%s: next starts %s", c.Start, c.End, nextC.Start)
		}
	}
}

func TestPersonStanding(t *testing.T) {
	p := core.Person{ID: 7, Name: "王五", FirstIssued: d("2015-06-01")}
	asOf := d("2026-03-01") // cycle 2025-06-01..2026-05-31
	v := func(points int, decided string, s core.ViolationStatus) core.Violation {
		x := core.Violation{Points: points, Status: s, DriverID: id(7)}
		if decided != "" {
			x.DecidedOn = d(decided)
		}
		return x
	}
	other := v(6, "2025-07-01", core.StatusDecided)
	other.DriverID = id(8)
	attributed := []core.Violation{
		v(3, "2025-06-01", core.StatusPaid),           // first day of the cycle: counts (points stay after paying)
		v(2, "2026-02-01", core.StatusDecided),        // in cycle
		v(6, "2025-09-01", core.StatusAppealUpheld),   // appeal upheld: no points
		v(1, "2025-05-31", core.StatusDecided),        // last day of the previous cycle, unpaid: carried
		v(3, "2024-01-01", core.StatusAppealRejected), // two cycles back, unpaid: carried
		v(6, "2025-05-01", core.StatusPaid),           // previous cycle, paid: cleared
		v(6, "2025-05-01", core.StatusInPerson),       // previous cycle, handled: cleared
		v(3, "", core.StatusNew),                      // not decided: not recorded yet
		v(3, "2026-04-01", core.StatusDecided),        // decided after asOf: not yet
		other,                                         // someone else's
	}
	st := PersonStanding(Default(), p, attributed, asOf)
	if st.Cycle.Start != d("2025-06-01") || st.PointsInCycle != 5 || st.PointsCarried != 4 || st.Total != 9 || st.Level != LevelWarn || st.Limit != 12 {
		t.Fatalf("%+v", st)
	}
	// Already counted records are not added again; new ones are.
	if after, lvl := ProjectPoints(st, attributed[1], Default()); after != 9 || lvl != LevelWarn {
		t.Errorf("in-cycle record projected to %d %s", after, lvl)
	}
	if after, _ := ProjectPoints(st, attributed[3], Default()); after != 9 {
		t.Errorf("carried record projected to %d", after)
	}
	if after, lvl := ProjectPoints(st, attributed[7], Default()); after != 12 || lvl != LevelLimit {
		t.Errorf("new 3-point record projected to %d %s", after, lvl)
	}
	if after, _ := ProjectPoints(st, v(3, "2025-05-01", core.StatusPaid), Default()); after != 9 {
		t.Errorf("a closed record projected to %d", after)
	}
	ok := PersonStanding(Default(), p, attributed[:2], asOf)
	if ok.Total != 5 || ok.Level != LevelOK {
		t.Errorf("%+v", ok)
	}
	limit := PersonStanding(Default(), p, append(attributed, v(3, "2026-01-01", core.StatusDecided)), asOf)
	if limit.Total != 12 || limit.Level != LevelLimit {
		t.Errorf("%+v", limit)
	}
	// At the cycle boundary the in-cycle points of the old cycle are cleared
	// unless unpaid.
	next := PersonStanding(Default(), p, attributed, d("2026-06-01"))
	if next.PointsInCycle != 0 || next.PointsCarried != 2+1+3+3 {
		t.Errorf("next cycle: %+v", next)
	}
	none := PersonStanding(Default(), core.Person{ID: 7}, attributed, asOf)
	if none.Total != 0 || none.Level != LevelOK || !none.Cycle.Start.IsZero() {
		t.Errorf("no first-issued date: %+v", none)
	}
}
