package report

import (
	"fmt"
	"io"
	"strconv"

	"ticketbook/core"
)

// maxOpenRows bounds the open list: past a few pages a printed list stops
// being read, and a book of thousands of camera records would make a
// thousand-page PDF. The most urgent come first, so the cut drops the latest.
const maxOpenRows = 300

// MonthReport writes the monthly fleet report as an A4 PDF: the month in
// figures, per vehicle and per driver, fines over the last 12 months, what
// is still open and by when, and what is to be recovered from drivers.
// font is a TrueType font; nil uses Font.
func MonthReport(w io.Writer, m MonthData, lang string, font []byte) error {
	title := tr(lang, "Fleet report ", "车队月报 ") + monthTitle(lang, m.Start)
	d, err := newDoc(font, lang, title, m.Generated)
	if err != nil {
		return err
	}
	d.footer = "Ticketbook · " + title
	if err := d.newPage(); err != nil {
		return err
	}
	if err := d.textAt(margin, d.y, 20, black, title); err != nil {
		return err
	}
	d.y += 30
	loc := m.Start.Location()
	if err := d.line(9, gray, tr(lang,
		fmt.Sprintf("%s to %s. Open amounts and late fees as of %s. Generated %s.", m.Start.Format("2006-01-02"), m.End.AddDate(0, 0, -1).Format("2006-01-02"), m.AsOf, m.Generated.In(loc).Format("2006-01-02 15:04")),
		fmt.Sprintf("%s 至 %s。未缴金额和滞纳金截至 %s。生成于 %s。", m.Start.Format("2006-01-02"), m.End.AddDate(0, 0, -1).Format("2006-01-02"), m.AsOf, m.Generated.In(loc).Format("2006-01-02 15:04")))); err != nil {
		return err
	}
	d.y += 6

	var owed core.Fen
	owedN := 0
	for _, r := range m.Recover {
		if !r.Recovered {
			owed += r.Fen
			owedN++
		}
	}
	t := m.Total
	summary := []string{
		tr(lang, fmt.Sprintf("New violations: %d, fines %s, %d points", t.New, money(t.NewFineFen), t.Points),
			fmt.Sprintf("本月新增违法：%d 起，罚款 %s，记 %d 分", t.New, money(t.NewFineFen), t.Points)),
		tr(lang, fmt.Sprintf("Paid this month: fines %s, late fees %s", money(t.PaidFineFen), money(t.PaidLateFeeFen)),
			fmt.Sprintf("本月已缴：罚款 %s，滞纳金 %s", money(t.PaidFineFen), money(t.PaidLateFeeFen))),
		tr(lang, fmt.Sprintf("Still open: %d, %s to pay", t.OpenCount, money(t.OpenDueFen)),
			fmt.Sprintf("尚未处理：%d 起，应缴 %s", t.OpenCount, money(t.OpenDueFen))),
		tr(lang, fmt.Sprintf("To recover from drivers: %s (%d)", money(owed), owedN),
			fmt.Sprintf("待向驾驶人追偿：%s（%d 笔）", money(owed), owedN)),
	}
	for _, s := range summary {
		if err := d.line(11, black, s); err != nil {
			return err
		}
	}

	if err := d.heading(tr(lang, "By vehicle", "按车辆"), 3*rowH); err != nil {
		return err
	}
	if err := d.lines(m.Vehicles, t, tr(lang, "Plate", "号牌")); err != nil {
		return err
	}
	if err := d.heading(tr(lang, "By driver", "按驾驶人"), 3*rowH); err != nil {
		return err
	}
	if err := d.lines(m.Drivers, t, tr(lang, "Driver", "驾驶人")); err != nil {
		return err
	}

	if len(m.Chart) > 0 {
		png, err := FinesChartPNG(m.Chart)
		if err != nil {
			return err
		}
		if err := d.heading(tr(lang, "Fines per month, last 12 months (yuan)", "近 12 个月每月罚款（元）"), bodyW*chartH/chartW); err != nil {
			return err
		}
		h := bodyW * chartH / chartW
		if _, err := d.room(h); err != nil {
			return err
		}
		if err := d.image(png, margin, d.y, bodyW, h); err != nil {
			return err
		}
		d.y += h + 4
	}

	if err := d.heading(tr(lang, "Open, and by when", "未处理及期限"), 3*rowH); err != nil {
		return err
	}
	if len(m.Open) == 0 {
		if err := d.line(10, gray, tr(lang, "Nothing is open.", "没有未处理的违法记录。")); err != nil {
			return err
		}
	} else {
		cols := []pcol{
			{"#", 0.05, false},
			{tr(lang, "Plate", "号牌"), 0.13, false},
			{tr(lang, "Driver", "驾驶人"), 0.12, false},
			{tr(lang, "Occurred", "违法时间"), 0.18, false},
			{tr(lang, "Status", "状态"), 0.13, false},
			{tr(lang, "To pay", "应缴"), 0.13, true},
			{tr(lang, "By", "期限"), 0.26, false},
		}
		var rows [][]string
		open := m.Open
		if len(open) > maxOpenRows {
			open = open[:maxOpenRows]
		}
		for _, o := range open {
			by := o.DueOn.String()
			if by == "" {
				by = "-"
			} else if o.DaysLate > 0 {
				by += tr(lang, fmt.Sprintf(" (%d d late)", o.DaysLate), fmt.Sprintf("（逾期 %d 天）", o.DaysLate))
			}
			rows = append(rows, []string{strconv.FormatInt(o.ID, 10), o.Plate, orDash(o.Driver), o.OccurredAt.Format("2006-01-02 15:04"), o.Status.Name(lang), money(o.DueFen), by})
		}
		if err := d.table(cols, rows, []string{"", "", "", "", "", money(t.OpenDueFen), ""}); err != nil {
			return err
		}
		if more := len(m.Open) - len(open); more > 0 {
			if err := d.line(9, gray, tr(lang, fmt.Sprintf("… and %d more, due later; the total above includes them. Export the violations for the full list.", more),
				fmt.Sprintf("……另有 %d 条期限较晚的未列出，上方合计已包含。完整清单请导出违法记录。", more))); err != nil {
				return err
			}
		}
	}

	if err := d.heading(tr(lang, "To recover from drivers", "待向驾驶人追偿"), 3*rowH); err != nil {
		return err
	}
	if len(m.Recover) == 0 {
		return finish(d, w, tr(lang, "Nothing to recover.", "没有需要追偿的款项。"))
	}
	cols := []pcol{
		{tr(lang, "Person", "追偿对象"), 0.22, false},
		{tr(lang, "Plate", "号牌"), 0.18, false},
		{tr(lang, "Violation", "违法记录"), 0.14, false},
		{tr(lang, "Amount", "金额"), 0.18, true},
		{tr(lang, "Status", "状态"), 0.28, false},
	}
	var rows [][]string
	for _, r := range m.Recover {
		status := tr(lang, "outstanding", "未追回")
		if r.Recovered {
			status = tr(lang, "recovered ", "已追回 ") + r.RecoveredOn.String()
		}
		rows = append(rows, []string{r.Person, r.Plate, "#" + strconv.FormatInt(r.ViolationID, 10), money(r.Fen), status})
	}
	if err := d.table(cols, rows, nil); err != nil {
		return err
	}
	return finish(d, w, "")
}

