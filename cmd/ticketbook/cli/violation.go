package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core"
	"ticketbook/core/tickets"
)

type violationFlags struct {
	plate, plateType, occurred, place, code, fine, points, description string
	decisionNumber, decided, received, recordNumber, driver, source    string
	status, notes                                                      string
	notified, extendedUntil, appealed, appealDecided                   string
	chargeTo, recovered                                                string
}

func (e *env) bindViolationFlags(cmd *cobra.Command, f *violationFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.plate, "plate", "", e.t("plate of the vehicle", "车辆号牌"))
	fl.StringVar(&f.plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&f.occurred, "occurred", "", e.t("when it happened, local time, e.g. \"2026-03-01 08:30\"", "违法时间（本地时间），如 \"2026-03-01 08:30\""))
	fl.StringVar(&f.place, "place", "", e.t("where it happened", "违法地点"))
	fl.StringVar(&f.code, "code", "", e.t("offence code on the notice, e.g. 1625", "违法代码，如 1625"))
	fl.StringVar(&f.fine, "fine", "", e.t("fine in yuan, e.g. 200 or 150.50", "罚款金额（元），如 200 或 150.50"))
	fl.StringVar(&f.points, "points", "", e.t("penalty points, 0 to 12", "记分，0 到 12"))
	fl.StringVar(&f.description, "description", "", e.t("what the offence was", "违法行为"))
	fl.StringVar(&f.decisionNumber, "decision-number", "", e.t("penalty decision number (决定书编号), 15 or 16 digits", "处罚决定书编号，15 或 16 位数字"))
	fl.StringVar(&f.decided, "decided", "", e.t("date of the decision", "决定日期"))
	fl.StringVar(&f.received, "received", "", e.t("date the decision reached you (the 15 days to pay count from it)", "决定书送达日期（15 日缴款期限由此起算）"))
	fl.StringVar(&f.recordNumber, "record-number", "", e.t("violation record number (违法编号) of a camera record", "违法编号"))
	fl.StringVar(&f.driver, "driver", "", e.t("who was driving: name or ID number", "驾驶人：姓名或身份证号"))
	fl.StringVar(&f.source, "source", "", e.t("camera or on_site (default camera)", "camera 电子监控或 on_site 现场（默认 camera）"))
	fl.StringVar(&f.status, "status", "", e.t("new, confirmed, decided, paid, appealed, appeal_upheld, appeal_rejected or in_person", "状态：new、confirmed、decided、paid、appealed、appeal_upheld、appeal_rejected 或 in_person"))
	fl.StringVar(&f.notes, "notes", "", e.t("free notes", "备注"))
	fl.StringVar(&f.notified, "notified", "", e.t("date you were notified of a camera record (30 days to handle it count from here)", "电子监控记录的通知日期（30 日处理期限由此起算）"))
	fl.StringVar(&f.extendedUntil, "extended-until", "", e.t("handling deadline after an extension you obtained (up to 3 months)", "申请延期后的处理期限（最长 3 个月）"))
	fl.StringVar(&f.appealed, "appealed", "", e.t("date an appeal, reconsideration or lawsuit started (no late fee accrues while pending)", "申诉、复议或诉讼开始日期（期间不计滞纳金）"))
	fl.StringVar(&f.appealDecided, "appeal-decided", "", e.t("date the appeal was decided", "申诉结果日期"))
	fl.StringVar(&f.chargeTo, "charge-to", "", e.t("recover the fine from this person (name or ID number; empty to clear)", "向此人追偿罚款（姓名或身份证号；留空取消）"))
	fl.StringVar(&f.recovered, "recovered", "", e.t("date the charged-back fine was recovered", "追偿到账日期"))
}

