package rules

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"ticketbook/core"
	"ticketbook/core/field"
)

// Convention is how the 15 payment days are counted. The law says "within 15
// days of receiving" but not whether the receipt day is one of them
// [unsure]; the official help pages say the late fee starts on day 16, and
// Civil Code art. 201 does not count the starting day, hence the default.
type Convention string

const (
	ConventionNextDay Convention = "next_day" // day 1 is the day after receipt (default)
	ConventionSameDay Convention = "same_day" // the receipt day is day 1
)

// ParseConvention reads the late_fee_convention setting; empty is the default.
func ParseConvention(s string) (Convention, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	in = strings.NewReplacer("-", "_", " ", "_").Replace(in)
	switch Convention(in) {
	case "", ConventionNextDay:
		return ConventionNextDay, nil
	case ConventionSameDay:
		return ConventionSameDay, nil
	}
	return "", field.New("late_fee_convention", "late_fee_convention_unknown",
		fmt.Sprintf("%q is not one of: next_day (the 15 days start the day after receipt), same_day (the receipt day is day 1)", s),
		fmt.Sprintf("“%s”不是可选值之一：next_day（收到次日起算 15 天）、same_day（收到当日为第 1 天）", s))
}

// Settings are the user's choices that change the computations.
type Settings struct {
	Convention Convention // "" means next_day
	Region     string     // "" national, or a 6-digit region code whose rules override
}

// Due is where a ticket stands on money and dates as of a day.
type Due struct {
	HasDeadline bool
	DueOn       core.Date // last day to pay without a late fee
	// DaysLeft counts from asOf to DueOn (negative when overdue); for a record
	// with no decision yet it counts to HandlingDeadline instead; 0 when
	// there is neither.
	DaysLeft            int
	DaysLate            int // late days counted for the fee (frozen days excluded)
	LateFeeFen          core.Fen
	LateFeeFromProvider bool // the provider's figure won over the estimate
	// LateFeeDailyFen is what one more late day adds by our estimate (0 when
	// not overdue, frozen or capped); LateFeeCapped says the cap is reached.
	LateFeeDailyFen core.Fen
	LateFeeCapped   bool
	Frozen          bool // an appeal, reconsideration or lawsuit is pending as of asOf
	DeliveryAssumed bool // no receipt date: the decision date was used instead
	TotalDueFen     core.Fen
	// HandlingDeadline is, for a camera record not yet decided, the last day
	// to handle it: notice + 30 days, or a later extension the user obtained,
	// capped at 3 months beyond the 30 days.
	HandlingDeadline core.Date
	Rules            []Rule // the rules applied, to show their sources
}

// decided reports whether a penalty decision exists: only then is there a
// fine to pay and a late fee to run (a camera record is not yet a decision).
func decided(v core.Violation) bool {
	return !v.DecidedOn.IsZero() || v.DecisionNumber != ""
}

// ComputeDue works out the deadline, late fee and total of v as of asOf.
// Rules are taken as in force on the decision date (for payment) or the
// notice date (for handling): the terms of a decision do not change after it.
func ComputeDue(t *Table, s Settings, v core.Violation, asOf core.Date) Due {
	var d Due
	if !v.Status.Open() {
		return d
	}
	fine := max(v.FineFen, 0)
	d.Frozen = frozenOn(v, asOf)
	if !decided(v) {
		d.TotalDueFen = fine
		if !v.NotifiedOn.IsZero() {
			d.HandlingDeadline, d.Rules = handlingDeadline(t, s, v)
			d.DaysLeft = int(daysBetween(asOf, d.HandlingDeadline))
		}
		return d
	}
	start := v.ReceivedOn
	if start.IsZero() {
		start, d.DeliveryAssumed = v.DecidedOn, true
	}
	if start.IsZero() {
		// A decision number without any date: the amount is known, the deadline is not.
		d.TotalDueFen = fine
		if v.ProviderLateFeeFen != nil {
			d.LateFeeFen, d.LateFeeFromProvider = max(*v.ProviderLateFeeFen, 0), true
			d.TotalDueFen = addSat(fine, d.LateFeeFen)
		}
		return d
	}
	on := v.DecidedOn
	if on.IsZero() {
		on = start
	}
	payDays := t.rule(KeyPaymentDays, s.Region, on)
	bp := t.rule(KeyLateFeeBPPerDay, s.Region, on)
	capPct := t.rule(KeyLateFeeCapPercent, s.Region, on)
	d.Rules = []Rule{payDays, bp, capPct}

	d.HasDeadline = true
	d.DueOn = start.AddDays(int(payDays.Value) - sameDayShift(s.Convention))
	d.DaysLeft = int(daysBetween(asOf, d.DueOn))
	late := lateDays(v, d.DueOn, asOf)
	d.DaysLate = int(late)
	d.LateFeeFen, d.LateFeeCapped = lateFee(fine, bp.Value, capPct.Value, late)
	if late > 0 && !d.Frozen && !d.LateFeeCapped {
		d.LateFeeDailyFen = core.Fen(mulDiv(int64(fine), bp.Value, 1, 10000))
	}
	// The provider's figure is as of its own day: a figure from an earlier
	// day would understate a fee that has grown since, so ours stands then.
	if v.ProviderLateFeeFen != nil && (v.ProviderLateFeeOn.IsZero() || !v.ProviderLateFeeOn.Before(asOf)) {
		d.LateFeeFen, d.LateFeeFromProvider = max(*v.ProviderLateFeeFen, 0), true
	}
	d.TotalDueFen = addSat(fine, d.LateFeeFen)
	return d
}

