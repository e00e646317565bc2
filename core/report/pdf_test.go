package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"ticketbook/core"
	"ticketbook/core/scan"
	"ticketbook/core/tickets"
)

var reportNow = time.Date(2026, 4, 2, 9, 30, 0, 0, shanghai)

func TestBuildMonthGroups(t *testing.T) {
	fx := newFixture()
	m, err := BuildMonth("2026-03", fx.views, fx.payments, fx.lk, "zh", reportNow)
	if err != nil {
		t.Fatal(err)
	}
	if m.Month != "2026-03" || !m.Start.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)) || m.AsOf.String() != "2026-04-02" {
		t.Errorf("month %s from %v as of %v", m.Month, m.Start, m.AsOf)
	}
	tot := m.Total
	if tot.New != 2 || tot.NewFineFen != 35050 || tot.Points != 9 {
		t.Errorf("new = %d, %v, %d points; want 2, 350.50, 9", tot.New, tot.NewFineFen, tot.Points)
	}
	// Only the March payment counts; the February one is another month.
	if tot.PaidFineFen != 20000 || tot.PaidLateFeeFen != 0 {
		t.Errorf("paid = %v + %v", tot.PaidFineFen, tot.PaidLateFeeFen)
	}
	if tot.OpenCount != 2 || tot.OpenDueFen != 28050 || tot.NextDue.String() != "2026-03-28" {
		t.Errorf("open = %d, %v, next %v", tot.OpenCount, tot.OpenDueFen, tot.NextDue)
	}
	if len(m.Vehicles) != 2 || m.Vehicles[0].Name != "沪A8K3M1" || m.Vehicles[1].New != 1 || m.Vehicles[1].OpenCount != 1 {
		t.Errorf("vehicles = %+v", m.Vehicles)
	}
	names := []string{}
	for _, d := range m.Drivers {
		names = append(names, d.Name)
	}
	if strings.Join(names, ",") != "李娜,王建国,（未指定驾驶人）" {
		t.Errorf("drivers = %v, want named first, unassigned last", names)
	}
	if len(m.Open) != 2 || m.Open[0].ID != 2 || m.Open[1].ID != 3 || m.Open[1].DueOn.String() != "2026-04-20" {
		t.Errorf("open = %+v, want by deadline", m.Open)
	}
	if len(m.Recover) != 2 || m.Recover[0].Person != "李娜" || m.Recover[0].Recovered || m.Recover[0].Fen != 18050 ||
		m.Recover[1].Person != "王建国" || !m.Recover[1].Recovered || m.Recover[1].Fen != 5250 {
		t.Errorf("recover = %+v", m.Recover)
	}
	if len(m.Chart) != 12 || m.Chart[0].Month != "2025-04" || m.Chart[11].Month != "2026-03" ||
		m.Chart[11].FineFen != 35050 || m.Chart[10].FineFen != 5000 || m.Chart[9].FineFen != 10000 {
		t.Errorf("chart = %+v", m.Chart)
	}
	for _, bad := range []string{"2026-13", "March", "2026-02-30", ""} {
		if _, err := BuildMonth(bad, nil, nil, fx.lk, "en", reportNow); err == nil {
			t.Errorf("month %q accepted", bad)
		}
	}
	for _, ok := range []string{"2026-3", "2026/03", "2026年3月", "2026-03-15"} {
		if y, mo, err := ParseMonth(ok); err != nil || y != 2026 || mo != 3 {
			t.Errorf("ParseMonth(%q) = %d %d %v", ok, y, mo, err)
		}
	}
}

