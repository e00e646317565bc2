package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core"
	"ticketbook/core/ident"
)

type vehicleFlags struct {
	plate, plateType, vin, engine, owner, ownerKind, use, nickname, notes, ownerPerson string
	vinUnchecked                                                                       bool
}

func (e *env) bindVehicleFlags(cmd *cobra.Command, f *vehicleFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.plate, "plate", "", e.t("plate number, e.g. 粤BD12345 (spaces, dots, lower case and full-width are fine)", "号牌号码，如 粤BD12345（可含空格、点、小写或全角）"))
	fl.StringVar(&f.plateType, "plate-type", "", e.t("plate type code: 01 large car, 02 small car, 51 large NEV, 52 small NEV, ... (default: from the plate)", "号牌种类代码：01 大型汽车、02 小型汽车、51 大型新能源、52 小型新能源……（默认按号牌推断）"))
	fl.StringVar(&f.vin, "vin", "", e.t("vehicle identification number, 17 characters", "车辆识别代号，17 位"))
	fl.BoolVar(&f.vinUnchecked, "vin-unchecked", false, e.t("keep a VIN whose check digit fails", "保留校验位不符的车辆识别代号"))
	fl.StringVar(&f.engine, "engine", "", e.t("engine number", "发动机号"))
	fl.StringVar(&f.owner, "owner", "", e.t("owner's name as on the registration certificate", "行驶证上的所有人"))
	fl.StringVar(&f.ownerKind, "owner-kind", "", e.t("own, company, customer or family (default own)", "own 本人、company 单位、customer 客户、family 亲友（默认 own）"))
	fl.StringVar(&f.ownerPerson, "owner-person", "", e.t("link the owner to a recorded person (name or ID number)", "关联为已登记的人员（姓名或身份证号）"))
	fl.StringVar(&f.use, "use", "", e.t("private, non_operating, transport, school_bus or hazardous (default private)", "private、non_operating、transport、school_bus 或 hazardous（默认 private）"))
	fl.StringVar(&f.nickname, "nickname", "", e.t("a short name, e.g. \"white van\"", "昵称，如“白色面包车”"))
	fl.StringVar(&f.notes, "notes", "", e.t("free notes", "备注"))
}

// apply copies the flags the user gave onto v; on edit, flags not given keep
// the stored values.
func (e *env) applyVehicleFlags(cmd *cobra.Command, f *vehicleFlags, v *core.Vehicle) error {
	ch := cmd.Flags().Changed
	set := func(name string, dst *string, val string) {
		if ch(name) {
			*dst = val
		}
	}
	set("plate", &v.Plate, f.plate)
	if ch("plate-type") {
		v.PlateType = ident.PlateType(f.plateType)
	}
	set("vin", &v.VIN, f.vin)
	if ch("vin-unchecked") {
		v.VINUnchecked = f.vinUnchecked
	}
	set("engine", &v.Engine, f.engine)
	set("owner", &v.OwnerName, f.owner)
	if ch("owner-kind") {
		v.OwnerKind = core.OwnerKind(f.ownerKind)
	}
	if ch("use") {
		v.Use = core.VehicleUse(f.use)
	}
	set("nickname", &v.Nickname, f.nickname)
	set("notes", &v.Notes, f.notes)
	if ch("owner-person") {
		if strings.TrimSpace(f.ownerPerson) == "" {
			v.OwnerPersonID = nil
			return nil
		}
		st, err := e.open()
		if err != nil {
			return err
		}
		p, err := core.ResolvePerson(e.ctx, st, "owner", f.ownerPerson)
		if err != nil {
			return err
		}
		v.OwnerPersonID = &p.ID
		if v.OwnerName == "" {
			v.OwnerName = p.Name
		}
	}
	return nil
}

func (e *env) vehicleCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "vehicle", Aliases: []string{"vehicles"}, Short: e.t("Add, list, show, edit and archive vehicles", "添加、列出、查看、修改、归档车辆")}
	cmd.AddCommand(e.vehicleAdd(), e.vehicleList(), e.vehicleShow(), e.vehicleEdit(), e.vehicleArchive(), e.vehicleDelete())
	return cmd
}

func (e *env) vehicleAdd() *cobra.Command {
	var f vehicleFlags
	cmd := &cobra.Command{
		Use:     "add --plate PLATE [flags]",
		Short:   e.t("Add a vehicle", "添加车辆"),
		Example: `  ticketbook vehicle add --plate "粤b·d12345" --plate-type 52 --owner 张三 --nickname 家用车`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("plate") {
				return usageError{fmt.Errorf("%s", e.t("--plate is required", "必须提供 --plate"))}
			}
			var v core.Vehicle
			if err := e.applyVehicleFlags(cmd, &f, &v); err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			v, err = svc.AddVehicle(e.ctx, v)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(v)
			}
			fmt.Fprintln(e.stdout, e.t("Added vehicle %s (%s), id %d", "已添加车辆 %s（%s），编号 %d", v.Plate, v.PlateType.Name(string(e.lang)), v.ID))
			return nil
		},
	}
	e.bindVehicleFlags(cmd, &f)
	e.addJSON(cmd)
	return cmd
}

