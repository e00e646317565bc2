package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core"
)

type personFlags struct {
	name, idNumber, licenceFile, licenceClass, firstIssued, validUntil, phone, role, notes string
}

func (e *env) bindPersonFlags(cmd *cobra.Command, f *personFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", e.t("full name", "姓名"))
	fl.StringVar(&f.idNumber, "id-number", "", e.t("resident ID number (also the driving licence number), 18 characters", "身份证号码（即驾驶证号），18 位"))
	fl.StringVar(&f.licenceFile, "licence-file", "", e.t("licence file number (档案编号), 12 digits", "驾驶证档案编号，12 位数字"))
	fl.StringVar(&f.licenceClass, "licence-class", "", e.t("licence class, e.g. C1", "准驾车型，如 C1"))
	fl.StringVar(&f.firstIssued, "first-issued", "", e.t("date the licence was first issued, e.g. 2015-06-01 (starts each 12-point cycle)", "初次领证日期，如 2015-06-01（记分周期由此起算）"))
	fl.StringVar(&f.validUntil, "valid-until", "", e.t("licence valid until, e.g. 2031-06-01", "驾驶证有效期至，如 2031-06-01"))
	fl.StringVar(&f.phone, "phone", "", e.t("phone number", "电话"))
	fl.StringVar(&f.role, "role", "", e.t("owner, employee, family or customer (default employee)", "owner 车主、employee 员工、family 亲友、customer 客户（默认 employee）"))
	fl.StringVar(&f.notes, "notes", "", e.t("free notes", "备注"))
}

func (e *env) applyPersonFlags(cmd *cobra.Command, f *personFlags, p *core.Person) error {
	ch := cmd.Flags().Changed
	var errs fieldErrors
	if ch("name") {
		p.Name = f.name
	}
	if ch("id-number") {
		p.IDNumber = f.idNumber
	}
	if ch("licence-file") {
		p.LicenceFile = f.licenceFile
	}
	if ch("licence-class") {
		p.LicenceClass = f.licenceClass
	}
	if ch("first-issued") {
		p.FirstIssued = errs.date("first_issued", f.firstIssued)
	}
	if ch("valid-until") {
		p.ValidUntil = errs.date("valid_until", f.validUntil)
	}
	if ch("phone") {
		p.Phone = f.phone
	}
	if ch("role") {
		p.Role = core.Role(f.role)
	}
	if ch("notes") {
		p.Notes = f.notes
	}
	return errs.Err()
}

// personView is a person with their 12-point standing as of a date.
type personView struct {
	core.Person
	AsOf          core.Date `json:"as_of"`
	CycleStart    core.Date `json:"cycle_start"`
	CycleEnd      core.Date `json:"cycle_end"`
	PointsInCycle int       `json:"points_in_cycle"`
	PointsCarried int       `json:"points_carried"`
	PointsTotal   int       `json:"points_total"`
	PointsLevel   string    `json:"points_level"`
}

func (e *env) personViews(ps []core.Person, asOf string) ([]personView, error) {
	day, err := e.asOfDate(asOf)
	if err != nil {
		return nil, err
	}
	svc, err := e.tickets()
	if err != nil {
		return nil, err
	}
	a, err := svc.Assessor(e.ctx, day, string(e.lang))
	if err != nil {
		return nil, err
	}
	out := make([]personView, 0, len(ps))
	for _, p := range ps {
		st, err := a.Standing(e.ctx, p)
		if err != nil {
			return nil, err
		}
		v := personView{Person: e.personOut(p), AsOf: day}
		if st != nil {
			v.CycleStart, v.CycleEnd = st.Cycle.Start, st.Cycle.End
			v.PointsInCycle, v.PointsCarried, v.PointsTotal, v.PointsLevel = st.PointsInCycle, st.PointsCarried, st.Total, st.Level
		}
		out = append(out, v)
	}
	return out, nil
}

func (e *env) pointsText(v personView) string {
	if v.CycleStart.IsZero() {
		return e.t("(no first-issued date)", "（无初次领证日期）")
	}
	s := e.t("%d of 12", "%d / 12", v.PointsTotal)
	if v.PointsCarried > 0 {
		s += e.t(" (%d carried)", "（含结转 %d 分）", v.PointsCarried)
	}
	switch v.PointsLevel {
	case "warn":
		s += e.t(" — careful", "——注意")
	case "limit":
		s += e.t(" — at the limit: licence withheld, study and exam", "——已满分：驾驶证将被扣留，需学习考试")
	}
	return s
}

// personOut is a person as printed: ID and licence numbers masked unless --unmask.
func (e *env) personOut(p core.Person) core.Person {
	if !e.unmask {
		p.IDNumber = p.MaskedIDNumber()
		p.LicenceFile = p.MaskedLicenceFile()
	}
	return p
}

func (e *env) personCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "person", Aliases: []string{"people"}, Short: e.t("Add, list, show and edit people who drive", "添加、列出、查看、修改驾驶人")}
	cmd.AddCommand(e.personAdd(), e.personList(), e.personShow(), e.personEdit())
	return cmd
}

