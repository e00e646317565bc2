package screens_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

func custodyScreen(t *testing.T) (*uitest.Fixture, *screens.Custody, core.Vehicle, core.Person) {
	t.Helper()
	f := uitest.New(t, i18n.EN)
	v := fleetVehicle(t, f, "粤B12345")
	p := fleetPerson(t, f, core.Person{Name: "Wang Wu"})
	s := screens.NewCustody(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()
	return f, s, v, p
}

func TestCheckOutAndBackIn(t *testing.T) {
	f, s, _, _ := custodyScreen(t)
	out := s.CheckOut()
	if out.From.Text != "2026-03-20 10:00" {
		t.Errorf("from defaults to %q, want now", out.From.Text)
	}
	out.Vehicle.SetSelected("粤B12345")
	out.Person.SetSelected("Wang Wu")
	out.Odometer.SetText("42100")
	out.Purpose.SetText("test drive")
	out.Save()
	if out.Visible() {
		t.Fatalf("check-out refused: %q", out.Error())
	}
	if s.Rows() != 1 || s.Cell(0, 4) != "still out" || s.Cell(0, 5) != "42100" {
		t.Fatalf("row = %q %q %q", s.Cell(0, 1), s.Cell(0, 4), s.Cell(0, 5))
	}

	s.Table.Select(widget.TableCellID{Row: 0, Col: 1})
	if s.CheckInBtn.Disabled() {
		t.Fatal("check-in is not offered on an open row")
	}
	in := s.CheckIn(0)
	in.At.SetText("2026-03-20 18:30")
	in.Odometer.SetText("100")
	in.Save()
	if !strings.Contains(in.Error(), "odometer in") {
		t.Errorf("error = %q, want the odometer refused", in.Error())
	}
	in.Odometer.SetText("42180")
	in.Save()
	if in.Visible() {
		t.Fatalf("check-in refused: %q", in.Error())
	}
	if s.Cell(0, 4) != "2026-03-20 18:30" || s.Cell(0, 6) != "42180" {
		t.Errorf("after check-in: to %q, km in %q", s.Cell(0, 4), s.Cell(0, 6))
	}
	if s.CheckIn(0) != nil {
		t.Error("a returned car can be checked in again")
	}
	if len(f.Errors) != 0 {
		t.Errorf("errors shown: %v", f.Errors)
	}
}

func TestOverlappingCheckOutWarns(t *testing.T) {
	f, s, v, p := custodyScreen(t)
	to := localTime(t, "2026-03-03 18:00")
	if _, _, err := f.Fleet.StartCustody(t.Context(), core.Custody{VehicleID: v.ID, PersonID: p.ID, From: localTime(t, "2026-03-01 08:00"), To: &to}); err != nil {
		t.Fatal(err)
	}
	s.Refresh()
	out := s.CheckOut()
	out.Vehicle.SetSelected("粤B12345")
	out.Person.SetSelected("Wang Wu")
	out.From.SetText("2026-03-02 09:00")
	out.Save()
	if out.Visible() {
		t.Fatalf("refused: %q", out.Error())
	}
	if !strings.Contains(s.Notice.Text, "overlaps custody #1") {
		t.Errorf("notice = %q, want the overlap warning", s.Notice.Text)
	}

	// A second open check-out of the same car is refused, not warned about.
	again := s.CheckOut()
	again.Vehicle.SetSelected("粤B12345")
	again.Person.SetSelected("Wang Wu")
	again.Save()
	if !again.Visible() || !strings.Contains(again.Error(), "already out") {
		t.Errorf("second open check-out: %q", again.Error())
	}
}

func TestTimelineShowsGapsAndOverlaps(t *testing.T) {
	f, s, v, p := custodyScreen(t)
	q := fleetPerson(t, f, core.Person{Name: "Li Si"})
	other := fleetVehicle(t, f, "粤B67890")
	for _, c := range []struct {
		person   int64
		vehicle  int64
		from, to string
	}{
		{p.ID, v.ID, "2026-03-01 08:00", "2026-03-03 18:00"},
		{p.ID, v.ID, "2026-03-05 18:00", "2026-03-07 12:00"},
		{q.ID, v.ID, "2026-03-06 09:00", "2026-03-06 17:00"},
		{q.ID, other.ID, "2026-03-02 09:00", "2026-03-02 17:00"},
	} {
		to := localTime(t, c.to)
		if _, _, err := f.Fleet.StartCustody(t.Context(), core.Custody{VehicleID: c.vehicle, PersonID: c.person, From: localTime(t, c.from), To: &to}); err != nil {
			t.Fatal(err)
		}
	}
	s.Refresh()
	if s.Rows() != 4 || !strings.Contains(strings.Join(s.TimelineText(), "\n"), "Choose a vehicle") {
		t.Fatalf("rows %d, timeline %q", s.Rows(), s.TimelineText())
	}
	s.Vehicle.SetSelected("粤B12345")
	if s.Rows() != 3 {
		t.Errorf("filtered rows = %d", s.Rows())
	}
	lines := s.TimelineText()
	want := []string{"#1 Wang Wu", "gap: 2 days with nobody recorded", "#2 Wang Wu",
		"overlaps with #3: who was driving then needs your decision", "#3 Li Si",
		"overlaps with #2: who was driving then needs your decision"}
	at := -1
	for _, w := range want {
		i := slices.Index(lines, w)
		if i <= at {
			t.Fatalf("timeline lacks %q in order:\n%s", w, strings.Join(lines, "\n"))
		}
		at = i
	}
	if strings.Contains(strings.Join(lines, "\n"), "#4") {
		t.Error("another vehicle's period is in the timeline")
	}
}
