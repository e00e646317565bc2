package rules

import (
	"reflect"
	"strings"
	"testing"

	"ticketbook/core"
)

// cleanInput is a ticket that can be handled online: a new 3-point,
// 200-yuan camera record of a private car, driven by its owner.
func cleanInput() VerdictInput {
	driver := core.Person{ID: 7, Name: "王五", IDNumber: "11010519491231002X", FirstIssued: d("2015-06-01")}
	return VerdictInput{
		Violation: core.Violation{ID: 1, VehicleID: 10, OccurredAt: cst("2026-03-01 08:00"), Code: "1625",
			FineFen: 20000, Points: 3, Status: core.StatusNew, DriverID: id(7), DriverManual: true},
		Vehicle:        core.Vehicle{ID: 10, Plate: "粤B12345", OwnerPersonID: id(7), Use: core.UsePrivate},
		Driver:         &driver,
		DriverStanding: &Standing{Cycle: Cycle{d("2025-06-01"), d("2026-05-31")}, Total: 0, AsOf: d("2026-03-10")},
		AsOf:           d("2026-03-10"),
	}
}

func TestOnlineVerdictClean(t *testing.T) {
	v := OnlineVerdict(Default(), cleanInput())
	if !v.OK || len(v.Blockers) != 0 || v.NeedsTrip || v.InsteadEn != "" {
		t.Fatalf("%+v", v)
	}
	in := cleanInput() // owner by name when no person is linked
	in.Vehicle.OwnerPersonID, in.Vehicle.OwnerName = nil, " 王五 "
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("owner by name: %+v", v)
	}
	in = cleanInput() // a registered non-owner, approved before the offence
	in.Vehicle.OwnerPersonID = id(1)
	in.Registrations = []core.Registration{{VehicleID: 10, PersonID: 7, Status: core.RegApproved, Applied: d("2026-01-01"), Approved: d("2026-01-03")}}
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("registered driver: %+v", v)
	}
	in = cleanInput() // 0 points: nobody's licence is needed
	in.Violation.Points, in.Driver, in.DriverStanding = 0, nil, nil
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("0-point record: %+v", v)
	}
	in = cleanInput() // a decided simple-procedure ticket with its 16-digit number
	in.Violation.Status, in.Violation.DecisionNumber, in.Violation.DecidedOn = core.StatusDecided, "4403001234567896", d("2026-03-05")
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("decided: %+v", v)
	}
}

