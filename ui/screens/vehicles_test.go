package screens_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"ticketbook/assets"
	"ticketbook/core/fleet"
	"ticketbook/core/i18n"
	"ticketbook/storage/storagetest"
	"ticketbook/ui/screens"
)

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func newVehiclesScreen(t *testing.T, lang i18n.Lang) (*screens.Vehicles, *[]error) {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("t")
	t.Cleanup(w.Close)
	var shown []error
	svc := fleet.New(storagetest.Open(t), nil)
	s := screens.NewVehicles(screens.Env{Text: screens.Text{Catalog: assets.Catalog(), Lang: lang}, Window: w, Present: func(err error) { shown = append(shown, err) }, Run: screens.Inline, Services: screens.Services{Fleet: svc}})
	w.SetContent(s.Content())
	return s, &shown
}

func TestAddVehicleThroughTheForm(t *testing.T) {
	s, shown := newVehiclesScreen(t, i18n.EN)
	s.Refresh()
	eventually(t, "empty state", func() bool { return strings.Contains(s.Status.Text, "No vehicles") })

	f := s.ShowAddForm()
	test.Type(f.Plate, "粤b·d12345")
	if !strings.Contains(f.PlateHint.Text, "粤BD12345") {
		t.Errorf("plate hint = %q, want the normalised plate", f.PlateHint.Text)
	}
	test.Type(f.Nickname, "family car")
	f.Save()
	eventually(t, "vehicle in table", func() bool { return s.Rows() == 1 })
	if got := s.Cell(0, 0); got != "粤BD12345" {
		t.Errorf("plate cell = %q", got)
	}
	if got := s.Cell(0, 1); got != "small new-energy car" {
		t.Errorf("type cell = %q", got)
	}
	if got := s.Cell(0, 2); got != "family car" {
		t.Errorf("nickname cell = %q", got)
	}
	if len(*shown) != 0 {
		t.Errorf("errors shown: %v", *shown)
	}
}

func TestAddVehicleRefusesBadInputInTheUsersLanguage(t *testing.T) {
	s, _ := newVehiclesScreen(t, i18n.ZH)
	f := s.ShowAddForm()
	test.Type(f.Plate, "X12345")
	if !strings.Contains(f.PlateHint.Text, "省份") {
		t.Errorf("plate hint = %q, want the Chinese reason", f.PlateHint.Text)
	}
	f.Save()
	eventually(t, "error under the form", func() bool { return f.Error() != "" })
	if !strings.Contains(f.Error(), "号牌号码") {
		t.Errorf("form error = %q", f.Error())
	}
	s.Refresh()
	eventually(t, "empty table", func() bool { return strings.Contains(s.Status.Text, "还没有车辆") })
	if s.Rows() != 0 {
		t.Errorf("bad input was saved")
	}
}

func TestSearchFiltersVehicles(t *testing.T) {
	s, _ := newVehiclesScreen(t, i18n.EN)
	for _, p := range []string{"京A12345", "沪B67890"} {
		f := s.ShowAddForm()
		test.Type(f.Plate, p)
		f.Save()
	}
	eventually(t, "two vehicles", func() bool { return s.Rows() == 2 })
	test.Type(s.Search, "沪")
	eventually(t, "filtered", func() bool { return s.Rows() == 1 && s.Cell(0, 0) == "沪B67890" })
}