func (e *env) applyViolationFlags(cmd *cobra.Command, f *violationFlags, v *core.Violation) error {
	ch := cmd.Flags().Changed
	var errs fieldErrors
	if ch("occurred") {
		v.OccurredAt = errs.time("occurred", f.occurred, e.loc)
	}
	if ch("place") {
		v.Place = f.place
	}
	if ch("code") {
		v.Code = f.code
	}
	if ch("fine") {
		v.FineFen = errs.yuan("fine", f.fine)
	}
	if ch("points") {
		v.Points = int(errs.int("points", f.points, 0, 12))
	}
	if ch("description") {
		v.Description = f.description
	}
	if ch("decision-number") {
		v.DecisionNumber = f.decisionNumber
	}
	if ch("decided") {
		v.DecidedOn = errs.date("decided", f.decided)
	}
	if ch("received") {
		v.ReceivedOn = errs.date("received", f.received)
	}
	if ch("record-number") {
		v.RecordNumber = f.recordNumber
	}
	if ch("source") {
		v.Source = core.Source(f.source)
	}
	if ch("status") {
		v.Status = core.ViolationStatus(f.status)
	}
	if ch("notes") {
		v.Notes = f.notes
	}
	if ch("notified") {
		v.NotifiedOn = errs.date("notified", f.notified)
	}
	if ch("extended-until") {
		v.ExtendedUntil = errs.date("extended_until", f.extendedUntil)
	}
	if ch("appealed") {
		v.AppealedOn = errs.date("appealed", f.appealed)
	}
	if ch("appeal-decided") {
		v.AppealDecidedOn = errs.date("appeal_decided", f.appealDecided)
	}
	if ch("recovered") {
		v.RecoveredOn = errs.date("recovered", f.recovered)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if ch("plate") || ch("plate-type") {
		veh, err := e.resolveVehicleArg(f.plate, f.plateType)
		if err != nil {
			return err
		}
		v.VehicleID = veh.ID
	}
	if ch("charge-to") {
		if strings.TrimSpace(f.chargeTo) == "" {
			v.ChargeBackTo, v.RecoveredOn = nil, core.Date{}
		} else {
			st, err := e.open()
			if err != nil {
				return err
			}
			p, err := core.ResolvePerson(e.ctx, st, "charge_back", f.chargeTo)
			if err != nil {
				return err
			}
			v.ChargeBackTo = &p.ID
		}
	}
	if ch("driver") {
		if strings.TrimSpace(f.driver) == "" {
			v.DriverID = nil
		} else {
			st, err := e.open()
			if err != nil {
				return err
			}
			p, err := core.ResolvePerson(e.ctx, st, "driver", f.driver)
			if err != nil {
				return err
			}
			v.DriverID = &p.ID
		}
	}
	return nil
}

func (e *env) violationCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "violation", Aliases: []string{"violations"}, Short: e.t("Add, list, show and edit violations", "添加、列出、查看、修改违法记录")}
	cmd.AddCommand(e.violationAdd(), e.violationList(), e.violationShow(), e.violationEdit(), e.violationPay(), e.violationAppeal(), e.violationConfirm())
	return cmd
}

