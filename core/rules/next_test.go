package rules

import (
	"math/rand"
	"sort"
	"strings"
	"testing"

	"ticketbook/core"
)

// assess runs the whole pipeline the way the dashboard will.
func assess(in VerdictInput, custody []core.Custody, driverName, suggestedName string) Assessment {
	due := ComputeDue(Default(), in.Settings, in.Violation, in.AsOf)
	match := SuggestDriver(in.Violation, custody)
	verdict := OnlineVerdict(Default(), in)
	return Assessment{Violation: in.Violation, Due: due, Match: match, Verdict: verdict,
		Next: Next(in.Violation, due, match, verdict, driverName, suggestedName)}
}

func TestNextEachCode(t *testing.T) {
	type check struct {
		code   string
		rank   int
		en, zh string
	}
	decided := func(in *VerdictInput) {
		in.Violation.Status, in.Violation.DecisionNumber = core.StatusDecided, "4403001234567896"
		in.Violation.DecidedOn, in.Violation.ReceivedOn = d("2026-03-01"), d("2026-03-01")
		in.Violation.FineFen = 20000
	}
	cases := []struct {
		name    string
		apply   func(*VerdictInput)
		custody []core.Custody
		want    check
	}{
		{"done", func(in *VerdictInput) { in.Violation.Status = core.StatusPaid }, nil,
			check{NextDone, RankDone, "paid", "已缴款"}},
		{"appeal pending", func(in *VerdictInput) { decided(in); in.Violation.Status = core.StatusAppealed }, nil,
			check{NextAppealPending, RankAppealPending, "appeal", "申诉"}},
		{"assign driver", func(in *VerdictInput) { in.Violation.DriverID, in.Driver, in.DriverStanding = nil, nil, nil }, nil,
			check{NextAssignDriver, RankNeedsUser, "Assign who was driving", "指定"}},
		{"assign driver, overlap", func(in *VerdictInput) { in.Violation.DriverID, in.Driver, in.DriverStanding = nil, nil, nil },
			[]core.Custody{custody(7, "2026-02-01 00:00", ""), custody(8, "2026-02-01 00:00", "")},
			check{NextAssignDriver, RankNeedsUser, "2 people", "2 人"}},
		{"confirm driver", func(in *VerdictInput) { in.Violation.DriverID, in.Driver, in.DriverStanding = nil, nil, nil },
			[]core.Custody{custody(7, "2026-02-01 00:00", "")},
			check{NextConfirmDriver, RankNeedsUser, "Confirm 王五 as the driver (from custody)", "确认王五为驾驶人（依据用车记录）"}},
		{"go to window", func(in *VerdictInput) { in.Violation.FineFen = 100000 }, nil,
			check{NextGoToWindow, RankTrip, "Take 王五's licence to a traffic police service window: the fine of 1000.00 yuan", "携带王五的驾驶证到车管所或交警队窗口办理"}},
		{"confirm with licence", func(*VerdictInput) {}, nil,
			check{NextConfirmWithLicence, RankNeedsUser, "Confirm with 王五's licence", "用王五的驾驶证确认"}},
		{"confirm with licence by the handling deadline", func(in *VerdictInput) { in.Violation.NotifiedOn = d("2026-03-02") }, nil,
			check{NextConfirmWithLicence, RankDeadline, "Confirm with 王五's licence by 2026-04-01", "请于 2026-04-01 前用王五的驾驶证确认"}},
		{"confirm after registering", func(in *VerdictInput) { in.Vehicle.OwnerPersonID = id(1) }, nil,
			check{NextConfirmWithLicence, RankNeedsUser, "Register 王五 on this vehicle", "为王五办理此车的非本人机动车备案"}},
		{"handle a 0-point record", func(in *VerdictInput) { in.Violation.Points, in.Violation.FineFen = 0, 15000 }, nil,
			check{NextHandleRecord, RankNeedsUser, "Handle online and pay 150.00 yuan", "在线处理并缴纳 150.00 元"}},
		{"enter decision number", func(in *VerdictInput) { decided(in); in.Violation.DecisionNumber = "" }, nil,
			check{NextEnterDecision, RankDeadline, "16-digit", "16 位"}},
		{"complete a 15-digit number", func(in *VerdictInput) { decided(in); in.Violation.DecisionNumber = "440300123456789" }, nil,
			check{NextEnterDecision, RankDeadline, "16 digits", "16 位"}},
		{"pay", decided, nil,
			check{NextPay, RankDeadline, "Pay 200.00 yuan by 2026-03-16", "请于 2026-03-16 前缴纳 200.00 元"}},
		{"pay overdue", func(in *VerdictInput) { decided(in); in.AsOf = d("2026-03-17") }, nil,
			check{NextPay, RankOverdue, "Pay 206.00 yuan now: overdue since 2026-03-17, late fee growing 6.00 yuan a day",
				"请尽快缴纳 206.00 元：自 2026-03-17 起已逾期，滞纳金每天增加 6.00 元"}},
		{"pay overdue, capped", func(in *VerdictInput) { decided(in); in.AsOf = d("2026-06-01") }, nil,
			check{NextPay, RankOverdue, "Pay 400.00 yuan now: overdue since 2026-03-17, the late fee has reached its cap", "滞纳金已达上限"}},
		{"pay without a date", func(in *VerdictInput) {
			decided(in)
			in.Violation.DecidedOn, in.Violation.ReceivedOn = core.Date{}, core.Date{}
		}, nil,
			check{NextPay, RankNeedsUser, "Pay 200.00 yuan", "缴纳 200.00 元"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := cleanInput()
			c.apply(&in)
			a := assess(in, c.custody, nameIf(in.Driver), "王五")
			n := a.Next
			if n.Code != c.want.code || n.Rank != c.want.rank || !strings.Contains(n.En, c.want.en) || !strings.Contains(n.Zh, c.want.zh) {
				t.Errorf("got %s rank %d %q / %q; want %s rank %d containing %q / %q", n.Code, n.Rank, n.En, n.Zh, c.want.code, c.want.rank, c.want.en, c.want.zh)
			}
		})
	}
}

