package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"ticketbook/core/tickets"
)

func (e *env) settingsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "settings", Short: e.t("Show and change settings that affect computed deadlines and fees", "查看和修改影响期限与费用计算的设置")}
	list := &cobra.Command{
		Use:   "list",
		Short: e.t("Show the settings", "显示设置"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			all, err := svc.SettingsMap(e.ctx)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(all)
			}
			var t table
			t.add(e.t("SETTING", "设置项"), e.t("VALUE", "值"), e.t("MEANING", "说明"))
			for _, d := range tickets.SettingDefs {
				t.add(d.Key, orDash(all[d.Key]), e.t(d.En, d.Zh))
			}
			t.print(e.stdout)
			return nil
		},
	}
	e.addJSON(list)
	set := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: e.t("Change a setting", "修改设置"),
		Args:  e.exactArgs(2, "a setting name and a value", "设置项名称和值"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			v, err := svc.SetSetting(e.ctx, args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.t("%s is now %q", "%s 已设为“%s”", args[0], v))
			return nil
		},
	}
	cmd.AddCommand(list, set)
	return cmd
}
