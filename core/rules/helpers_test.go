package rules

import (
	"testing"
	"time"

	"ticketbook/core"
)

// d parses a test date and fails loudly on a typo in the test itself.
func d(s string) core.Date {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return core.DateOf(t)
}

func id(n int64) *int64 { return &n }

func fen(n core.Fen) *core.Fen { return &n }

// cst is an instant given in Beijing time, the way notices print it.
func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, beijing)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// decidedTicket is a 200-yuan, 3-point decided ticket received on the given day.
func decidedTicket(received string) core.Violation {
	return core.Violation{
		ID: 1, VehicleID: 10, OccurredAt: cst("2026-02-20 08:30"), Code: "1625",
		FineFen: 20000, Points: 3, DecidedOn: d(received), ReceivedOn: d(received),
		DecisionNumber: "4403001234567896", Status: core.StatusDecided,
	}
}

func codes(bs []Blocker) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Code
	}
	return out
}

func checkSentences(t *testing.T, bs []Blocker) {
	t.Helper()
	for _, b := range bs {
		if b.Code == "" || b.En == "" || b.Zh == "" {
			t.Errorf("blocker %+v lacks a code or a sentence", b)
		}
	}
}
