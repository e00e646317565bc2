package tickets

import (
	"context"
	"sort"
	"strings"

	"ticketbook/core"
	"ticketbook/core/rules"
)

// Settings keys the rules read; they live in the database so the window and
// the CLI agree.
const (
	SettingConvention = "late_fee_convention"
	SettingRegion     = "region"
	// SettingOfficialHosts are the payment hosts a scanned link may point to
	// without a scam warning (comma-separated).
	SettingOfficialHosts = "official_hosts"
	// SettingProvider is where sync goes: "demo" (the built-in demo
	// provider), "off", or the provider's URL.
	SettingProvider = "provider"
)

// Blocker is one reason a violation cannot be handled online, as printed.
type Blocker struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Assessed is a violation with everything the rules say about it as of a
// date: what it costs, by when, who was driving, and what to do next.
type Assessed struct {
	View
	AsOf                core.Date `json:"as_of"`
	LateFeeFen          core.Fen  `json:"late_fee_fen"`
	LateFeeFromProvider bool      `json:"late_fee_from_provider"`
	TotalDueFen         core.Fen  `json:"total_due_fen"`
	DueOn               core.Date `json:"due_on"`
	DaysLeft            *int      `json:"days_left"`
	DaysLate            int       `json:"days_late"`
	LateFeeFrozen       bool      `json:"late_fee_frozen"`
	DeliveryAssumed     bool      `json:"delivery_assumed"`
	HandlingDeadline    core.Date `json:"handling_deadline"`
	DriverMatch         string    `json:"driver_match"`
	SuggestedDriver     *string   `json:"suggested_driver"`
	SuggestedDriverID   *int64    `json:"suggested_driver_id"`
	Candidates          []string  `json:"driver_candidates,omitempty"`
	OnlineOK            bool      `json:"online_ok"`
	Blockers            []string  `json:"blockers"`
	BlockerDetails      []Blocker `json:"blocker_details"`
	Instead             string    `json:"instead,omitempty"`
	NeedsTrip           bool      `json:"needs_trip"`
	PointsAfter         *int      `json:"points_after"`
	PointsLevel         string    `json:"points_level,omitempty"`
	NextAction          string    `json:"next_action"`
	NextActionText      string    `json:"next_action_text"`
	Urgency             int       `json:"urgency"`
	RulesApplied        []string  `json:"rules_applied"`

	assessment rules.Assessment
}

// Assessor computes Assessed views; it caches what many violations share
// (a vehicle's custody, a driver's standing) for one listing.
type Assessor struct {
	store    core.Store
	table    *rules.Table
	settings rules.Settings
	asOf     core.Date
	lang     string

	vehicles  map[int64]core.Vehicle
	people    map[int64]core.Person
	custody   map[int64][]core.Custody
	regs      map[int64][]core.Registration
	standings map[int64]*rules.Standing
}

// Settings reads the rule settings stored by the user (defaults otherwise).
func LoadSettings(ctx context.Context, r core.Repos) (rules.Settings, error) {
	s := rules.Settings{Convention: rules.ConventionNextDay}
	all, err := r.Settings().All(ctx)
	if err != nil {
		return s, err
	}
	if c, ok := all[SettingConvention]; ok {
		if s.Convention, err = rules.ParseConvention(c); err != nil {
			return s, err
		}
	}
	s.Region = all[SettingRegion]
	return s, nil
}

func (s *Service) Assessor(ctx context.Context, asOf core.Date, lang string) (*Assessor, error) {
	settings, err := LoadSettings(ctx, s.store)
	if err != nil {
		return nil, err
	}
	return &Assessor{
		store: s.store, table: s.table, settings: settings, asOf: asOf, lang: lang,
		vehicles: map[int64]core.Vehicle{}, people: map[int64]core.Person{},
		custody: map[int64][]core.Custody{}, regs: map[int64][]core.Registration{},
		standings: map[int64]*rules.Standing{},
	}, nil
}

