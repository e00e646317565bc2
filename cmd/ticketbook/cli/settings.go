package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core/field"
	"ticketbook/core/rules"
	"ticketbook/core/tickets"
)

// settingDefs are the preferences that change computed results.
var settingDefs = []struct {
	key, def, en, zh string
	check            func(string) (string, error)
}{
	{tickets.SettingConvention, string(rules.ConventionNextDay),
		"how the 15 days to pay are counted: next_day (from the day after delivery; the late fee starts on day 16, as official help pages say) or same_day (the delivery day is day 1)",
		"15 日缴款期限的计算方式：next_day（自送达次日起算，第 16 日起加收滞纳金，与官方说明一致）或 same_day（送达当日为第 1 日）",
		func(s string) (string, error) { c, err := rules.ParseConvention(s); return string(c), err }},
	{tickets.SettingRegion, "",
		"your region's 6-digit administrative code (e.g. 440300 for Shenzhen) for regional rule overrides; empty for national rules",
		"所在地区的 6 位行政区划代码（如深圳 440300），用于地方规则；留空使用全国规则",
		func(s string) (string, error) {
			s = strings.TrimSpace(s)
			if s != "" && (len(s) != 6 || strings.Trim(s, "0123456789") != "") {
				return "", field.New("region", "region_format", "must be a 6-digit administrative code such as 440300, or empty", "应为 6 位行政区划代码（如 440300）或留空")
			}
			return s, nil
		}},
}

func (e *env) settingsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "settings", Short: e.t("Show and change settings that affect computed deadlines and fees", "查看和修改影响期限与费用计算的设置")}
	list := &cobra.Command{
		Use:   "list",
		Short: e.t("Show the settings", "显示设置"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			all, err := st.Settings().All(e.ctx)
			if err != nil {
				return err
			}
			out := map[string]string{}
			var t table
			t.add(e.t("SETTING", "设置项"), e.t("VALUE", "值"), e.t("MEANING", "说明"))
			for _, d := range settingDefs {
				v, ok := all[d.key]
				if !ok {
					v = d.def
				}
				out[d.key] = v
				t.add(d.key, orDash(v), e.t(d.en, d.zh))
			}
			if e.jsonOut {
				return e.printJSON(out)
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
			for _, d := range settingDefs {
				if d.key != args[0] {
					continue
				}
				v, err := d.check(args[1])
				if err != nil {
					return err
				}
				st, err := e.open()
				if err != nil {
					return err
				}
				if err := st.Settings().Set(e.ctx, d.key, v); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, e.t("%s is now %q", "%s 已设为“%s”", d.key, v))
				return nil
			}
			keys := make([]string, len(settingDefs))
			for i, d := range settingDefs {
				keys[i] = d.key
			}
			return field.New("setting", "setting_unknown", fmt.Sprintf("%q is not a setting; known: %s", args[0], strings.Join(keys, ", ")),
				fmt.Sprintf("“%s”不是设置项；可用：%s", args[0], strings.Join(keys, "、")))
		},
	}
	cmd.AddCommand(list, set)
	return cmd
}
