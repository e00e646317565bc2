package rules

import (
	"sort"

	"ticketbook/core"
)

// Driver match statuses.
const (
	MatchManual  = "manual"
	MatchMatched = "matched"
	MatchNone    = "none"
	MatchOverlap = "overlap"
)

// DriverMatch says who was driving when the offence happened, and how we know.
type DriverMatch struct {
	Status   string // MatchManual, MatchMatched, MatchNone or MatchOverlap
	PersonID int64  // for manual and matched
	// Candidates are the people whose custody covers the offence time (one
	// for matched, several for overlap), sorted; empty for manual and none.
	Candidates []int64
}

// SuggestDriver finds the driver of v from the custody log of its vehicle.
// The user's own assignment always wins. Overlaps are reported, never
// resolved by guessing (DOMAIN.md: "Overlaps and gaps ... must be shown").
// A driver set on v without DriverManual is an earlier suggestion and is
// recomputed, so a corrected custody log corrects it.
func SuggestDriver(v core.Violation, custody []core.Custody) DriverMatch {
	if v.DriverManual && v.DriverID != nil {
		return DriverMatch{Status: MatchManual, PersonID: *v.DriverID}
	}
	if v.OccurredAt.IsZero() {
		return DriverMatch{Status: MatchNone}
	}
	seen := map[int64]bool{}
	var people []int64
	for _, c := range custody {
		if v.VehicleID != 0 && c.VehicleID != 0 && c.VehicleID != v.VehicleID {
			continue
		}
		if c.Covers(v.OccurredAt) && !seen[c.PersonID] {
			seen[c.PersonID] = true
			people = append(people, c.PersonID)
		}
	}
	sort.Slice(people, func(i, j int) bool { return people[i] < people[j] })
	switch len(people) {
	case 0:
		return DriverMatch{Status: MatchNone}
	case 1:
		return DriverMatch{Status: MatchMatched, PersonID: people[0], Candidates: people}
	}
	return DriverMatch{Status: MatchOverlap, Candidates: people}
}