// Assess lists violations with the rules applied as of asOf.
func (s *Service) Assess(ctx context.Context, f core.ViolationFilter, asOf core.Date, lang string) ([]Assessed, error) {
	a, err := s.Assessor(ctx, asOf, lang)
	if err != nil {
		return nil, err
	}
	views, err := s.Views(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]Assessed, len(views))
	for i, v := range views {
		if out[i], err = a.Assess(ctx, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AssessOne is Assess for a single violation.
func (s *Service) AssessOne(ctx context.Context, id int64, asOf core.Date, lang string) (Assessed, error) {
	a, err := s.Assessor(ctx, asOf, lang)
	if err != nil {
		return Assessed{}, err
	}
	v, err := s.View(ctx, id)
	if err != nil {
		return Assessed{}, err
	}
	return a.Assess(ctx, v)
}

// SortByUrgency orders assessed violations as the dashboard shows them:
// overdue with the late fee running first, then by deadline, then the ones
// that need a trip to a window.
func SortByUrgency(xs []Assessed) {
	sort.SliceStable(xs, func(i, j int) bool { return rules.Less(xs[i].assessment, xs[j].assessment) })
}

func (a *Assessor) text(en, zh string) string {
	if strings.HasPrefix(a.lang, "zh") {
		return zh
	}
	return en
}

func (a *Assessor) vehicle(ctx context.Context, id int64) (core.Vehicle, error) {
	if v, ok := a.vehicles[id]; ok {
		return v, nil
	}
	v, err := a.store.Vehicles().Get(ctx, id)
	a.vehicles[id] = v
	return v, err
}

func (a *Assessor) person(ctx context.Context, id int64) (core.Person, error) {
	if p, ok := a.people[id]; ok {
		return p, nil
	}
	p, err := a.store.People().Get(ctx, id)
	a.people[id] = p
	return p, err
}

func (a *Assessor) custodyOf(ctx context.Context, vehicleID int64) ([]core.Custody, error) {
	if cs, ok := a.custody[vehicleID]; ok {
		return cs, nil
	}
	cs, err := a.store.Custody().List(ctx, core.CustodyFilter{VehicleID: vehicleID})
	a.custody[vehicleID] = cs
	return cs, err
}

func (a *Assessor) registrationsOf(ctx context.Context, vehicleID int64) ([]core.Registration, error) {
	if rs, ok := a.regs[vehicleID]; ok {
		return rs, nil
	}
	rs, err := a.store.Registrations().List(ctx, core.RegistrationFilter{VehicleID: vehicleID})
	a.regs[vehicleID] = rs
	return rs, err
}

// Standing is a person's point standing as of the assessor's date.
func (a *Assessor) Standing(ctx context.Context, p core.Person) (*rules.Standing, error) {
	if st, ok := a.standings[p.ID]; ok {
		return st, nil
	}
	var st *rules.Standing
	if cycle, ok := rules.CycleAt(p.FirstIssued, a.asOf, a.table); ok {
		attributed, err := a.store.Violations().PointRecords(ctx, p.ID, cycle.Start)
		if err != nil {
			return nil, err
		}
		s := rules.PersonStanding(a.table, p, attributed, a.asOf)
		st = &s
	}
	a.standings[p.ID] = st
	return st, nil
}

func (a *Assessor) Assess(ctx context.Context, v View) (Assessed, error) {
	out := Assessed{View: v, AsOf: a.asOf, Blockers: []string{}, BlockerDetails: []Blocker{}, RulesApplied: []string{}}
	veh, err := a.vehicle(ctx, v.VehicleID)
	if err != nil {
		return out, err
	}
	custody, err := a.custodyOf(ctx, v.VehicleID)
	if err != nil {
		return out, err
	}
	regs, err := a.registrationsOf(ctx, v.VehicleID)
	if err != nil {
		return out, err
	}

	due := rules.ComputeDue(a.table, a.settings, v.Violation, a.asOf)
	out.LateFeeFen, out.LateFeeFromProvider, out.TotalDueFen = due.LateFeeFen, due.LateFeeFromProvider, due.TotalDueFen
	out.DaysLate, out.LateFeeFrozen, out.DeliveryAssumed = due.DaysLate, due.Frozen, due.DeliveryAssumed
	out.HandlingDeadline = due.HandlingDeadline
	if due.HasDeadline {
		out.DueOn = due.DueOn
		left := due.DaysLeft
		out.DaysLeft = &left
	}
	for _, r := range due.Rules {
		out.RulesApplied = append(out.RulesApplied, r.Key)
	}

	match := rules.SuggestDriver(v.Violation, custody)
	out.DriverMatch = match.Status
	var driver *core.Person
	var suggestedName string
	switch match.Status {
	case "manual":
		p, err := a.person(ctx, match.PersonID)
		if err != nil {
			return out, err
		}
		driver = &p
	case "matched":
		p, err := a.person(ctx, match.PersonID)
		if err != nil {
			return out, err
		}
		driver = &p
		suggestedName = p.Name
		out.SuggestedDriver, out.SuggestedDriverID = &suggestedName, &p.ID
	case "overlap":
		for _, id := range match.Candidates {
			p, err := a.person(ctx, id)
			if err != nil {
				return out, err
			}
			out.Candidates = append(out.Candidates, p.Name)
		}
	}
	if driver == nil && v.DriverID != nil {
		p, err := a.person(ctx, *v.DriverID)
		if err != nil {
			return out, err
		}
		driver = &p
	}

	in := rules.VerdictInput{Violation: v.Violation, Vehicle: veh, Driver: driver, Registrations: regs, Settings: a.settings, AsOf: a.asOf}
	driverName := ""
	if driver != nil {
		driverName = driver.Name
		st, err := a.Standing(ctx, *driver)
		if err != nil {
			return out, err
		}
		in.DriverStanding = st
		if st != nil {
			after, level := rules.ProjectPoints(*st, v.Violation, a.table)
			out.PointsAfter, out.PointsLevel = &after, level
		}
	}
	verdict := rules.OnlineVerdict(a.table, in)
	out.OnlineOK, out.NeedsTrip = verdict.OK, verdict.NeedsTrip
	for _, b := range verdict.Blockers {
		out.Blockers = append(out.Blockers, b.Code)
		out.BlockerDetails = append(out.BlockerDetails, Blocker{b.Code, a.text(b.En, b.Zh)})
	}
	if !verdict.OK {
		out.Instead = a.text(verdict.InsteadEn, verdict.InsteadZh)
	}
	next := rules.Next(v.Violation, due, match, verdict, driverName, suggestedName)
	out.NextAction, out.NextActionText, out.Urgency = next.Code, a.text(next.En, next.Zh), next.Rank
	out.assessment = rules.Assessment{Violation: v.Violation, Due: due, Match: match, Verdict: verdict, Next: next}
	return out, nil
}

// Standing is one person's 12-point standing as of a date; ok is false when
// the licence's first-issued date is unknown.
func (s *Service) Standing(ctx context.Context, personID int64, asOf core.Date) (rules.Standing, bool, error) {
	a, err := s.Assessor(ctx, asOf, "")
	if err != nil {
		return rules.Standing{}, false, err
	}
	p, err := a.person(ctx, personID)
	if err != nil {
		return rules.Standing{}, false, err
	}
	st, err := a.Standing(ctx, p)
	if err != nil || st == nil {
		return rules.Standing{}, false, err
	}
	return *st, true, nil
}
