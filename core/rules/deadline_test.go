package rules

import (
	"math"
	"math/big"
	"math/rand"
	"strings"
	"testing"

	"ticketbook/core"
	"ticketbook/core/field"
)

var next = Settings{}
var sameDay = Settings{Convention: ConventionSameDay}

// DOMAIN.md's own example: 200 yuan → 6 yuan a day, capped at 200 yuan on
// the 34th day late.
func TestLateFeeLawExample(t *testing.T) {
	v := decidedTicket("2026-03-01") // due 2026-03-16
	for late := 0; late <= 40; late++ {
		due := ComputeDue(Default(), next, v, d("2026-03-16").AddDays(late))
		want := core.Fen(min(600*late, 20000))
		if due.DaysLate != late || due.LateFeeFen != want {
			t.Errorf("%d days late: DaysLate %d fee %s; want %s", late, due.DaysLate, due.LateFeeFen, want)
		}
		if due.TotalDueFen != 20000+want {
			t.Errorf("%d days late: total %s", late, due.TotalDueFen)
		}
		if capped := late >= 34; due.LateFeeCapped != capped {
			t.Errorf("%d days late: capped %v", late, due.LateFeeCapped)
		}
	}
	if fee := ComputeDue(Default(), next, v, d("2026-03-16").AddDays(33)).LateFeeFen; fee != 19800 {
		t.Errorf("33rd late day: %s; want 198.00, still under the cap", fee)
	}
	if due := ComputeDue(Default(), next, v, d("2026-03-17")); due.LateFeeDailyFen != 600 {
		t.Errorf("daily growth = %s; want 6.00", due.LateFeeDailyFen)
	}
}

func TestDueBoundaries(t *testing.T) {
	cases := []struct {
		name      string
		s         Settings
		received  string
		asOf      string
		dueOn     string
		daysLeft  int
		daysLate  int
		fee       core.Fen
		total     core.Fen
		convLabel string
	}{
		{"day 15 (next_day): no fee", next, "2026-03-01", "2026-03-16", "2026-03-16", 0, 0, 0, 20000, ""},
		{"day 16 (next_day): fee", next, "2026-03-01", "2026-03-17", "2026-03-16", -1, 1, 600, 20600, ""},
		{"receipt day itself", next, "2026-03-01", "2026-03-01", "2026-03-16", 15, 0, 0, 20000, ""},
		{"day 15 (same_day): no fee", sameDay, "2026-03-01", "2026-03-15", "2026-03-15", 0, 0, 0, 20000, ""},
		{"day 16 (same_day): fee", sameDay, "2026-03-01", "2026-03-16", "2026-03-15", -1, 1, 600, 20600, ""},
		{"leap year (next_day)", next, "2024-02-14", "2024-03-01", "2024-02-29", -1, 1, 600, 20600, ""},
		{"leap year (same_day)", sameDay, "2024-02-14", "2024-02-29", "2024-02-28", -1, 1, 600, 20600, ""},
		{"not a leap year", next, "2025-02-14", "2025-03-01", "2025-03-01", 0, 0, 0, 20000, ""},
		{"year end (next_day)", next, "2026-12-25", "2027-01-10", "2027-01-09", -1, 1, 600, 20600, ""},
		{"year end (same_day)", sameDay, "2026-12-25", "2027-01-08", "2027-01-08", 0, 0, 0, 20000, ""},
		{"a year late: capped", next, "2026-12-25", "2027-12-25", "2027-01-09", -350, 350, 20000, 40000, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			due := ComputeDue(Default(), c.s, decidedTicket(c.received), d(c.asOf))
			if !due.HasDeadline || due.DueOn != d(c.dueOn) || due.DaysLeft != c.daysLeft || due.DaysLate != c.daysLate ||
				due.LateFeeFen != c.fee || due.TotalDueFen != c.total {
				t.Errorf("got due %s left %d late %d fee %s total %s; want %s %d %d %s %s",
					due.DueOn, due.DaysLeft, due.DaysLate, due.LateFeeFen, due.TotalDueFen,
					c.dueOn, c.daysLeft, c.daysLate, c.fee, c.total)
			}
			if len(due.Rules) != 3 {
				t.Errorf("rules applied: %+v", due.Rules)
			}
		})
	}
}

