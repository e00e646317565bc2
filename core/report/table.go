// Package report turns violations and payments into files for people who do
// not run Ticketbook: spreadsheets (CSV, XLSX), JSON, a monthly fleet report
// and payment receipts as PDF, and a ZIP of receipts for selling a car.
//
// It is given data the caller has already loaded and filtered; it never
// reads the database, so the window and the command line export the same
// rows they show.
package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"ticketbook/core"
	"ticketbook/core/tickets"
)

// Kind says how a column's cells are typed, so a spreadsheet can sum money
// and sort dates instead of holding text.
type Kind string

const (
	KindText  Kind = "text"  // string, or Coded
	KindDate  Kind = "date"  // core.Date; the zero Date is an empty cell
	KindTime  Kind = "time"  // time.Time in the reader's zone; zero is empty
	KindMoney Kind = "money" // core.Fen
	KindInt   Kind = "int"   // int or int64
)

type Column struct {
	// Key names the column in JSON; money keys end in _fen like the rest of
	// Ticketbook's JSON.
	Key   string
	Title string
	Kind  Kind
	// Sum puts the column's total in the totals row.
	Sum bool
}

// Coded is a value with a stable code for scripts (JSON) and a name for
// people (sheets): a status, a payment method.
type Coded struct {
	Code string
	Text string
}

// Table is a neutral grid every writer understands. A nil cell is empty.
type Table struct {
	Name    string
	Columns []Column
	Rows    [][]any
	// Totals is the last row: the sums of Sum columns and a label in the
	// first column. Nil when no column is summed.
	Totals []any
	lang   string
}

// Lookup is what the tables need beyond the views themselves.
type Lookup struct {
	People map[int64]core.Person // ID numbers of drivers, names to charge back to
	Loc    *time.Location        // zone the times are shown in; nil means time.Local
}

func (l Lookup) loc() *time.Location {
	if l.Loc == nil {
		return time.Local
	}
	return l.Loc
}

func isZh(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "zh") }

func tr(lang, en, zh string) string {
	if isZh(lang) {
		return zh
	}
	return en
}

func col(lang, key, en, zh string, k Kind, sum bool) Column {
	return Column{Key: key, Title: tr(lang, en, zh), Kind: k, Sum: sum}
}

// ViolationsTable lists violations one per row, with what the rules say
// about them as of the views' date. Drivers' ID numbers are masked unless
// unmask is set.
func ViolationsTable(views []tickets.Assessed, lang string, unmask bool, lk Lookup) Table {
	t := Table{
		Name: tr(lang, "Violations", "违法记录"),
		lang: lang,
		Columns: []Column{
			col(lang, "id", "ID", "编号", KindInt, false),
			col(lang, "plate", "Plate", "号牌", KindText, false),
			col(lang, "occurred_at", "Occurred", "违法时间", KindTime, false),
			col(lang, "place", "Place", "地点", KindText, false),
			col(lang, "code", "Code", "违法代码", KindText, false),
			col(lang, "description", "Offence", "违法行为", KindText, false),
			col(lang, "fine_fen", "Fine", "罚款", KindMoney, true),
			col(lang, "points", "Points", "记分", KindInt, true),
			col(lang, "status", "Status", "状态", KindText, false),
			col(lang, "driver", "Driver", "驾驶人", KindText, false),
			col(lang, "driver_id_number", "Driver ID number", "驾驶人身份证号", KindText, false),
			col(lang, "decision_number", "Decision number", "决定书编号", KindText, false),
			col(lang, "record_number", "Record number", "违法编号", KindText, false),
			col(lang, "decided_on", "Decided", "决定日期", KindDate, false),
			col(lang, "due_on", "Pay by", "缴款期限", KindDate, false),
			col(lang, "handling_deadline", "Handle by", "处理期限", KindDate, false),
			col(lang, "late_fee_fen", "Late fee", "滞纳金", KindMoney, true),
			col(lang, "total_due_fen", "Total due", "应缴合计", KindMoney, true),
			col(lang, "charge_back_to", "Charge back to", "追偿对象", KindText, false),
			col(lang, "recovered_on", "Recovered", "追偿日期", KindDate, false),
			col(lang, "next_action", "Next step", "下一步", KindText, false),
		},
	}
	loc := lk.loc()
	for _, v := range views {
		idNumber := ""
		if v.DriverID != nil {
			if p, ok := lk.People[*v.DriverID]; ok {
				idNumber = p.MaskedIDNumber()
				if unmask {
					idNumber = p.IDNumber
				}
			}
		}
		chargeBack := ""
		if v.ChargeBackTo != nil {
			chargeBack = personName(lk, *v.ChargeBackTo)
		}
		t.Rows = append(t.Rows, []any{
			v.ID, v.Plate, v.OccurredAt.In(loc), v.Place, v.Code, v.Description,
			v.FineFen, v.Points, Coded{string(v.Status), v.Status.Name(lang)},
			v.Driver, idNumber, v.DecisionNumber, v.RecordNumber, v.DecidedOn, v.DueOn, v.HandlingDeadline,
			v.LateFeeFen, v.TotalDueFen, chargeBack, v.RecoveredOn, v.NextActionText,
		})
	}
	t.sum()
	return t
}

