package tickets

import (
	"context"
	"time"

	"ticketbook/core"
	"ticketbook/core/fleet"
	"ticketbook/core/rules"
)

// DriverRisk is a person whose points are at or past the warning level.
type DriverRisk struct {
	Person   core.Person    `json:"person"`
	Standing rules.Standing `json:"standing"`
}

// CancelReminder is a registration the user can cancel now, with names.
type CancelReminder struct {
	Registration core.Registration `json:"registration"`
	Plate        string            `json:"plate"`
	Person       string            `json:"person"`
	Text         string            `json:"text"`
}

// Today is the start screen: what needs action now, in urgency order.
type Today struct {
	AsOf        core.Date        `json:"as_of"`
	Open        []Assessed       `json:"open"` // every open violation, most urgent first
	Overdue     []Assessed       `json:"overdue"`
	DueThisWeek []Assessed       `json:"due_this_week"`
	NeedTrip    []Assessed       `json:"need_trip"`
	NoDriver    []Assessed       `json:"no_driver"`
	AtRisk      []DriverRisk     `json:"drivers_at_risk"`
	ToCancel    []CancelReminder `json:"registrations_to_cancel"`

	OpenFinesFen core.Fen `json:"open_fines_fen"`
	LateFeesFen  core.Fen `json:"late_fees_fen"`
	PointsAtRisk int      `json:"points_at_risk"` // points of open records not yet decided
}

// Today gathers the start screen as of a date.
func (s *Service) Today(ctx context.Context, asOf core.Date, lang string) (Today, error) {
	t := Today{AsOf: asOf}
	a, err := s.Assessor(ctx, asOf, lang)
	if err != nil {
		return t, err
	}
	views, err := s.Views(ctx, core.ViolationFilter{Statuses: core.OpenStatuses()})
	if err != nil {
		return t, err
	}
	for _, v := range views {
		as, err := a.Assess(ctx, v)
		if err != nil {
			return t, err
		}
		t.Open = append(t.Open, as)
	}
	SortByUrgency(t.Open)
	for _, v := range t.Open {
		t.OpenFinesFen += v.FineFen
		t.LateFeesFen += v.LateFeeFen
		if v.DecidedOn.IsZero() && v.DecisionNumber == "" {
			t.PointsAtRisk += v.Points
		}
		// A pending appeal freezes the deadline: it is neither overdue nor due.
		switch {
		case v.DaysLeft == nil || v.LateFeeFrozen:
		case *v.DaysLeft < 0:
			t.Overdue = append(t.Overdue, v)
		case *v.DaysLeft <= 7:
			t.DueThisWeek = append(t.DueThisWeek, v)
		}
		if v.NeedsTrip {
			t.NeedTrip = append(t.NeedTrip, v)
		}
		if v.DriverID == nil && v.Points > 0 {
			t.NoDriver = append(t.NoDriver, v)
		}
	}

	people, err := s.store.People().List(ctx, core.PersonFilter{})
	if err != nil {
		return t, err
	}
	for _, p := range people {
		st, err := a.Standing(ctx, p)
		if err != nil {
			return t, err
		}
		if st != nil && st.Level != rules.LevelOK {
			t.AtRisk = append(t.AtRisk, DriverRisk{Person: p, Standing: *st})
		}
	}

	regs, err := s.store.Registrations().List(ctx, core.RegistrationFilter{ActiveOnly: true})
	if err != nil {
		return t, err
	}
	if regs, err = fleet.ReminderCandidates(ctx, s.store, regs); err != nil {
		return t, err
	}
	var vs []core.Violation
	seen := map[int64]bool{}
	for _, r := range regs {
		if seen[r.VehicleID] {
			continue
		}
		seen[r.VehicleID] = true
		more, err := s.store.Violations().List(ctx, core.ViolationFilter{VehicleID: r.VehicleID})
		if err != nil {
			return t, err
		}
		vs = append(vs, more...)
	}
	for _, rem := range rules.CancelReminders(regs, vs) {
		for _, r := range regs {
			if r.ID != rem.RegistrationID {
				continue
			}
			veh, err := a.vehicle(ctx, r.VehicleID)
			if err != nil {
				return t, err
			}
			p, err := a.person(ctx, r.PersonID)
			if err != nil {
				return t, err
			}
			t.ToCancel = append(t.ToCancel, CancelReminder{Registration: r, Plate: veh.Plate, Person: p.Name, Text: a.text(rem.En, rem.Zh)})
		}
	}
	return t, nil
}

// MonthFines is the fines of offences that happened in one month.
type MonthFines struct {
	Month   string   `json:"month"` // "2026-03"
	FineFen core.Fen `json:"fine_fen"`
	Count   int      `json:"count"`
}

// FinesByMonth totals the fines of the last n months up to and including
// the month of asOf, oldest first, for the chart on Today and in the report.
func (s *Service) FinesByMonth(ctx context.Context, asOf core.Date, n int) ([]MonthFines, error) {
	end := time.Date(asOf.Year, asOf.Month, 1, 0, 0, 0, 0, time.Local)
	start := end.AddDate(0, -(n - 1), 0)
	vs, err := s.store.Violations().List(ctx, core.ViolationFilter{From: start, To: end.AddDate(0, 1, 0)})
	if err != nil {
		return nil, err
	}
	out := make([]MonthFines, n)
	index := map[string]int{}
	for i := range out {
		out[i].Month = start.AddDate(0, i, 0).Format("2006-01")
		index[out[i].Month] = i
	}
	for _, v := range vs {
		if i, ok := index[v.OccurredAt.Local().Format("2006-01")]; ok && v.Status != core.StatusAppealUpheld {
			out[i].FineFen += v.FineFen
			out[i].Count++
		}
	}
	return out, nil
}
