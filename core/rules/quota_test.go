package rules

import (
	"reflect"
	"strings"
	"testing"

	"ticketbook/core"
)

func reg(idn, vehicle, person int64, s core.RegStatus, applied string) core.Registration {
	return core.Registration{ID: idn, VehicleID: vehicle, PersonID: person, Status: s, Applied: d(applied)}
}

func TestCheckQuota(t *testing.T) {
	newReg := core.Registration{VehicleID: 10, PersonID: 7, Applied: d("2026-06-15")}
	cases := []struct {
		name          string
		person, vehic []core.Registration
		newReg        core.Registration
		want          []string
	}{
		{"nothing yet", nil, nil, newReg, nil},
		{"2 active vehicles", []core.Registration{reg(1, 1, 7, core.RegApproved, "2025-01-01"), reg(2, 2, 7, core.RegApplied, "2025-02-01")}, nil, newReg, nil},
		{"3 active vehicles", []core.Registration{reg(1, 1, 7, core.RegApproved, "2025-01-01"), reg(2, 2, 7, core.RegApplied, "2025-02-01"), reg(3, 3, 7, core.RegApproved, "2025-03-01")}, nil, newReg,
			[]string{BlockPersonVehicleLimit}},
		{"cancelled and rejected do not count", []core.Registration{reg(1, 1, 7, core.RegApproved, "2025-01-01"), reg(2, 2, 7, core.RegCancelled, "2025-02-01"), reg(3, 3, 7, core.RegRejected, "2025-03-01"), reg(4, 4, 7, core.RegApproved, "2025-04-01")}, nil, newReg, nil},
		{"two rows of one vehicle are one vehicle", []core.Registration{reg(1, 1, 7, core.RegApproved, "2025-01-01"), reg(2, 1, 7, core.RegApplied, "2025-02-01"), reg(3, 3, 7, core.RegApproved, "2025-03-01")}, nil, newReg, nil},
		{"2 registrants on the vehicle", nil, []core.Registration{reg(1, 10, 1, core.RegApproved, "2025-01-01"), reg(2, 10, 2, core.RegApplied, "2025-01-01"), reg(3, 10, 3, core.RegCancelled, "2025-01-01")}, newReg, nil},
		{"3 registrants on the vehicle", nil, []core.Registration{reg(1, 10, 1, core.RegApproved, "2025-01-01"), reg(2, 10, 2, core.RegApplied, "2025-01-01"), reg(3, 10, 3, core.RegApproved, "2025-01-01")}, newReg,
			[]string{BlockVehicleRegistrantLimit}},
		{"same day", []core.Registration{reg(1, 1, 7, core.RegRejected, "2026-06-15")}, nil, newReg, []string{BlockDailyLimit}},
		{"the day before", []core.Registration{reg(1, 1, 7, core.RegRejected, "2026-06-14")}, nil, newReg, nil},
		{"4 in the year", yearOf(4, "2026"), nil, newReg, nil},
		{"5 in the year", yearOf(5, "2026"), nil, newReg, []string{BlockYearlyLimit}},
		{"5 last year, new year", yearOf(5, "2025"), nil, newReg, nil},
		{"already registered", []core.Registration{reg(1, 10, 7, core.RegApproved, "2025-01-01")}, []core.Registration{reg(1, 10, 7, core.RegApproved, "2025-01-01")}, newReg,
			[]string{BlockAlreadyRegistered}},
		{"the new one itself is not counted", []core.Registration{reg(9, 10, 7, core.RegApplied, "2026-06-15")}, []core.Registration{reg(9, 10, 7, core.RegApplied, "2026-06-15")},
			core.Registration{ID: 9, VehicleID: 10, PersonID: 7, Applied: d("2026-06-15")}, nil},
	}
	for _, c := range cases {
		bs := CheckQuota(Default(), QuotaInput{New: c.newReg, PersonRegs: c.person, VehicleRegs: c.vehic})
		if got := codes(bs); !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
		checkSentences(t, bs)
	}
}

func TestCheckQuotaSentencesStateLimitAndCount(t *testing.T) {
	bs := CheckQuota(Default(), QuotaInput{New: core.Registration{VehicleID: 10, PersonID: 7, Applied: d("2026-06-15")}, PersonRegs: yearOf(5, "2026")})
	if len(bs) != 1 {
		t.Fatalf("%v", codes(bs))
	}
	y := bs[0]
	if y.Code != BlockYearlyLimit || !strings.Contains(y.En, "5 times in 2026") || !strings.Contains(y.En, "5 applications") || !strings.Contains(y.Zh, "2026 年已申请 5 次") {
		t.Errorf("%+v", y)
	}
}

// yearOf is n (at most 9) applications in a year, on the first of months
// 1..n, each for a different vehicle and since cancelled: applications count
// against the yearly limit whatever became of them.
func yearOf(n int, year string) []core.Registration {
	var out []core.Registration
	for i := 0; i < n; i++ {
		out = append(out, reg(int64(100+i), int64(200+i), 7, core.RegCancelled, year+"-0"+string(rune('1'+i))+"-01"))
	}
	return out
}

func TestCancelReminders(t *testing.T) {
	regs := []core.Registration{
		reg(1, 10, 7, core.RegApproved, "2026-01-01"), // open ticket of 7 on 10: keep
		reg(2, 11, 7, core.RegApproved, "2026-01-01"), // only a paid ticket: remind
		reg(3, 12, 8, core.RegApproved, "2026-01-01"), // open ticket on 12 of someone else: remind
		reg(4, 13, 8, core.RegApproved, "2026-01-01"), // open ticket on 13, driver unknown: keep
		reg(5, 14, 8, core.RegApplied, "2026-01-01"),  // not approved: nothing to cancel yet
		reg(6, 15, 9, core.RegCancelled, "2026-01-01"),
	}
	vs := []core.Violation{
		{VehicleID: 10, DriverID: id(7), Status: core.StatusDecided},
		{VehicleID: 11, DriverID: id(7), Status: core.StatusPaid},
		{VehicleID: 12, DriverID: id(9), Status: core.StatusNew},
		{VehicleID: 13, Status: core.StatusNew},
	}
	got := CancelReminders(regs, vs)
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.RegistrationID)
		if r.En == "" || r.Zh == "" {
			t.Errorf("reminder without sentence: %+v", r)
		}
	}
	if !reflect.DeepEqual(ids, []int64{2, 3}) {
		t.Errorf("reminders for %v; want [2 3]", ids)
	}
}
