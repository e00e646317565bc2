package rules

import (
	"fmt"
	"strings"

	"ticketbook/core"
	"ticketbook/core/ident"
)

// Blocker is one reason a thing cannot be done; Code is stable snake_case
// for programs, En and Zh are one sentence each for people.
type Blocker struct {
	Code, En, Zh string
}

// Blocker codes of OnlineVerdict, in the order they are reported.
const (
	BlockClosed                     = "closed"
	BlockAppealPending              = "appeal_pending"
	BlockFineOverLimit              = "fine_over_limit"
	BlockSeriousOffence             = "serious_offence"
	BlockVehicleUse                 = "vehicle_use"
	BlockNoDriver                   = "no_driver"
	BlockNoLicence                  = "no_licence"
	BlockWouldReachLimit            = "would_reach_limit"
	BlockNotOwnerNoRegistration     = "not_owner_no_registration"
	BlockOccurredBeforeRegistration = "occurred_before_registration"
	BlockNoDecisionNumber           = "no_decision_number"
	BlockDecisionNumber15           = "decision_number_15"
)

// tripBlockers can be cleared only at a traffic police service window.
var tripBlockers = map[string]bool{
	BlockFineOverLimit:              true,
	BlockSeriousOffence:             true,
	BlockVehicleUse:                 true,
	BlockWouldReachLimit:            true,
	BlockOccurredBeforeRegistration: true,
}

// Verdict says whether a ticket can be handled online and, if not, why.
type Verdict struct {
	OK                   bool
	Blockers             []Blocker
	InsteadEn, InsteadZh string // when blocked: what to do instead
	NeedsTrip            bool   // some blocker only a service window can clear
}

// Has reports whether the verdict holds a blocker with this code.
func (v Verdict) Has(code string) bool {
	for _, b := range v.Blockers {
		if b.Code == code {
			return true
		}
	}
	return false
}

// VerdictInput is everything OnlineVerdict looks at.
type VerdictInput struct {
	Violation      core.Violation
	Vehicle        core.Vehicle
	Driver         *core.Person // the effective driver (manual or matched), nil if none
	DriverStanding *Standing    // nil if no driver or no first-issued date
	Registrations  []core.Registration
	Settings       Settings
	AsOf           core.Date
}

// OnlineVerdict applies the official app's conditions for online handling
// (DOMAIN.md, [practice]): a fine within the simple procedure, an offence
// that is not handled in person, a vehicle that is not a transport, school
// or hazardous-goods vehicle, the driver's own licence, points staying below
// the limit, and the vehicle being the driver's own or registered to them
// from before the offence. Paying needs the full 16-digit decision number.
// Every blocker that applies is reported, so the user sees all of them at once.
func OnlineVerdict(t *Table, in VerdictInput) Verdict {
	v := in.Violation
	region := in.Settings.Region
	if !v.Status.Open() {
		return Verdict{
			Blockers:  []Blocker{closedBlocker(v.Status)},
			InsteadEn: "Nothing to do: this ticket is closed.",
			InsteadZh: "无需处理：此违法记录已办结。",
		}
	}
	var bs []Blocker
	add := func(code, en, zh string) { bs = append(bs, Blocker{Code: code, En: en, Zh: zh}) }

	if v.Status == core.StatusAppealed {
		add(BlockAppealPending, "An appeal is pending; the result decides whether anything is owed.",
			"申诉正在处理中，是否需要缴款以申诉结果为准。")
	}
	// Once a decision exists, handling is done and what is left is paying it,
	// which goes by the decision number for any amount and needs nobody's
	// licence: the handling blockers no longer apply.
	decided := !v.DecidedOn.IsZero() || strings.TrimSpace(v.DecisionNumber) != ""
	maxFine := core.Fen(t.rule(KeyOnlineMaxFineFen, region, in.AsOf).Value)
	if !decided {
		handlingBlockers(t, in, maxFine, add)
	}
	if v.Status == core.StatusDecided || v.Status == core.StatusConfirmed || v.Status == core.StatusAppealRejected {
		if strings.TrimSpace(v.DecisionNumber) == "" {
			add(BlockNoDecisionNumber, "The decision number is missing; paying needs the 16-digit number on the penalty decision.",
				"缺少决定书编号；缴款需要处罚决定书上的 16 位编号。")
		}
	}
	if d, err := ident.ParseDecisionNumber(v.DecisionNumber); err == nil && !d.HasCheck {
		add(BlockDecisionNumber15, "The decision number has only 15 digits and banks reject it; the 16th digit is on the notice.",
			"决定书编号只有 15 位，银行不受理；第 16 位数字印在决定书上。")
	}
	verdict := Verdict{OK: len(bs) == 0, Blockers: bs}
	for _, b := range bs {
		if tripBlockers[b.Code] {
			verdict.NeedsTrip = true
		}
	}
	if !verdict.OK {
		verdict.InsteadEn, verdict.InsteadZh = instead(verdict)
	}
	return verdict
}

