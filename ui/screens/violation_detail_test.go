package screens_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/ui/screens"
)

func TestViolationDetailConfirmsTheDriverFromCustody(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	s := b.s
	s.Table.Select(widget.TableCellID{Row: 1, Col: screens.ViolationColPlace}) // tapping a row opens it
	d := s.Detail
	if d == nil || d.ID != b.overdue.ID {
		t.Fatalf("detail = %+v", d)
	}
	if !strings.Contains(d.Driver.Text, "张三 (not confirmed)") || !d.ConfirmBtn.Visible() || d.ConfirmBtn.Text != "Confirm 张三" {
		t.Fatalf("driver %q, confirm %q visible %v", d.Driver.Text, d.ConfirmBtn.Text, d.ConfirmBtn.Visible())
	}
	a := b.assess(t, b.overdue.ID)
	for _, want := range []struct{ got, sub string }{
		{d.TotalDue.Text, a.TotalDueFen.Yuan()},
		{d.LateFee.Text, "our estimate, 11 late days"},
		{d.Due.Text, "Pay by 2026-03-09 (11 days overdue)"},
		{d.Next.Text, a.NextActionText},
		{d.Points.Text, "6 points go to whoever was driving"},
	} {
		if !strings.Contains(want.got, want.sub) {
			t.Errorf("%q lacks %q", want.got, want.sub)
		}
	}

	test.Tap(d.ConfirmBtn)
	a = b.assess(t, b.overdue.ID)
	if a.DriverMatch != "manual" || a.DriverID == nil || *a.DriverID != b.zhang.ID {
		t.Fatalf("after confirm: %s %v", a.DriverMatch, a.DriverID)
	}
	if d.ConfirmBtn.Visible() || !strings.Contains(d.Driver.Text, "Driver: 张三 · ") || strings.Contains(d.Driver.Text, b.zhang.IDNumber) {
		t.Errorf("driver line %q should name him with a masked ID number", d.Driver.Text)
	}
	if !strings.Contains(d.Points.Text, "6 of 12") {
		t.Errorf("points = %q", d.Points.Text)
	}
	if first := strings.Split(d.History.Text, "\n")[0]; !strings.HasSuffix(first, "Driver: 张三") {
		t.Errorf("latest history line = %q", first)
	}
	test.Tap(d.BackBtn)
	if s.Detail != nil || s.Cell(1, screens.ViolationColDriver) != "张三" {
		t.Errorf("back on the list, driver cell = %q", s.Cell(1, screens.ViolationColDriver))
	}
	if len(b.f.Errors) != 0 {
		t.Errorf("errors shown: %v", b.f.Errors)
	}
}

func TestViolationDetailRecordsAPaymentOnce(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	b.s.Select(b.overdue.ID)
	d := b.s.Detail
	a := b.assess(t, b.overdue.ID)
	// Two payment dialogs open at once, as from a stale view: the second
	// must be refused, with the reason shown where the user looks.
	first, second := d.RecordPayment(), d.RecordPayment()
	if first.Fine.Text != "200.00" || first.LateFee.Text != a.LateFeeFen.Yuan() || first.PaidAt.Text != "2026-03-20 10:00" {
		t.Errorf("prefilled %q + %q at %q", first.Fine.Text, first.LateFee.Text, first.PaidAt.Text)
	}
	first.Method.SetSelected("Alipay")
	test.Type(first.Receipt, "R-001")
	first.Confirm()
	if first.Open() || first.Error.Text != "" {
		t.Fatalf("first payment: %q", first.Error.Text)
	}
	if got := b.assess(t, b.overdue.ID); got.Status != core.StatusPaid {
		t.Errorf("status = %s", got.Status)
	}
	if d.TotalDue.Text != "Closed: paid" || !d.PayBtn.Disabled() {
		t.Errorf("after paying: %q, pay enabled %v", d.TotalDue.Text, !d.PayBtn.Disabled())
	}
	second.Confirm()
	if !second.Open() || !strings.Contains(second.Error.Text, "already paid") {
		t.Errorf("second payment: open %v, %q", second.Open(), second.Error.Text)
	}
	pays, err := b.f.Tickets.Payments(b.ctx, core.PaymentFilter{ViolationID: b.overdue.ID})
	if err != nil || len(pays) != 1 || pays[0].TotalFen() != a.TotalDueFen || pays[0].ReceiptNumber != "R-001" {
		t.Errorf("payments = %+v, %v", pays, err)
	}

	bad := d.RecordPayment()
	bad.Fine.SetText("12.345")
	bad.Confirm()
	if !strings.HasPrefix(bad.Error.Text, "fine paid: ") {
		t.Errorf("bad amount: %q", bad.Error.Text)
	}
}