func (e *env) personAdd() *cobra.Command {
	var f personFlags
	cmd := &cobra.Command{
		Use:     "add --name NAME [flags]",
		Short:   e.t("Add a person", "添加人员"),
		Example: `  ticketbook person add --name 李四 --id-number 11010519491231002X --licence-class C1 --first-issued 2015-06-01`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p core.Person
			if err := e.applyPersonFlags(cmd, &f, &p); err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			p, err = svc.AddPerson(e.ctx, p)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(e.personOut(p))
			}
			fmt.Fprintln(e.stdout, e.t("Added %s, id %d", "已添加 %s，编号 %d", p.Name, p.ID))
			return nil
		},
	}
	e.bindPersonFlags(cmd, &f)
	e.addJSON(cmd)
	e.addUnmask(cmd)
	return cmd
}

func (e *env) personList() *cobra.Command {
	var search, asOf string
	cmd := &cobra.Command{
		Use:   "list",
		Short: e.t("List people", "列出人员"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			ps, err := st.People().List(e.ctx, core.PersonFilter{Search: search})
			if err != nil {
				return err
			}
			out, err := e.personViews(ps, asOf)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(out)
			}
			if len(out) == 0 {
				fmt.Fprintln(e.stdout, e.t("No people yet. Add one with: ticketbook person add --name 张三", "还没有人员。添加：ticketbook person add --name 张三"))
				return nil
			}
			var t table
			t.add("ID", e.t("NAME", "姓名"), e.t("ID NUMBER", "身份证号"), e.t("CLASS", "准驾车型"), e.t("CYCLE", "记分周期"), e.t("POINTS", "记分"), e.t("PHONE", "电话"), e.t("ROLE", "身份"))
			for _, p := range out {
				cycle := "-"
				if !p.CycleStart.IsZero() {
					cycle = p.CycleStart.String() + "~" + p.CycleEnd.String()
				}
				t.add(strconv.FormatInt(p.ID, 10), p.Name, orDash(p.IDNumber), orDash(p.LicenceClass), cycle, e.pointsText(p), orDash(p.Phone), p.Role.Name(string(e.lang)))
			}
			t.print(e.stdout)
			return nil
		},
	}
	cmd.Flags().StringVar(&search, "search", "", e.t("only people whose name, phone or ID number contains this", "只列出姓名、电话或证件号包含此文字的人员"))
	e.addAsOf(cmd, &asOf)
	e.addJSON(cmd)
	e.addUnmask(cmd)
	return cmd
}

// resolvePersonArg accepts a person's id, name or ID number.
func (e *env) resolvePersonArg(fieldName, arg string) (core.Person, error) {
	st, err := e.open()
	if err != nil {
		return core.Person{}, err
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64); err == nil && len(arg) < 10 {
		return st.People().Get(e.ctx, id)
	}
	return core.ResolvePerson(e.ctx, st, fieldName, arg)
}

func (e *env) personShow() *cobra.Command {
	var asOf string
	cmd := &cobra.Command{
		Use:   "show NAME|ID-NUMBER|ID",
		Short: e.t("Show one person", "查看人员"),
		Args:  e.exactArgs(1, "a name, an ID number or a person id", "姓名、身份证号或人员编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := e.resolvePersonArg("person", args[0])
			if err != nil {
				return err
			}
			views, err := e.personViews([]core.Person{p}, asOf)
			if err != nil {
				return err
			}
			pv := views[0]
			p = pv.Person
			if e.jsonOut {
				return e.printJSON(pv)
			}
			var t table
			t.add(e.t("Name", "姓名"), p.Name)
			t.add(e.t("ID number", "身份证号"), orDash(p.IDNumber))
			t.add(e.t("Licence file", "档案编号"), orDash(p.LicenceFile))
			t.add(e.t("Licence class", "准驾车型"), orDash(p.LicenceClass))
			t.add(e.t("First issued", "初次领证"), orDash(p.FirstIssued.String()))
			if !pv.CycleStart.IsZero() {
				t.add(e.t("Scoring cycle", "记分周期"), pv.CycleStart.String()+" ~ "+pv.CycleEnd.String())
			}
			t.add(e.t("Points", "记分"), e.pointsText(pv))
			t.add(e.t("Valid until", "有效期至"), orDash(p.ValidUntil.String()))
			t.add(e.t("Phone", "电话"), orDash(p.Phone))
			t.add(e.t("Role", "身份"), p.Role.Name(string(e.lang)))
			t.add(e.t("Notes", "备注"), orDash(p.Notes))
			t.add("ID", strconv.FormatInt(p.ID, 10))
			t.print(e.stdout)
			return nil
		},
	}
	e.addAsOf(cmd, &asOf)
	e.addJSON(cmd)
	e.addUnmask(cmd)
	return cmd
}

func (e *env) personEdit() *cobra.Command {
	var f personFlags
	cmd := &cobra.Command{
		Use:   "edit NAME|ID-NUMBER|ID [flags]",
		Short: e.t("Change a person; only the flags given are changed", "修改人员；只修改给出的项"),
		Args:  e.exactArgs(1, "a name, an ID number or a person id", "姓名、身份证号或人员编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := e.resolvePersonArg("person", args[0])
			if err != nil {
				return err
			}
			edited := p
			if err := e.applyPersonFlags(cmd, &f, &edited); err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			out, err := svc.EditPerson(e.ctx, p.ID, func(dst *core.Person) { *dst = edited })
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(e.personOut(out))
			}
			fmt.Fprintln(e.stdout, e.t("Saved %s", "已保存 %s", out.Name))
			return nil
		},
	}
	e.bindPersonFlags(cmd, &f)
	e.addJSON(cmd)
	e.addUnmask(cmd)
	return cmd
}
