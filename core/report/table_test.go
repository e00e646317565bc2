package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestCSVHasBOMAndRoundTrips(t *testing.T) {
	fx := newFixture()
	tab := ViolationsTable(fx.views, "zh", false, fx.lk)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tab); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", buf.Bytes()[:8])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(fx.views)+1 {
		t.Fatalf("%d records, want header + %d rows + totals", len(recs), len(fx.views))
	}
	head := recs[0]
	if head[0] != "编号" || head[1] != "号牌" || head[6] != "罚款" {
		t.Errorf("header = %v", head)
	}
	at := func(row int, key string) string { return recs[row][tab.colIndex(key)] }
	if got := at(2, "plate"); got != "沪A8K3M1" {
		t.Errorf("plate = %q", got)
	}
	if got := at(2, "fine_fen"); got != "150.50" {
		t.Errorf("fine = %q, want 150.50 (yuan, no sign, so a spreadsheet reads a number)", got)
	}
	if got := at(2, "occurred_at"); got != "2026-03-20 23:15" {
		t.Errorf("occurred = %q, want local wall clock", got)
	}
	if got := at(1, "driver_id_number"); got == "11010519491231002X" || got == "" {
		t.Errorf("ID number %q should be masked", got)
	}
	if got := at(2, "status"); got != "已决定" {
		t.Errorf("status = %q", got)
	}
	last := recs[len(recs)-1]
	if last[0] != "合计（4 条）" || last[tab.colIndex("fine_fen")] != "500.50" || last[tab.colIndex("points")] != "10" {
		t.Errorf("totals = %v", last)
	}

	tab = ViolationsTable(fx.views, "en", true, fx.lk)
	buf.Reset()
	if err := WriteCSV(&buf, tab); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "11010519491231002X") || !strings.Contains(buf.String(), "Total (4)") || !strings.HasPrefix(buf.String(), BOM+"ID,Plate,") {
		t.Errorf("unmasked English CSV:\n%s", buf.String())
	}
}

func TestJSONRoundTrips(t *testing.T) {
	fx := newFixture()
	tab := ViolationsTable(fx.views, "zh", false, fx.lk)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, tab); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(rows) != len(fx.views) {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[1]
	want := map[string]any{
		"id": 2.0, "plate": "沪A8K3M1", "fine_fen": 15050.0, "points": 3.0, "status": "decided",
		"occurred_at": fx.views[1].OccurredAt.UTC().Format(time.RFC3339), "due_on": "2026-03-28",
		"decided_on": "2026-03-10", "late_fee_fen": 3000.0, "charge_back_to": "李娜", "recovered_on": nil,
	}
	for k, v := range want {
		if !reflect.DeepEqual(r[k], v) {
			t.Errorf("%s = %#v, want %#v", k, r[k], v)
		}
	}
	if id := r["driver_id_number"].(string); strings.Contains(id, "199003071") {
		t.Errorf("ID number not masked: %s", id)
	}
	// Keys come in column order, as a reader of the file expects.
	if i, j := strings.Index(buf.String(), `"id"`), strings.Index(buf.String(), `"next_action"`); i < 0 || j < i {
		t.Errorf("keys out of order:\n%s", buf.String()[:200])
	}
	buf.Reset()
	if err := WriteJSON(&buf, PaymentsTable(nil, "en", fx.lk)); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty table = %q, want []", buf.String())
	}
}

