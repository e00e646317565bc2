package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/report"
	"ticketbook/core/tickets"
)

type exportFlags struct {
	format, plate, plateType, driver, status, from, to, what, out, asOf string
	sheetPerVehicle                                                     bool
}

func (e *env) exportCmd() *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export --out FILE [--format csv|xlsx|json|pdf] [--what violations|payments] [filters]",
		Short: e.t("Export violations or payments to CSV, Excel or JSON, or a month report to PDF", "导出违法或缴款记录（CSV、Excel、JSON），或导出月报 PDF"),
		Long: e.t(`Export violations or payments for a spreadsheet, an accountant or a script.
The format follows the file name unless --format is given. CSV has a BOM so
Excel opens it right; XLSX has typed dates and money, a totals row and, with
--sheet-per-vehicle, one sheet per vehicle; JSON is an array of objects with
money in *_fen integers. --format pdf writes the month report of the --from
month (see also: ticketbook report month). ID numbers are masked unless --unmask.`,
			`导出违法或缴款记录，供表格软件、会计或脚本使用。未给出 --format 时按文件扩展名判断。
CSV 带 BOM，Excel 可直接打开；XLSX 含日期和金额类型、合计行，加 --sheet-per-vehicle
时每辆车一个工作表；JSON 为对象数组，金额为整数 *_fen。--format pdf 导出 --from 所在月份的
月报（另见 ticketbook report month）。身份证号默认打码，加 --unmask 显示完整号码。`),
		Example: `  ticketbook export --out 违法.xlsx --sheet-per-vehicle
  ticketbook export --out march.csv --from 2026-03-01 --to 2026-03-31 --plate 粤BD12345
  ticketbook export --what payments --format json --out payments.json
  ticketbook export --format pdf --from 2026-03-01 --out 2026-03.pdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return e.runExport(f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", e.t("file to write; - writes to standard output (give --format)", "要写入的文件；- 表示输出到标准输出（需给出 --format）"))
	fl.StringVar(&f.format, "format", "", e.t("csv, xlsx, json or pdf (default: from the --out extension)", "csv、xlsx、json 或 pdf（默认按 --out 扩展名）"))
	fl.StringVar(&f.what, "what", "violations", e.t("violations or payments (xlsx also: all, one sheet each)", "violations 违法记录或 payments 缴款记录（xlsx 还可用 all，各占一个工作表）"))
	fl.StringVar(&f.plate, "plate", "", e.t("only this vehicle", "只导出此车辆"))
	fl.StringVar(&f.plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&f.driver, "driver", "", e.t("only this driver (name or ID number)", "只导出此驾驶人（姓名或身份证号）"))
	fl.StringVar(&f.status, "status", "", e.t("only these statuses, comma-separated (payments: queued, submitted, confirmed, failed, unknown)", "只导出这些状态（逗号分隔；缴款为 queued、submitted、confirmed、failed、unknown）"))
	fl.StringVar(&f.from, "from", "", e.t("occurred (payments: paid) on or after this date", "违法日期（缴款为缴款日期）不早于"))
	fl.StringVar(&f.to, "to", "", e.t("occurred (payments: paid) on or before this date", "违法日期（缴款为缴款日期）不晚于"))
	fl.BoolVar(&f.sheetPerVehicle, "sheet-per-vehicle", false, e.t("xlsx: add one sheet per vehicle", "xlsx：每辆车另加一个工作表"))
	e.addUnmask(cmd)
	e.addAsOf(cmd, &f.asOf)
	return cmd
}

var exportFormats = map[string]bool{"csv": true, "xlsx": true, "json": true, "pdf": true}

func (e *env) runExport(f exportFlags) error {
	bad := func(en, zh string, args ...any) error { return usageError{errors.New(e.t(en, zh, args...))} }
	if strings.TrimSpace(f.out) == "" {
		return bad("--out is required", "必须提供 --out")
	}
	format := strings.ToLower(strings.TrimSpace(f.format))
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(f.out)), ".")
		if !exportFormats[format] {
			return bad("cannot tell the format from %q: give --format csv, xlsx, json or pdf", "无法从“%s”判断格式：请用 --format 指定 csv、xlsx、json 或 pdf", f.out)
		}
	}
	if !exportFormats[format] {
		return bad("--format must be csv, xlsx, json or pdf, not %q", "--format 应为 csv、xlsx、json 或 pdf，而不是“%s”", f.format)
	}
	switch f.what {
	case "violations", "payments":
	case "all":
		if format != "xlsx" {
			return bad("--what all needs --format xlsx (one sheet each); CSV and JSON hold one table", "--what all 需要 --format xlsx（各占一个工作表）；CSV 和 JSON 只能容纳一张表")
		}
	default:
		return bad("--what must be violations or payments, not %q", "--what 应为 violations 或 payments，而不是“%s”", f.what)
	}
	if f.sheetPerVehicle && format != "xlsx" {
		return bad("--sheet-per-vehicle needs --format xlsx", "--sheet-per-vehicle 需要 --format xlsx")
	}

	var errs fieldErrors
	from, to := errs.date("from", f.from), errs.date("to", f.to)
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs.Add("to", field.New("to", "before_from", "is before --from", "早于 --from"))
	}
	var vstatuses []core.ViolationStatus
	var pstates []core.PayState
	for _, s := range strings.Split(f.status, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if f.what == "payments" {
			st, err := core.ParsePayState(s)
			errs.Add("status", err)
			pstates = append(pstates, st)
		} else {
			st, err := core.ParseViolationStatus(s)
			errs.Add("status", err)
			vstatuses = append(vstatuses, st)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	day, err := e.asOfDate(f.asOf)
	if err != nil {
		return err
	}
	vf, err := e.violationRefs(f.plate, f.plateType, f.driver)
	if err != nil {
		return err
	}

	if format == "pdf" {
		if from.IsZero() {
			return bad("--format pdf writes the month report of the --from month: give --from, e.g. --from 2026-03-01 (or use `ticketbook report month 2026-03`)",
				"--format pdf 导出 --from 所在月份的月报：请给出 --from，如 --from 2026-03-01（或使用 `ticketbook report month 2026-03`）")
		}
		if f.what != "violations" {
			return bad("--format pdf is the month report; it has no --what", "--format pdf 为月报，不能与 --what 同用")
		}
		if f.status != "" {
			return bad("the month report covers every status; leave out --status", "月报包含所有状态，请去掉 --status")
		}
		if !to.IsZero() && (to.Year != from.Year || to.Month != from.Month) {
			return bad("the month report covers one month: --to must be in the month of --from", "月报只包含一个月：--to 应与 --from 在同一月份")
		}
		if f.out == "-" {
			return bad("the month report is written to a file: give --out FILE.pdf", "月报需写入文件：请给出 --out FILE.pdf")
		}
		return e.writeMonthReport(fmt.Sprintf("%04d-%02d", from.Year, from.Month), vf, day, f.out)
	}

	lk, err := e.reportLookup()
	if err != nil {
		return err
	}
	lang := string(e.lang)
	var tables []report.Table
	var rows int
	if f.what != "payments" {
		vf.Statuses = vstatuses
		if !from.IsZero() {
			vf.From = from.In(e.loc)
		}
		if !to.IsZero() {
			vf.To = to.AddDays(1).In(e.loc)
		}
		views, err := e.assessAll(vf, day)
		if err != nil {
			return err
		}
		tables = append(tables, report.ViolationsTable(views, lang, e.unmask, lk))
		rows += len(views)
	}
	if f.what != "violations" {
		ps, err := e.paymentsOf(vf, pstates, from, to)
		if err != nil {
			return err
		}
		tables = append(tables, report.PaymentsTable(ps, lang, lk))
		rows += len(ps)
	}
	write := func(w io.Writer) error {
		switch format {
		case "csv":
			return report.WriteCSV(w, tables[0])
		case "json":
			return report.WriteJSON(w, tables[0])
		}
		return report.WriteXLSX(w, tables, report.XLSXOptions{SheetPerVehicle: f.sheetPerVehicle})
	}
	if f.out == "-" {
		return write(e.stdout)
	}
	if err := writeAtomically(f.out, write); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.t("Wrote %d rows to %s", "已导出 %d 行到 %s", rows, f.out))
	return nil
}

// violationRefs resolves the optional --plate and --driver of an export.
func (e *env) violationRefs(plate, plateType, driver string) (core.ViolationFilter, error) {
	var f core.ViolationFilter
	if plate != "" || plateType != "" {
		v, err := e.resolveVehicleArg(plate, plateType)
		if err != nil {
			return f, err
		}
		f.VehicleID = v.ID
	}
	if driver != "" {
		st, err := e.open()
		if err != nil {
			return f, err
		}
		p, err := core.ResolvePerson(e.ctx, st, "driver", driver)
		if err != nil {
			return f, err
		}
		f.DriverID = p.ID
	}
	return f, nil
}

func (e *env) reportLookup() (report.Lookup, error) {
	fl, err := e.fleet()
	if err != nil {
		return report.Lookup{}, err
	}
	people, err := fl.ListPeople(e.ctx, core.PersonFilter{})
	if err != nil {
		return report.Lookup{}, err
	}
	lk := report.Lookup{People: make(map[int64]core.Person, len(people)), Loc: e.loc}
	for _, p := range people {
		lk.People[p.ID] = p
	}
	return lk, nil
}

// exportPage is how many violations are loaded and assessed at a time; a
// large book reports its progress page by page.
const exportPage = 2000

// assessAll assesses every violation f matches, oldest offence last as in
// the lists, saying how far it got on stderr when there are many.
func (e *env) assessAll(f core.ViolationFilter, day core.Date) ([]tickets.Assessed, error) {
	svc, err := e.tickets()
	if err != nil {
		return nil, err
	}
	total, err := svc.Count(e.ctx, f)
	if err != nil {
		return nil, err
	}
	a, err := svc.Assessor(e.ctx, day, string(e.lang))
	if err != nil {
		return nil, err
	}
	out := make([]tickets.Assessed, 0, total)
	f.Limit = exportPage
	for f.Offset = 0; f.Offset < total; f.Offset += exportPage {
		views, err := svc.Views(e.ctx, f)
		if err != nil {
			return nil, err
		}
		if len(views) == 0 {
			break
		}
		for _, v := range views {
			av, err := a.Assess(e.ctx, v)
			if err != nil {
				return nil, err
			}
			out = append(out, av)
		}
		if total > exportPage {
			fmt.Fprintln(e.stderr, e.t("assessed %d of %d violations", "已计算 %d / %d 条违法记录", len(out), total))
		}
	}
	return out, nil
}

// paymentsOf lists the payments of the violations f picks (by vehicle or
// driver), in the given states, paid within [from, to].
func (e *env) paymentsOf(f core.ViolationFilter, states []core.PayState, from, to core.Date) ([]tickets.PaymentView, error) {
	svc, err := e.tickets()
	if err != nil {
		return nil, err
	}
	ps, err := svc.Payments(e.ctx, core.PaymentFilter{States: states})
	if err != nil {
		return nil, err
	}
	var keep map[int64]bool
	if f.VehicleID != 0 || f.DriverID != 0 {
		views, err := svc.Views(e.ctx, core.ViolationFilter{VehicleID: f.VehicleID, DriverID: f.DriverID})
		if err != nil {
			return nil, err
		}
		keep = make(map[int64]bool, len(views))
		for _, v := range views {
			keep[v.ID] = true
		}
	}
	out := ps[:0]
	for _, p := range ps {
		if keep != nil && !keep[p.ViolationID] {
			continue
		}
		if !from.IsZero() || !to.IsZero() {
			if p.PaidAt == nil {
				continue
			}
			d := core.DateOf(p.PaidAt.In(e.loc))
			if (!from.IsZero() && d.Before(from)) || (!to.IsZero() && d.After(to)) {
				continue
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// writeAtomically writes to a temporary file next to path and renames it
// into place, so a failed export never leaves half a file (or clobbers the
// previous one). The file stays private to the user (0600), like the other
// files the CLI writes: exports hold names and plates.
func writeAtomically(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".ticketbook-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