func TestDeliveryAssumedWhenNoReceipt(t *testing.T) {
	v := decidedTicket("2026-03-01")
	v.ReceivedOn = core.Date{}
	due := ComputeDue(Default(), next, v, d("2026-03-10"))
	if !due.DeliveryAssumed || due.DueOn != d("2026-03-16") {
		t.Errorf("due %+v", due)
	}
	v.ReceivedOn = d("2026-03-05") // delivery days after the decision moves the deadline
	due = ComputeDue(Default(), next, v, d("2026-03-10"))
	if due.DeliveryAssumed || due.DueOn != d("2026-03-20") {
		t.Errorf("due %+v", due)
	}
}

func TestFrozenAppealDays(t *testing.T) {
	v := decidedTicket("2026-03-01") // due 2026-03-16; late from 03-17
	// Appeal over: [03-20, 03-25) frozen, 5 days.
	v.AppealedOn, v.AppealDecidedOn, v.Status = d("2026-03-20"), d("2026-03-25"), core.StatusAppealRejected
	due := ComputeDue(Default(), next, v, d("2026-03-30"))
	if due.DaysLate != 14-5 || due.LateFeeFen != 9*600 || due.Frozen {
		t.Errorf("after the appeal: late %d fee %s frozen %v; want 9, 54.00, false", due.DaysLate, due.LateFeeFen, due.Frozen)
	}
	if due := ComputeDue(Default(), next, v, d("2026-03-22")); !due.Frozen || due.DaysLate != 3 {
		t.Errorf("during the appeal: %+v", due)
	}
	// Appeal pending with no end: everything from 03-20 on is frozen.
	v.AppealDecidedOn, v.Status = core.Date{}, core.StatusAppealed
	for _, asOf := range []string{"2026-03-20", "2026-04-10", "2027-01-01"} {
		due := ComputeDue(Default(), next, v, d(asOf))
		if !due.Frozen || due.DaysLate != 3 || due.LateFeeFen != 1800 || due.LateFeeDailyFen != 0 {
			t.Errorf("pending, as of %s: %+v", asOf, due)
		}
	}
	// An appeal lodged before the deadline and decided after it.
	v.AppealedOn, v.AppealDecidedOn, v.Status = d("2026-03-10"), d("2026-03-20"), core.StatusAppealRejected
	if due := ComputeDue(Default(), next, v, d("2026-03-21")); due.DaysLate != 2 {
		t.Errorf("appeal across the deadline: late %d; want 2 (03-20, 03-21)", due.DaysLate)
	}
	// An appeal over but with no end date recorded freezes nothing.
	v.AppealDecidedOn = core.Date{}
	if due := ComputeDue(Default(), next, v, d("2026-03-21")); due.DaysLate != 5 || due.Frozen {
		t.Errorf("appeal with unknown end: %+v", due)
	}
}

func TestProviderFigureWins(t *testing.T) {
	v := decidedTicket("2026-03-01")
	v.ProviderLateFeeFen = fen(1234)
	due := ComputeDue(Default(), next, v, d("2026-03-20"))
	if !due.LateFeeFromProvider || due.LateFeeFen != 1234 || due.TotalDueFen != 21234 || due.DaysLate != 4 {
		t.Errorf("%+v", due)
	}
	v.ProviderLateFeeFen = fen(0) // the provider says none: also wins
	if due := ComputeDue(Default(), next, v, d("2026-03-20")); due.LateFeeFen != 0 || !due.LateFeeFromProvider {
		t.Errorf("%+v", due)
	}
}

func TestNoDecisionNoFee(t *testing.T) {
	v := core.Violation{VehicleID: 1, FineFen: 20000, Points: 3, Status: core.StatusNew, OccurredAt: cst("2026-01-01 10:00")}
	due := ComputeDue(Default(), next, v, d("2027-01-01"))
	if due.HasDeadline || due.LateFeeFen != 0 || due.DaysLate != 0 || !due.HandlingDeadline.IsZero() || due.TotalDueFen != 20000 {
		t.Errorf("no decision: %+v", due)
	}
	v.NotifiedOn = d("2026-03-01")
	due = ComputeDue(Default(), next, v, d("2026-03-10"))
	if due.HasDeadline || due.HandlingDeadline != d("2026-03-31") || due.DaysLeft != 21 || due.LateFeeFen != 0 {
		t.Errorf("camera record: %+v", due)
	}
	if due := ComputeDue(Default(), sameDay, v, d("2026-03-10")); due.HandlingDeadline != d("2026-03-30") {
		t.Errorf("same_day handling deadline %s", due.HandlingDeadline)
	}
	v.ExtendedUntil = d("2026-05-15")
	if due := ComputeDue(Default(), next, v, d("2026-03-10")); due.HandlingDeadline != d("2026-05-15") || len(due.Rules) != 2 {
		t.Errorf("extension: %+v", due)
	}
	// Mar 31 + 3 months is Jun 30 (Civil Code art. 202: no Jun 31, so the month's end).
	v.ExtendedUntil = d("2026-12-31")
	if due := ComputeDue(Default(), next, v, d("2026-03-10")); due.HandlingDeadline != d("2026-06-30") {
		t.Errorf("extension beyond 3 months: %s; want capped at 2026-06-30", due.HandlingDeadline)
	}
	v.ExtendedUntil = d("2026-03-05") // earlier than the 30 days: no effect
	if due := ComputeDue(Default(), next, v, d("2026-03-10")); due.HandlingDeadline != d("2026-03-31") {
		t.Errorf("early extension: %s", due.HandlingDeadline)
	}
}