func nameIf(p *core.Person) string {
	if p == nil {
		return ""
	}
	return p.Name
}

func TestNextDoneSaysWhy(t *testing.T) {
	for s, want := range map[core.ViolationStatus]string{core.StatusPaid: "已缴款", core.StatusAppealUpheld: "申诉成立", core.StatusInPerson: "窗口"} {
		in := cleanInput()
		in.Violation.Status = s
		if n := assess(in, nil, "王五", "").Next; n.Code != NextDone || n.Rank != RankDone || !strings.Contains(n.Zh, want) {
			t.Errorf("%s: %+v", s, n)
		}
	}
}

func TestNextWithoutNames(t *testing.T) {
	in := cleanInput()
	in.Violation.FineFen = 100000
	n := assess(in, nil, "", "").Next
	if n.Code != NextGoToWindow || !strings.Contains(n.En, "the driver's licence") || !strings.Contains(n.Zh, "驾驶人的驾驶证") {
		t.Errorf("%+v", n)
	}
}

func TestLessOrdering(t *testing.T) {
	mk := func(id int64, rank int, fee core.Fen, due, handling, occurred string) Assessment {
		a := Assessment{Violation: core.Violation{ID: id, OccurredAt: cst(occurred)}, Next: NextAction{Rank: rank}}
		a.Due.LateFeeFen = fee
		if due != "" {
			a.Due.HasDeadline, a.Due.DueOn = true, d(due)
		}
		if handling != "" {
			a.Due.HandlingDeadline = d(handling)
		}
		return a
	}
	want := []Assessment{
		mk(1, RankOverdue, 5000, "2026-01-01", "", "2025-12-01 10:00"), // biggest late fee first
		mk(2, RankOverdue, 1200, "2026-01-05", "", "2025-12-01 10:00"),
		mk(3, RankOverdue, 1200, "2026-01-06", "", "2025-11-01 10:00"), // same fee: earlier due date first
		mk(4, RankDeadline, 0, "", "2026-02-01", "2026-01-01 10:00"),   // handling deadline counts as a deadline
		mk(5, RankDeadline, 0, "2026-02-03", "", "2025-01-01 10:00"),
		mk(6, RankDeadline, 0, "2026-02-03", "", "2025-06-01 10:00"), // same deadline: older offence first
		mk(7, RankTrip, 0, "", "", "2026-01-01 10:00"),
		mk(8, RankNeedsUser, 0, "", "", "2025-01-01 10:00"),
		mk(9, RankNeedsUser, 0, "", "", "2025-01-01 10:00"), // same everything: by ID
		mk(10, RankAppealPending, 0, "2025-01-01", "", "2024-01-01 10:00"),
		mk(11, RankDone, 0, "", "", "2020-01-01 10:00"),
	}
	rng := rand.New(rand.NewSource(5))
	for round := 0; round < 50; round++ {
		got := append([]Assessment(nil), want...)
		rng.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		sort.Slice(got, func(i, j int) bool { return Less(got[i], got[j]) })
		for i := range got {
			if got[i].Violation.ID != want[i].Violation.ID {
				t.Fatalf("position %d: ticket %d; want %d", i, got[i].Violation.ID, want[i].Violation.ID)
			}
		}
	}
	for i := range want {
		if Less(want[i], want[i]) {
			t.Errorf("Less is not irreflexive for %d", i)
		}
	}
}