// PaymentsTable lists payments one per row.
func PaymentsTable(payments []tickets.PaymentView, lang string, lk Lookup) Table {
	t := Table{
		Name: tr(lang, "Payments", "缴款记录"),
		lang: lang,
		Columns: []Column{
			col(lang, "id", "ID", "编号", KindInt, false),
			col(lang, "violation_id", "Violation", "违法记录", KindInt, false),
			col(lang, "plate", "Plate", "号牌", KindText, false),
			col(lang, "decision_number", "Decision number", "决定书编号", KindText, false),
			col(lang, "receipt_number", "Receipt number", "票据号", KindText, false),
			col(lang, "method", "Method", "缴款方式", KindText, false),
			col(lang, "state", "State", "状态", KindText, false),
			col(lang, "paid_at", "Paid at", "缴款时间", KindTime, false),
			col(lang, "fine_fen", "Fine", "罚款", KindMoney, true),
			col(lang, "late_fee_fen", "Late fee", "滞纳金", KindMoney, true),
			col(lang, "total_fen", "Total", "合计", KindMoney, true),
		},
	}
	loc := lk.loc()
	for _, p := range payments {
		var paid time.Time
		if p.PaidAt != nil {
			paid = p.PaidAt.In(loc)
		}
		t.Rows = append(t.Rows, []any{
			p.ID, p.ViolationID, p.Plate, p.DecisionNumber, p.ReceiptNumber,
			Coded{string(p.Method), p.Method.Name(lang)}, Coded{string(p.State), p.State.Name(lang)},
			paid, p.FineFen, p.LateFeeFen, p.TotalFen(),
		})
	}
	t.sum()
	return t
}

func personName(lk Lookup, id int64) string {
	if p, ok := lk.People[id]; ok {
		return p.Name
	}
	return fmt.Sprintf("#%d", id)
}

// sum fills Totals from the Sum columns; the first column carries the label
// and the row count so a reader sees what was added up.
func (t *Table) sum() {
	summed := false
	totals := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		if !c.Sum {
			continue
		}
		summed = true
		switch c.Kind {
		case KindMoney:
			var s core.Fen
			for _, r := range t.Rows {
				if f, ok := r[i].(core.Fen); ok {
					s += f
				}
			}
			totals[i] = s
		case KindInt:
			s := 0
			for _, r := range t.Rows {
				switch n := r[i].(type) {
				case int:
					s += n
				case int64:
					s += int(n)
				}
			}
			totals[i] = s
		}
	}
	if !summed {
		t.Totals = nil
		return
	}
	if len(t.Columns) > 0 && !t.Columns[0].Sum {
		totals[0] = tr(t.lang, fmt.Sprintf("Total (%d)", len(t.Rows)), fmt.Sprintf("合计（%d 条）", len(t.Rows)))
	}
	t.Totals = totals
}

// ByPlate splits the table into one table per vehicle (the "plate" column),
// each with its own totals, in plate order. A table without a plate column
// comes back whole.
func (t Table) ByPlate() []Table {
	idx := t.colIndex("plate")
	if idx < 0 {
		return []Table{t}
	}
	groups := map[string][][]any{}
	for _, r := range t.Rows {
		p, _ := r[idx].(string)
		groups[p] = append(groups[p], r)
	}
	plates := make([]string, 0, len(groups))
	for p := range groups {
		plates = append(plates, p)
	}
	sort.Strings(plates)
	out := make([]Table, 0, len(plates))
	for _, p := range plates {
		name := p
		if name == "" {
			name = "-"
		}
		s := Table{Name: name, Columns: t.Columns, Rows: groups[p], lang: t.lang}
		s.sum()
		out = append(out, s)
	}
	return out
}

func (t Table) colIndex(key string) int {
	for i, c := range t.Columns {
		if c.Key == key {
			return i
		}
	}
	return -1
}

// text renders a cell as people read it in a CSV or a PDF.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case Coded:
		return x.Text
	case core.Fen:
		return x.Yuan()
	case core.Date:
		return x.String()
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Format("2006-01-02 15:04")
	case int:
		return fmt.Sprint(x)
	case int64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}