func sameDayShift(c Convention) int {
	if c == ConventionSameDay {
		return 1
	}
	return 0
}

// handlingDeadline counts the camera-record window with the same day
// convention as payment: it is the same question of whether day 0 counts.
func handlingDeadline(t *Table, s Settings, v core.Violation) (core.Date, []Rule) {
	days := t.rule(KeyCameraHandlingDays, s.Region, v.NotifiedOn)
	base := v.NotifiedOn.AddDays(int(days.Value) - sameDayShift(s.Convention))
	if v.ExtendedUntil.IsZero() || !v.ExtendedUntil.After(base) {
		return base, []Rule{days}
	}
	ext := t.rule(KeyExtensionMaxMonths, s.Region, v.NotifiedOn)
	return minDate(v.ExtendedUntil, addMonthsCivil(base, int(ext.Value))), []Rule{days, ext}
}

// frozenSpan is when no late fee accrues (APL art. 73): [from, to), with
// open true while the appeal is still pending and its end is unknown. An
// appeal that is over but has no end date recorded freezes nothing, since we
// cannot tell how long it lasted.
func frozenSpan(v core.Violation) (from, to core.Date, open, ok bool) {
	if v.AppealedOn.IsZero() {
		return core.Date{}, core.Date{}, false, false
	}
	if !v.AppealDecidedOn.IsZero() {
		return v.AppealedOn, v.AppealDecidedOn, false, true
	}
	if v.Status == core.StatusAppealed {
		return v.AppealedOn, core.Date{}, true, true
	}
	return core.Date{}, core.Date{}, false, false
}

func frozenOn(v core.Violation, asOf core.Date) bool {
	from, to, open, ok := frozenSpan(v)
	if !ok || asOf.Before(from) {
		return false
	}
	return open || asOf.Before(to)
}

// lateDays counts the days in (dueOn, asOf] that are not frozen.
func lateDays(v core.Violation, dueOn, asOf core.Date) int64 {
	lo, hi := dayNum(dueOn)+1, dayNum(asOf)+1 // half-open [lo, hi)
	if hi <= lo {
		return 0
	}
	n := hi - lo
	if from, to, open, ok := frozenSpan(v); ok {
		fLo, fHi := dayNum(from), hi
		if !open {
			fHi = dayNum(to)
		}
		if overlap := min(hi, fHi) - max(lo, fLo); overlap > 0 {
			n -= overlap
		}
	}
	return n
}

// lateFee is floor(fine × bp × days / 10000), capped at fine × cap% (APL
// art. 72). It is exact for any input: products that would overflow int64
// are done in big integers, and only a result beyond int64 saturates.
func lateFee(fine core.Fen, bpPerDay, capPercent, days int64) (fee core.Fen, capped bool) {
	if fine <= 0 || bpPerDay <= 0 || days <= 0 {
		return 0, false
	}
	limit := mulDiv(int64(fine), capPercent, 1, 100)
	if f := mulDiv(int64(fine), bpPerDay, days, 10000); f < limit {
		return core.Fen(f), false
	}
	return core.Fen(limit), true
}

// mulDiv is floor(a × b × c / div) for non-negative a, b, c and positive
// div, saturating at MaxInt64. The int64 path covers every real ticket.
func mulDiv(a, b, c, div int64) int64 {
	if a <= 0 || b <= 0 || c <= 0 {
		return 0
	}
	if a <= math.MaxInt64/b && a*b <= math.MaxInt64/c {
		return a * b * c / div
	}
	x := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	x.Mul(x, big.NewInt(c))
	x.Quo(x, big.NewInt(div))
	if !x.IsInt64() {
		return math.MaxInt64
	}
	return x.Int64()
}

func addSat(a, b core.Fen) core.Fen {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
