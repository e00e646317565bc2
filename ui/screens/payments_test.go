package screens_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

func TestPaymentsListTotalsAndOpenTheViolation(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	v := fleetVehicle(t, f, "粤B12345")
	var ids []int64
	for _, number := range []string{"4403001234567890", "4403001234567891"} {
		vio, _, err := f.Tickets.AddViolation(t.Context(), core.Violation{VehicleID: v.ID, OccurredAt: localTime(t, "2026-02-10 08:00"),
			Place: "Shennan Ave", Code: "1625", FineFen: 20000, Points: 3, DecisionNumber: number, DecidedOn: core.Date{Year: 2026, Month: 2, Day: 12}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, vio.ID)
	}
	paid := localTime(t, "2026-03-01 09:15")
	for _, p := range []core.Payment{
		{ViolationID: ids[0], FineFen: 20000, LateFeeFen: 600, Method: core.PayAlipay, PaidAt: &paid, ReceiptNumber: "R2026-0001", IdempotencyKey: "k1"},
		{ViolationID: ids[1], FineFen: 20000, Method: core.PayCard, State: core.PayQueued, IdempotencyKey: "k2"},
	} {
		if _, err := f.Tickets.RecordPayment(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	s := screens.NewPayments(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()
	if s.Rows() != 2 {
		t.Fatalf("rows = %d", s.Rows())
	}
	if want := "Confirmed (1): fine ¥200.00 + late fee ¥6.00 = ¥206.00"; s.Totals.Text != want {
		t.Errorf("totals = %q, want %q", s.Totals.Text, want)
	}

	s.State.SetSelected("confirmed")
	if s.Rows() != 1 {
		t.Fatalf("confirmed rows = %d", s.Rows())
	}
	want := []string{"2026-03-01 09:15", "粤B12345", "4403001234567890", "200.00", "6.00", "206.00", "Alipay", "confirmed", "R2026-0001"}
	for col, w := range want {
		if got := s.Cell(0, col); got != w {
			t.Errorf("cell %d = %q, want %q", col, got, w)
		}
	}

	r := s.ShowReceipt(0)
	if r.ReceiptNumber.Text != "R2026-0001" {
		t.Errorf("receipt number = %q", r.ReceiptNumber.Text)
	}
	test.Tap(r.Copy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "R2026-0001" {
		t.Errorf("clipboard = %q", got)
	}
	test.Tap(r.OpenViolation)
	if len(f.Opened) != 1 || f.Opened[0] != (screens.Target{Screen: "violations", ID: ids[0]}) {
		t.Errorf("opened %v", f.Opened)
	}
	if r.Visible() {
		t.Error("the receipt stays open over the violation")
	}
}
