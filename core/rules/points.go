package rules

import (
	"ticketbook/core"
)

// Standing levels.
const (
	LevelOK    = "ok"
	LevelWarn  = "warn"
	LevelLimit = "limit"
)

// Cycle is a 12-point scoring cycle; End is inclusive.
type Cycle struct{ Start, End core.Date }

// Contains reports whether d falls in the cycle.
func (c Cycle) Contains(d core.Date) bool {
	return !c.Start.IsZero() && !d.Before(c.Start) && !d.After(c.End)
}

// CycleAt is the scoring cycle running on asOf for a licence first issued
// on firstIssued (MPS Order 163: cycles run from the first-issued date, not
// the calendar year). It is false when firstIssued is unknown or later than
// asOf. End is the day before the next cycle starts, so cycles tile without
// gap or overlap even for a Feb 29 licence (see anniversary, [unsure]).
func CycleAt(firstIssued, asOf core.Date, t *Table) (Cycle, bool) {
	if firstIssued.IsZero() || asOf.IsZero() || firstIssued.After(asOf) {
		return Cycle{}, false
	}
	months := int(t.rule(KeyCycleMonths, "", asOf).Value) // Load guarantees >= 1
	elapsed := (asOf.Year-firstIssued.Year)*12 + int(asOf.Month-firstIssued.Month)
	k := elapsed / months
	for k > 0 && anniversary(firstIssued, k*months).After(asOf) {
		k--
	}
	for !anniversary(firstIssued, (k+1)*months).After(asOf) {
		k++
	}
	start := anniversary(firstIssued, k*months)
	return Cycle{Start: start, End: anniversary(firstIssued, (k+1)*months).AddDays(-1)}, true
}

// Standing is a driver's points as of a day.
type Standing struct {
	Cycle         Cycle
	PointsInCycle int // decided in the cycle, appeal not upheld
	PointsCarried int // decided before the cycle and fine still unpaid: they carry over (Order 163)
	Total         int
	Level         string    // LevelOK, LevelWarn (>= points_warn) or LevelLimit (>= points_limit)
	Limit         int       // points_limit, for "N of 12"
	AsOf          core.Date // the day the standing was computed for
	// PersonID is whose standing it is: a record attributed to someone else
	// (or suggested but not yet assigned) is not in it.
	PersonID int64
}

// PersonStanding adds up the points of the violations attributed to p. The
// caller passes the violations p was driving for; one with another DriverID
// is skipped, one with none is taken as the caller's attribution. Points are
// recorded when the decision is made, so undecided records do not count.
// Study deductions (at most study_max_points a cycle) are not recorded
// anywhere, so they are not subtracted: the standing errs high, never low.
// Without a first-issued date there is no cycle and the standing is empty.
func PersonStanding(t *Table, p core.Person, attributed []core.Violation, asOf core.Date) Standing {
	st := Standing{AsOf: asOf, Limit: int(t.rule(KeyPointsLimit, "", asOf).Value), Level: LevelOK, PersonID: p.ID}
	c, ok := CycleAt(p.FirstIssued, asOf, t)
	if !ok {
		return st
	}
	st.Cycle = c
	for _, v := range attributed {
		if v.DriverID != nil && *v.DriverID != p.ID {
			continue
		}
		switch classify(v, st) {
		case countedInCycle:
			st.PointsInCycle += max(v.Points, 0)
		case countedCarried:
			st.PointsCarried += max(v.Points, 0)
		}
	}
	st.Total = st.PointsInCycle + st.PointsCarried
	st.Level = level(t, st.Total, asOf)
	return st
}

type counted int

const (
	notCounted counted = iota
	countedInCycle
	countedCarried
)

// classify is the one place that decides whether v's points are in a
// standing, so ProjectPoints never counts a record twice.
func classify(v core.Violation, st Standing) counted {
	if v.DecidedOn.IsZero() || st.Cycle.Start.IsZero() || v.Status == core.StatusAppealUpheld {
		return notCounted
	}
	if !st.AsOf.IsZero() && v.DecidedOn.After(st.AsOf) {
		return notCounted
	}
	if st.Cycle.Contains(v.DecidedOn) {
		return countedInCycle
	}
	if v.DecidedOn.Before(st.Cycle.Start) && v.Status != core.StatusPaid && v.Status != core.StatusInPerson {
		return countedCarried
	}
	return notCounted
}

func level(t *Table, total int, on core.Date) string {
	switch {
	case int64(total) >= t.rule(KeyPointsLimit, "", on).Value:
		return LevelLimit
	case int64(total) >= t.rule(KeyPointsWarn, "", on).Value:
		return LevelWarn
	}
	return LevelOK
}

// ProjectPoints is where the driver would stand after handling v: "you will
// be at N of 12". A record already in the standing is not added again, and
// a closed one adds nothing.
func ProjectPoints(st Standing, v core.Violation, t *Table) (after int, lvl string) {
	after = st.Total
	attributed := v.DriverID != nil && *v.DriverID == st.PersonID
	if (!attributed || classify(v, st) == notCounted) && v.Status.Open() {
		after += max(v.Points, 0)
	}
	on := st.AsOf
	if on.IsZero() {
		on = st.Cycle.Start
	}
	return after, level(t, after, on)
}
