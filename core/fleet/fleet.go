// Package fleet holds the user actions on vehicles, people, custody and
// non-owner registrations. Each action validates, then writes everything it
// changes in one transaction.
package fleet

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ticketbook/core"
	"ticketbook/core/field"
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

func (s *Service) AddVehicle(ctx context.Context, v core.Vehicle) (core.Vehicle, error) {
	if err := v.Normalize(); err != nil {
		return core.Vehicle{}, err
	}
	err := s.store.InTx(ctx, func(r core.Repos) error {
		if err := checkPlateFree(ctx, r, v, 0); err != nil {
			return err
		}
		if err := checkOwnerPerson(ctx, r, v.OwnerPersonID); err != nil {
			return err
		}
		return r.Vehicles().Insert(ctx, &v)
	})
	return v, err
}

// EditVehicle applies edit to the stored vehicle and saves it if it is still valid.
func (s *Service) EditVehicle(ctx context.Context, id int64, edit func(*core.Vehicle)) (core.Vehicle, error) {
	var out core.Vehicle
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Vehicles().Get(ctx, id)
		if err != nil {
			return err
		}
		edit(&v)
		v.ID = id
		if err := v.Normalize(); err != nil {
			return err
		}
		if err := checkPlateFree(ctx, r, v, id); err != nil {
			return err
		}
		if err := checkOwnerPerson(ctx, r, v.OwnerPersonID); err != nil {
			return err
		}
		out = v
		return r.Vehicles().Update(ctx, &out)
	})
	return out, err
}

// ArchiveVehicle hides a vehicle from everyday lists while keeping its history;
// it is what to do instead of deleting a car that has tickets.
func (s *Service) ArchiveVehicle(ctx context.Context, id int64, archived bool) (core.Vehicle, error) {
	return s.EditVehicle(ctx, id, func(v *core.Vehicle) { v.Archived = archived })
}

func (s *Service) DeleteVehicle(ctx context.Context, id int64) error {
	return s.store.InTx(ctx, func(r core.Repos) error { return r.Vehicles().Delete(ctx, id) })
}

func checkPlateFree(ctx context.Context, r core.Repos, v core.Vehicle, self int64) error {
	same, err := r.Vehicles().FindByPlate(ctx, v.Plate)
	if err != nil {
		return err
	}
	for _, o := range same {
		if o.PlateType == v.PlateType && o.ID != self {
			return core.Conflict("plate",
				fmt.Sprintf("a vehicle with plate %s and plate type %s is already recorded (id %d)", v.Plate, v.PlateType, o.ID),
				fmt.Sprintf("号牌 %s（号牌种类 %s）的车辆已存在（编号 %d）", v.Plate, v.PlateType, o.ID))
		}
	}
	return nil
}

func checkOwnerPerson(ctx context.Context, r core.Repos, id *int64) error {
	if id == nil {
		return nil
	}
	_, err := r.People().Get(ctx, *id)
	return err
}

func (s *Service) AddPerson(ctx context.Context, p core.Person) (core.Person, error) {
	if err := p.Normalize(); err != nil {
		return core.Person{}, err
	}
	err := s.store.InTx(ctx, func(r core.Repos) error { return r.People().Insert(ctx, &p) })
	return p, err
}

func (s *Service) EditPerson(ctx context.Context, id int64, edit func(*core.Person)) (core.Person, error) {
	var out core.Person
	err := s.store.InTx(ctx, func(r core.Repos) error {
		p, err := r.People().Get(ctx, id)
		if err != nil {
			return err
		}
		edit(&p)
		p.ID = id
		if err := p.Normalize(); err != nil {
			return err
		}
		out = p
		return r.People().Update(ctx, &out)
	})
	return out, err
}

