package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core"
)

type registrationView struct {
	core.Registration
	Plate  string `json:"plate"`
	Person string `json:"person"`
	// CancelReminder is set when the driver has no open violation left on
	// the vehicle: a repair shop should cancel the registration now.
	CancelReminder *string `json:"cancel_reminder"`
}

func (e *env) registrationCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "registration", Aliases: []string{"registrations"}, Short: e.t("Non-owner vehicle registrations (备案非本人机动车)", "备案非本人机动车")}
	cmd.AddCommand(e.registrationAdd(), e.registrationCancel(), e.registrationList())
	return cmd
}

func (e *env) registrationAdd() *cobra.Command {
	var plate, plateType, person, method, applied, approved, notes string
	cmd := &cobra.Command{
		Use:     "add --plate PLATE --person NAME --method sms|qr|window --applied DATE [--approved DATE]",
		Short:   e.t("Record a registration of a person on a vehicle they don't own", "记录某人对非本人车辆的备案"),
		Example: `  ticketbook registration add --plate 粤B12345 --person 王五 --method sms --applied 2026-03-01 --approved 2026-03-02`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if plate == "" || person == "" || method == "" || applied == "" {
				return usageError{fmt.Errorf("%s", e.t("--plate, --person, --method and --applied are required", "必须提供 --plate、--person、--method 和 --applied"))}
			}
			var errs fieldErrors
			reg := core.Registration{Method: core.RegMethod(method), Notes: notes}
			reg.Applied = errs.date("applied", applied)
			reg.Approved = errs.date("approved", approved)
			if err := errs.Err(); err != nil {
				return err
			}
			v, p, err := e.vehicleAndPerson(plate, plateType, "person", person)
			if err != nil {
				return err
			}
			reg.VehicleID, reg.PersonID = v.ID, p.ID
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			reg, err = svc.AddRegistration(e.ctx, reg)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(registrationView{Registration: reg, Plate: v.Plate, Person: p.Name})
			}
			fmt.Fprintln(e.stdout, e.t("Registered %s on %s (%s), registration #%d", "已记录 %s 备案 %s（%s），备案 #%d", p.Name, v.Plate, reg.Status.Name(string(e.lang)), reg.ID))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&plate, "plate", "", e.t("plate of the vehicle", "车辆号牌"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&person, "person", "", e.t("the registered driver: name or ID number", "备案驾驶人：姓名或身份证号"))
	fl.StringVar(&method, "method", "", e.t("sms (owner reads out a code), qr (owner's vehicle QR code) or window", "sms 短信验证码、qr 扫码或 window 窗口办理"))
	fl.StringVar(&applied, "applied", "", e.t("date applied, e.g. 2026-03-01", "申请日期，如 2026-03-01"))
	fl.StringVar(&approved, "approved", "", e.t("date approved, if it is", "通过日期（如已通过）"))
	fl.StringVar(&notes, "notes", "", e.t("free notes", "备注"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) registrationCancel() *cobra.Command {
	var on string
	cmd := &cobra.Command{
		Use:   "cancel ID [--on DATE]",
		Short: e.t("Record that a registration was cancelled", "记录取消备案"),
		Args:  e.exactArgs(1, "a registration id", "备案编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("%s", e.t("%q is not a registration id", "“%s”不是备案编号", args[0]))}
			}
			var errs fieldErrors
			d := errs.date("cancelled", on)
			if err := errs.Err(); err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			reg, err := svc.CancelRegistration(e.ctx, id, d)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(reg)
			}
			fmt.Fprintln(e.stdout, e.t("Registration #%d cancelled on %s", "备案 #%d 已于 %s 取消", reg.ID, reg.Cancelled))
			return nil
		},
	}
	cmd.Flags().StringVar(&on, "on", "", e.t("date cancelled (default today)", "取消日期（默认今天）"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) registrationList() *cobra.Command {
	var plate, plateType, person string
	var active bool
	cmd := &cobra.Command{
		Use:   "list [--plate PLATE] [--person NAME] [--active]",
		Short: e.t("List registrations", "列出备案"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			f := core.RegistrationFilter{ActiveOnly: active}
			if f.VehicleID, f.PersonID, err = e.filterRefs(plate, plateType, person); err != nil {
				return err
			}
			regs, err := st.Registrations().List(e.ctx, f)
			if err != nil {
				return err
			}
			views := make([]registrationView, 0, len(regs))
			for _, r := range regs {
				plate, name, err := e.names(r.VehicleID, r.PersonID)
				if err != nil {
					return err
				}
				views = append(views, registrationView{Registration: r, Plate: plate, Person: name})
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			reminders, err := svc.CancelReminders(e.ctx, regs)
			if err != nil {
				return err
			}
			for _, rem := range reminders {
				for i := range views {
					if views[i].ID == rem.RegistrationID {
						text := e.t(rem.En, rem.Zh)
						views[i].CancelReminder = &text
					}
				}
			}
			if e.jsonOut {
				return e.printJSON(views)
			}
			if len(views) == 0 {
				fmt.Fprintln(e.stdout, e.t("No registrations.", "没有备案。"))
				return nil
			}
			lang := string(e.lang)
			var t table
			t.add("ID", e.t("PLATE", "号牌"), e.t("PERSON", "备案人"), e.t("METHOD", "方式"), e.t("STATUS", "状态"), e.t("APPLIED", "申请"), e.t("APPROVED", "通过"), e.t("CANCELLED", "取消"))
			for _, r := range views {
				t.add(strconv.FormatInt(r.ID, 10), r.Plate, r.Person, r.Method.Name(lang), r.Status.Name(lang), r.Applied.String(), orDash(r.Approved.String()), orDash(r.Cancelled.String()))
			}
			t.print(e.stdout)
			for _, r := range views {
				if r.CancelReminder != nil {
					fmt.Fprintf(e.stdout, "#%d: %s\n", r.ID, *r.CancelReminder)
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&plate, "plate", "", e.t("only this vehicle", "只列出此车辆"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&person, "person", "", e.t("only this person (name or ID number)", "只列出此人（姓名或身份证号）"))
	fl.BoolVar(&active, "active", false, e.t("only applied or approved ones", "只列出审核中或已备案的"))
	e.addJSON(cmd)
	return cmd
}