func TestMonthReportPDF(t *testing.T) {
	fx := newFixture()
	m, err := BuildMonth("2026-03", fx.views, fx.payments, fx.lk, "zh", reportNow)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := MonthReport(&buf, m, "zh", nil); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	mustContain(t, "zh month report", text,
		"车队月报 2026年3月", "按车辆", "按驾驶人", "粤BD12345", "沪A8K3M1", "王建国", "李娜", "（未指定驾驶人）",
		"本月新增违法：2 起，罚款 ¥350.50，记 9 分", "¥180.50", "待向驾驶人追偿", "未追回", "已追回 2026-03-15",
		"2026-03-28（逾期 5 天）", "近 12 个月每月罚款（元）", "第 1 页", "（李娜？）")
	if !bytes.Contains(buf.Bytes(), []byte("/Subtype /Image")) && !bytes.Contains(buf.Bytes(), []byte("/Subtype/Image")) {
		t.Error("the chart image is not in the PDF")
	}

	m, _ = BuildMonth("2026-03", fx.views, fx.payments, fx.lk, "en", reportNow)
	buf.Reset()
	if err := MonthReport(&buf, m, "en", nil); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "en month report", pdfText(t, buf.Bytes()), "Fleet report March 2026", "By vehicle", "粤BD12345", "李娜", "(no driver)", "To recover from drivers", "page 1")
}

func TestMonthReportPaginates(t *testing.T) {
	fx := newFixture()
	base := fx.views[1]
	for i := 0; i < 150; i++ {
		v := base
		v.ID = int64(100 + i)
		fx.views = append(fx.views, v)
	}
	m, err := BuildMonth("2026-03", fx.views, fx.payments, fx.lk, "en", reportNow)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := MonthReport(&buf, m, "en", nil); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	mustContain(t, "long report", text, "page 4", "#\nPlate\n") // the open list's header repeats on later pages
	if strings.Count(text, "To pay\n") < 2 {
		t.Errorf("open table header not repeated across pages")
	}

	for i := 0; i < 400; i++ {
		v := base
		v.ID = int64(1000 + i)
		fx.views = append(fx.views, v)
	}
	m, _ = BuildMonth("2026-03", fx.views, fx.payments, fx.lk, "en", reportNow)
	buf.Reset()
	if err := MonthReport(&buf, m, "en", nil); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "capped report", pdfText(t, buf.Bytes()), "… and 252 more, due later")
}

func TestFontRefusals(t *testing.T) {
	var buf bytes.Buffer
	err := MonthReport(&buf, MonthData{}, "en", []byte("OTTO\x00\x01rest of a CFF font"))
	if !errors.Is(err, ErrCFFFont) {
		t.Errorf("CFF font: err = %v", err)
	}
	if err := ReceiptPDF(&buf, Receipt{}, "en", []byte("not a font")); err == nil {
		t.Error("garbage font accepted")
	}
}

func TestFinesChartPNG(t *testing.T) {
	fx := newFixture()
	m, _ := BuildMonth("2026-03", fx.views, fx.payments, fx.lk, "en", reportNow)
	data, err := FinesChartPNG(m.Chart)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != chartW || b.Dy() != chartH {
		t.Errorf("size %v", b)
	}
	// The last month's bar is drawn in its highlight colour near the bottom.
	slot := (chartW - 140) / 12
	x := 120 + 11*slot + slot/2
	if r, g, b, _ := img.At(x, chartH-70).RGBA(); r>>8 != 0xd9 || g>>8 != 0x5f || b>>8 != 0x0e {
		t.Errorf("no highlighted bar at x=%d: %x %x %x", x, r>>8, g>>8, b>>8)
	}
	if _, err := FinesChartPNG(nil); err != nil {
		t.Errorf("empty chart: %v", err)
	}
}

func receiptFixture(t *testing.T) []Receipt {
	fx := newFixture()
	var out []Receipt
	for _, p := range fx.payments {
		for _, v := range fx.views {
			if v.ID == p.ViolationID {
				out = append(out, ReceiptFrom(p, v.View, shanghai))
			}
		}
	}
	if len(out) != 2 {
		t.Fatalf("fixture receipts: %d", len(out))
	}
	return out
}