func TestViolationDetailAppealFreezesTheLateFee(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	b.s.Select(b.overdue.ID)
	d := b.s.Detail
	if d.UpheldBtn.Visible() || d.AppealBtn.Disabled() {
		t.Error("outcome buttons before any appeal")
	}
	a := d.RecordAppeal()
	if a.Date.Text != "2026-03-20" {
		t.Errorf("appeal date default = %q", a.Date.Text)
	}
	test.Type(a.Reason, "张三 was abroad")
	a.Confirm()
	got := b.assess(t, b.overdue.ID)
	if got.Status != core.StatusAppealed || !got.LateFeeFrozen || !strings.Contains(got.Notes, "abroad") {
		t.Fatalf("after appeal: %s frozen=%v notes=%q", got.Status, got.LateFeeFrozen, got.Notes)
	}
	if !strings.Contains(d.LateFee.Text, "Frozen") || !d.UpheldBtn.Visible() || !d.RejectedBtn.Visible() || !d.AppealBtn.Disabled() {
		t.Errorf("late fee %q, outcome buttons %v", d.LateFee.Text, d.UpheldBtn.Visible())
	}
	o := d.RecordOutcome(true)
	o.Date.SetText("2026-03-19")
	o.Confirm()
	if !o.Open() || !strings.Contains(o.Error.Text, "appeal decided on") {
		t.Errorf("an outcome before the appeal: %q", o.Error.Text)
	}
	o.Date.SetText("2026-03-20")
	o.Confirm()
	if got := b.assess(t, b.overdue.ID); got.Status != core.StatusAppealUpheld || d.UpheldBtn.Visible() {
		t.Errorf("after upheld: %s", got.Status)
	}
	if !strings.Contains(d.History.Text, "Status: appealed → appeal upheld") {
		t.Errorf("history = %q", d.History.Text)
	}
}

func TestViolationDetailShowsAndZoomsPhotos(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	b.s.Select(b.fresh.ID)
	d := b.s.Detail
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	img.Set(10, 10, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	d.AttachPhoto("camera.png", io.NopCloser(&buf))
	if len(d.A.Photos) != 1 || len(d.Photos.Objects) != 1 {
		t.Fatalf("photos %v, thumbnails %d", d.A.Photos, len(d.Photos.Objects))
	}
	z := d.OpenPhoto(0)
	if z == nil || z.Factor <= 0 || z.Factor > 8 {
		t.Fatalf("zoom = %+v", z)
	}
	z.SetZoom(1)
	test.Tap(z.In)
	if z.Factor != 1.25 || z.Image.MinSize().Width != 500 {
		t.Errorf("zoomed in: %v, %v", z.Factor, z.Image.MinSize())
	}
	test.Tap(z.Fit)
	if view := z.Scroll.Size(); z.Image.MinSize().Width > view.Width+0.5 || z.Image.MinSize().Height > view.Height+0.5 {
		t.Errorf("fit: image %v in %v", z.Image.MinSize(), view)
	}

	d.AttachPhoto("notes.txt", io.NopCloser(strings.NewReader("not an image")))
	if len(b.f.Errors) != 1 || !strings.Contains(b.f.Errors[0].Error(), "not an image") {
		t.Errorf("errors = %v", b.f.Errors)
	}
}
