// Package tickets holds the user actions on violations and payments.
package tickets

import (
	"context"
	"fmt"
	"time"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/ident"
	"ticketbook/core/rules"
)

type Service struct {
	store core.Store
	now   core.Clock
	table *rules.Table
}

func New(store core.Store, now core.Clock) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now, table: rules.Default()}
}

// Rules is the rule table the service applies.
func (s *Service) Rules() *rules.Table { return s.table }

// AddViolation records a violation. A driver given here is the user's own
// assignment and is never replaced by a suggestion.
func (s *Service) AddViolation(ctx context.Context, v core.Violation) (core.Violation, []*field.Error, error) {
	if v.DriverID != nil {
		v.DriverManual = true
	}
	if err := v.Normalize(); err != nil {
		return core.Violation{}, nil, err
	}
	err := s.store.InTx(ctx, func(r core.Repos) error {
		if _, err := r.Vehicles().Get(ctx, v.VehicleID); err != nil {
			return err
		}
		if v.DriverID != nil {
			if _, err := r.People().Get(ctx, *v.DriverID); err != nil {
				return err
			}
		}
		return r.Violations().Insert(ctx, &v)
	})
	if err != nil {
		return core.Violation{}, nil, err
	}
	return v, v.Warnings(), nil
}

func (s *Service) EditViolation(ctx context.Context, id int64, edit func(*core.Violation)) (core.Violation, []*field.Error, error) {
	var out core.Violation
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Violations().Get(ctx, id)
		if err != nil {
			return err
		}
		before := v.DriverID
		edit(&v)
		v.ID = id
		if !sameID(before, v.DriverID) {
			v.DriverManual = v.DriverID != nil
		}
		if err := v.Normalize(); err != nil {
			return err
		}
		if v.DriverID != nil {
			if _, err := r.People().Get(ctx, *v.DriverID); err != nil {
				return err
			}
		}
		out = v
		return r.Violations().Update(ctx, &out)
	})
	if err != nil {
		return core.Violation{}, nil, err
	}
	return out, out.Warnings(), nil
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// View is a violation with the names a person reads next to it.
type View struct {
	core.Violation
	Plate     string          `json:"plate"`
	PlateType ident.PlateType `json:"plate_type"`
	Driver    string          `json:"driver"`
}

// Views loads violations with their plate and driver name.
func (s *Service) Views(ctx context.Context, f core.ViolationFilter) ([]View, error) {
	vs, err := s.store.Violations().List(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.decorate(ctx, vs)
}

func (s *Service) View(ctx context.Context, id int64) (View, error) {
	v, err := s.store.Violations().Get(ctx, id)
	if err != nil {
		return View{}, err
	}
	out, err := s.decorate(ctx, []core.Violation{v})
	if err != nil {
		return View{}, err
	}
	return out[0], nil
}

func (s *Service) decorate(ctx context.Context, vs []core.Violation) ([]View, error) {
	vehicles := map[int64]core.Vehicle{}
	people := map[int64]core.Person{}
	out := make([]View, len(vs))
	for i, v := range vs {
		veh, ok := vehicles[v.VehicleID]
		if !ok {
			var err error
			if veh, err = s.store.Vehicles().Get(ctx, v.VehicleID); err != nil {
				return nil, err
			}
			vehicles[v.VehicleID] = veh
		}
		out[i] = View{Violation: v, Plate: veh.Plate, PlateType: veh.PlateType}
		if v.DriverID != nil {
			p, ok := people[*v.DriverID]
			if !ok {
				var err error
				if p, err = s.store.People().Get(ctx, *v.DriverID); err != nil {
					return nil, err
				}
				people[*v.DriverID] = p
			}
			out[i].Driver = p.Name
		}
	}
	return out, nil
}

// RecordPayment records a payment made outside Ticketbook (at a bank counter,
// in the official app) and marks the violation paid, both in one transaction.
// The database refuses a second live payment of the same violation.
func (s *Service) RecordPayment(ctx context.Context, p core.Payment) (core.Payment, error) {
	if p.State == "" {
		p.State = core.PayConfirmed
	}
	if p.PaidAt == nil && p.State == core.PayConfirmed {
		now := s.now().UTC()
		p.PaidAt = &now
	}
	if err := p.Normalize(); err != nil {
		return core.Payment{}, err
	}
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Violations().Get(ctx, p.ViolationID)
		if err != nil {
			return err
		}
		if v.Status == core.StatusPaid {
			return core.Conflict("violation",
				fmt.Sprintf("violation #%d is already paid; a fine paid twice cannot be got back", v.ID),
				fmt.Sprintf("违法记录 #%d 已缴款；重复缴纳的罚款无法退回", v.ID))
		}
		if err := r.Payments().Insert(ctx, &p); err != nil {
			return err
		}
		if p.State == core.PayConfirmed {
			v.Status = core.StatusPaid
			return r.Violations().Update(ctx, &v)
		}
		return nil
	})
	return p, err
}