func TestReceiptCodeRoundTrips(t *testing.T) {
	r := receiptFixture(t)[0]
	got, err := ParseReceiptCode(r.Code())
	if err != nil {
		t.Fatal(err)
	}
	if got.PaymentID != 7 || got.ViolationID != 1 || got.Number != "440300-2026-0012345" || got.DecisionNumber != "4403001000870013" ||
		got.Plate != "粤BD12345" || got.FineFen != 20000 || got.LateFeeFen != 0 || got.Method != core.PayAlipay || !got.PaidAt.Equal(r.PaidAt) {
		t.Errorf("parsed %+v from %s", got, r.Code())
	}
	for _, bad := range []string{"", "https://example.com", ReceiptScheme + "v=2&pay=1", ReceiptScheme + "v=1&pay=x&vio=1&fine=1&late=0", ReceiptScheme + "v=1&pay=1&vio=1&fine=1&late=0&at=yesterday"} {
		if _, err := ParseReceiptCode(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestReceiptPDF(t *testing.T) {
	r := receiptFixture(t)[0]
	var buf bytes.Buffer
	if err := ReceiptPDF(&buf, r, "zh", nil); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "receipt", pdfText(t, buf.Bytes()), "缴款凭证", "440300-2026-0012345", "粤BD12345", "4403001000870013",
		"王建国", "深南大道", "1625 闯红灯", "支付宝", "¥200.00", "2026-03-12 20:15", "不是财政票据", "用 Ticketbook 扫码核对本凭证")
}

func TestReceiptPNGScansBack(t *testing.T) {
	r := receiptFixture(t)[1]
	data, err := ReceiptPNG(r, "zh")
	if err != nil {
		t.Fatal(err)
	}
	res, err := scan.Decode(context.Background(), bytes.NewReader(data), scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Codes) != 1 {
		t.Fatalf("found %d codes", len(res.Codes))
	}
	got, err := ParseReceiptCode(res.Codes[0].Text)
	if err != nil {
		t.Fatalf("%v: %q", err, res.Codes[0].Text)
	}
	if got.PaymentID != r.PaymentID || got.Plate != "沪A8K3M1" || got.FineFen != 5000 || got.LateFeeFen != 250 || got.Method != core.PayWeChat || !got.PaidAt.Equal(r.PaidAt) {
		t.Errorf("scanned %+v, want %+v", got, r)
	}
}

func TestReceiptsZIP(t *testing.T) {
	rs := receiptFixture(t)
	rs = append(rs, rs[1]) // a second receipt with the same number must not overwrite the first
	var buf bytes.Buffer
	var calls []int
	if err := ReceiptsZIP(&buf, rs, "zh", nil, func(done, total int) {
		if total != 3 {
			t.Errorf("total = %d", total)
		}
		calls = append(calls, done)
	}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 3 || calls[2] != 3 {
		t.Errorf("progress calls %v", calls)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var pdfs []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = b
		if strings.HasSuffix(f.Name, ".pdf") {
			pdfs = append(pdfs, f.Name)
		}
	}
	if len(pdfs) != 3 || len(files) != 4 {
		t.Fatalf("zip holds %v", pdfs)
	}
	if pdfs[0] != "receipt-2026-03-12-440300-2026-0012345.pdf" || pdfs[1] != "receipt-2026-02-10-payment-8.pdf" || pdfs[2] != "receipt-2026-02-10-payment-8-2.pdf" {
		t.Errorf("names = %v", pdfs)
	}
	mustContain(t, pdfs[1], pdfText(t, files[pdfs[1]]), "沪A8K3M1", "微信支付", "¥52.50")
	idx, ok := files["index.csv"]
	if !ok || !bytes.HasPrefix(idx, []byte(BOM)) {
		t.Fatalf("index.csv missing or without BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(idx[len(BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || recs[0][0] != "文件" || recs[1][0] != pdfs[0] || recs[2][5] != "沪A8K3M1" || recs[4][10] != "305.00" {
		t.Errorf("index = %v", recs)
	}
}

// The views the CLI and the window pass have View embedded; this keeps the
// fixture honest about it.
var _ = tickets.View{}
