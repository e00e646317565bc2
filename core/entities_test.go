package core

import (
	"errors"
	"testing"
	"time"

	"ticketbook/core/field"
)

func fieldsOf(err error) map[string]bool {
	out := map[string]bool{}
	var es field.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			out[e.Field] = true
		}
	}
	return out
}

func TestVehicleNormalize(t *testing.T) {
	v := Vehicle{Plate: "粤b·d12345", VIN: "1m8gdm9axkp042788", Engine: " ab 123456 "}
	if err := v.Normalize(); err != nil {
		t.Fatal(err)
	}
	if v.Plate != "粤BD12345" || v.PlateType != "52" || v.VIN != "1M8GDM9AXKP042788" || v.Engine != "AB123456" {
		t.Errorf("normalised to %+v", v)
	}
	if v.OwnerKind != OwnerOwn || v.Use != UsePrivate {
		t.Errorf("defaults %v %v", v.OwnerKind, v.Use)
	}

	// Every bad field is reported at once.
	bad := Vehicle{Plate: "粤B12345", PlateType: "52", VIN: "1M8GDM9AXKP042789", OwnerKind: "alien", Use: "rocket"}
	got := fieldsOf(bad.Normalize())
	for _, f := range []string{"plate_type", "vin", "owner_kind", "use"} {
		if !got[f] {
			t.Errorf("no error on %s (got %v)", f, got)
		}
	}

	// A failing VIN check digit may be kept on purpose.
	ok := Vehicle{Plate: "粤B12345", VIN: "1M8GDM9AXKP042789", VINUnchecked: true}
	if err := ok.Normalize(); err != nil {
		t.Errorf("override refused: %v", err)
	}
}

func TestPersonNormalize(t *testing.T) {
	p := Person{Name: " 李四 ", IDNumber: "11010519491231002x", LicenceClass: "c1e", Phone: "１３８００１３８０００"}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	if p.Name != "李四" || p.IDNumber != "11010519491231002X" || p.LicenceClass != "C1E" || p.Phone != "13800138000" || p.Role != RoleEmployee {
		t.Errorf("normalised to %+v", p)
	}
	if m := p.MaskedIDNumber(); m == p.IDNumber || len(m) != len(p.IDNumber) {
		t.Errorf("masked = %q", m)
	}
	bad := Person{IDNumber: "110105194912310021", LicenceClass: "Z9", Phone: "call me", FirstIssued: Date{2020, 1, 1}, ValidUntil: Date{2019, 1, 1}}
	got := fieldsOf(bad.Normalize())
	for _, f := range []string{"name", "id_number", "licence_class", "phone", "valid_until"} {
		if !got[f] {
			t.Errorf("no error on %s (got %v)", f, got)
		}
	}
}

func TestCustodyCoversAndOverlaps(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 1, h, 0, 0, 0, time.UTC) }
	to := at(12)
	c := Custody{VehicleID: 1, PersonID: 1, From: at(8), To: &to}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	if !c.Covers(at(8)) || !c.Covers(at(11)) || c.Covers(at(12)) || c.Covers(at(7)) {
		t.Error("Covers should be start-inclusive, end-exclusive")
	}
	open := Custody{From: at(11)}
	later := Custody{From: at(12)}
	if !c.Overlaps(open) || c.Overlaps(later) {
		t.Error("Overlaps wrong")
	}
	back := at(7)
	odoOut, odoIn := int64(100), int64(50)
	bad := Custody{VehicleID: 1, PersonID: 1, From: at(8), To: &back, OdometerOut: &odoOut, OdometerIn: &odoIn}
	got := fieldsOf(bad.Normalize())
	if !got["to"] || !got["odometer_in"] {
		t.Errorf("errors = %v", got)
	}
}

func TestRegistrationStatusFollowsDates(t *testing.T) {
	r := Registration{VehicleID: 1, PersonID: 1, Method: "SMS", Applied: Date{2026, 3, 1}, Approved: Date{2026, 3, 2}}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	if r.Status != RegApproved || r.Method != RegSMS || !r.Active() {
		t.Errorf("got %+v", r)
	}
	bad := Registration{VehicleID: 1, PersonID: 1, Method: "fax", Applied: Date{2026, 3, 2}, Approved: Date{2026, 3, 1}}
	got := fieldsOf(bad.Normalize())
	if !got["method"] || !got["approved"] {
		t.Errorf("errors = %v", got)
	}
}

func TestViolationNormalize(t *testing.T) {
	v := Violation{VehicleID: 1, OccurredAt: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC), Place: "深南大道", Code: "1625", FineFen: 20000, Points: 6, DecisionNumber: "4403 0012 3456 7891"}
	if err := v.Normalize(); err != nil {
		t.Fatal(err)
	}
	if v.DecisionNumber != "4403001234567891" || v.Status != StatusDecided || v.Source != SourceCamera {
		t.Errorf("got %+v", v)
	}
	if len(v.Warnings()) != 0 {
		t.Errorf("valid check digit warned: %v", v.Warnings())
	}
	v.DecisionNumber = "4403001234567890"
	if err := v.Normalize(); err != nil || len(v.Warnings()) != 1 {
		t.Errorf("a failing check digit must warn, not refuse: %v %v", err, v.Warnings())
	}
	bad := Violation{Points: 13, FineFen: -1, Code: "x", DecisionNumber: "123"}
	got := fieldsOf(bad.Normalize())
	for _, f := range []string{"vehicle", "occurred", "place", "code", "fine", "points", "decision_number"} {
		if !got[f] {
			t.Errorf("no error on %s (got %v)", f, got)
		}
	}
}

func TestPaymentNormalize(t *testing.T) {
	p := Payment{ViolationID: 1, FineFen: 20000, Method: "支付宝", IdempotencyKey: "k"}
	if err := p.Normalize(); err != nil {
		t.Fatal(err)
	}
	if p.Method != PayAlipay || p.State != PayQueued || p.TotalFen() != 20000 {
		t.Errorf("got %+v", p)
	}
	got := fieldsOf((&Payment{Method: "bitcoin", LateFeeFen: -1}).Normalize())
	for _, f := range []string{"violation", "method", "late_fee", "idempotency_key"} {
		if !got[f] {
			t.Errorf("no error on %s (got %v)", f, got)
		}
	}
}

func TestEveryFieldErrorRendersInBothLanguages(t *testing.T) {
	err := (&Violation{}).Normalize()
	var es field.Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatal("expected field errors")
	}
	for _, e := range es {
		if e.En == "" || e.Zh == "" || field.Label(e.Field, "zh") == e.Field {
			t.Errorf("%s/%s lacks a message or a Chinese label", e.Field, e.Code)
		}
	}
	if zh := field.Localize(err, "zh"); zh == field.Localize(err, "en") {
		t.Error("Chinese rendering equals English")
	}
}
