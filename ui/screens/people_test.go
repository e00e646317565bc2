package screens_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

// fleetVehicle and fleetPerson seed the database through the real services.
// The vehicles are customers' cars, the ones a registration reminder is for.
func fleetVehicle(t *testing.T, f *uitest.Fixture, plate string) core.Vehicle {
	t.Helper()
	v, err := f.Fleet.AddVehicle(t.Context(), core.Vehicle{Plate: plate, OwnerKind: core.OwnerCustomer})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func fleetPerson(t *testing.T, f *uitest.Fixture, p core.Person) core.Person {
	t.Helper()
	p, err := f.Fleet.AddPerson(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func localTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := core.ParseLocalTime("at", s, time.Local)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestAddPersonThroughTheForm(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	s := screens.NewPeople(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()
	if !strings.Contains(s.Status.Text, "No people") {
		t.Errorf("status = %q", s.Status.Text)
	}

	form := s.NewPerson()
	form.Name.SetText("Wang Wu")
	form.IDNumber.SetText("110105194912310021") // the check character should be X
	if form.Hint("id_number") == "" {
		t.Error("no hint under a bad ID number while typing")
	}
	form.Save()
	if !strings.Contains(form.Error(), "ID number") || !form.Visible() {
		t.Errorf("form error = %q, visible %v", form.Error(), form.Visible())
	}
	s.Refresh()
	if s.Rows() != 0 {
		t.Fatal("a person with a bad ID number was saved")
	}

	form.IDNumber.SetText("11010519491231002x")
	if h := form.Hint("id_number"); h != "" {
		t.Errorf("hint after fixing = %q", h)
	}
	form.LicenceClass.SetText("c1")
	form.FirstIssued.SetText("2016-05-20")
	form.Phone.SetText("138 0013 8000")
	form.Save()
	if form.Visible() || form.Error() != "" {
		t.Fatalf("form still open: %q", form.Error())
	}
	if s.Rows() != 1 {
		t.Fatalf("rows = %d", s.Rows())
	}
	want := map[int]string{0: "Wang Wu", 2: "C1", 3: "0 of 12", 4: "138 0013 8000", 5: "employee"}
	for col, w := range want {
		if got := s.Cell(0, col); got != w {
			t.Errorf("cell %d = %q, want %q", col, got, w)
		}
	}
	if id := s.Cell(0, 1); id == "11010519491231002X" || !strings.HasSuffix(id, "002X") {
		t.Errorf("ID number cell = %q, want it masked", id)
	}
	if len(f.Errors) != 0 {
		t.Errorf("errors shown: %v", f.Errors)
	}
}

func TestPeopleShowPointsAndMaskedDetails(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	v := fleetVehicle(t, f, "粤B12345")
	p := fleetPerson(t, f, core.Person{Name: "Li Si", IDNumber: "11010519491231002X", FirstIssued: core.Date{Year: 2016, Month: 5, Day: 20}})
	_, _, err := f.Tickets.AddViolation(t.Context(), core.Violation{
		VehicleID: v.ID, OccurredAt: localTime(t, "2026-02-10 08:00"), Place: "Shennan Ave", Code: "1625",
		FineFen: 20000, Points: 9, DecidedOn: core.Date{Year: 2026, Month: 3, Day: 1}, DriverID: &p.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := screens.NewPeople(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()
	if got := s.Cell(0, 3); got != "9 of 12" {
		t.Errorf("points = %q", got)
	}
	if s.Importance(0, 3) != widget.WarningImportance {
		t.Errorf("9 points are not shown as a warning")
	}

	form := s.EditPerson(0)
	if form.IDNumber.Text == p.IDNumber || !form.IDNumber.Disabled() {
		t.Errorf("ID number shown as %q before Show", form.IDNumber.Text)
	}
	if !strings.Contains(form.Standing.Text, "9 of 12") {
		t.Errorf("standing = %q", form.Standing.Text)
	}
	form.ShowID.SetChecked(true)
	if form.IDNumber.Text != p.IDNumber {
		t.Errorf("Show gives %q", form.IDNumber.Text)
	}
	form.ShowID.SetChecked(false)
	form.Phone.SetText("13800138000")
	form.Save()
	got, err := f.Fleet.Person(t.Context(), p.ID)
	if err != nil || got.IDNumber != p.IDNumber || got.Phone != "13800138000" {
		t.Errorf("after edit: %+v, %v", got, err)
	}
}