// handlingBlockers are what stands between a record with no decision yet and
// handling it online: the amount, the offence, the vehicle and the driver.
func handlingBlockers(t *Table, in VerdictInput, maxFine core.Fen, add func(code, en, zh string)) {
	v := in.Violation
	region := in.Settings.Region
	if v.FineFen > maxFine {
		add(BlockFineOverLimit,
			fmt.Sprintf("The fine of %s yuan is over the %s yuan that can be handled online.", v.FineFen.Yuan(), maxFine.Yuan()),
			fmt.Sprintf("罚款 %s 元，超过网上可处理的 %s 元上限。", v.FineFen.Yuan(), maxFine.Yuan()))
	}
	if en, zh, serious := seriousOffence(t, v, region, in.AsOf); serious {
		add(BlockSeriousOffence, en, zh)
	}
	switch in.Vehicle.Use {
	case core.UseTransport:
		add(BlockVehicleUse, "Tickets of a passenger or goods transport vehicle cannot be handled online.",
			"客货运输车辆的违法记录不能在网上处理。")
	case core.UseSchoolBus:
		add(BlockVehicleUse, "Tickets of a school bus cannot be handled online.", "校车的违法记录不能在网上处理。")
	case core.UseHazardous:
		add(BlockVehicleUse, "Tickets of a hazardous-goods vehicle cannot be handled online.",
			"危险货物运输车辆的违法记录不能在网上处理。")
	}
	// The driver's licence matters only for a record that carries points: a
	// 0-point record can be handled without naming anyone.
	if v.Points > 0 {
		driverBlockers(t, in, add)
	}
}

func closedBlocker(s core.ViolationStatus) Blocker {
	return Blocker{Code: BlockClosed,
		En: fmt.Sprintf("The ticket is closed (%s); there is nothing to handle.", s.Name("en")),
		Zh: fmt.Sprintf("此违法记录已办结（%s），无需处理。", s.Name("zh"))}
}

// seriousOffence catches, before any decision, what goes through the general
// procedure and must be handled in person (DOMAIN.md [law]): an offence worth
// the full points of a cycle, or a listed offence code. (A general-procedure
// decision number only exists once decided, when paying is all that is left.)
func seriousOffence(t *Table, v core.Violation, region string, on core.Date) (en, zh string, ok bool) {
	if limit := t.rule(KeyPointsLimit, region, on).Value; int64(v.Points) >= limit {
		return fmt.Sprintf("An offence worth %d points must be handled in person.", v.Points),
			fmt.Sprintf("记 %d 分的违法行为须到窗口办理。", v.Points), true
	}
	if ip, listed := t.InPerson(v.Code); listed {
		return fmt.Sprintf("Offence %s must be handled in person.", ip.Code),
			fmt.Sprintf("违法代码 %s 须到窗口办理。", ip.Code), true
	}
	return "", "", false
}

