package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"ticketbook/core"
)

// custodyView is a custody record as printed, with the names people read.
type custodyView struct {
	core.Custody
	Plate  string `json:"plate"`
	Person string `json:"person"`
}

func (e *env) custodyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "custody", Short: e.t("Record who had which vehicle when", "记录谁在何时使用了哪辆车")}
	cmd.AddCommand(e.custodyAdd(), e.custodyEnd(), e.custodyList())
	return cmd
}

func (e *env) custodyAdd() *cobra.Command {
	var plate, plateType, person, from, to, odometer, purpose, notes string
	cmd := &cobra.Command{
		Use:     "add --plate PLATE --person NAME --from TIME [--to TIME] [--odometer KM]",
		Short:   e.t("Record that a person has (or had) a vehicle", "记录某人使用车辆"),
		Example: `  ticketbook custody add --plate 粤B12345 --person 王五 --from "2026-03-01 08:30" --odometer 42100 --purpose "test drive after repair"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if plate == "" || person == "" || from == "" {
				return usageError{fmt.Errorf("%s", e.t("--plate, --person and --from are required", "必须提供 --plate、--person 和 --from"))}
			}
			var errs fieldErrors
			c := core.Custody{Purpose: purpose, Notes: notes}
			c.From = errs.time("from", from, e.loc)
			if to != "" {
				t := errs.time("to", to, e.loc)
				c.To = &t
			}
			if odometer != "" {
				n := errs.int("odometer", odometer, 0, 10_000_000)
				c.OdometerOut = &n
			}
			if err := errs.Err(); err != nil {
				return err
			}
			v, p, err := e.vehicleAndPerson(plate, plateType, "person", person)
			if err != nil {
				return err
			}
			c.VehicleID, c.PersonID = v.ID, p.ID
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			c, warnings, err := svc.StartCustody(e.ctx, c)
			if err != nil {
				return err
			}
			e.warn(warnings)
			if e.jsonOut {
				return e.printJSON(custodyView{c, v.Plate, p.Name})
			}
			fmt.Fprintln(e.stdout, e.t("%s is with %s from %s (custody #%d)", "%[1]s 自 %[3]s 起由 %[2]s 使用（记录 #%[4]d）", v.Plate, p.Name, e.localTime(c.From), c.ID))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&plate, "plate", "", e.t("plate of the vehicle", "车辆号牌"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&person, "person", "", e.t("who has the car: name or ID number", "使用人：姓名或身份证号"))
	fl.StringVar(&from, "from", "", e.t("from when, local time, e.g. \"2026-03-01 08:30\"", "开始时间（本地时间），如 \"2026-03-01 08:30\""))
	fl.StringVar(&to, "to", "", e.t("until when (leave out while they still have it)", "结束时间（仍在使用时省略）"))
	fl.StringVar(&odometer, "odometer", "", e.t("odometer in km when the car went out", "出车里程（公里）"))
	fl.StringVar(&purpose, "purpose", "", e.t("why, e.g. \"moved to paint shop\"", "用途，如“移车到喷漆间”"))
	fl.StringVar(&notes, "notes", "", e.t("free notes", "备注"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) vehicleAndPerson(plate, plateType, personField, person string) (core.Vehicle, core.Person, error) {
	v, err := e.resolveVehicleArg(plate, plateType)
	if err != nil {
		return core.Vehicle{}, core.Person{}, err
	}
	st, err := e.open()
	if err != nil {
		return core.Vehicle{}, core.Person{}, err
	}
	p, err := core.ResolvePerson(e.ctx, st, personField, person)
	return v, p, err
}

func (e *env) custodyEnd() *cobra.Command {
	var plate, plateType, at, odometer string
	cmd := &cobra.Command{
		Use:   "end --plate PLATE --at TIME [--odometer KM]",
		Short: e.t("Record that a vehicle came back", "记录车辆归还"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if plate == "" {
				return usageError{fmt.Errorf("%s", e.t("--plate is required", "必须提供 --plate"))}
			}
			var errs fieldErrors
			when := e.now()
			if at != "" {
				when = errs.time("at", at, e.loc)
			}
			var odo *int64
			if odometer != "" {
				n := errs.int("odometer_in", odometer, 0, 10_000_000)
				odo = &n
			}
			if err := errs.Err(); err != nil {
				return err
			}
			v, err := e.resolveVehicleArg(plate, plateType)
			if err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			c, err := svc.EndCustody(e.ctx, v.ID, when, odo)
			if err != nil {
				return err
			}
			if e.jsonOut {
				st, _ := e.open()
				p, err := st.People().Get(e.ctx, c.PersonID)
				if err != nil {
					return err
				}
				return e.printJSON(custodyView{c, v.Plate, p.Name})
			}
			fmt.Fprintln(e.stdout, e.t("%s is back at %s (custody #%d closed)", "%s 已于 %s 归还（记录 #%d 已结束）", v.Plate, e.localTime(*c.To), c.ID))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&plate, "plate", "", e.t("plate of the vehicle", "车辆号牌"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&at, "at", "", e.t("when it came back, local time (default now)", "归还时间（本地时间，默认现在）"))
	fl.StringVar(&odometer, "odometer", "", e.t("odometer in km when it came back", "归还里程（公里）"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) custodyList() *cobra.Command {
	var plate, plateType, person, at string
	var open bool
	cmd := &cobra.Command{
		Use:   "list [--plate PLATE] [--person NAME] [--open] [--at TIME]",
		Short: e.t("List custody records, newest first", "列出用车记录（最新在前）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			f := core.CustodyFilter{OpenOnly: open}
			if at != "" {
				var errs fieldErrors
				t := errs.time("at", at, e.loc)
				if err := errs.Err(); err != nil {
					return err
				}
				f.Covering = &t
			}
			if f.VehicleID, f.PersonID, err = e.filterRefs(plate, plateType, person); err != nil {
				return err
			}
			cs, err := st.Custody().List(e.ctx, f)
			if err != nil {
				return err
			}
			views := make([]custodyView, 0, len(cs))
			for _, c := range cs {
				plate, name, err := e.names(c.VehicleID, c.PersonID)
				if err != nil {
					return err
				}
				views = append(views, custodyView{c, plate, name})
			}
			if e.jsonOut {
				return e.printJSON(views)
			}
			if len(views) == 0 {
				fmt.Fprintln(e.stdout, e.t("No custody records.", "没有用车记录。"))
				return nil
			}
			var t table
			t.add("ID", e.t("PLATE", "号牌"), e.t("PERSON", "使用人"), e.t("FROM", "开始"), e.t("TO", "结束"), e.t("KM OUT", "出车里程"), e.t("KM IN", "归还里程"), e.t("PURPOSE", "用途"))
			for _, c := range views {
				to := e.t("(still out)", "（使用中）")
				if c.To != nil {
					to = e.localTime(*c.To)
				}
				t.add(strconv.FormatInt(c.ID, 10), c.Plate, c.Person, e.localTime(c.From), to, optInt(c.OdometerOut), optInt(c.OdometerIn), orDash(c.Purpose))
			}
			t.print(e.stdout)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&plate, "plate", "", e.t("only this vehicle", "只列出此车辆"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&person, "person", "", e.t("only this person (name or ID number)", "只列出此人（姓名或身份证号）"))
	fl.BoolVar(&open, "open", false, e.t("only vehicles still out", "只列出仍在使用的"))
	fl.StringVar(&at, "at", "", e.t("only records covering this time (who had it then?)", "只列出覆盖该时间的记录（当时谁在用车？）"))
	e.addJSON(cmd)
	return cmd
}

func optInt(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

// filterRefs resolves the optional --plate and --person of a list command.
func (e *env) filterRefs(plate, plateType, person string) (vehicleID, personID int64, err error) {
	if plate != "" {
		v, err := e.resolveVehicleArg(plate, plateType)
		if err != nil {
			return 0, 0, err
		}
		vehicleID = v.ID
	}
	if person != "" {
		st, err := e.open()
		if err != nil {
			return 0, 0, err
		}
		p, err := core.ResolvePerson(e.ctx, st, "person", person)
		if err != nil {
			return 0, 0, err
		}
		personID = p.ID
	}
	return vehicleID, personID, nil
}

// names is the plate and the person's name a listed record refers to.
func (e *env) names(vehicleID, personID int64) (plate, name string, err error) {
	st, err := e.open()
	if err != nil {
		return "", "", err
	}
	v, err := st.Vehicles().Get(e.ctx, vehicleID)
	if err != nil {
		return "", "", err
	}
	p, err := st.People().Get(e.ctx, personID)
	return v.Plate, p.Name, err
}