func TestXLSXTypedCellsTotalsPanesAndSheets(t *testing.T) {
	fx := newFixture()
	vt := ViolationsTable(fx.views, "zh", false, fx.lk)
	pt := PaymentsTable(fx.payments, "zh", fx.lk)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, []Table{vt, pt}, XLSXOptions{SheetPerVehicle: true}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{"违法记录", "违法记录 沪A8K3M1", "违法记录 粤BD12345", "缴款记录", "缴款记录 沪A8K3M1", "缴款记录 粤BD12345"}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, wantSheets) {
		t.Fatalf("sheets = %v, want %v", got, wantSheets)
	}
	raw := excelize.Options{RawCellValue: true}
	get := func(sheet, cell string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, cell, raw)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	numFmt := func(sheet, cell string) string {
		t.Helper()
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil {
			return *st.CustomNumFmt
		}
		return "builtin:" + string(rune('0'+st.NumFmt))
	}
	cellOf := func(tab Table, key string, row int) string {
		name, err := excelize.CoordinatesToCellName(tab.colIndex(key)+1, row)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	s := "违法记录"
	if get(s, "A1") != "编号" || get(s, "B1") != "号牌" || get(s, cellOf(vt, "fine_fen", 1)) != "罚款" {
		t.Errorf("header = %q %q", get(s, "A1"), get(s, "B1"))
	}
	if got := get(s, "B3"); got != "沪A8K3M1" {
		t.Errorf("B3 = %q", got)
	}
	fine := cellOf(vt, "fine_fen", 3)
	if got := get(s, fine); got != "150.5" {
		t.Errorf("fine %s = %q, want the number 150.5", fine, got)
	}
	if got := numFmt(s, fine); got != MoneyFormat {
		t.Errorf("fine format = %q, want %q", got, MoneyFormat)
	}
	formatted, _ := f.GetCellValue(s, fine)
	if !strings.Contains(formatted, "150.50") {
		t.Errorf("formatted fine = %q", formatted)
	}
	due := cellOf(vt, "due_on", 3)
	if got := get(s, due); got != "46109" { // 2026-03-28 as an Excel serial day
		t.Errorf("due %s = %q, want the serial of 2026-03-28", due, got)
	}
	if got := numFmt(s, due); got != "yyyy-mm-dd" {
		t.Errorf("due format = %q", got)
	}
	occ := cellOf(vt, "occurred_at", 3)
	if got, _ := f.GetCellValue(s, occ); got != "2026-03-20 23:15" {
		t.Errorf("occurred shown as %q, want the local wall clock", got)
	}
	pts := cellOf(vt, "points", 3)
	if typ, _ := f.GetCellType(s, pts); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("points cell type = %v", typ)
	}
	if got := get(s, pts); got != "3" {
		t.Errorf("points = %q", got)
	}
	// Totals row right under the last row.
	if got := get(s, "A6"); got != "合计（4 条）" {
		t.Errorf("A6 = %q, want the totals label", got)
	}
	if got := get(s, cellOf(vt, "fine_fen", 6)); got != "500.5" {
		t.Errorf("total fine = %q", got)
	}
	if got := get(s, cellOf(vt, "points", 6)); got != "10" {
		t.Errorf("total points = %q", got)
	}
	if got := numFmt(s, cellOf(vt, "total_due_fen", 6)); got != MoneyFormat {
		t.Errorf("total format = %q", got)
	}
	panes, err := f.GetPanes(s)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the header row frozen", panes)
	}
	// A vehicle's sheet holds its rows and its own totals.
	s = "违法记录 粤BD12345"
	rows, err := f.GetRows(s, raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[1][1] != "粤BD12345" || rows[2][1] != "粤BD12345" || rows[3][0] != "合计（2 条）" {
		t.Errorf("vehicle sheet rows = %v", rows)
	}
	if got := get(s, cellOf(vt, "fine_fen", 4)); got != "300" {
		t.Errorf("vehicle total fine = %q", got)
	}
	if p, _ := f.GetPanes(s); !p.Freeze {
		t.Errorf("vehicle sheet header not frozen")
	}
	s = "缴款记录"
	if got := get(s, cellOf(pt, "method", 2)); got != "支付宝" {
		t.Errorf("method = %q", got)
	}
	if got := get(s, cellOf(pt, "total_fen", 4)); got != "252.5" {
		t.Errorf("payments total = %q", got)
	}
}

func TestSheetNames(t *testing.T) {
	used := map[string]bool{}
	for _, c := range []struct{ in, want string }{
		{"a/b:c", "a_b_c"},
		{"A/B:C", "A_B_C (2)"},
		{strings.Repeat("长", 40), strings.Repeat("长", 31)},
		{strings.Repeat("长", 40), strings.Repeat("长", 27) + " (2)"},
		{"", "Sheet"},
	} {
		if got := sheetName(c.in, used); got != c.want {
			t.Errorf("sheetName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