func driverBlockers(t *Table, in VerdictInput, add func(code, en, zh string)) {
	v, p := in.Violation, in.Driver
	if p == nil {
		add(BlockNoDriver, "Nobody is recorded as the driver; the record must be handled with the licence of whoever was driving.",
			"尚未指定驾驶人；须用实际驾驶人的驾驶证处理。")
		return
	}
	if strings.TrimSpace(p.IDNumber) == "" {
		add(BlockNoLicence, fmt.Sprintf("%s has no licence (ID) number recorded.", p.Name),
			fmt.Sprintf("%s 没有登记驾驶证（身份证）号码。", p.Name))
	}
	if in.DriverStanding != nil {
		after, _ := ProjectPoints(*in.DriverStanding, v, t)
		if limit := t.rule(KeyPointsLimit, in.Settings.Region, in.AsOf).Value; int64(after) >= limit {
			add(BlockWouldReachLimit,
				fmt.Sprintf("This record would bring %s to %d of %d points, and online handling needs the total to stay below %d.", p.Name, after, limit, limit),
				fmt.Sprintf("处理此记录后 %s 将累计 %d 分（满分 %d 分），网上处理要求累计低于 %d 分。", p.Name, after, limit, limit))
		}
	}
	if isOwner(in.Vehicle, *p) {
		return
	}
	var approved []core.Registration
	for _, r := range in.Registrations {
		if r.PersonID == p.ID && r.Status == core.RegApproved && (in.Vehicle.ID == 0 || r.VehicleID == in.Vehicle.ID) {
			approved = append(approved, r)
		}
	}
	if len(approved) == 0 {
		add(BlockNotOwnerNoRegistration,
			fmt.Sprintf("%s does not own this vehicle and has no approved non-owner registration on it.", p.Name),
			fmt.Sprintf("%s 不是此车所有人，也没有已通过的非本人机动车备案。", p.Name))
		return
	}
	// A registration covers only records that occurred on or after its
	// approval day (Beijing time). A registration with no approval date
	// recorded is given the benefit of the doubt.
	occurred := beijingDate(v.OccurredAt)
	var earliest core.Date
	for _, r := range approved {
		if r.Approved.IsZero() {
			return
		}
		if earliest.IsZero() || r.Approved.Before(earliest) {
			earliest = r.Approved
		}
	}
	if !v.OccurredAt.IsZero() && occurred.Before(earliest) {
		add(BlockOccurredBeforeRegistration,
			fmt.Sprintf("The offence on %s happened before %s's registration was approved on %s.", occurred, p.Name, earliest),
			fmt.Sprintf("违法发生在 %s，早于 %s 的备案通过日期 %s。", occurred, p.Name, earliest))
	}
}

// isOwner: the vehicle's owner person, or, when no person is linked, an
// owner name equal to the driver's.
func isOwner(veh core.Vehicle, p core.Person) bool {
	if veh.OwnerPersonID != nil {
		return *veh.OwnerPersonID == p.ID
	}
	owner, name := strings.TrimSpace(veh.OwnerName), strings.TrimSpace(p.Name)
	return owner != "" && owner == name
}

// instead is one sentence for the most decisive blocker. It never suggests
// handling with someone else's licence: that moves points, itself an offence.
func instead(v Verdict) (en, zh string) {
	if v.Blockers[0].Code == BlockAppealPending {
		return "Wait for the appeal result; pay only if the appeal is rejected.",
			"请等待申诉结果，申诉被驳回后再缴款。"
	}
	if v.NeedsTrip {
		return "Take the driver's licence to a traffic police service window (车管所/交警队).",
			"请驾驶人携带驾驶证到车管所或交警队窗口办理。"
	}
	switch v.Blockers[0].Code {
	case BlockNoDriver:
		return "Assign who was driving first.", "请先指定违法时的实际驾驶人。"
	case BlockNoLicence:
		return "Add the driver's licence (ID) number first.", "请先填写驾驶人的驾驶证（身份证）号码。"
	case BlockNotOwnerNoRegistration:
		return "Register the driver on this vehicle (non-owner registration), or take the driver's licence to a service window.",
			"请为驾驶人办理非本人机动车备案，或由驾驶人携带驾驶证到窗口办理。"
	case BlockNoDecisionNumber:
		return "Enter the 16-digit number from the penalty decision.", "请填写处罚决定书上的 16 位编号。"
	case BlockDecisionNumber15:
		return "Find the 16th digit on the notice and enter the full number.", "请在决定书上找到第 16 位数字，填写完整编号。"
	}
	return "Take the driver's licence to a traffic police service window (车管所/交警队).",
		"请驾驶人携带驾驶证到车管所或交警队窗口办理。"
}
