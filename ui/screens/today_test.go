package screens_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/demo"
	"ticketbook/core/i18n"
	"ticketbook/core/tickets"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

func TestTodayShowsWhatNeedsActionAndOpensIt(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	if err := demo.Seed(t.Context(), f.Fleet, f.Tickets, uitest.Now); err != nil {
		t.Fatal(err)
	}
	s := screens.NewToday(f.Env)
	var loaded tickets.Today
	s.OnLoaded = func(t tickets.Today) { loaded = t }
	f.Window.SetContent(s.Content())
	s.Refresh()

	if s.Chart.Image == nil {
		t.Error("no fines chart on Today")
	}
	months, err := f.Tickets.FinesByMonth(t.Context(), core.DateOf(uitest.Now), 12)
	var total core.Fen
	for _, m := range months {
		total += m.FineFen
	}
	if err != nil || len(months) != 12 || total == 0 || months[11].Month != "2026-03" {
		t.Errorf("fines by month = %+v %v", months, err)
	}
	if !strings.Contains(s.Totals.Text, "late fees") || loaded.LateFeesFen == 0 {
		t.Errorf("totals = %q", s.Totals.Text)
	}
	sections := map[string]int{}
	for _, r := range s.Rows {
		sections[r.Section]++
	}
	for _, want := range []string{"today.overdue", "today.due_week", "today.no_driver", "today.at_risk", "today.to_cancel"} {
		if sections[want] == 0 {
			t.Errorf("no rows in %s (got %v)", want, sections)
		}
	}
	// The first row is the most urgent: an overdue ticket; tapping it opens it.
	first := s.Rows[0]
	if first.Section != "today.overdue" || first.Target.Screen != "violations" || first.Target.ID == 0 {
		t.Fatalf("first row = %+v", first)
	}
	var btn *widget.Button
	for _, o := range test.LaidOutObjects(s.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == first.Text {
			btn = b
		}
	}
	if btn == nil {
		t.Fatal("no button for the first row")
	}
	test.Tap(btn)
	if len(f.Opened) != 1 || f.Opened[0] != first.Target {
		t.Errorf("opened %v, want %v", f.Opened, first.Target)
	}
	overdue, soon := screens.Urgent(loaded)
	if overdue == 0 || overdue+soon < len(loaded.Overdue) {
		t.Errorf("urgent = %d overdue, %d soon", overdue, soon)
	}
}

func TestTodayInChineseWithNothingToDo(t *testing.T) {
	f := uitest.New(t, i18n.ZH)
	s := screens.NewToday(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()
	if len(s.Rows) != 0 || !strings.Contains(s.Totals.Text, "未缴罚款 0.00 元") {
		t.Errorf("rows %d, totals %q", len(s.Rows), s.Totals.Text)
	}
}

func TestSettingsStoreWhatTheUserChooses(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	prefs := test.NewTempApp(t).Preferences()
	s := screens.NewSettings(f.Env, prefs, "/data/ticketbook.db")
	f.Window.SetContent(s.Content())
	s.Refresh()
	looks := 0
	s.OnLook = func() { looks++ }

	s.Convention.SetSelectedIndex(1)
	m, err := f.Tickets.SettingsMap(t.Context())
	if err != nil || m[tickets.SettingConvention] != "same_day" {
		t.Errorf("convention = %v %v", m, err)
	}
	test.Type(s.Region, "44x")
	s.SaveRegion()
	if !strings.Contains(s.RegionError.Text, "6-digit") {
		t.Errorf("region error = %q", s.RegionError.Text)
	}
	s.Region.SetText("440300")
	s.SaveRegion()
	if m, _ := f.Tickets.SettingsMap(t.Context()); m[tickets.SettingRegion] != "440300" || s.RegionError.Text != "" {
		t.Errorf("region = %q, error %q", m[tickets.SettingRegion], s.RegionError.Text)
	}
	s.Language.SetSelectedIndex(1)
	s.Theme.SetSelectedIndex(2)
	if prefs.String(screens.PrefLanguage) != "zh" || prefs.String(screens.PrefTheme) != "dark" || looks != 2 {
		t.Errorf("prefs %q %q, rebuilt %d times", prefs.String(screens.PrefLanguage), prefs.String(screens.PrefTheme), looks)
	}
}
