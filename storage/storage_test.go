package storage_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ticketbook/core"
	"ticketbook/core/ident"
	"ticketbook/storage/storagetest"
)

var t0 = time.Date(2026, 3, 1, 8, 30, 0, 123456789, time.UTC)

func ptr[T any](v T) *T { return &v }

func wantKind(t *testing.T, err, kind error) *core.Problem {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v, want %v", err, kind)
	}
	var p *core.Problem
	if !errors.As(err, &p) || p.En == "" || p.Zh == "" {
		t.Fatalf("err %v carries no sentences", err)
	}
	return p
}

func equal[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func newVehicle(t *testing.T, r core.Repos, plate string) core.Vehicle {
	t.Helper()
	v := core.Vehicle{PlateType: ident.PlateSmallCar, Plate: plate, OwnerKind: core.OwnerOwn, Use: core.UsePrivate}
	if err := r.Vehicles().Insert(t.Context(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func newPerson(t *testing.T, r core.Repos, name, idNumber string) core.Person {
	t.Helper()
	p := core.Person{Name: name, IDNumber: idNumber, Role: core.RoleEmployee}
	if err := r.People().Insert(t.Context(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func newViolation(t *testing.T, r core.Repos, v core.Violation) core.Violation {
	t.Helper()
	if v.Place == "" {
		v.Place = "深南大道"
	}
	v.Code, v.Source = "1625", core.SourceCamera
	if v.Status == "" {
		v.Status = core.StatusNew
	}
	if err := r.Violations().Insert(t.Context(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func vehicleIDs(vs []core.Vehicle) []int64 {
	return ids(vs, func(v core.Vehicle) int64 { return v.ID })
}
func violationIDs(vs []core.Violation) []int64 {
	return ids(vs, func(v core.Violation) int64 { return v.ID })
}

func TestVehicles(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	owner := newPerson(t, s, "张三", "")
	a := core.Vehicle{PlateType: ident.PlateSmallCar, Plate: "粤B12345", VIN: "LSVAU2180N2183294", VINUnchecked: true,
		Engine: "E1", OwnerName: "某公司", OwnerKind: core.OwnerCompany, OwnerPersonID: &owner.ID,
		Nickname: "白车", Use: core.UseNonOperating, Notes: "n"}
	if err := s.Vehicles().Insert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.CreatedAt.IsZero() || !a.UpdatedAt.Equal(a.CreatedAt) {
		t.Fatalf("insert did not stamp: %+v", a)
	}
	got, err := s.Vehicles().Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, got, a)

	// Same plate, other type: a different vehicle.
	nev := core.Vehicle{PlateType: ident.PlateSmallNEV, Plate: "粤B12345", OwnerKind: core.OwnerOwn, Use: core.UsePrivate}
	if err := s.Vehicles().Insert(ctx, &nev); err != nil {
		t.Fatal(err)
	}
	old := newVehicle(t, s, "京A00001")
	old.Archived = true
	if err := s.Vehicles().Update(ctx, &old); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Vehicles().Get(ctx, old.ID)
	equal(t, got, old)

	byPlate, err := s.Vehicles().FindByPlate(ctx, "粤B12345")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, vehicleIDs(byPlate), []int64{a.ID, nev.ID})

	for _, c := range []struct {
		f    core.VehicleFilter
		want []int64
	}{
		{core.VehicleFilter{}, []int64{a.ID, nev.ID}},
		{core.VehicleFilter{IncludeArchived: true}, []int64{old.ID, a.ID, nev.ID}},
		{core.VehicleFilter{Search: "b123"}, []int64{a.ID, nev.ID}},
		{core.VehicleFilter{Search: "白车"}, []int64{a.ID}},
		{core.VehicleFilter{Search: "公司"}, []int64{a.ID}},
		{core.VehicleFilter{Search: "2183294"}, []int64{a.ID}},
		{core.VehicleFilter{Search: "A000", IncludeArchived: true}, []int64{old.ID}},
		{core.VehicleFilter{Search: "%"}, []int64{}},
	} {
		list, err := s.Vehicles().List(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if ids := vehicleIDs(list); !slices.Equal(ids, c.want) {
			t.Errorf("List(%+v) = %v, want %v", c.f, ids, c.want)
		}
	}

	dup := core.Vehicle{PlateType: ident.PlateSmallCar, Plate: "粤B12345", OwnerKind: core.OwnerOwn, Use: core.UsePrivate}
	p := wantKind(t, s.Vehicles().Insert(ctx, &dup), core.ErrConflict)
	equal(t, p.En, "a vehicle with plate 粤B12345 and plate type 02 is already recorded")
	nev.PlateType = ident.PlateSmallCar
	wantKind(t, s.Vehicles().Update(ctx, &nev), core.ErrConflict)

	p = wantKind(t, s.Vehicles().Update(ctx, &core.Vehicle{ID: 999, PlateType: "02", Plate: "粤B99999",
		OwnerKind: core.OwnerOwn, Use: core.UsePrivate}), core.ErrNotFound)
	equal(t, p.En, "no vehicle with id 999")
	_, err = s.Vehicles().Get(ctx, 7)
	p = wantKind(t, err, core.ErrNotFound)
	equal(t, [2]string{p.En, p.Zh}, [2]string{"no vehicle with id 7", "找不到编号为 7 的车辆"})

	ghost := core.Vehicle{PlateType: "02", Plate: "粤B00000", OwnerKind: core.OwnerOwn, Use: core.UsePrivate, OwnerPersonID: ptr[int64](42)}
	p = wantKind(t, s.Vehicles().Insert(ctx, &ghost), core.ErrNotFound)
	equal(t, p.En, "no person with id 42")

	// A CHECK failure is a bug, not the user's to fix.
	bad := core.Vehicle{PlateType: "02", Plate: "粤B00001", OwnerKind: "alien", Use: core.UsePrivate}
	if err := s.Vehicles().Insert(ctx, &bad); err == nil || core.IsUserError(err) {
		t.Fatalf("CHECK failure = %v, want a plain error", err)
	}
}

func TestVehicleDelete(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	driver := newPerson(t, s, "李四", "")
	ticketed := newVehicle(t, s, "粤B12345")
	newViolation(t, s, core.Violation{VehicleID: ticketed.ID, OccurredAt: t0})
	lent := newVehicle(t, s, "粤B22222")
	if err := s.Custody().Insert(ctx, &core.Custody{VehicleID: lent.ID, PersonID: driver.ID, From: t0}); err != nil {
		t.Fatal(err)
	}
	registered := newVehicle(t, s, "粤B33333")
	if err := s.Registrations().Insert(ctx, &core.Registration{VehicleID: registered.ID, PersonID: driver.ID,
		Method: core.RegSMS, Status: core.RegApplied, Applied: core.Date{Year: 2026, Month: 1, Day: 2}}); err != nil {
		t.Fatal(err)
	}
	free := newVehicle(t, s, "粤B44444")

	p := wantKind(t, s.Vehicles().Delete(ctx, ticketed.ID), core.ErrInUse)
	equal(t, [2]string{p.En, p.Zh}, [2]string{
		"vehicle 粤B12345 has violations and cannot be deleted; archive it instead",
		"车辆 粤B12345 有违法记录，不能删除；请改为归档"})
	p = wantKind(t, s.Vehicles().Delete(ctx, lent.ID), core.ErrInUse)
	if !strings.Contains(p.En, "custody") {
		t.Errorf("custody refusal: %q", p.En)
	}
	p = wantKind(t, s.Vehicles().Delete(ctx, registered.ID), core.ErrInUse)
	if !strings.Contains(p.En, "registrations") {
		t.Errorf("registration refusal: %q", p.En)
	}
	if err := s.Vehicles().Delete(ctx, free.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.Vehicles().Get(ctx, free.ID)
	wantKind(t, err, core.ErrNotFound)
	wantKind(t, s.Vehicles().Delete(ctx, free.ID), core.ErrNotFound)
}

func TestPeople(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	a := core.Person{Name: "王五", IDNumber: "11010519491231002X", LicenceFile: "440300123456", LicenceClass: "C1",
		FirstIssued: core.Date{Year: 2010, Month: 5, Day: 6}, ValidUntil: core.Date{Year: 2030, Month: 5, Day: 6},
		Phone: "13800138000", Role: core.RoleOwner, Notes: "boss"}
	if err := s.People().Insert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	got, err := s.People().Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, got, a)
	a.ValidUntil, a.Phone = core.Date{}, "+86 138"
	if err := s.People().Update(ctx, &a); err != nil {
		t.Fatal(err)
	}
	got, _ = s.People().Get(ctx, a.ID)
	equal(t, got, a)

	// Empty ID numbers do not collide.
	b := newPerson(t, s, "陈六", "")
	c := newPerson(t, s, "Ada", "")

	dup := core.Person{Name: "冒名", IDNumber: a.IDNumber, Role: core.RoleEmployee}
	p := wantKind(t, s.People().Insert(ctx, &dup), core.ErrConflict)
	if strings.Contains(p.En, a.IDNumber) {
		t.Errorf("conflict shows the whole ID number: %q", p.En)
	}
	b.IDNumber = a.IDNumber
	wantKind(t, s.People().Update(ctx, &b), core.ErrConflict)
	wantKind(t, s.People().Update(ctx, &core.Person{ID: 99, Name: "x", Role: core.RoleEmployee}), core.ErrNotFound)

	for ref, want := range map[string][]int64{"王五": {a.ID}, "11010519491231002x": {a.ID}, "": nil, "nobody": nil} {
		found, err := s.People().FindByRef(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if ids := ids(found, func(p core.Person) int64 { return p.ID }); !slices.Equal(ids, want) {
			t.Errorf("FindByRef(%q) = %v, want %v", ref, ids, want)
		}
	}
	for search, want := range map[string][]int64{"": {c.ID, a.ID, b.ID}, "138": {a.ID}, "1949": {a.ID}, "陈": {b.ID}} {
		list, err := s.People().List(ctx, core.PersonFilter{Search: search})
		if err != nil {
			t.Fatal(err)
		}
		// Names sort by code point: "Ada" < "王" < "陈".
		if ids := ids(list, func(p core.Person) int64 { return p.ID }); !slices.Equal(ids, want) {
			t.Errorf("List(%q) = %v, want %v", search, ids, want)
		}
	}
}

func TestCustody(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	v1, v2 := newVehicle(t, s, "粤B12345"), newVehicle(t, s, "粤B22222")
	alice, bob := newPerson(t, s, "Alice", ""), newPerson(t, s, "Bob", "")
	back := t0.Add(48 * time.Hour)
	closed := core.Custody{VehicleID: v1.ID, PersonID: alice.ID, From: t0, To: &back,
		OdometerOut: ptr[int64](1000), OdometerIn: ptr[int64](1200), Purpose: "客户拜访", Notes: "ok"}
	open := core.Custody{VehicleID: v1.ID, PersonID: bob.ID, From: back}
	other := core.Custody{VehicleID: v2.ID, PersonID: alice.ID, From: t0.Add(time.Hour)}
	for _, c := range []*core.Custody{&closed, &open, &other} {
		if err := s.Custody().Insert(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Custody().Get(ctx, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, got, closed)
	open.Notes, open.OdometerOut = "still out", ptr[int64](1200)
	if err := s.Custody().Update(ctx, &open); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Custody().Get(ctx, open.ID)
	equal(t, got, open)

	cid := func(c core.Custody) int64 { return c.ID }
	for _, c := range []struct {
		f    core.CustodyFilter
		want []int64
	}{
		{core.CustodyFilter{}, []int64{open.ID, other.ID, closed.ID}},
		{core.CustodyFilter{VehicleID: v1.ID}, []int64{open.ID, closed.ID}},
		{core.CustodyFilter{PersonID: alice.ID}, []int64{other.ID, closed.ID}},
		{core.CustodyFilter{OpenOnly: true}, []int64{open.ID, other.ID}},
		{core.CustodyFilter{VehicleID: v1.ID, Covering: &t0}, []int64{closed.ID}},
		{core.CustodyFilter{VehicleID: v1.ID, Covering: &back}, []int64{open.ID}}, // end exclusive
		{core.CustodyFilter{Covering: ptr(t0.Add(-time.Second))}, nil},
	} {
		list, err := s.Custody().List(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if ids := ids(list, cid); !slices.Equal(ids, c.want) {
			t.Errorf("List(%+v) = %v, want %v", c.f, ids, c.want)
		}
	}

	wantKind(t, s.Custody().Insert(ctx, &core.Custody{VehicleID: 99, PersonID: alice.ID, From: t0}), core.ErrNotFound)
	_, err = s.Custody().Get(ctx, 99)
	wantKind(t, err, core.ErrNotFound)
	early := t0.Add(-time.Hour)
	if err := s.Custody().Insert(ctx, &core.Custody{VehicleID: v1.ID, PersonID: alice.ID, From: t0, To: &early}); err == nil || core.IsUserError(err) {
		t.Fatalf("to before from = %v, want a plain error", err)
	}
}

func TestRegistrations(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	v1, v2 := newVehicle(t, s, "粤B12345"), newVehicle(t, s, "粤B22222")
	alice, bob := newPerson(t, s, "Alice", ""), newPerson(t, s, "Bob", "")
	day := func(d int) core.Date { return core.Date{Year: 2026, Month: 2, Day: d} }
	a := core.Registration{VehicleID: v1.ID, PersonID: alice.ID, Method: core.RegQR, Status: core.RegApproved,
		Applied: day(1), Approved: day(3), OfficialQR: "opaque://code", Notes: "n"}
	b := core.Registration{VehicleID: v2.ID, PersonID: alice.ID, Method: core.RegSMS, Status: core.RegApplied, Applied: day(5)}
	c := core.Registration{VehicleID: v1.ID, PersonID: bob.ID, Method: core.RegWindow, Status: core.RegApplied, Applied: day(9)}
	for _, g := range []*core.Registration{&a, &b, &c} {
		if err := s.Registrations().Insert(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Registrations().Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, got, a)
	c.Status, c.Cancelled = core.RegCancelled, day(10)
	if err := s.Registrations().Update(ctx, &c); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Registrations().Get(ctx, c.ID)
	equal(t, got, c)

	rid := func(g core.Registration) int64 { return g.ID }
	for _, tc := range []struct {
		f    core.RegistrationFilter
		want []int64
	}{
		{core.RegistrationFilter{}, []int64{c.ID, b.ID, a.ID}},
		{core.RegistrationFilter{VehicleID: v1.ID}, []int64{c.ID, a.ID}},
		{core.RegistrationFilter{PersonID: alice.ID}, []int64{b.ID, a.ID}},
		{core.RegistrationFilter{ActiveOnly: true}, []int64{b.ID, a.ID}},
	} {
		list, err := s.Registrations().List(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if ids := ids(list, rid); !slices.Equal(ids, tc.want) {
			t.Errorf("List(%+v) = %v, want %v", tc.f, ids, tc.want)
		}
	}
	wantKind(t, s.Registrations().Update(ctx, &core.Registration{ID: 99, VehicleID: v1.ID, PersonID: bob.ID,
		Method: core.RegSMS, Status: core.RegApplied, Applied: day(1)}), core.ErrNotFound)
	p := wantKind(t, s.Registrations().Insert(ctx, &core.Registration{VehicleID: v1.ID, PersonID: 77,
		Method: core.RegSMS, Status: core.RegApplied, Applied: day(1)}), core.ErrNotFound)
	equal(t, p.En, "no person with id 77")
}

func TestViolations(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	car, van := newVehicle(t, s, "粤B12345"), newVehicle(t, s, "粤B22222")
	alice := newPerson(t, s, "Alice", "")
	h1, h2 := strings.Repeat("a", 64), strings.Repeat("b", 64)
	for _, h := range []string{h1, h2, h1} { // the repeat is a no-op
		if err := s.Attachments().Put(ctx, &core.Attachment{Hash: h, Name: h[:1] + ".jpg", Mime: "image/jpeg", Size: 10}); err != nil {
			t.Fatal(err)
		}
	}
	att, err := s.Attachments().Get(ctx, h1)
	if err != nil || att.Name != "a.jpg" || att.Size != 10 || att.CreatedAt.IsZero() {
		t.Fatalf("attachment = %+v, %v", att, err)
	}
	_, err = s.Attachments().Get(ctx, "nope")
	wantKind(t, err, core.ErrNotFound)

	a := core.Violation{RecordNumber: "4403000000123456", DecisionNumber: "440304100012345678", VehicleID: car.ID,
		OccurredAt: t0, Place: "深南大道与科技路交叉口", Code: "13441", Description: "不按导向车道行驶",
		FineFen: 20000, Points: 2, Source: core.SourceCamera, DecidedOn: core.Date{Year: 2026, Month: 3, Day: 5},
		ReceivedOn: core.Date{Year: 2026, Month: 3, Day: 6}, Status: core.StatusDecided, DriverID: &alice.ID,
		DriverManual: true, Photos: []string{h2, h1}, Notes: "n"}
	if err := s.Violations().Insert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	got, err := s.Violations().Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, got, a)
	a.Photos, a.Status = []string{h1}, core.StatusPaid
	if err := s.Violations().Update(ctx, &a); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Violations().Get(ctx, a.ID)
	equal(t, got, a)

	b := newViolation(t, s, core.Violation{VehicleID: car.ID, OccurredAt: t0.Add(24 * time.Hour), Place: "北环大道"})
	c := newViolation(t, s, core.Violation{VehicleID: van.ID, OccurredAt: t0.Add(48 * time.Hour), Place: "100%_路"})
	d := newViolation(t, s, core.Violation{VehicleID: van.ID, OccurredAt: t0.Add(48 * time.Hour), Status: core.StatusAppealed})

	for _, tc := range []struct {
		f    core.ViolationFilter
		want []int64
	}{
		{core.ViolationFilter{}, []int64{d.ID, c.ID, b.ID, a.ID}},
		{core.ViolationFilter{VehicleID: car.ID}, []int64{b.ID, a.ID}},
		{core.ViolationFilter{DriverID: alice.ID}, []int64{a.ID}},
		{core.ViolationFilter{Statuses: []core.ViolationStatus{core.StatusNew, core.StatusAppealed}}, []int64{d.ID, c.ID, b.ID}},
		{core.ViolationFilter{From: t0.Add(time.Hour), To: t0.Add(48 * time.Hour)}, []int64{b.ID}},
		{core.ViolationFilter{From: t0.Add(48 * time.Hour)}, []int64{d.ID, c.ID}},
		{core.ViolationFilter{Search: "b2222"}, []int64{d.ID, c.ID}},
		{core.ViolationFilter{Search: "100012345"}, []int64{a.ID}},
		{core.ViolationFilter{Search: "0000123"}, []int64{a.ID}},
		{core.ViolationFilter{Search: "北环"}, []int64{b.ID}},
		{core.ViolationFilter{Search: "alice"}, []int64{a.ID}},
		{core.ViolationFilter{Search: "%_"}, []int64{c.ID}},
		{core.ViolationFilter{Limit: 2}, []int64{d.ID, c.ID}},
		{core.ViolationFilter{Limit: 2, Offset: 1}, []int64{c.ID, b.ID}},
		{core.ViolationFilter{Offset: 3}, []int64{a.ID}},
	} {
		list, err := s.Violations().List(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if ids := violationIDs(list); !slices.Equal(ids, tc.want) {
			t.Errorf("List(%+v) = %v, want %v", tc.f, ids, tc.want)
		}
		if tc.f.Limit == 0 && tc.f.Offset == 0 {
			n, err := s.Violations().Count(ctx, tc.f)
			if err != nil || n != len(tc.want) {
				t.Errorf("Count(%+v) = %d, %v; want %d", tc.f, n, err, len(tc.want))
			}
		}
	}
	list, _ := s.Violations().List(ctx, core.ViolationFilter{DriverID: alice.ID})
	equal(t, list[0].Photos, []string{h1})

	p := wantKind(t, s.Violations().Insert(ctx, &core.Violation{DecisionNumber: a.DecisionNumber, VehicleID: car.ID,
		OccurredAt: t0, Place: "x", Code: "1625", Source: core.SourceCamera, Status: core.StatusDecided}), core.ErrConflict)
	equal(t, p.En, "a violation with decision number 440304100012345678 is already recorded")
	b.RecordNumber = a.RecordNumber
	p = wantKind(t, s.Violations().Update(ctx, &b), core.ErrConflict)
	equal(t, p.Field, "record_number")
	b.RecordNumber = ""

	// A missing photo refuses the whole write, the violation row included.
	lost := core.Violation{VehicleID: car.ID, OccurredAt: t0, Place: "x", Code: "1625", Source: core.SourceCamera,
		Status: core.StatusNew, Photos: []string{h1, "missing"}}
	p = wantKind(t, s.Violations().Insert(ctx, &lost), core.ErrNotFound)
	equal(t, p.Field, "photo")
	if n, _ := s.Violations().Count(ctx, core.ViolationFilter{}); n != 4 {
		t.Fatalf("a refused insert left a row: %d violations", n)
	}
	b.Photos = []string{h2, h2}
	wantKind(t, s.Violations().Update(ctx, &b), core.ErrConflict)
	got, _ = s.Violations().Get(ctx, b.ID)
	equal(t, got.Photos, nil)

	wantKind(t, s.Violations().Insert(ctx, &core.Violation{VehicleID: 404, OccurredAt: t0, Place: "x", Code: "1625",
		Source: core.SourceCamera, Status: core.StatusNew}), core.ErrNotFound)
	_, err = s.Violations().Get(ctx, 404)
	wantKind(t, err, core.ErrNotFound)
}

func TestPayments(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	car := newVehicle(t, s, "粤B12345")
	v := newViolation(t, s, core.Violation{VehicleID: car.ID, OccurredAt: t0})
	w := newViolation(t, s, core.Violation{VehicleID: car.ID, OccurredAt: t0.Add(time.Hour)})

	first := core.Payment{ViolationID: v.ID, FineFen: 20000, LateFeeFen: 500, Method: core.PayAlipay,
		IdempotencyKey: "k1", State: core.PayQueued}
	if err := s.Payments().Insert(ctx, &first); err != nil {
		t.Fatal(err)
	}
	got, err := s.Payments().GetByKey(ctx, "k1")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, got, first)

	twice := core.Payment{ViolationID: v.ID, FineFen: 20000, Method: core.PayWeChat, IdempotencyKey: "k2", State: core.PayQueued}
	p := wantKind(t, s.Payments().Insert(ctx, &twice), core.ErrConflict)
	equal(t, p.En, "this violation already has a payment that has not failed; a fine paid twice cannot be got back")

	first.State = core.PayFailed
	if err := s.Payments().Update(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if err := s.Payments().Insert(ctx, &twice); err != nil {
		t.Fatalf("payment after a failed one: %v", err)
	}
	// Reviving the failed one would make two live payments.
	first.State = core.PaySubmitted
	wantKind(t, s.Payments().Update(ctx, &first), core.ErrConflict)

	twice.State, twice.PaidAt, twice.ReceiptNumber = core.PayConfirmed, ptr(t0.Add(time.Minute)), "R-1"
	if err := s.Payments().Update(ctx, &twice); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Payments().Get(ctx, twice.ID)
	equal(t, got, twice)

	p = wantKind(t, s.Payments().Insert(ctx, &core.Payment{ViolationID: w.ID, Method: core.PayCard,
		IdempotencyKey: "k1", State: core.PayQueued}), core.ErrConflict)
	equal(t, p.Field, "idempotency_key")
	p = wantKind(t, s.Payments().Insert(ctx, &core.Payment{ViolationID: 999, Method: core.PayCard,
		IdempotencyKey: "k9", State: core.PayQueued}), core.ErrNotFound)
	equal(t, p.En, "no violation with id 999")
	third := core.Payment{ViolationID: w.ID, Method: core.PayCash, IdempotencyKey: "k3", State: core.PayUnknown}
	if err := s.Payments().Insert(ctx, &third); err != nil {
		t.Fatal(err)
	}

	pid := func(p core.Payment) int64 { return p.ID }
	for _, tc := range []struct {
		f    core.PaymentFilter
		want []int64
	}{
		{core.PaymentFilter{}, []int64{third.ID, twice.ID, first.ID}},
		{core.PaymentFilter{ViolationID: v.ID}, []int64{twice.ID, first.ID}},
		{core.PaymentFilter{States: []core.PayState{core.PayFailed, core.PayUnknown}}, []int64{third.ID, first.ID}},
	} {
		list, err := s.Payments().List(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if ids := ids(list, pid); !slices.Equal(ids, tc.want) {
			t.Errorf("List(%+v) = %v, want %v", tc.f, ids, tc.want)
		}
	}
	_, err = s.Payments().GetByKey(ctx, "nope")
	wantKind(t, err, core.ErrNotFound)
	_, err = s.Payments().Get(ctx, 999)
	wantKind(t, err, core.ErrNotFound)
}

func TestInTx(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	err := s.InTx(ctx, func(r core.Repos) error {
		v := newVehicle(t, r, "粤B12345")
		if _, err := r.Vehicles().Get(ctx, v.ID); err != nil {
			t.Errorf("a transaction cannot read its own write: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	err = s.InTx(ctx, func(r core.Repos) error {
		newVehicle(t, r, "粤B22222")
		dup := core.Vehicle{PlateType: ident.PlateSmallCar, Plate: "粤B22222", OwnerKind: core.OwnerOwn, Use: core.UsePrivate}
		return r.Vehicles().Insert(ctx, &dup)
	})
	wantKind(t, err, core.ErrConflict)

	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the original panic", r)
			}
		}()
		s.InTx(ctx, func(r core.Repos) error {
			newVehicle(t, r, "粤B33333")
			panic("boom")
		})
	}()

	list, err := s.Vehicles().List(ctx, core.VehicleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Plate != "粤B12345" {
		t.Fatalf("rolled-back writes survived: %+v", list)
	}
	// The writer connection is free again after the panic.
	newVehicle(t, s, "粤B44444")
}

func TestReadsDuringWriteTx(t *testing.T) {
	s, ctx := storagetest.Open(t), t.Context()
	newVehicle(t, s, "粤B12345")
	err := s.InTx(ctx, func(r core.Repos) error {
		newVehicle(t, r, "粤B22222")
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				for range 20 {
					list, err := s.Vehicles().List(ctx, core.VehicleFilter{})
					if err == nil && len(list) != 1 {
						err = errors.New("a reader saw an uncommitted row")
					}
					if err == nil {
						_, err = s.Violations().Count(ctx, core.ViolationFilter{Search: "粤"})
					}
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Vehicles().List(ctx, core.VehicleFilter{}); len(list) != 2 {
		t.Fatalf("after commit: %d vehicles", len(list))
	}
}
