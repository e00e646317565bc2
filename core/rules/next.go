package rules

import (
	"fmt"

	"ticketbook/core"
)

// Next action codes.
const (
	NextDone               = "done"
	NextAppealPending      = "appeal_pending"
	NextAssignDriver       = "assign_driver"
	NextConfirmDriver      = "confirm_driver"
	NextConfirmWithLicence = "confirm_with_licence"
	NextEnterDecision      = "enter_decision_number"
	NextPay                = "pay"
	NextGoToWindow         = "go_to_window"
	NextHandleRecord       = "handle_record"
)

// Urgency buckets of NextAction.Rank, most urgent first.
const (
	RankOverdue       = 0 // past the payment deadline, late fee running
	RankDeadline      = 1 // a payment or handling deadline is set
	RankTrip          = 2 // needs a trip to a service window
	RankNeedsUser     = 3 // needs the user otherwise (assign a driver, ...)
	RankAppealPending = 4
	RankDone          = 5
)

// NextAction is the one thing to do next about a ticket.
type NextAction struct {
	Code   string
	En, Zh string
	Rank   int // urgency bucket, lower is more urgent (Rank* constants)
}

// Assessment is everything the dashboard knows about one ticket. Violation
// is there so Less can fall back to the offence time and the ID.
type Assessment struct {
	Violation core.Violation
	Due       Due
	Match     DriverMatch
	Verdict   Verdict
	Next      NextAction
}

// Next picks the next action. driverName is the effective driver's name
// (manual or matched; "" if none), suggestedName the custody match's.
// A driver comes first because every later step is done with their licence.
func Next(v core.Violation, due Due, match DriverMatch, verdict Verdict, driverName, suggestedName string) NextAction {
	if !v.Status.Open() {
		return done(v.Status)
	}
	if v.Status == core.StatusAppealed {
		return NextAction{Code: NextAppealPending, Rank: RankAppealPending,
			En: "Wait for the appeal result; no late fee accrues meanwhile.",
			Zh: "申诉处理中，请等待结果；期间不计滞纳金。"}
	}
	rank := urgency(due, verdict)
	if v.Points > 0 && match.Status != MatchManual {
		if match.Status == MatchMatched {
			name := nameOr(suggestedName, "the custody log's driver", "用车记录中的驾驶人")
			return NextAction{Code: NextConfirmDriver, Rank: rank,
				En: fmt.Sprintf("Confirm %s as the driver (from custody)", name.en),
				Zh: fmt.Sprintf("确认%s为驾驶人（依据用车记录）", name.zh)}
		}
		a := NextAction{Code: NextAssignDriver, Rank: rank,
			En: "Assign who was driving", Zh: "指定违法时的实际驾驶人"}
		if match.Status == MatchOverlap {
			a.En = fmt.Sprintf("Assign who was driving: %d people had the vehicle at that time", len(match.Candidates))
			a.Zh = fmt.Sprintf("指定实际驾驶人：当时有 %d 人在用此车", len(match.Candidates))
		}
		return a
	}
	driver := nameOr(driverName, "the driver", "驾驶人")
	if verdict.NeedsTrip {
		a := NextAction{Code: NextGoToWindow, Rank: rank,
			En: fmt.Sprintf("Take %s's licence to a traffic police service window", driver.en),
			Zh: fmt.Sprintf("请携带%s的驾驶证到车管所或交警队窗口办理", driver.zh)}
		if b, ok := firstTrip(verdict); ok {
			a.En += ": " + lowerFirst(trimStop(b.En))
			a.Zh += "：" + trimStop(b.Zh)
		}
		return a
	}
	if !decided(v) && !verdict.Has(BlockNoDecisionNumber) {
		by := func(en, zh string) (string, string) {
			if due.HandlingDeadline.IsZero() {
				return en, zh
			}
			return en + " by " + due.HandlingDeadline.String(), "请于 " + due.HandlingDeadline.String() + " 前" + zh
		}
		if v.Points > 0 {
			a := NextAction{Code: NextConfirmWithLicence, Rank: rank}
			switch {
			case verdict.Has(BlockNoLicence):
				a.En, a.Zh = by(fmt.Sprintf("Add %s's licence number, then confirm with it", driver.en),
					fmt.Sprintf("补填%s的驾驶证号码，再用其驾驶证确认", driver.zh))
			case verdict.Has(BlockNotOwnerNoRegistration):
				a.En, a.Zh = by(fmt.Sprintf("Register %s on this vehicle, then confirm with their licence", driver.en),
					fmt.Sprintf("为%s办理此车的非本人机动车备案，再用其驾驶证确认", driver.zh))
			default:
				a.En, a.Zh = by(fmt.Sprintf("Confirm with %s's licence", driver.en),
					fmt.Sprintf("用%s的驾驶证确认", driver.zh))
			}
			return a
		}
		a := NextAction{Code: NextHandleRecord, Rank: rank}
		a.En, a.Zh = by(fmt.Sprintf("Handle online and pay %s yuan", due.TotalDueFen.Yuan()),
			fmt.Sprintf("在线处理并缴纳 %s 元", due.TotalDueFen.Yuan()))
		return a
	}
	if verdict.Has(BlockNoDecisionNumber) {
		return NextAction{Code: NextEnterDecision, Rank: rank,
			En: "Enter the 16-digit decision number from the penalty decision",
			Zh: "填写处罚决定书上的 16 位编号"}
	}
	if verdict.Has(BlockDecisionNumber15) {
		return NextAction{Code: NextEnterDecision, Rank: rank,
			En: "Complete the decision number: banks need all 16 digits",
			Zh: "补全决定书编号：银行需要完整的 16 位"}
	}
	return pay(due, rank)
}

