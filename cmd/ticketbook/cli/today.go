package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core/demo"
	"ticketbook/core/tickets"
)

func (e *env) todayCmd() *cobra.Command {
	var asOf string
	cmd := &cobra.Command{
		Use:   "today",
		Short: e.t("What needs action now, most urgent first", "现在需要处理的事项（最紧急在前）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			day, err := e.asOfDate(asOf)
			if err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			t, err := svc.Today(e.ctx, day, string(e.lang))
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(t)
			}
			fmt.Fprintln(e.stdout, e.t("Open fines %s yuan, late fees %s yuan, %d points at risk (as of %s)", "未缴罚款 %s 元，滞纳金 %s 元，待定记分 %d 分（截至 %s）",
				t.OpenFinesFen.Yuan(), t.LateFeesFen.Yuan(), t.PointsAtRisk, day))
			if len(t.Open) == 0 {
				fmt.Fprintln(e.stdout, e.t("Nothing to do.", "没有需要处理的事项。"))
			}
			var tb table
			for _, v := range t.Open {
				tb.add("#"+fmt.Sprint(v.ID), v.Plate, v.NextActionText)
			}
			tb.print(e.stdout)
			for _, r := range t.AtRisk {
				fmt.Fprintln(e.stdout, e.t("%s is at %d of 12 points", "%s 当前记分 %d / 12", r.Person.Name, r.Standing.Total))
			}
			for _, r := range t.ToCancel {
				fmt.Fprintln(e.stdout, e.t("registration #%d (%s, %s): %s", "备案 #%d（%s，%s）：%s", r.Registration.ID, r.Plate, r.Person, r.Text))
			}
			return nil
		},
	}
	e.addAsOf(cmd, &asOf)
	e.addJSON(cmd)
	return cmd
}

func (e *env) demoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: e.t("Fill an empty database with a realistic demo fleet (to explore Ticketbook)", "向空数据库写入演示车队数据（用于体验）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := e.fleet()
			if err != nil {
				return err
			}
			t, err := e.tickets()
			if err != nil {
				return err
			}
			if err := demo.Seed(e.ctx, f, t, e.now().In(e.loc)); err != nil {
				return err
			}
			// The local demo fleet is not the demo provider's: syncing it
			// would send its registrations to a provider that does not know
			// its cars. It stays an offline showcase until the user chooses.
			if _, err := t.SetSetting(e.ctx, tickets.SettingProvider, tickets.ProviderOff); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.t("Demo data added to %s (sync is off for it: `ticketbook provider set demo` turns it on)",
				"已向 %s 写入演示数据（该库同步已关闭：`ticketbook provider set demo` 可开启）", e.dbPath))
			fmt.Fprintln(e.stdout, strings.TrimSpace(e.t("Try: ticketbook today", "试试：ticketbook today")))
			return nil
		},
	}
}
