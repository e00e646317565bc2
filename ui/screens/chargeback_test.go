package screens_test

import (
	"testing"

	"ticketbook/core/i18n"
)

func TestViolationDetailChargesBackAndMarksRecovered(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	b.s.Select(b.overdue.ID)
	d := b.s.Detail
	a := d.ChargeBack()
	a.Person.SetSelectedIndex(1) // the first person after "Nobody"
	a.Date.SetText("2026-03-25")
	a.Confirm()
	if a.Open() {
		t.Fatalf("charge back refused: %s", a.Error.Text)
	}
	got := b.assess(t, b.overdue.ID)
	if got.ChargeBackTo == nil || got.ChargeBackName == "" || got.RecoveredOn.String() != "2026-03-25" {
		t.Errorf("after charge back: to %v (%q), recovered %s", got.ChargeBackTo, got.ChargeBackName, got.RecoveredOn)
	}
	a = b.s.Detail.ChargeBack()
	a.Person.SetSelectedIndex(0)
	a.Confirm()
	if got := b.assess(t, b.overdue.ID); got.ChargeBackTo != nil || !got.RecoveredOn.IsZero() {
		t.Errorf("clearing left %v %s", got.ChargeBackTo, got.RecoveredOn)
	}
}
