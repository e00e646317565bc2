package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core/i18n"
	"ticketbook/core/importer"
)

func (e *env) importCmd() *cobra.Command {
	var dryRun bool
	var kind, sheet, mapping string
	cmd := &cobra.Command{
		Use:   "import FILE [--dry-run] [--kind vehicles|people|violations] [--sheet NAME] [--map COL=FIELD,...]",
		Short: e.t("Import vehicles, people or violations from a .xlsx or .csv file", "从 .xlsx 或 .csv 文件导入车辆、人员或违法记录"),
		Long: e.t(`Reads a spreadsheet whose columns are named in English or Chinese (号牌号码,
号牌种类, 姓名, 身份证号码, 违法时间, 罚款金额, ...). Every row is checked first;
if any row has a problem, nothing is written and each problem is listed by row
and column. Importing the same file again adds nothing: vehicles match on plate
type and plate, people on ID number or name, violations on decision number,
record number, or vehicle, time and code. A filled cell overwrites the stored
value, an empty one keeps it.`, `读取列名为中文或英文（号牌号码、号牌种类、姓名、身份证号码、违法时间、罚款金额……）的表格。
先检查每一行；任何一行有问题时不写入任何数据，并按行、列列出问题。重复导入同一文件不会产生重复：
车辆按号牌种类和号牌号码匹配，人员按身份证号码或姓名，违法记录按决定书编号、违法编号或车辆+时间+代码。
有内容的单元格覆盖已有值，空单元格保留原值。`),
		Example: "  ticketbook import 车辆台账.xlsx --dry-run\n  ticketbook import drivers.csv --kind people --map \"工号=-,手机=phone\"",
		Args:    e.exactArgs(1, "the file to import", "要导入的文件"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := importer.Options{Location: e.loc}
			if kind != "" {
				k, err := importer.ParseKind(kind)
				if err != nil {
					return usageError{err}
				}
				opts.Kind = k
			}
			if mapping != "" {
				m, err := importer.ParseMap(mapping)
				if err != nil {
					return usageError{err}
				}
				opts.Map = m
			}
			tab, err := importer.ReadFile(args[0], importer.ReadOptions{Sheet: sheet})
			if err != nil {
				return err
			}
			st, err := e.open()
			if err != nil {
				return err
			}
			opts.Progress = e.longRunProgress(e.t("import: row", "导入：行"))
			plan, err := importer.MakePlan(e.ctx, st, tab, opts)
			if err != nil {
				return err
			}
			if dryRun || !plan.OK() {
				if e.jsonOut {
					if err := e.printJSON(plan); err != nil {
						return err
					}
				} else {
					e.printPlan(args[0], plan, dryRun)
				}
				if !plan.OK() {
					return usageError{fmt.Errorf("%s", e.t("%d rows of the file have problems; nothing was imported",
						"文件中有 %d 行存在问题，未导入任何数据", plan.Counts.Problem))}
				}
				return nil
			}
			e.printWarnings(plan)
			res, err := importer.Commit(e.ctx, st, plan)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(res)
			}
			fmt.Fprintln(e.stdout, e.t("Imported %s from %s: %d added, %d updated, %d unchanged",
				"已从 %[2]s 导入%[1]s：新增 %[3]d，更新 %[4]d，未变 %[5]d",
				e.kindName(res.Kind), filepath.Base(args[0]), res.Added, res.Updated, res.Unchanged+res.Duplicate))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&dryRun, "dry-run", false, e.t("check every row and say what would happen; write nothing", "检查每一行并说明将执行的操作，不写入"))
	fl.StringVar(&kind, "kind", "", e.t("vehicles, people or violations (default: from the column names)", "vehicles、people 或 violations（默认按列名判断）"))
	fl.StringVar(&sheet, "sheet", "", e.t("sheet of a .xlsx file (default: the first)", ".xlsx 文件的工作表（默认第一个）"))
	fl.StringVar(&mapping, "map", "", e.t(`map columns to fields, e.g. "车号=plate,工号=-" (- ignores a column)`, `列与字段的对应，如 "车号=plate,工号=-"（- 表示忽略该列）`))
	e.addJSON(cmd)
	return cmd
}

func (e *env) kindName(k importer.Kind) string {
	switch k {
	case importer.Vehicles:
		return e.t("vehicles", "车辆")
	case importer.People:
		return e.t("people", "人员")
	}
	return e.t("violations", "违法记录")
}

func (e *env) actionName(a importer.Action) string {
	switch a {
	case importer.Add:
		return e.t("add", "新增")
	case importer.Update:
		return e.t("update", "更新")
	case importer.Unchanged:
		return e.t("unchanged", "未变")
	}
	return e.t("duplicate", "重复")
}

func (e *env) printPlan(file string, p *importer.Plan, dryRun bool) {
	lang := string(e.lang)
	where := ""
	if p.Sheet != "" {
		where = e.t(", sheet %s", "，工作表 %s", p.Sheet)
	}
	kind := e.kindName(p.Kind)
	if e.lang != i18n.ZH {
		kind = strings.ToUpper(kind[:1]) + kind[1:]
	}
	fmt.Fprintln(e.stdout, e.t("%s from %s%s, header on row %d:", "%[2]s%[3]s 中的%[1]s，表头在第 %[4]d 行：",
		kind, filepath.Base(file), where, p.HeaderRow))
	for _, r := range p.Rows {
		if len(r.Problems) > 0 {
			for _, pr := range r.Problems {
				fmt.Fprintln(e.stdout, pr.Message(lang))
			}
			continue
		}
		if !dryRun {
			continue // a refused real run lists only what stopped it
		}
		line := e.t("row %d: %s %s", "第 %d 行：%s %s", r.Row, e.actionName(r.Action), r.Label)
		switch {
		case r.Action == importer.Update:
			line += " (" + strings.Join(r.Changes, ", ") + ")"
		case r.Action == importer.Duplicate:
			line += e.t(" (same as row %d)", "（同第 %d 行）", r.SameAs)
		}
		fmt.Fprintln(e.stdout, line)
		for _, w := range r.Warnings {
			fmt.Fprintln(e.stdout, "  "+e.t("warning: ", "警告：")+w.Message(lang))
		}
	}
	if len(p.Ignored) > 0 {
		fmt.Fprintln(e.stdout, e.t("Ignored columns: %s", "忽略的列：%s", strings.Join(p.Ignored, ", ")))
	}
	c := p.Counts
	fmt.Fprintln(e.stdout, e.t("%d to add, %d to update, %d unchanged, %d duplicate rows; %d rows with problems.",
		"新增 %d，更新 %d，未变 %d，重复 %d；有问题 %d 行。", c.Add, c.Update, c.Unchanged, c.Duplicate, c.Problem))
	if dryRun {
		fmt.Fprintln(e.stdout, e.t("Dry run: nothing was written.", "试运行：未写入任何数据。"))
	}
}

func (e *env) printWarnings(p *importer.Plan) {
	for _, r := range p.Rows {
		for _, w := range r.Warnings {
			fmt.Fprintln(e.stderr, e.t("warning: ", "警告：")+w.Message(string(e.lang)))
		}
	}
}
