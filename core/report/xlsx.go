package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ticketbook/core"
)

// MoneyFormat is the number format of money cells: the value stays a number
// Excel can add up, shown as ¥1,234.50.
const MoneyFormat = `"¥"#,##0.00`

const (
	dateFormat = "yyyy-mm-dd"
	timeFormat = "yyyy-mm-dd hh:mm"
)

type XLSXOptions struct {
	// SheetPerVehicle adds, after each table's own sheet, one sheet per
	// vehicle with that vehicle's rows and totals.
	SheetPerVehicle bool
}

// WriteXLSX writes each table as a sheet with typed cells (dates as dates,
// money as numbers in yuan, points as integers), a bold frozen header row
// and a totals row. Rows are streamed, so 100,000 violations do not sit in
// memory as cell objects.
func WriteXLSX(w io.Writer, tables []Table, opts XLSXOptions) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	first := true
	for _, t := range tables {
		sheets := []Table{t}
		if opts.SheetPerVehicle && t.colIndex("plate") >= 0 {
			for _, s := range t.ByPlate() {
				if len(tables) > 1 {
					// Two tables would otherwise both want a sheet named after the plate.
					s.Name = t.Name + " " + s.Name
				}
				sheets = append(sheets, s)
			}
		}
		for _, s := range sheets {
			name := sheetName(s.Name, used)
			if first {
				if err := f.SetSheetName("Sheet1", name); err != nil {
					return err
				}
				first = false
			} else if _, err := f.NewSheet(name); err != nil {
				return err
			}
			if err := writeSheet(f, name, s, st); err != nil {
				return err
			}
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "Ticketbook", Title: tablesTitle(tables)}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func tablesTitle(ts []Table) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

type styles struct {
	header                           int
	text, date, time, money, integer int
	totText, totMoney, totInt        int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	fmtp := func(s string) *string { return &s }
	top := []excelize.Border{{Type: "top", Color: "000000", Style: 1}}
	bold := &excelize.Font{Bold: true}
	s.header = mk(&excelize.Style{Font: bold, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}, Alignment: &excelize.Alignment{Vertical: "center"}})
	// Text cells are formatted as text ("@") so an ID or decision number
	// typed over in Excel does not turn into 4.403E+15.
	s.text = mk(&excelize.Style{NumFmt: 49})
	s.date = mk(&excelize.Style{CustomNumFmt: fmtp(dateFormat)})
	s.time = mk(&excelize.Style{CustomNumFmt: fmtp(timeFormat)})
	s.money = mk(&excelize.Style{CustomNumFmt: fmtp(MoneyFormat)})
	s.integer = mk(&excelize.Style{NumFmt: 1})
	s.totText = mk(&excelize.Style{Font: bold, Border: top})
	s.totMoney = mk(&excelize.Style{Font: bold, Border: top, CustomNumFmt: fmtp(MoneyFormat)})
	s.totInt = mk(&excelize.Style{Font: bold, Border: top, NumFmt: 1})
	return s, err
}

func writeSheet(f *excelize.File, name string, t Table, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range t.Columns {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(t, i, c)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	row := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		row[i] = excelize.Cell{StyleID: st.header, Value: c.Title}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	n := 1
	for _, r := range t.Rows {
		n++
		for i, c := range t.Columns {
			row[i] = cell(c.Kind, r[i], st)
		}
		if err := sw.SetRow(cellName(n), row); err != nil {
			return err
		}
	}
	if t.Totals != nil {
		n++
		for i, c := range t.Columns {
			v := t.Totals[i]
			style := st.totText
			switch {
			case c.Sum && c.Kind == KindMoney:
				style = st.totMoney
			case c.Sum && c.Kind == KindInt:
				style = st.totInt
			}
			row[i] = excelize.Cell{StyleID: style, Value: xlsxValue(v)}
		}
		if err := sw.SetRow(cellName(n), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func cellName(row int) string { return fmt.Sprintf("A%d", row) }

func cell(k Kind, v any, st styles) excelize.Cell {
	style := st.text
	switch k {
	case KindDate:
		style = st.date
	case KindTime:
		style = st.time
	case KindMoney:
		style = st.money
	case KindInt:
		style = st.integer
	}
	return excelize.Cell{StyleID: style, Value: xlsxValue(v)}
}

// xlsxValue maps a cell to what Excel stores: money as yuan, dates and
// times as serial numbers of their wall clock (Excel has no time zones).
func xlsxValue(v any) any {
	switch x := v.(type) {
	case Coded:
		return x.Text
	case core.Fen:
		return float64(x) / 100
	case core.Date:
		if x.IsZero() {
			return nil
		}
		return time.Date(x.Year, x.Month, x.Day, 0, 0, 0, 0, time.UTC)
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), 0, time.UTC)
	}
	return v
}

// columnWidth fits the header and the first rows, counting a CJK character
// as two: Excel's width unit is one Latin digit.
func columnWidth(t Table, i int, c Column) float64 {
	w := displayWidth(c.Title)
	switch c.Kind {
	case KindDate:
		w = max(w, 10)
	case KindTime:
		w = max(w, 16)
	case KindMoney:
		w = max(w, 10)
	}
	for j, r := range t.Rows {
		if j == 2000 {
			break
		}
		if c.Kind == KindText {
			w = max(w, displayWidth(text(r[i])))
		} else if c.Kind == KindInt {
			w = max(w, len(text(r[i])))
		}
	}
	if i == 0 && t.Totals != nil {
		w = max(w, displayWidth(text(t.Totals[0])))
	}
	return float64(min(max(w, 6), 60) + 2)
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// sheetName makes a valid, unused sheet name: Excel refuses []:*?/\ and
// more than 31 characters.
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.Trim(s, "'"))
	if s == "" {
		s = "Sheet"
	}
	base := truncateRunes(s, 31)
	name := base
	for i := 2; used[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = truncateRunes(base, 31-utf8.RuneCountInString(suffix)) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