func finish(d *doc, w io.Writer, last string) error {
	if last != "" {
		if err := d.line(10, gray, last); err != nil {
			return err
		}
	}
	return d.write(w)
}

// lines is the per-vehicle or per-driver table with the fleet total under it.
func (d *doc) lines(ls []Line, total Line, nameTitle string) error {
	lang := d.lang
	if len(ls) == 0 {
		return d.line(10, gray, tr(lang, "Nothing this month.", "本月无记录。"))
	}
	cols := []pcol{
		{nameTitle, 0.17, false},
		{tr(lang, "New", "新增"), 0.07, true},
		{tr(lang, "Fines", "罚款"), 0.11, true},
		{tr(lang, "Points", "记分"), 0.07, true},
		{tr(lang, "Fines paid", "已缴罚款"), 0.11, true},
		{tr(lang, "Late fees paid", "已缴滞纳金"), 0.12, true},
		{tr(lang, "Open", "未处理"), 0.08, true},
		{tr(lang, "Open to pay", "未缴金额"), 0.12, true},
		{tr(lang, "Next due", "最近期限"), 0.15, false},
	}
	cells := func(l Line) []string {
		return []string{l.Name, strconv.Itoa(l.New), money(l.NewFineFen), strconv.Itoa(l.Points), money(l.PaidFineFen), money(l.PaidLateFeeFen),
			strconv.Itoa(l.OpenCount), money(l.OpenDueFen), orDash(l.NextDue.String())}
	}
	rows := make([][]string, len(ls))
	for i, l := range ls {
		rows[i] = cells(l)
	}
	tot := cells(total)
	tot[0] = tr(lang, "Total", "合计")
	return d.table(cols, rows, tot)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