func pay(due Due, rank int) NextAction {
	a := NextAction{Code: NextPay, Rank: rank}
	amount := due.TotalDueFen.Yuan()
	switch {
	case !due.HasDeadline:
		a.En = fmt.Sprintf("Pay %s yuan", amount)
		a.Zh = fmt.Sprintf("缴纳 %s 元", amount)
	case due.DaysLeft >= 0:
		a.En = fmt.Sprintf("Pay %s yuan by %s", amount, due.DueOn)
		a.Zh = fmt.Sprintf("请于 %s 前缴纳 %s 元", due.DueOn, amount)
	default:
		since := due.DueOn.AddDays(1)
		a.En = fmt.Sprintf("Pay %s yuan now: overdue since %s", amount, since)
		a.Zh = fmt.Sprintf("请尽快缴纳 %s 元：自 %s 起已逾期", amount, since)
		switch {
		case due.LateFeeCapped:
			a.En += ", the late fee has reached its cap"
			a.Zh += "，滞纳金已达上限"
		case due.LateFeeDailyFen > 0:
			a.En += fmt.Sprintf(", late fee growing %s yuan a day", due.LateFeeDailyFen.Yuan())
			a.Zh += fmt.Sprintf("，滞纳金每天增加 %s 元", due.LateFeeDailyFen.Yuan())
		}
	}
	return a
}

func done(s core.ViolationStatus) NextAction {
	a := NextAction{Code: NextDone, Rank: RankDone}
	switch s {
	case core.StatusPaid:
		a.En, a.Zh = "Nothing to do: paid", "无需处理：已缴款"
	case core.StatusAppealUpheld:
		a.En, a.Zh = "Nothing to do: the appeal was upheld", "无需处理：申诉成立"
	case core.StatusInPerson:
		a.En, a.Zh = "Nothing to do: handled at a service window", "无需处理：已在窗口办结"
	default:
		a.En, a.Zh = "Nothing to do", "无需处理"
	}
	return a
}

// urgency buckets an open, non-appealed ticket: money running out first,
// then dates, then trips, then the rest.
func urgency(due Due, verdict Verdict) int {
	switch {
	case due.HasDeadline && due.DaysLeft < 0 && !due.Frozen:
		return RankOverdue
	case due.HasDeadline || !due.HandlingDeadline.IsZero():
		return RankDeadline
	case verdict.NeedsTrip:
		return RankTrip
	}
	return RankNeedsUser
}

func firstTrip(v Verdict) (Blocker, bool) {
	for _, b := range v.Blockers {
		if tripBlockers[b.Code] {
			return b, true
		}
	}
	return Blocker{}, false
}

func trimStop(s string) string {
	for _, stop := range []string{".", "。"} {
		if len(s) >= len(stop) && s[len(s)-len(stop):] == stop {
			return s[:len(s)-len(stop)]
		}
	}
	return s
}

// lowerFirst lets a blocker's sentence continue an instruction after a colon.
func lowerFirst(s string) string {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

type names struct{ en, zh string }

func nameOr(name, en, zh string) names {
	if name == "" {
		return names{en, zh}
	}
	return names{name, name}
}

// Less orders the dashboard: by urgency bucket; overdue tickets by the
// biggest late fee, then the oldest deadline; tickets with a deadline by the
// nearest one; then by offence time (oldest first) and ID, so the order is
// total and stable.
func Less(a, b Assessment) bool {
	if a.Next.Rank != b.Next.Rank {
		return a.Next.Rank < b.Next.Rank
	}
	switch a.Next.Rank {
	case RankOverdue:
		if a.Due.LateFeeFen != b.Due.LateFeeFen {
			return a.Due.LateFeeFen > b.Due.LateFeeFen
		}
		if c := cmpDate(a.Due.DueOn, b.Due.DueOn); c != 0 {
			return c < 0
		}
	case RankDeadline:
		if c := cmpDate(deadline(a.Due), deadline(b.Due)); c != 0 {
			return c < 0
		}
	}
	if !a.Violation.OccurredAt.Equal(b.Violation.OccurredAt) {
		return a.Violation.OccurredAt.Before(b.Violation.OccurredAt)
	}
	return a.Violation.ID < b.Violation.ID
}

// deadline is the earlier of the payment and handling deadlines that are set.
func deadline(d Due) core.Date {
	switch {
	case !d.HasDeadline || d.DueOn.IsZero():
		return d.HandlingDeadline
	case d.HandlingDeadline.IsZero():
		return d.DueOn
	}
	return minDate(d.DueOn, d.HandlingDeadline)
}

// cmpDate orders dates with unset ones last.
func cmpDate(a, b core.Date) int {
	switch {
	case a == b:
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	case a.Before(b):
		return -1
	}
	return 1
}