func (e *env) violationAdd() *cobra.Command {
	var f violationFlags
	cmd := &cobra.Command{
		Use:     "add --plate PLATE --occurred TIME --place PLACE --code CODE --fine YUAN --points N [flags]",
		Short:   e.t("Record a violation", "记录违法"),
		Example: `  ticketbook violation add --plate 粤B12345 --occurred "2026-03-01 08:30" --place "深南大道与科苑路交叉口" --code 1625 --fine 200 --points 6 --description "闯红灯"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var missing []string
			for _, name := range []string{"plate", "occurred", "place", "code", "fine", "points"} {
				if !cmd.Flags().Changed(name) {
					missing = append(missing, "--"+name)
				}
			}
			if len(missing) > 0 {
				return usageError{fmt.Errorf("%s", e.t("missing %s", "缺少 %s", strings.Join(missing, ", ")))}
			}
			var v core.Violation
			if err := e.applyViolationFlags(cmd, &f, &v); err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			v, warnings, err := svc.AddViolation(e.ctx, v)
			if err != nil {
				return err
			}
			e.warn(warnings)
			view, err := svc.View(e.ctx, v.ID)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(view)
			}
			fmt.Fprintln(e.stdout, e.t("Recorded violation #%d of %s: %s yuan, %d points", "已记录 %[2]s 的违法 #%[1]d：%[3]s 元，%[4]d 分", v.ID, view.Plate, v.FineFen.Yuan(), v.Points))
			return nil
		},
	}
	e.bindViolationFlags(cmd, &f)
	e.addJSON(cmd)
	return cmd
}

func (e *env) violationList() *cobra.Command {
	var plate, plateType, driver, status, from, to, search, asOf, sortBy string
	var limit int
	var open bool
	cmd := &cobra.Command{
		Use:   "list [filters]",
		Short: e.t("List violations, newest first", "列出违法记录（最新在前）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			f := core.ViolationFilter{Search: search, Limit: limit}
			var errs fieldErrors
			if from != "" {
				f.From = errs.date("from", from).In(e.loc)
			}
			if to != "" {
				f.To = errs.date("to", to).AddDays(1).In(e.loc)
			}
			for _, s := range strings.Split(status, ",") {
				if strings.TrimSpace(s) == "" {
					continue
				}
				parsed, err := core.ParseViolationStatus(s)
				errs.Add("status", err)
				f.Statuses = append(f.Statuses, parsed)
			}
			if open {
				f.Statuses = append(f.Statuses, core.OpenStatuses()...)
			}
			if err := errs.Err(); err != nil {
				return err
			}
			if plate != "" {
				v, err := e.resolveVehicleArg(plate, plateType)
				if err != nil {
					return err
				}
				f.VehicleID = v.ID
			}
			if driver != "" {
				p, err := core.ResolvePerson(e.ctx, st, "driver", driver)
				if err != nil {
					return err
				}
				f.DriverID = p.ID
			}
			day, err := e.asOfDate(asOf)
			if err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			views, err := svc.Assess(e.ctx, f, day, string(e.lang))
			if err != nil {
				return err
			}
			if err := sortAssessed(views, sortBy); err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(jsonList(views))
			}
			e.printViolations(views)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&plate, "plate", "", e.t("only this vehicle", "只列出此车辆"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&driver, "driver", "", e.t("only this driver (name or ID number)", "只列出此驾驶人（姓名或身份证号）"))
	fl.StringVar(&status, "status", "", e.t("only these statuses, comma-separated", "只列出这些状态（逗号分隔）"))
	fl.BoolVar(&open, "open", false, e.t("only violations that still need something", "只列出仍需处理的"))
	fl.StringVar(&from, "from", "", e.t("occurred on or after this date", "违法日期不早于"))
	fl.StringVar(&to, "to", "", e.t("occurred on or before this date", "违法日期不晚于"))
	fl.StringVar(&search, "search", "", e.t("plate, decision or record number, place or driver containing this", "号牌、决定书编号、违法编号、地点或驾驶人包含此文字"))
	fl.IntVar(&limit, "limit", 0, e.t("at most this many", "最多列出条数"))
	fl.StringVar(&sortBy, "sort", "occurred", e.t("order: occurred (newest first), urgency, due or amount", "排序：occurred 违法时间（最新在前）、urgency 紧急程度、due 截止日期或 amount 金额"))
	e.addAsOf(cmd, &asOf)
	e.addJSON(cmd)
	return cmd
}

func (e *env) printViolations(views []tickets.Assessed) {
	if len(views) == 0 {
		fmt.Fprintln(e.stdout, e.t("No violations.", "没有违法记录。"))
		return
	}
	lang := string(e.lang)
	var t table
	t.add("ID", e.t("PLATE", "号牌"), e.t("OCCURRED", "违法时间"), e.t("FINE", "罚款"), e.t("POINTS", "记分"), e.t("STATUS", "状态"), e.t("DRIVER", "驾驶人"), e.t("DUE", "应缴"), e.t("BY", "截止"), e.t("NEXT", "下一步"))
	for _, v := range views {
		driver := v.Driver
		if driver == "" && v.SuggestedDriver != nil {
			driver = "(" + *v.SuggestedDriver + "?)"
		}
		due := "-"
		if v.TotalDueFen > 0 {
			due = v.TotalDueFen.Yuan()
		}
		by := v.DueOn.String()
		if by == "" {
			by = v.HandlingDeadline.String()
		}
		t.add(strconv.FormatInt(v.ID, 10), v.Plate, e.localTime(v.OccurredAt), v.FineFen.Yuan(), strconv.Itoa(v.Points), v.Status.Name(lang), orDash(driver), due, orDash(by), v.NextActionText)
	}
	t.print(e.stdout)
}

func (e *env) violationID(arg string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Errorf("%s", e.t("%q is not a violation id (see `ticketbook violation list`)", "“%s”不是违法记录编号（见 `ticketbook violation list`）", arg))}
	}
	return id, nil
}

func (e *env) violationShow() *cobra.Command {
	var asOf string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: e.t("Show one violation", "查看违法记录"),
		Args:  e.exactArgs(1, "a violation id", "违法记录编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := e.violationID(args[0])
			if err != nil {
				return err
			}
			day, err := e.asOfDate(asOf)
			if err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			v, err := svc.AssessOne(e.ctx, id, day, string(e.lang))
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(v)
			}
			lang := string(e.lang)
			var t table
			t.add(e.t("Plate", "号牌"), v.Plate)
			t.add(e.t("Occurred", "违法时间"), e.localTime(v.OccurredAt))
			t.add(e.t("Place", "地点"), v.Place)
			t.add(e.t("Offence", "违法行为"), v.Code+" "+v.Description)
			t.add(e.t("Fine", "罚款"), v.FineFen.Yuan()+e.t(" yuan", " 元"))
			t.add(e.t("Points", "记分"), strconv.Itoa(v.Points))
			t.add(e.t("Source", "来源"), v.Source.Name(lang))
			t.add(e.t("Status", "状态"), v.Status.Name(lang))
			t.add(e.t("Driver", "驾驶人"), orDash(v.Driver))
			t.add(e.t("Record number", "违法编号"), orDash(v.RecordNumber))
			t.add(e.t("Decision number", "决定书编号"), orDash(v.DecisionNumber))
			t.add(e.t("Decided", "决定日期"), orDash(v.DecidedOn.String()))
			t.add(e.t("Received", "送达日期"), orDash(v.ReceivedOn.String()))
			t.add(e.t("Notes", "备注"), orDash(v.Notes))
			t.add("ID", strconv.FormatInt(v.ID, 10))
			e.addAssessmentRows(&t, v)
			t.print(e.stdout)
			e.warn(v.Warnings())
			return nil
		},
	}
	e.addAsOf(cmd, &asOf)
	e.addJSON(cmd)
	return cmd
}

func (e *env) violationEdit() *cobra.Command {
	var f violationFlags
	cmd := &cobra.Command{
		Use:   "edit ID [flags]",
		Short: e.t("Change a violation; only the flags given are changed", "修改违法记录；只修改给出的项"),
		Args:  e.exactArgs(1, "a violation id", "违法记录编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := e.violationID(args[0])
			if err != nil {
				return err
			}
			st, err := e.open()
			if err != nil {
				return err
			}
			stored, err := st.Violations().Get(e.ctx, id)
			if err != nil {
				return err
			}
			edited := stored
			if err := e.applyViolationFlags(cmd, &f, &edited); err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			_, warnings, err := svc.EditViolation(e.ctx, id, func(dst *core.Violation) { *dst = edited })
			if err != nil {
				return err
			}
			e.warn(warnings)
			view, err := svc.View(e.ctx, id)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(view)
			}
			fmt.Fprintln(e.stdout, e.t("Saved violation #%d", "已保存违法记录 #%d", id))
			return nil
		},
	}
	e.bindViolationFlags(cmd, &f)
	e.addJSON(cmd)
	return cmd
}
