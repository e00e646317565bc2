package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ticketbook/core/report"
	"ticketbook/core/scan"
)

// xrun is harness.run (the report commands are registered in main).
func (h *harness) xrun(args ...string) (string, string, int) {
	h.t.Helper()
	return h.run(args...)
}

func (h *harness) xok(args ...string) string {
	h.t.Helper()
	out, errs, code := h.xrun(args...)
	if code != 0 {
		h.t.Fatalf("%v: exit %d, stderr: %s", args, code, errs)
	}
	return out
}

func (h *harness) xbad(args ...string) string {
	h.t.Helper()
	out, errs, code := h.xrun(args...)
	if code != ExitBadUse {
		h.t.Fatalf("%v: exit %d, want 2; stdout %q stderr %q", args, code, out, errs)
	}
	if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		h.t.Errorf("%v: error should be one line, got %q", args, errs)
	}
	return errs
}

func demoHarness(t *testing.T) (*harness, string, int) {
	h := newHarness(t)
	h.ok("demo")
	var vs []map[string]any
	h.jsonOf(&vs, "violation", "list")
	return h, t.TempDir(), len(vs)
}

func TestExportDemoXLSX(t *testing.T) {
	h, dir, n := demoHarness(t)
	out := filepath.Join(dir, "all.xlsx")
	msg := h.xok("export", "--out", out, "--what", "all", "--sheet-per-vehicle")
	if !strings.Contains(msg, out) {
		t.Errorf("output = %q", msg)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := strings.Join(f.GetSheetList(), "|")
	for _, want := range []string{"Violations|", "Violations 粤BD12345", "Violations 粤B6K2M8", "Payments|", "Payments 粤BD12345"} {
		if !strings.Contains(sheets+"|", want) {
			t.Errorf("sheets %q lack %q", sheets, want)
		}
	}
	rows, err := f.GetRows("Violations", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+2 || rows[0][0] != "ID" || rows[n+1][0] != "Total ("+itoa(n)+")" {
		t.Errorf("%d rows (want %d + header + totals), first %v, last %v", len(rows), n, rows[0], rows[len(rows)-1])
	}
	if p, _ := f.GetPanes("Violations"); !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes %+v", p)
	}
	pay, _ := f.GetRows("Payments", excelize.Options{RawCellValue: true})
	if len(pay) != 3 || pay[1][2] != "粤BD12345" || pay[1][4] != "440300-2026-0012345" || pay[1][8] != "200" {
		t.Errorf("payments sheet = %v", pay)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestExportDemoCSVAndJSONWithFilters(t *testing.T) {
	h, dir, n := demoHarness(t)
	all := filepath.Join(dir, "v.csv")
	h.xok("export", "--out", all)
	b, err := os.ReadFile(all)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(report.BOM)) {
		t.Fatal("CSV without BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[len(report.BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n+2 {
		t.Errorf("%d records, want %d", len(recs), n+2)
	}
	if strings.Contains(string(b), "11010519491231002X") {
		t.Error("ID number exported in full without --unmask")
	}
	h.xok("export", "--out", all, "--unmask")
	if b, _ := os.ReadFile(all); !strings.Contains(string(b), "11010519491231002X") {
		t.Error("--unmask did not show the ID number")
	}

	js := filepath.Join(dir, "v.json")
	h.xok("export", "--out", js, "--plate", "粤BD12345", "--lang", "zh")
	var rows []map[string]any
	if b, _ := os.ReadFile(js); json.Unmarshal(b, &rows) != nil || len(rows) == 0 {
		t.Fatalf("json: %s", b)
	}
	for _, r := range rows {
		if r["plate"] != "粤BD12345" {
			t.Errorf("--plate let through %v", r["plate"])
		}
	}
	h.xok("export", "--format", "json", "--out", js, "--driver", "李娜", "--status", "decided")
	rows = nil
	if b, _ := os.ReadFile(js); json.Unmarshal(b, &rows) != nil || len(rows) != 1 || rows[0]["driver"] != "李娜" || rows[0]["status"] != "decided" {
		t.Errorf("driver+status filter: %v", rows)
	}
	h.xok("export", "--what", "payments", "--out", js, "--status", "confirmed")
	rows = nil
	if b, _ := os.ReadFile(js); json.Unmarshal(b, &rows) != nil || len(rows) != 1 || rows[0]["fine_fen"] != 20000.0 || rows[0]["method"] != "alipay" {
		t.Errorf("payments: %v", rows)
	}
	stdout := h.xok("export", "--what", "payments", "--format", "csv", "--out", "-", "--lang", "zh")
	if !strings.HasPrefix(stdout, report.BOM+"编号,违法记录,号牌") || !strings.Contains(stdout, "440300-2026-0012345") {
		t.Errorf("--out - printed %q", stdout)
	}
	// A date range with nothing in it still writes a valid, empty export.
	h.xok("export", "--out", js, "--from", "2001-01-01", "--to", "2001-01-31")
	if b, _ := os.ReadFile(js); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("empty range: %s", b)
	}
}

func TestMonthReportAndPDFExport(t *testing.T) {
	h, dir, _ := demoHarness(t)
	month := time.Now().Format("2006-01")
	pdf := filepath.Join(dir, "m.pdf")
	out := h.xok("report", "month", month, "--out", pdf, "--lang", "zh")
	if !strings.Contains(out, month) {
		t.Errorf("output %q", out)
	}
	checkPDF(t, pdf)
	pdf2 := filepath.Join(dir, "export.pdf")
	h.xok("export", "--format", "pdf", "--from", month+"-01", "--out", pdf2, "--plate", "粤B6K2M8")
	checkPDF(t, pdf2)
	chart := filepath.Join(dir, "chart.png")
	h.xok("report", "month", month, "--out", chart)
	if b, _ := os.ReadFile(chart); !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Error("chart is not a PNG")
	}
}

func checkPDF(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[len(b)-32:], []byte("%%EOF")) || !bytes.Contains(b, []byte("FontFile2")) {
		t.Errorf("%s is not a complete PDF with an embedded font (%d bytes)", path, len(b))
	}
}