func (e *env) vehicleList() *cobra.Command {
	var all bool
	var search string
	cmd := &cobra.Command{
		Use:   "list",
		Short: e.t("List vehicles", "列出车辆"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			vs, err := st.Vehicles().List(e.ctx, core.VehicleFilter{IncludeArchived: all, Search: search})
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(jsonList(vs))
			}
			if len(vs) == 0 {
				fmt.Fprintln(e.stdout, e.t("No vehicles yet. Add one with: ticketbook vehicle add --plate 粤B12345", "还没有车辆。添加：ticketbook vehicle add --plate 粤B12345"))
				return nil
			}
			var t table
			t.add("ID", e.t("PLATE", "号牌"), e.t("TYPE", "种类"), e.t("NICKNAME", "昵称"), e.t("OWNER", "所有人"), e.t("USE", "使用性质"), e.t("ARCHIVED", "已归档"))
			for _, v := range vs {
				arch := ""
				if v.Archived {
					arch = e.t("yes", "是")
				}
				t.add(strconv.FormatInt(v.ID, 10), v.Plate, string(v.PlateType)+" "+v.PlateType.Name(string(e.lang)), orDash(v.Nickname), orDash(v.OwnerName), v.Use.Name(string(e.lang)), arch)
			}
			t.print(e.stdout)
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, e.t("include archived vehicles", "包括已归档车辆"))
	cmd.Flags().StringVar(&search, "search", "", e.t("only vehicles whose plate, VIN, nickname or owner contains this", "只列出号牌、识别代号、昵称或所有人包含此文字的车辆"))
	e.addJSON(cmd)
	return cmd
}

// resolveVehicleArg accepts a vehicle's id or its plate as typed.
func (e *env) resolveVehicleArg(arg, plateType string) (core.Vehicle, error) {
	st, err := e.open()
	if err != nil {
		return core.Vehicle{}, err
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64); err == nil {
		return st.Vehicles().Get(e.ctx, id)
	}
	return core.ResolveVehicle(e.ctx, st, arg, plateType)
}

func (e *env) vehicleShow() *cobra.Command {
	var plateType string
	cmd := &cobra.Command{
		Use:   "show PLATE|ID",
		Short: e.t("Show one vehicle", "查看车辆"),
		Args:  e.exactArgs(1, "a plate or a vehicle id", "号牌或车辆编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := e.resolveVehicleArg(args[0], plateType)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(v)
			}
			lang := string(e.lang)
			var t table
			t.add(e.t("Plate", "号牌"), v.Plate)
			t.add(e.t("Plate type", "号牌种类"), string(v.PlateType)+" "+v.PlateType.Name(lang))
			t.add(e.t("Nickname", "昵称"), orDash(v.Nickname))
			t.add("VIN", orDash(v.VIN))
			t.add(e.t("Engine", "发动机号"), orDash(v.Engine))
			t.add(e.t("Owner", "所有人"), orDash(v.OwnerName)+" ("+v.OwnerKind.Name(lang)+")")
			t.add(e.t("Use", "使用性质"), v.Use.Name(lang))
			t.add(e.t("Archived", "已归档"), e.yesNo(v.Archived))
			t.add(e.t("Notes", "备注"), orDash(v.Notes))
			t.add("ID", strconv.FormatInt(v.ID, 10))
			t.print(e.stdout)
			return nil
		},
	}
	cmd.Flags().StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) yesNo(b bool) string {
	if b {
		return e.t("yes", "是")
	}
	return e.t("no", "否")
}

func (e *env) vehicleEdit() *cobra.Command {
	var f vehicleFlags
	var which string
	cmd := &cobra.Command{
		Use:   "edit PLATE|ID [flags]",
		Short: e.t("Change a vehicle; only the flags given are changed", "修改车辆；只修改给出的项"),
		Args:  e.exactArgs(1, "a plate or a vehicle id", "号牌或车辆编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := e.resolveVehicleArg(args[0], which)
			if err != nil {
				return err
			}
			var edited core.Vehicle = v
			if err := e.applyVehicleFlags(cmd, &f, &edited); err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			out, err := svc.EditVehicle(e.ctx, v.ID, func(dst *core.Vehicle) { *dst = edited })
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(out)
			}
			fmt.Fprintln(e.stdout, e.t("Saved vehicle %s", "已保存车辆 %s", out.Plate))
			return nil
		},
	}
	e.bindVehicleFlags(cmd, &f)
	cmd.Flags().StringVar(&which, "which-type", "", e.t("plate type of the vehicle to edit, when its plate exists with several", "要修改车辆的号牌种类（同一号牌有多种时）"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) vehicleArchive() *cobra.Command {
	var undo bool
	var plateType string
	cmd := &cobra.Command{
		Use:   "archive PLATE|ID",
		Short: e.t("Archive a vehicle (keeps its history; --undo to bring it back)", "归档车辆（保留历史；--undo 恢复）"),
		Args:  e.exactArgs(1, "a plate or a vehicle id", "号牌或车辆编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := e.resolveVehicleArg(args[0], plateType)
			if err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			out, err := svc.ArchiveVehicle(e.ctx, v.ID, !undo)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(out)
			}
			if undo {
				fmt.Fprintln(e.stdout, e.t("Vehicle %s is active again", "车辆 %s 已恢复", out.Plate))
			} else {
				fmt.Fprintln(e.stdout, e.t("Archived vehicle %s", "已归档车辆 %s", out.Plate))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&undo, "undo", false, e.t("bring an archived vehicle back", "恢复已归档车辆"))
	cmd.Flags().StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) vehicleDelete() *cobra.Command {
	var plateType string
	cmd := &cobra.Command{
		Use:   "delete PLATE|ID",
		Short: e.t("Delete a vehicle that has no history (otherwise archive it)", "删除没有任何记录的车辆（否则请归档）"),
		Args:  e.exactArgs(1, "a plate or a vehicle id", "号牌或车辆编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := e.resolveVehicleArg(args[0], plateType)
			if err != nil {
				return err
			}
			svc, err := e.fleet()
			if err != nil {
				return err
			}
			if err := svc.DeleteVehicle(e.ctx, v.ID); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.t("Deleted vehicle %s", "已删除车辆 %s", v.Plate))
			return nil
		},
	}
	cmd.Flags().StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	return cmd
}
