package rules

import (
	"fmt"
	"sort"

	"ticketbook/core"
)

// Quota blocker codes of CheckQuota.
const (
	BlockAlreadyRegistered      = "already_registered"
	BlockPersonVehicleLimit     = "person_vehicle_limit"
	BlockVehicleRegistrantLimit = "vehicle_registrant_limit"
	BlockDailyLimit             = "daily_limit"
	BlockYearlyLimit            = "yearly_limit"
)

// QuotaInput is a registration about to be applied for and what exists.
type QuotaInput struct {
	New         core.Registration   // VehicleID, PersonID, Applied
	PersonRegs  []core.Registration // all registrations of this person (any vehicle, any status)
	VehicleRegs []core.Registration // all registrations of this vehicle
	Region      string              // "" national
}

// CheckQuota applies the non-owner registration limits ([practice], from the
// official app's guidance): vehicles per person and registrants per vehicle
// count active registrations (applied or approved); the daily and yearly
// limits count applications, whatever became of them. New itself is left
// out of every count when it already has an ID.
func CheckQuota(t *Table, in QuotaInput) []Blocker {
	var bs []Blocker
	on := in.New.Applied
	self := func(r core.Registration) bool { return in.New.ID != 0 && r.ID == in.New.ID }

	for _, r := range in.PersonRegs {
		if !self(r) && r.Active() && r.VehicleID == in.New.VehicleID && r.PersonID == in.New.PersonID {
			bs = append(bs, Blocker{Code: BlockAlreadyRegistered,
				En: "This person already has an active registration (applied or approved) on this vehicle.",
				Zh: "此人已有此车的备案（审核中或已通过）。"})
			break
		}
	}

	vehicles := map[int64]bool{}
	for _, r := range in.PersonRegs {
		if !self(r) && r.Active() && r.VehicleID != in.New.VehicleID {
			vehicles[r.VehicleID] = true
		}
	}
	if limit := t.rule(KeyRegMaxVehiclesPerPerson, in.Region, on).Value; int64(len(vehicles)) >= limit {
		bs = append(bs, Blocker{Code: BlockPersonVehicleLimit,
			En: fmt.Sprintf("This person already has %s registered as non-owned; the limit is %d at once.", plural(len(vehicles), "vehicle", "vehicles"), limit),
			Zh: fmt.Sprintf("此人已备案 %d 辆非本人机动车，同时最多只能备案 %d 辆。", len(vehicles), limit)})
	}

	people := map[int64]bool{}
	for _, r := range in.VehicleRegs {
		if !self(r) && r.Active() && r.PersonID != in.New.PersonID {
			people[r.PersonID] = true
		}
	}
	if limit := t.rule(KeyRegMaxRegistrantsPerVehicle, in.Region, on).Value; int64(len(people)) >= limit {
		bs = append(bs, Blocker{Code: BlockVehicleRegistrantLimit,
			En: fmt.Sprintf("This vehicle already has %s; the limit is %d at once.", plural(len(people), "non-owner registrant", "non-owner registrants"), limit),
			Zh: fmt.Sprintf("此车已有 %d 名非本人备案人，同时最多 %d 名。", len(people), limit)})
	}

	if on.IsZero() {
		return bs
	}
	sameDay, sameYear := 0, 0
	for _, r := range in.PersonRegs {
		if self(r) || r.Applied.IsZero() {
			continue
		}
		if r.Applied == on {
			sameDay++
		}
		if r.Applied.Year == on.Year {
			sameYear++
		}
	}
	if limit := t.rule(KeyRegPerDay, in.Region, on).Value; int64(sameDay) >= limit {
		bs = append(bs, Blocker{Code: BlockDailyLimit,
			En: fmt.Sprintf("This person already applied %s on %s; the limit is %s a day.", times(sameDay), on, plural(int(limit), "application", "applications")),
			Zh: fmt.Sprintf("此人 %s 已申请 %d 次，每天最多申请 %d 次。", on, sameDay, limit)})
	}
	if limit := t.rule(KeyRegPerYear, in.Region, on).Value; int64(sameYear) >= limit {
		bs = append(bs, Blocker{Code: BlockYearlyLimit,
			En: fmt.Sprintf("This person already applied %s in %d; the limit is %s a calendar year.", times(sameYear), on.Year, plural(int(limit), "application", "applications")),
			Zh: fmt.Sprintf("此人 %d 年已申请 %d 次，每个自然年最多申请 %d 次。", on.Year, sameYear, limit)})
	}
	return bs
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// CancelReminder asks the user to cancel a registration nobody needs any more.
type CancelReminder struct {
	RegistrationID int64
	En, Zh         string
}

// CancelReminders lists approved registrations with no open ticket left that
// needs them, so they stop holding one of the limited places (DOMAIN.md: a
// repair shop should cancel as soon as the job is done). An open ticket on
// the vehicle with no driver assigned yet might be the registrant's, so it
// keeps the registration too.
func CancelReminders(regs []core.Registration, violations []core.Violation) []CancelReminder {
	var out []CancelReminder
	for _, r := range regs {
		if r.Status != core.RegApproved {
			continue
		}
		needed := false
		for _, v := range violations {
			if v.VehicleID == r.VehicleID && v.Status.Open() && (v.DriverID == nil || *v.DriverID == r.PersonID) {
				needed = true
				break
			}
		}
		if !needed {
			out = append(out, CancelReminder{RegistrationID: r.ID,
				En: "No open ticket needs this non-owner registration any more; cancel it so it stops taking up one of the limited places.",
				Zh: "已没有待处理的违法记录需要此备案，请及时取消，以免占用有限的备案名额。"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RegistrationID < out[j].RegistrationID })
	return out
}
