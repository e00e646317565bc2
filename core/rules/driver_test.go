package rules

import (
	"reflect"
	"testing"
	"time"

	"ticketbook/core"
)

func custody(person int64, from, to string) core.Custody {
	c := core.Custody{VehicleID: 10, PersonID: person, From: cst(from)}
	if to != "" {
		end := cst(to)
		c.To = &end
	}
	return c
}

func TestSuggestDriver(t *testing.T) {
	at := core.Violation{VehicleID: 10, OccurredAt: cst("2026-03-05 14:00")}
	log := []core.Custody{
		custody(1, "2026-03-01 08:00", "2026-03-05 14:00"), // ends exactly at the offence: not covering
		custody(2, "2026-03-05 14:00", "2026-03-06 09:00"), // starts exactly at it: covering
		custody(3, "2026-02-01 08:00", "2026-02-10 08:00"),
	}
	cases := []struct {
		name string
		v    core.Violation
		log  []core.Custody
		want DriverMatch
	}{
		{"matched", at, log, DriverMatch{Status: MatchMatched, PersonID: 2, Candidates: []int64{2}}},
		{"none", at, log[2:], DriverMatch{Status: MatchNone}},
		{"empty log", at, nil, DriverMatch{Status: MatchNone}},
		{"overlap", at, append([]core.Custody{custody(4, "2026-03-05 00:00", "")}, log...),
			DriverMatch{Status: MatchOverlap, Candidates: []int64{2, 4}}},
		{"same person twice is one match", at, []core.Custody{custody(2, "2026-03-05 00:00", ""), custody(2, "2026-03-05 12:00", "2026-03-05 18:00")},
			DriverMatch{Status: MatchMatched, PersonID: 2, Candidates: []int64{2}}},
		{"another vehicle's custody is ignored", at, []core.Custody{{VehicleID: 99, PersonID: 7, From: cst("2026-01-01 00:00")}},
			DriverMatch{Status: MatchNone}},
		{"manual wins over custody", withDriver(at, 9, true), log, DriverMatch{Status: MatchManual, PersonID: 9}},
		{"manual wins over an overlap", withDriver(at, 9, true), append(log, custody(4, "2026-03-05 00:00", "")), DriverMatch{Status: MatchManual, PersonID: 9}},
		{"an unconfirmed driver is recomputed", withDriver(at, 9, false), log, DriverMatch{Status: MatchMatched, PersonID: 2, Candidates: []int64{2}}},
		{"manual flag without a driver", core.Violation{VehicleID: 10, OccurredAt: at.OccurredAt, DriverManual: true}, log,
			DriverMatch{Status: MatchMatched, PersonID: 2, Candidates: []int64{2}}},
		{"no offence time", core.Violation{VehicleID: 10}, log, DriverMatch{Status: MatchNone}},
	}
	for _, c := range cases {
		if got := SuggestDriver(c.v, c.log); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v; want %+v", c.name, got, c.want)
		}
	}
}

// An open-ended custody covers every later instant.
func TestSuggestDriverOpenCustody(t *testing.T) {
	v := core.Violation{VehicleID: 10, OccurredAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	if got := SuggestDriver(v, []core.Custody{custody(5, "2026-01-01 00:00", "")}); got.Status != MatchMatched || got.PersonID != 5 {
		t.Errorf("%+v", got)
	}
}

func withDriver(v core.Violation, person int64, manual bool) core.Violation {
	v.DriverID, v.DriverManual = id(person), manual
	return v
}