func TestOnlineVerdictEachBlocker(t *testing.T) {
	cases := []struct {
		code  string
		trip  bool
		apply func(*VerdictInput)
	}{
		{BlockAppealPending, false, func(in *VerdictInput) { in.Violation.Status = core.StatusAppealed }},
		{BlockFineOverLimit, true, func(in *VerdictInput) { in.Violation.FineFen = 20001 }},
		{BlockSeriousOffence, true, func(in *VerdictInput) { in.Violation.Points, in.DriverStanding = 12, nil }},
		{BlockSeriousOffence, true, func(in *VerdictInput) {}}, // by the in-person list; see below
		{BlockVehicleUse, true, func(in *VerdictInput) { in.Vehicle.Use = core.UseTransport }},
		{BlockVehicleUse, true, func(in *VerdictInput) { in.Vehicle.Use = core.UseSchoolBus }},
		{BlockVehicleUse, true, func(in *VerdictInput) { in.Vehicle.Use = core.UseHazardous }},
		{BlockNoDriver, false, func(in *VerdictInput) { in.Driver, in.DriverStanding = nil, nil }},
		{BlockNoLicence, false, func(in *VerdictInput) { in.Driver.IDNumber = "" }},
		{BlockWouldReachLimit, true, func(in *VerdictInput) { in.DriverStanding.Total = 9 }},
		{BlockNotOwnerNoRegistration, false, func(in *VerdictInput) { in.Vehicle.OwnerPersonID = id(1) }},
		{BlockNotOwnerNoRegistration, false, func(in *VerdictInput) {
			in.Vehicle.OwnerPersonID = id(1)
			in.Registrations = []core.Registration{
				{VehicleID: 10, PersonID: 7, Status: core.RegApplied, Applied: d("2026-01-01")},
				{VehicleID: 10, PersonID: 7, Status: core.RegCancelled, Applied: d("2025-01-01"), Approved: d("2025-01-02"), Cancelled: d("2025-06-01")},
				{VehicleID: 10, PersonID: 8, Status: core.RegApproved, Applied: d("2025-01-01"), Approved: d("2025-01-02")},
				{VehicleID: 11, PersonID: 7, Status: core.RegApproved, Applied: d("2025-01-01"), Approved: d("2025-01-02")},
			}
		}},
		{BlockOccurredBeforeRegistration, true, func(in *VerdictInput) {
			in.Vehicle.OwnerPersonID = id(1)
			in.Registrations = []core.Registration{{VehicleID: 10, PersonID: 7, Status: core.RegApproved, Applied: d("2026-03-01"), Approved: d("2026-03-02")}}
		}},
		{BlockNoDecisionNumber, false, func(in *VerdictInput) {
			in.Violation.Status, in.Violation.DecidedOn = core.StatusDecided, d("2026-03-05")
		}},
		{BlockNoDecisionNumber, false, func(in *VerdictInput) { in.Violation.Status = core.StatusConfirmed }},
		{BlockNoDecisionNumber, false, func(in *VerdictInput) { in.Violation.Status = core.StatusAppealRejected }},
		{BlockDecisionNumber15, false, func(in *VerdictInput) {
			in.Violation.Status, in.Violation.DecisionNumber = core.StatusDecided, "440300123456789"
		}},
	}
	listed := Default().WithInPerson([]InPersonCode{{Code: "1625", Source: "test", Confidence: ConfidenceUnsure}})
	for i, c := range cases {
		in := cleanInput()
		c.apply(&in)
		tb := Default()
		if i == 3 {
			tb = listed
		}
		v := OnlineVerdict(tb, in)
		if v.OK || !reflect.DeepEqual(codes(v.Blockers), []string{c.code}) || v.NeedsTrip != c.trip {
			t.Errorf("case %d (%s): %v trip=%v; want only %s trip=%v", i, c.code, codes(v.Blockers), v.NeedsTrip, c.code, c.trip)
		}
		if v.InsteadEn == "" || v.InsteadZh == "" {
			t.Errorf("case %d (%s): no instead sentence", i, c.code)
		}
		checkSentences(t, v.Blockers)
	}
}

func TestOnlineVerdictClosedIsAlone(t *testing.T) {
	for _, s := range []core.ViolationStatus{core.StatusPaid, core.StatusAppealUpheld, core.StatusInPerson} {
		in := cleanInput()
		in.Violation.Status, in.Violation.FineFen, in.Driver = s, 100000, nil
		v := OnlineVerdict(Default(), in)
		if v.OK || !reflect.DeepEqual(codes(v.Blockers), []string{BlockClosed}) || v.NeedsTrip {
			t.Errorf("%s: %+v", s, v)
		}
	}
}

func TestOnlineVerdictOrderAndInstead(t *testing.T) {
	in := cleanInput()
	in.Violation.Status = core.StatusAppealed
	in.Violation.FineFen = 50000
	in.Violation.Points = 12
	in.Vehicle.Use = core.UseTransport
	in.Vehicle.OwnerPersonID = id(1)
	in.Driver.IDNumber = ""
	in.DriverStanding.Total = 3
	want := []string{BlockAppealPending, BlockFineOverLimit, BlockSeriousOffence, BlockVehicleUse, BlockNoLicence, BlockWouldReachLimit, BlockNotOwnerNoRegistration}
	v := OnlineVerdict(Default(), in)
	if !reflect.DeepEqual(codes(v.Blockers), want) || !v.NeedsTrip {
		t.Errorf("blockers %v; want %v", codes(v.Blockers), want)
	}
	if !strings.Contains(v.InsteadEn, "appeal") {
		t.Errorf("a pending appeal comes first: %q", v.InsteadEn)
	}
	in.Violation.Status = core.StatusNew
	v = OnlineVerdict(Default(), in)
	if !strings.Contains(v.InsteadEn, "service window") || !strings.Contains(v.InsteadZh, "车管所") {
		t.Errorf("trip instead: %q / %q", v.InsteadEn, v.InsteadZh)
	}
	in = cleanInput()
	in.Vehicle.OwnerPersonID = id(1)
	v = OnlineVerdict(Default(), in)
	if !strings.Contains(v.InsteadEn, "non-owner registration") || strings.Contains(v.InsteadEn, "owner handle") {
		t.Errorf("never suggest someone else takes the points: %q", v.InsteadEn)
	}
	in = cleanInput()
	in.Driver, in.DriverStanding = nil, nil
	if v := OnlineVerdict(Default(), in); v.InsteadEn != "Assign who was driving first." {
		t.Errorf("no driver instead: %q", v.InsteadEn)
	}
}

