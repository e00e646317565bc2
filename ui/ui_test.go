package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ticketbook/assets"
	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/ui"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

func newShell(t *testing.T, lang i18n.Lang) (*ui.UI, *uitest.Fixture) {
	t.Helper()
	f := uitest.New(t, lang)
	u := ui.New(fyne.CurrentApp(), ui.Deps{Services: f.Env.Services, Catalog: assets.Catalog(), Lang: lang, LangChosen: true,
		Where: "test.db", Now: f.Env.Now, Run: screens.Inline})
	u.Start()
	return u, f
}

// The whole flow of the issue, by the window's own widgets over a real
// database: a vehicle and a person, a car out and back, a violation in that
// time, the suggested driver confirmed, a payment, and Today changing.
func TestWholeFlowThroughTheWindow(t *testing.T) {
	u, f := newShell(t, i18n.EN)
	ctx := t.Context()

	vf := u.Vehicles.ShowAddForm()
	test.Type(vf.Plate, "粤b·d12345")
	vf.Save()
	if u.Vehicles.Rows() != 1 {
		t.Fatalf("vehicle not added: %q", vf.Error())
	}

	u.Open(screens.Target{Screen: "people"})
	pf := u.People.NewPerson()
	test.Type(pf.Name, "王五")
	test.Type(pf.IDNumber, "11010519491231002X")
	test.Type(pf.FirstIssued, "2015-06-01")
	pf.Save()
	if pf.Error() != "" {
		t.Fatalf("person form: %s", pf.Error())
	}

	u.Open(screens.Target{Screen: "custody"})
	co := u.Custody.CheckOut()
	co.Vehicle.SetSelectedIndex(0)
	co.Person.SetSelectedIndex(0)
	co.From.SetText("2026-03-01 08:00")
	test.Type(co.Odometer, "42100")
	co.Save()
	if co.Error() != "" {
		t.Fatalf("check out: %s", co.Error())
	}
	ci := u.Custody.CheckIn(0)
	if ci == nil {
		t.Fatal("the car is not shown as out")
	}
	ci.At.SetText("2026-03-01 18:00")
	test.Type(ci.Odometer, "42180")
	ci.Save()
	if ci.Error() != "" {
		t.Fatalf("check in: %s", ci.Error())
	}

	u.Open(screens.Target{Screen: "today"})
	before := u.Today.Last()

	u.Open(screens.Target{Screen: "violations"})
	u.Violations.NewViolation()
	vform := u.Violations.Form
	vform.Vehicle.SetSelectedIndex(0)
	vform.Occurred.SetText("2026-03-01 10:15")
	test.Type(vform.Place, "深南大道")
	test.Type(vform.Code, "1625")
	test.Type(vform.Fine, "200")
	vform.Points.SetSelected("6")
	test.Type(vform.Decided, "2026-03-03")
	test.Type(vform.Received, "2026-03-04")
	vform.Save()
	if vform.Error() != "" {
		t.Fatalf("violation form: %s", vform.Error())
	}
	if u.Violations.Rows() != 1 {
		t.Fatalf("violations listed: %d", u.Violations.Rows())
	}
	row, _ := u.Violations.Row(0)
	u.Violations.Select(row.ID)
	d := u.Violations.Detail
	if d == nil || !d.ConfirmBtn.Visible() || !strings.Contains(d.ConfirmBtn.Text, "王五") {
		t.Fatalf("no suggested driver to confirm")
	}
	d.ConfirmDriver()
	a, err := f.Tickets.AssessOne(ctx, row.ID, core.DateOf(uitest.Now), "en")
	if err != nil || a.Driver != "王五" || !a.DriverManual {
		t.Fatalf("driver after confirm: %q manual=%v %v", a.Driver, a.DriverManual, err)
	}

	u.Open(screens.Target{Screen: "today"})
	mid := u.Today.Last()
	if len(mid.Open) != len(before.Open)+1 || mid.LateFeesFen == 0 {
		t.Errorf("Today after the violation: %d open (was %d), late fees %d", len(mid.Open), len(before.Open), mid.LateFeesFen)
	}

	u.Open(screens.Target{Screen: "violations", ID: row.ID})
	pay := u.Violations.Detail.RecordPayment()
	pay.Method.SetSelectedIndex(0)
	pay.Confirm()
	if pay.Open() {
		t.Fatalf("payment refused: %s", pay.Error.Text)
	}
	u.Open(screens.Target{Screen: "today"})
	after := u.Today.Last()
	if len(after.Open) != len(before.Open) || after.OpenFinesFen != before.OpenFinesFen {
		t.Errorf("Today after paying: %d open, fines %d", len(after.Open), after.OpenFinesFen)
	}
	u.Open(screens.Target{Screen: "payments"})
	if u.Payments.Rows() != 1 {
		t.Errorf("payments listed: %d", u.Payments.Rows())
	}
	if len(f.Errors) != 0 {
		t.Errorf("errors shown: %v", f.Errors)
	}
}

func TestLanguageSwitchRebuildsInChinese(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	a := fyne.CurrentApp()
	u := ui.New(a, ui.Deps{Services: f.Env.Services, Catalog: assets.Catalog(), Lang: i18n.EN,
		Where: "test.db", Now: f.Env.Now, Run: screens.Inline})
	u.Start()
	if u.Tabs.Items[0].Text != "Today" {
		t.Fatalf("first tab = %q", u.Tabs.Items[0].Text)
	}
	u.Open(screens.Target{Screen: "settings"})
	u.Settings.Language.SetSelectedIndex(1) // 中文
	if u.Tabs.Items[0].Text != "今日" || u.Tabs.SelectedIndex() != len(u.Tabs.Items)-1 {
		t.Errorf("after switching: first tab %q, selected %d", u.Tabs.Items[0].Text, u.Tabs.SelectedIndex())
	}
}

func TestShortcutsAndMenu(t *testing.T) {
	u, _ := newShell(t, i18n.EN)
	menu := u.Window.MainMenu()
	if menu == nil || len(menu.Items) != 3 {
		t.Fatalf("menu = %v", menu)
	}
	// Ctrl+N on Violations opens the add form.
	u.Open(screens.Target{Screen: "violations"})
	menu.Items[0].Items[0].Action()
	if u.Violations.Form == nil || !u.Violations.Form.Open() {
		t.Error("New… did not open the violation form")
	}
}