// StartCustody records that a person has a vehicle from c.From (to c.To, or
// until ended). A second open-ended custody of one car is refused: a car is
// with one person at a time, and the first must be ended. Overlaps with closed
// periods are allowed (records are often entered late) but returned as
// warnings, because they make "who was driving" ambiguous.
func (s *Service) StartCustody(ctx context.Context, c core.Custody) (core.Custody, []*field.Error, error) {
	if err := c.Normalize(); err != nil {
		return core.Custody{}, nil, err
	}
	var warnings []*field.Error
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Vehicles().Get(ctx, c.VehicleID)
		if err != nil {
			return err
		}
		if _, err := r.People().Get(ctx, c.PersonID); err != nil {
			return err
		}
		existing, err := r.Custody().List(ctx, core.CustodyFilter{VehicleID: c.VehicleID})
		if err != nil {
			return err
		}
		for _, o := range existing {
			if !o.Overlaps(c) {
				continue
			}
			who, err := r.People().Get(ctx, o.PersonID)
			if err != nil {
				return err
			}
			if o.To == nil && c.To == nil {
				return core.Conflict("plate",
					fmt.Sprintf("%s is already out with %s since %s; end that custody first", v.Plate, who.Name, o.From.Local().Format("2006-01-02 15:04")),
					fmt.Sprintf("%s 自 %s 起已由 %s 使用，请先结束该记录", v.Plate, o.From.Local().Format("2006-01-02 15:04"), who.Name))
			}
			warnings = append(warnings, field.New("from", "custody_overlap",
				fmt.Sprintf("overlaps custody #%d of %s by %s; who was driving will need your decision in that time", o.ID, v.Plate, who.Name),
				fmt.Sprintf("与 %s 由 %s 使用的记录 #%d 时间重叠；该时段的驾驶人需要您确认", v.Plate, who.Name, o.ID)))
		}
		return r.Custody().Insert(ctx, &c)
	})
	if err != nil {
		return core.Custody{}, nil, err
	}
	return c, warnings, nil
}

// EndCustody closes the vehicle's open custody at the given time.
func (s *Service) EndCustody(ctx context.Context, vehicleID int64, at time.Time, odometerIn *int64) (core.Custody, error) {
	var out core.Custody
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Vehicles().Get(ctx, vehicleID)
		if err != nil {
			return err
		}
		open, err := r.Custody().List(ctx, core.CustodyFilter{VehicleID: vehicleID, OpenOnly: true})
		if err != nil {
			return err
		}
		if len(open) == 0 {
			return core.NotFound("plate",
				fmt.Sprintf("%s is not out with anyone; there is no open custody to end", v.Plate),
				fmt.Sprintf("%s 当前没有未结束的使用记录", v.Plate))
		}
		c := open[0]
		at := at.UTC()
		c.To = &at
		if odometerIn != nil {
			c.OdometerIn = odometerIn
		}
		if err := c.Normalize(); err != nil {
			return err
		}
		out = c
		return r.Custody().Update(ctx, &out)
	})
	return out, err
}

// AddRegistration records a non-owner registration of a person on a vehicle.
func (s *Service) AddRegistration(ctx context.Context, reg core.Registration) (core.Registration, error) {
	if err := reg.Normalize(); err != nil {
		return core.Registration{}, err
	}
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Vehicles().Get(ctx, reg.VehicleID)
		if err != nil {
			return err
		}
		p, err := r.People().Get(ctx, reg.PersonID)
		if err != nil {
			return err
		}
		if v.OwnerPersonID != nil && *v.OwnerPersonID == p.ID {
			return core.Conflict("person",
				fmt.Sprintf("%s owns %s; an owner needs no non-owner registration", p.Name, v.Plate),
				fmt.Sprintf("%s 是 %s 的所有人，无需备案非本人机动车", p.Name, v.Plate))
		}
		if reg.Active() {
			active, err := r.Registrations().List(ctx, core.RegistrationFilter{VehicleID: v.ID, PersonID: p.ID, ActiveOnly: true})
			if err != nil {
				return err
			}
			if len(active) > 0 {
				return core.Conflict("person",
					fmt.Sprintf("%s already has an active registration on %s (#%d)", p.Name, v.Plate, active[0].ID),
					fmt.Sprintf("%s 已备案 %s（#%d）", p.Name, v.Plate, active[0].ID))
			}
		}
		if err := s.checkQuota(ctx, r, reg); err != nil {
			return err
		}
		if err := r.Registrations().Insert(ctx, &reg); err != nil {
			return err
		}
		// An application by SMS code or QR code goes through the provider;
		// one made at a service window is already done there.
		if reg.Status == core.RegApplied && reg.Method != core.RegWindow {
			return r.Outbox().Add(ctx, &core.OutboxItem{Kind: core.OutboxRegister,
				Subject: core.RegistrationSubject(reg.ID), RegistrationID: &reg.ID})
		}
		return nil
	})
	return reg, err
}

