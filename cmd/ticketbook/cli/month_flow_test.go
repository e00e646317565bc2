package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The whole story for a small business: 15 company cars come in from
// a spreadsheet, the month's PDF report and XLSX go to the accountant, the
// database is backed up, lost, restored, and everything is there.
func TestFifteenCarsReportBackupRestore(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	book := excelize.NewFile()
	rows := [][]any{{"号牌号码", "号牌种类", "所有人", "昵称", "使用性质"}}
	for i := range 15 {
		rows = append(rows, []any{fmt.Sprintf("粤B%05d", 20000+i), "02", "深圳顺达物流有限公司", fmt.Sprintf("车%02d", i+1), "非营运"})
	}
	for r, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := book.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	sheet := filepath.Join(dir, "fleet.xlsx")
	if err := book.SaveAs(sheet); err != nil {
		t.Fatal(err)
	}
	h.ok("import", sheet, "--dry-run")
	h.ok("import", sheet)
	h.ok("import", sheet) // again: no duplicates
	var vs []map[string]any
	h.jsonOf(&vs, "vehicle", "list")
	if len(vs) != 15 {
		t.Fatalf("%d vehicles after importing twice", len(vs))
	}
	h.ok("violation", "add", "--plate", "粤B20003", "--occurred", "2026-03-04 08:10", "--place", "深南大道", "--code", "1625", "--fine", "200", "--points", "6",
		"--decision-number", "4403001000123456", "--decided", "2026-03-06")

	pdf, xlsx := filepath.Join(dir, "march.pdf"), filepath.Join(dir, "march.xlsx")
	h.ok("report", "month", "2026-03", "--out", pdf)
	h.ok("export", "--format", "xlsx", "--from", "2026-03-01", "--to", "2026-03-31", "--out", xlsx)
	for _, f := range []string{pdf, xlsx} {
		if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if x, err := excelize.OpenFile(xlsx); err != nil {
		t.Fatal(err)
	} else {
		v, _ := x.GetCellValue(x.GetSheetName(0), "B2")
		if !strings.Contains(v, "粤B20003") {
			t.Errorf("first data row plate = %q", v)
		}
	}

	backup := filepath.Join(dir, "fleet.tbbackup")
	h.ok("backup", "--out", backup)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(h.db + suffix)
	}
	h.ok("restore", backup)
	h.jsonOf(&vs, "vehicle", "list")
	var violations []map[string]any
	h.jsonOf(&violations, "violation", "list")
	if len(vs) != 15 || len(violations) != 1 || violations[0]["decision_number"] != "4403001000123456" {
		t.Errorf("after restore: %d vehicles, %d violations", len(vs), len(violations))
	}
}