func TestReceiptsOfAVehicle(t *testing.T) {
	h, dir, _ := demoHarness(t)
	zp := filepath.Join(dir, "r.zip")
	h.xok("receipts", "--plate", "粤BD12345", "--out", zp)
	zr, err := zip.OpenReader(zp)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if len(names) != 2 || !strings.HasSuffix(names[0], "-440300-2026-0012345.pdf") || names[1] != "index.csv" {
		t.Errorf("zip holds %v", names)
	}

	var ps []map[string]any
	h.jsonOf(&ps, "payment", "list")
	png := filepath.Join(dir, "r.png")
	h.xok("receipts", "--payment", jsonNumber(ps[0]["id"]), "--out", png)
	res, err := scan.DecodeFile(context.Background(), png, scan.Options{})
	if err != nil || len(res.Codes) != 1 {
		t.Fatalf("scan: %v %+v", err, res)
	}
	r, err := report.ParseReceiptCode(res.Codes[0].Text)
	if err != nil || r.Plate != "粤BD12345" || r.Number != "440300-2026-0012345" || r.FineFen != 20000 {
		t.Errorf("receipt code %+v %v", r, err)
	}
	h.xok("receipts", "--payment", jsonNumber(ps[0]["id"]), "--out", filepath.Join(dir, "r.pdf"))
	checkPDF(t, filepath.Join(dir, "r.pdf"))
}

func TestReportCommandsRefuseBadInput(t *testing.T) {
	h, dir, _ := demoHarness(t)
	out := filepath.Join(dir, "x")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"export"}, "--out"},
		{[]string{"export", "--out", out + ".doc"}, "--format"},
		{[]string{"export", "--out", "-"}, "--format"},
		{[]string{"export", "--out", out, "--format", "docx"}, "--format"},
		{[]string{"export", "--out", out + ".csv", "--what", "all"}, "xlsx"},
		{[]string{"export", "--out", out + ".csv", "--what", "tickets"}, "--what"},
		{[]string{"export", "--out", out + ".csv", "--sheet-per-vehicle"}, "xlsx"},
		{[]string{"export", "--out", out + ".pdf"}, "--from"},
		{[]string{"export", "--out", out + ".pdf", "--from", "2026-03-01", "--to", "2026-04-02"}, "month"},
		{[]string{"export", "--out", out + ".csv", "--from", "2026-02-30"}, "from"},
		{[]string{"export", "--out", out + ".csv", "--from", "2026-03-02", "--to", "2026-03-01"}, "to"},
		{[]string{"export", "--out", out + ".csv", "--status", "lost"}, "status"},
		{[]string{"export", "--out", out + ".csv", "--plate", "粤A00000"}, "粤A00000"},
		{[]string{"export", "--out", out + ".csv", "--driver", "无名氏"}, "无名氏"},
		{[]string{"report", "month", "2026-13", "--out", out + ".pdf"}, "month"},
		{[]string{"report", "month", "2026-03", "--out", out + ".txt"}, ".pdf"},
		{[]string{"report", "month", "--out", out + ".pdf"}, "2026-03"},
		{[]string{"receipts", "--out", out + ".zip"}, "--plate"},
		{[]string{"receipts", "--plate", "粤BD12345", "--out", out + ".pdf"}, ".zip"},
		{[]string{"receipts", "--plate", "粤B6K2M8", "--out", out + ".zip"}, "no confirmed payments"},
		{[]string{"receipts", "--payment", "x", "--out", out + ".pdf"}, "payment id"},
	}
	for _, c := range cases {
		errs := h.xbad(c.args...)
		if !strings.Contains(errs, c.want) {
			t.Errorf("%v: error %q does not mention %q", c.args, errs, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused commands wrote %d files", len(entries))
	}
	if errs := h.xbad("export", "--lang", "zh"); !strings.Contains(errs, "必须提供 --out") {
		t.Errorf("zh error = %q", errs)
	}
}