func TestDecisionNumberWithoutDates(t *testing.T) {
	v := decidedTicket("2026-03-01")
	v.DecidedOn, v.ReceivedOn = core.Date{}, core.Date{}
	due := ComputeDue(Default(), next, v, d("2026-05-01"))
	if due.HasDeadline || due.LateFeeFen != 0 || due.TotalDueFen != 20000 || !due.DeliveryAssumed {
		t.Errorf("%+v", due)
	}
}

func TestClosedOwesNothing(t *testing.T) {
	for _, s := range []core.ViolationStatus{core.StatusPaid, core.StatusAppealUpheld, core.StatusInPerson} {
		v := decidedTicket("2026-01-01")
		v.Status = s
		if due := ComputeDue(Default(), next, v, d("2026-06-01")); due.TotalDueFen != 0 || due.LateFeeFen != 0 || due.HasDeadline {
			t.Errorf("%s: %+v", s, due)
		}
	}
}

func TestHugeNumbersDoNotOverflow(t *testing.T) {
	v := decidedTicket("1900-01-01")
	v.FineFen = math.MaxInt64 / 3
	due := ComputeDue(Default(), next, v, d("2200-12-31"))
	if due.LateFeeFen != v.FineFen || !due.LateFeeCapped || due.TotalDueFen <= 0 {
		t.Errorf("%+v", due)
	}
	v.FineFen = -5 // never a negative amount owed
	if due := ComputeDue(Default(), next, v, d("2200-12-31")); due.LateFeeFen != 0 || due.TotalDueFen != 0 {
		t.Errorf("%+v", due)
	}
	if fee, _ := lateFee(math.MaxInt64, 10000, 10000, math.MaxInt64); fee <= 0 {
		t.Errorf("saturated fee %d", fee)
	}
}

// mulDiv must agree with exact big-integer arithmetic everywhere, including
// where the int64 fast path would overflow.
func TestMulDivExact(t *testing.T) {
	rng := rand.New(rand.NewSource(72))
	for i := 0; i < 20000; i++ {
		a, b, c := rng.Int63()>>uint(rng.Intn(63)), rng.Int63()>>uint(rng.Intn(63)), rng.Int63()>>uint(rng.Intn(63))
		div := int64(1 + rng.Intn(10000))
		x := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
		x.Mul(x, big.NewInt(c)).Quo(x, big.NewInt(div))
		want := int64(math.MaxInt64)
		if x.IsInt64() {
			want = x.Int64()
		}
		if got := mulDiv(a, b, c, div); got != want {
			t.Fatalf("mulDiv(%d, %d, %d, %d) = %d; want %d", a, b, c, div, got, want)
		}
	}
}

func TestDueNamesItsSources(t *testing.T) {
	due := ComputeDue(Default(), next, decidedTicket("2026-03-01"), d("2026-03-20"))
	want := map[string]string{KeyPaymentDays: "art. 108", KeyLateFeeBPPerDay: "art. 109", KeyLateFeeCapPercent: "art. 72"}
	for _, r := range due.Rules {
		if !strings.Contains(r.Source, want[r.Key]) {
			t.Errorf("%s source %q; want it to cite %s", r.Key, r.Source, want[r.Key])
		}
		delete(want, r.Key)
	}
	if len(want) != 0 {
		t.Errorf("rules not reported: %v", want)
	}
}

func TestParseConvention(t *testing.T) {
	for in, want := range map[string]Convention{"": ConventionNextDay, "next_day": ConventionNextDay, " Same-Day ": ConventionSameDay, "same day": ConventionSameDay} {
		if got, err := ParseConvention(in); err != nil || got != want {
			t.Errorf("ParseConvention(%q) = %q, %v", in, got, err)
		}
	}
	_, err := ParseConvention("weekdays")
	if fe, ok := err.(*field.Error); !ok || fe.Field != "late_fee_convention" || fe.En == "" || fe.Zh == "" {
		t.Errorf("ParseConvention error %#v", err)
	}
}

