package cli

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core"
	"ticketbook/core/tickets"
)

func (e *env) addAsOf(cmd *cobra.Command, dst *string) {
	cmd.Flags().StringVar(dst, "as-of", "", e.t("compute deadlines, late fees and points as of this date (default today), e.g. 2026-03-20", "按此日期计算期限、滞纳金和记分（默认今天），如 2026-03-20"))
}

// asOfDate is the day the rules are computed for: today in local time unless given.
func (e *env) asOfDate(s string) (core.Date, error) {
	if strings.TrimSpace(s) == "" {
		return core.DateOf(e.now().In(e.loc)), nil
	}
	return core.ParseDate("as_of", s)
}

func sortAssessed(xs []tickets.Assessed, by string) error {
	switch by {
	case "", "occurred":
	case "urgency":
		tickets.SortByUrgency(xs)
	case "due":
		sort.SliceStable(xs, func(i, j int) bool {
			a, b := deadline(xs[i]), deadline(xs[j])
			if a.IsZero() != b.IsZero() {
				return !a.IsZero()
			}
			return a.Before(b)
		})
	case "amount":
		sort.SliceStable(xs, func(i, j int) bool { return amount(xs[i]) > amount(xs[j]) })
	default:
		return usageError{fmt.Errorf("--sort must be occurred, urgency, due or amount, not %q", by)}
	}
	return nil
}

func deadline(a tickets.Assessed) core.Date {
	if !a.DueOn.IsZero() {
		return a.DueOn
	}
	return a.HandlingDeadline
}

func amount(a tickets.Assessed) core.Fen {
	if a.TotalDueFen > 0 {
		return a.TotalDueFen
	}
	return a.FineFen
}

func (e *env) addAssessmentRows(t *table, v tickets.Assessed) {
	t.add("", "")
	t.add(e.t("As of", "计算日期"), v.AsOf.String())
	if v.DaysLeft != nil {
		left := *v.DaysLeft
		when := v.DueOn.String()
		switch {
		case left > 0:
			when += e.t(" (%d days left)", "（还剩 %d 天）", left)
		case left == 0:
			when += e.t(" (today)", "（今天）")
		default:
			when += e.t(" (%d days late)", "（逾期 %d 天）", -left)
		}
		t.add(e.t("Pay by", "缴款期限"), when)
	}
	if !v.HandlingDeadline.IsZero() {
		t.add(e.t("Handle by", "处理期限"), v.HandlingDeadline.String())
	}
	if v.LateFeeFen > 0 || v.DaysLate > 0 {
		fee := v.LateFeeFen.Yuan() + e.t(" yuan", " 元")
		if v.LateFeeFromProvider {
			fee += e.t(" (provider's figure)", "（服务商数据）")
		} else {
			fee += e.t(" (estimate: 3% of the fine a day, at most the fine)", "（估算：每日按罚款 3%，不超过罚款本身）")
		}
		if v.LateFeeFrozen {
			fee += e.t("; frozen while the appeal is pending", "；申诉期间暂停计算")
		}
		t.add(e.t("Late fee", "滞纳金"), fee)
	}
	if v.TotalDueFen > 0 {
		t.add(e.t("Total due", "应缴合计"), v.TotalDueFen.Yuan()+e.t(" yuan", " 元"))
	}
	if v.DeliveryAssumed {
		t.add("", e.t("(no delivery date recorded: counted from the decision date)", "（未记录送达日期：按决定日期计算）"))
	}
	switch {
	case v.SuggestedDriver != nil:
		t.add(e.t("Suggested driver", "建议驾驶人"), *v.SuggestedDriver+e.t(" (from custody)", "（根据用车记录）"))
	case v.DriverMatch == "overlap":
		t.add(e.t("Suggested driver", "建议驾驶人"), e.t("several people had the car then: %s — you decide", "当时有多人用车：%s——请您确认", strings.Join(v.Candidates, ", ")))
	case v.DriverMatch == "none" && v.Driver == "":
		t.add(e.t("Suggested driver", "建议驾驶人"), e.t("nobody on record had the car then", "用车记录中当时无人用车"))
	}
	if v.PointsAfter != nil {
		t.add(e.t("Points after this", "处理后记分"), e.t("%d of 12", "%d / 12", *v.PointsAfter))
	}
	if v.OnlineOK {
		t.add(e.t("Online", "网上处理"), e.t("can be handled online", "可以网上处理"))
	} else {
		for i, b := range v.BlockerDetails {
			label := ""
			if i == 0 {
				label = e.t("Online", "网上处理")
			}
			t.add(label, e.t("no: ", "不可：")+b.Message+" ["+b.Code+"]")
		}
		if v.Instead != "" {
			t.add(e.t("Instead", "建议"), v.Instead)
		}
	}
	t.add(e.t("Next", "下一步"), v.NextActionText)
	if len(v.RulesApplied) > 0 {
		t.add(e.t("Rules", "依据"), strings.Join(v.RulesApplied, ", ")+e.t("  (see `ticketbook rules list`)", "（见 `ticketbook rules list`）"))
	}
}

func (e *env) rulesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: e.t("The rule table: every number Ticketbook applies, with its source", "规则表：所用的每个数值及其依据")}
	list := &cobra.Command{
		Use:   "list",
		Short: e.t("Print the rule table with sources", "列出规则表及依据"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			rs := svc.Rules().Rules()
			if e.jsonOut {
				return e.printJSON(rs)
			}
			var t table
			t.add(e.t("KEY", "规则"), e.t("REGION", "地区"), e.t("VALUE", "数值"), e.t("UNIT", "单位"), e.t("FROM", "生效"), e.t("CONFIDENCE", "可靠性"), e.t("SOURCE", "依据"))
			for _, r := range rs {
				t.add(r.Key, orDash(r.Region), strconv.FormatInt(r.Value, 10), r.Unit, r.EffectiveFrom.String(), r.Confidence, r.Source)
			}
			t.print(e.stdout)
			return nil
		},
	}
	e.addJSON(list)
	cmd.AddCommand(list)
	return cmd
}