// Registration dates compare with the offence's Beijing date, not its UTC date.
func TestOccurredBeforeRegistrationUsesBeijingTime(t *testing.T) {
	in := cleanInput()
	in.Vehicle.OwnerPersonID = id(1)
	in.Registrations = []core.Registration{{VehicleID: 10, PersonID: 7, Status: core.RegApproved, Applied: d("2026-02-27"), Approved: d("2026-03-01")}}
	in.Violation.OccurredAt = cst("2026-03-01 01:00") // 2026-02-28 17:00 UTC
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("offence on the approval day (Beijing): %v", codes(v.Blockers))
	}
	in.Violation.OccurredAt = cst("2026-02-28 23:30")
	if v := OnlineVerdict(Default(), in); !v.Has(BlockOccurredBeforeRegistration) {
		t.Errorf("offence the evening before approval: %v", codes(v.Blockers))
	}
	// Of several approvals, the earliest one counts; an approval with no date is trusted.
	in.Registrations = append(in.Registrations, core.Registration{VehicleID: 10, PersonID: 7, Status: core.RegApproved, Applied: d("2025-01-01"), Approved: d("2025-01-02")})
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("earlier approval: %v", codes(v.Blockers))
	}
	in.Registrations = []core.Registration{{VehicleID: 10, PersonID: 7, Status: core.RegApproved, Applied: d("2026-03-05")}}
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("approval date unknown: %v", codes(v.Blockers))
	}
}

// Once decided, a ticket is paid by its decision number whatever the amount,
// the offence or the driver: only payment blockers remain.
func TestDecidedTicketsFaceOnlyPaymentBlockers(t *testing.T) {
	in := cleanInput()
	in.Violation.Status, in.Violation.DecisionNumber, in.Violation.DecidedOn = core.StatusDecided, "4403002234567891", d("2026-03-05")
	in.Violation.FineFen, in.Violation.Points = 150000, 12
	in.Vehicle.Use = core.UseTransport
	in.Driver, in.DriverStanding = nil, nil
	if v := OnlineVerdict(Default(), in); !v.OK {
		t.Errorf("decided ticket blocked: %v", codes(v.Blockers))
	}
	in.Violation.DecisionNumber = "440300223456789"
	if v := OnlineVerdict(Default(), in); !reflect.DeepEqual(codes(v.Blockers), []string{BlockDecisionNumber15}) {
		t.Errorf("15-digit decided ticket: %v", codes(v.Blockers))
	}
}

func TestFineLimitFollowsRegion(t *testing.T) {
	tb := mustLoad(t, withRules(baseRules(),
		map[string]any{"key": KeyOnlineMaxFineFen, "region": "310000", "value": 10000, "unit": "fen", "effective_from": "2022-04-01", "source": "test only", "confidence": "unsure"}))
	in := cleanInput()
	in.Violation.FineFen = 15000
	if v := OnlineVerdict(tb, in); !v.OK {
		t.Errorf("national: %v", codes(v.Blockers))
	}
	in.Settings.Region = "310100"
	if v := OnlineVerdict(tb, in); !v.Has(BlockFineOverLimit) || !strings.Contains(v.Blockers[0].En, "100.00 yuan") {
		t.Errorf("regional: %+v", v.Blockers)
	}
}