// The late fee, for any ticket and any day: never above the cap, never
// negative, never falling as time passes, flat while frozen, exactly
// floor(fine × 3 % × days) below the cap, and zero without a decision.
func TestLateFeeProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(163))
	tb := Default()
	for i := 0; i < 3000; i++ {
		v := decidedTicket("2000-01-01")
		v.FineFen = core.Fen(rng.Int63n(10_000_000))
		v.ReceivedOn = d("2000-01-01").AddDays(rng.Intn(12000))
		v.DecidedOn = v.ReceivedOn.AddDays(-rng.Intn(10))
		if rng.Intn(3) == 0 {
			v.AppealedOn = v.ReceivedOn.AddDays(rng.Intn(60))
			v.Status = core.StatusAppealed
			if rng.Intn(2) == 0 {
				v.AppealDecidedOn = v.AppealedOn.AddDays(rng.Intn(60))
				v.Status = core.StatusAppealRejected
			}
		}
		s := Settings{Convention: []Convention{ConventionNextDay, ConventionSameDay}[rng.Intn(2)]}
		prev := core.Fen(-1)
		asOf := v.ReceivedOn.AddDays(-5)
		for step := 0; step < 60; step++ {
			asOf = asOf.AddDays(1 + rng.Intn(4))
			due := ComputeDue(tb, s, v, asOf)
			if due.LateFeeFen < 0 || due.LateFeeFen > v.FineFen {
				t.Fatalf("fee %d outside [0, fine %d]: %+v", due.LateFeeFen, v.FineFen, v)
			}
			if due.LateFeeFen < prev {
				t.Fatalf("fee fell from %d to %d as of %s: %+v", prev, due.LateFeeFen, asOf, v)
			}
			if due.Frozen && prev >= 0 && due.LateFeeFen != prev && frozenOn(v, asOf.AddDays(-1)) {
				// Frozen yesterday and today: nothing may have accrued since.
				y := ComputeDue(tb, s, v, asOf.AddDays(-1))
				if y.LateFeeFen != due.LateFeeFen {
					t.Fatalf("fee grew while frozen: %d -> %d", y.LateFeeFen, due.LateFeeFen)
				}
			}
			exact := int64(v.FineFen) * 300 * int64(due.DaysLate) / 10000
			if want := min(core.Fen(exact), v.FineFen); due.LateFeeFen != want {
				t.Fatalf("fee %d; want floor(fine×3%%×%d days) capped = %d", due.LateFeeFen, due.DaysLate, want)
			}
			if due.TotalDueFen != v.FineFen+due.LateFeeFen {
				t.Fatalf("total %d != fine %d + fee %d", due.TotalDueFen, v.FineFen, due.LateFeeFen)
			}
			prev = due.LateFeeFen
		}
		undecided := v
		undecided.DecidedOn, undecided.ReceivedOn, undecided.DecisionNumber, undecided.Status = core.Date{}, core.Date{}, "", core.StatusNew
		if due := ComputeDue(tb, s, undecided, asOf); due.LateFeeFen != 0 || due.HasDeadline {
			t.Fatalf("fee without a decision: %+v", due)
		}
	}
}

// The provider's late fee is as of the day it was pulled; days later the fee
// has grown and our own figure stands.
func TestProviderLateFeeOnlyForItsDay(t *testing.T) {
	tbl := Default()
	fee := core.Fen(600)
	v := core.Violation{FineFen: 20000, Status: core.StatusDecided, DecisionNumber: "4403001234567891",
		DecidedOn: core.Date{Year: 2026, Month: 1, Day: 1}, ProviderLateFeeFen: &fee,
		ProviderLateFeeOn: core.Date{Year: 2026, Month: 1, Day: 18}}
	same := ComputeDue(tbl, Settings{}, v, core.Date{Year: 2026, Month: 1, Day: 18})
	if !same.LateFeeFromProvider || same.LateFeeFen != 600 {
		t.Fatalf("on its day the provider's figure wins: %+v", same)
	}
	later := ComputeDue(tbl, Settings{}, v, core.Date{Year: 2026, Month: 1, Day: 25})
	if later.LateFeeFromProvider || later.LateFeeFen <= 600 {
		t.Fatalf("a week later our grown figure stands: %+v", later)
	}
}