// CancelRegistration ends a registration; a shop should do it as soon as the
// customer's car has no open tickets for its driver.
func (s *Service) CancelRegistration(ctx context.Context, id int64, on core.Date) (core.Registration, error) {
	var out core.Registration
	err := s.store.InTx(ctx, func(r core.Repos) error {
		reg, err := r.Registrations().Get(ctx, id)
		if err != nil {
			return err
		}
		if reg.Status == core.RegCancelled {
			return core.Conflict("id",
				fmt.Sprintf("registration #%d was already cancelled on %s", id, reg.Cancelled),
				fmt.Sprintf("备案 #%d 已于 %s 取消", id, reg.Cancelled))
		}
		if on.IsZero() {
			on = core.DateOf(s.now())
		}
		reg.Cancelled = on
		reg.Status = core.RegCancelled
		if err := reg.Normalize(); err != nil {
			return err
		}
		out = reg
		if err := r.Registrations().Update(ctx, &out); err != nil {
			return err
		}
		// Cancel at the provider too when it knows (or is about to know) of
		// the application.
		sent, err := r.Outbox().List(ctx, core.OutboxFilter{RegistrationID: id})
		if err != nil {
			return err
		}
		if reg.ProviderRef != "" || len(sent) > 0 {
			return r.Outbox().Add(ctx, &core.OutboxItem{Kind: core.OutboxCancelRegistration,
				Subject: core.RegistrationSubject(id), RegistrationID: &id})
		}
		return nil
	})
	return out, err
}

// ListVehicles is the read side of the vehicles screen.
func (s *Service) ListVehicles(ctx context.Context, f core.VehicleFilter) ([]core.Vehicle, error) {
	return s.store.Vehicles().List(ctx, f)
}

func (s *Service) ListPeople(ctx context.Context, f core.PersonFilter) ([]core.Person, error) {
	return s.store.People().List(ctx, f)
}

// checkQuota refuses a registration the authority would refuse: at most 3
// non-owned vehicles per person and 3 registrants per vehicle at once, one
// application per person a day and five a year.
func (s *Service) checkQuota(ctx context.Context, r core.Repos, reg core.Registration) error {
	personRegs, err := r.Registrations().List(ctx, core.RegistrationFilter{PersonID: reg.PersonID})
	if err != nil {
		return err
	}
	vehicleRegs, err := r.Registrations().List(ctx, core.RegistrationFilter{VehicleID: reg.VehicleID})
	if err != nil {
		return err
	}
	blockers := rules.CheckQuota(s.table, rules.QuotaInput{New: reg, PersonRegs: personRegs, VehicleRegs: vehicleRegs})
	if len(blockers) == 0 {
		return nil
	}
	var en, zh []string
	for _, b := range blockers {
		en, zh = append(en, b.En), append(zh, b.Zh)
	}
	return &core.Problem{Kind: core.ErrConflict, Field: "person", En: strings.Join(en, "; "), Zh: strings.Join(zh, "；")}
}

// CancelReminders lists approved registrations that can be cancelled because
// their driver has no open violation left on the vehicle.
//
// Only borrowed cars (a customer's, a relative's) get reminders: a company
// driver keeps the registration on the company car between tickets.
func (s *Service) CancelReminders(ctx context.Context, regs []core.Registration) ([]rules.CancelReminder, error) {
	regs, err := ReminderCandidates(ctx, s.store, regs)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var violations []core.Violation
	for _, reg := range regs {
		if seen[reg.VehicleID] {
			continue
		}
		seen[reg.VehicleID] = true
		vs, err := s.store.Violations().List(ctx, core.ViolationFilter{VehicleID: reg.VehicleID})
		if err != nil {
			return nil, err
		}
		violations = append(violations, vs...)
	}
	return rules.CancelReminders(regs, violations), nil
}

func (s *Service) ListCustody(ctx context.Context, f core.CustodyFilter) ([]core.Custody, error) {
	return s.store.Custody().List(ctx, f)
}

func (s *Service) ListRegistrations(ctx context.Context, f core.RegistrationFilter) ([]core.Registration, error) {
	return s.store.Registrations().List(ctx, f)
}

func (s *Service) Vehicle(ctx context.Context, id int64) (core.Vehicle, error) {
	return s.store.Vehicles().Get(ctx, id)
}

func (s *Service) Person(ctx context.Context, id int64) (core.Person, error) {
	return s.store.People().Get(ctx, id)
}

// ReminderCandidates keeps the registrations on vehicles that are borrowed
// (owned by a customer or family/friend), the ones to cancel after use.
func ReminderCandidates(ctx context.Context, r core.Repos, regs []core.Registration) ([]core.Registration, error) {
	var out []core.Registration
	kinds := map[int64]core.OwnerKind{}
	for _, reg := range regs {
		kind, ok := kinds[reg.VehicleID]
		if !ok {
			v, err := r.Vehicles().Get(ctx, reg.VehicleID)
			if err != nil {
				return nil, err
			}
			kind, kinds[reg.VehicleID] = v.OwnerKind, v.OwnerKind
		}
		if kind == core.OwnerCustomer || kind == core.OwnerFamily {
			out = append(out, reg)
		}
	}
	return out, nil
}
