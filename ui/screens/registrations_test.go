package screens_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

func register(t *testing.T, f *uitest.Fixture, r core.Registration) core.Registration {
	t.Helper()
	if r.Method == "" {
		r.Method = core.RegSMS
	}
	r, err := f.Fleet.AddRegistration(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func day(d int) core.Date { return core.Date{Year: 2026, Month: 1, Day: d} }

func TestFourthRegistrationIsRefusedWithTheQuotaSentence(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	p := fleetPerson(t, f, core.Person{Name: "Wang Wu"})
	var vs []core.Vehicle
	for _, plate := range []string{"粤B10001", "粤B10002", "粤B10003", "粤B10004"} {
		vs = append(vs, fleetVehicle(t, f, plate))
	}
	register(t, f, core.Registration{VehicleID: vs[0].ID, PersonID: p.ID, Applied: day(5)})
	register(t, f, core.Registration{VehicleID: vs[1].ID, PersonID: p.ID, Applied: day(6)})
	s := screens.NewRegistrations(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()

	form := s.NewRegistration()
	form.Vehicle.SetSelected("粤B10003")
	form.Person.SetSelected("Wang Wu")
	if !strings.Contains(form.Hint.Text, "the 3rd of 3 non-owned vehicles") {
		t.Errorf("hint = %q", form.Hint.Text)
	}
	form.Save()
	if form.Visible() {
		t.Fatalf("third registration refused: %q", form.Error())
	}

	form = s.NewRegistration()
	form.Vehicle.SetSelected("粤B10004")
	form.Person.SetSelected("Wang Wu")
	form.Applied.SetText("2026-03-19")
	if !strings.Contains(form.Hint.Text, "already holds 3 of 3") {
		t.Errorf("hint = %q", form.Hint.Text)
	}
	form.Save()
	want := "This person already has 3 vehicles registered as non-owned; the limit is 3 at once."
	if !form.Visible() || !strings.Contains(form.Error(), want) {
		t.Errorf("error = %q, want %q", form.Error(), want)
	}
	if s.Rows() != 3 {
		t.Errorf("rows = %d, the refused registration was saved", s.Rows())
	}
}

func TestCancelReminderUntilCancelled(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	p := fleetPerson(t, f, core.Person{Name: "Wang Wu"})
	done, busy := fleetVehicle(t, f, "粤B10001"), fleetVehicle(t, f, "粤B10002")
	register(t, f, core.Registration{VehicleID: done.ID, PersonID: p.ID, Applied: day(5), Approved: day(7)})
	register(t, f, core.Registration{VehicleID: busy.ID, PersonID: p.ID, Applied: day(6), Approved: day(8)})
	// An open ticket with no driver yet may be the registrant's: that registration stays needed.
	if _, _, err := f.Tickets.AddViolation(t.Context(), core.Violation{VehicleID: busy.ID, OccurredAt: localTime(t, "2026-02-10 08:00"), Place: "Shennan Ave", Code: "1625", FineFen: 20000, Points: 3}); err != nil {
		t.Fatal(err)
	}
	s := screens.NewRegistrations(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()

	row := map[string]int{}
	for r := range s.Rows() {
		row[s.Cell(r, 1)] = r
	}
	if got := s.Reminder(row["粤B10001"]); got != "cancel now: no open tickets left" {
		t.Fatalf("reminder = %q", got)
	}
	if s.Importance(row["粤B10001"], 8) != widget.WarningImportance {
		t.Error("the reminder is not highlighted")
	}
	if got := s.Reminder(row["粤B10002"]); got != "" {
		t.Errorf("reminder on a needed registration: %q", got)
	}

	s.Table.Select(widget.TableCellID{Row: row["粤B10001"], Col: 1})
	if !strings.Contains(s.Detail.Text, "cancel it") || s.CancelBtn.Disabled() {
		t.Errorf("detail = %q, cancel disabled %v", s.Detail.Text, s.CancelBtn.Disabled())
	}
	form := s.CancelRegistration(row["粤B10001"])
	if form.On.Text != "2026-03-20" {
		t.Errorf("cancel date defaults to %q", form.On.Text)
	}
	form.Save()
	if form.Visible() {
		t.Fatalf("cancel refused: %q", form.Error())
	}
	for r := range s.Rows() {
		if s.Reminder(r) != "" {
			t.Errorf("row %d still reminds: %q", r, s.Cell(r, 1))
		}
	}
	if got := s.Cell(row["粤B10001"], 4); got != "cancelled" {
		t.Errorf("status = %q", got)
	}
	if s.CancelRegistration(row["粤B10001"]) != nil {
		t.Error("a cancelled registration can be cancelled again")
	}
}

func TestRegistrationsRenderInChinese(t *testing.T) {
	f := uitest.New(t, i18n.ZH)
	p := fleetPerson(t, f, core.Person{Name: "王五"})
	v := fleetVehicle(t, f, "粤B10001")
	register(t, f, core.Registration{VehicleID: v.ID, PersonID: p.ID, Applied: day(5)})
	s := screens.NewRegistrations(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()
	if got := s.Cell(0, 3); got != "短信验证码" {
		t.Errorf("method = %q", got)
	}
	markup := test.RenderToMarkup(f.Window.Canvas())
	for _, want := range []string{"备案人", "短信验证码", "审核中", "王五"} {
		if !strings.Contains(markup, want) {
			t.Errorf("%q is not rendered in the table", want)
		}
	}

	form := s.NewRegistration()
	form.Vehicle.SetSelected("粤B10001")
	form.Person.SetSelected("王五")
	form.Save()
	if !strings.Contains(form.Error(), "王五 已备案 粤B10001") {
		t.Errorf("error = %q, want the Chinese refusal", form.Error())
	}
}
