package screens

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/report"
	"ticketbook/core/tickets"
	"ticketbook/ui/widgets"
)

// Today is the start screen: what needs action now, most urgent first. Each
// row opens the record it talks about.
type Today struct {
	env Env

	Totals  *widget.Label
	Summary *widget.Label
	// Sync is the sync line (as in the footer); Waiting counts the queued
	// and failed online actions, with OpenSync going to the sync panel.
	Sync, Waiting *widget.Label
	OpenSync      *widget.Button
	DemoBadge     *widgets.Badge
	// Rows are the action rows as shown, for tests: section, text, target.
	Rows []TodayRow
	// Chart is the fines of the last 12 months, drawn like the monthly report's.
	Chart   *canvas.Image
	list    *fyne.Container
	content fyne.CanvasObject
	last    tickets.Today
	// OnLoaded lets the shell update the tray count and send notifications.
	OnLoaded func(tickets.Today)
}

type TodayRow struct {
	Section string
	Text    string
	Target  Target
}

func NewToday(env Env) *Today {
	s := &Today{env: env}
	s.Totals = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Summary = widget.NewLabel("")
	s.Sync = widget.NewLabel("")
	s.Sync.Wrapping = fyne.TextWrapWord
	s.Waiting = widget.NewLabel("")
	s.Waiting.Importance = widget.WarningImportance
	s.Waiting.Hide()
	s.OpenSync = widget.NewButton(env.Text.T("sync.open_panel"), func() { env.Open(Target{Screen: "sync"}) })
	s.OpenSync.Importance = widget.LowImportance
	s.DemoBadge = widgets.NewBadge(env.Text.T("sync.badge"))
	s.DemoBadge.OnTapped = func() { env.Open(Target{Screen: "sync"}) }
	s.DemoBadge.Hide()
	syncRow := container.NewVBox(container.NewBorder(nil, nil, s.DemoBadge, nil, s.Sync), container.NewHBox(s.Waiting, s.OpenSync))
	if env.Services.Sync == nil {
		syncRow.Hide()
	}
	s.list = container.NewVBox()
	s.Chart = canvas.NewImageFromImage(nil)
	s.Chart.FillMode = canvas.ImageFillContain
	s.Chart.SetMinSize(fyne.NewSize(420, 150))
	refresh := widget.NewButton(env.Text.T("action.refresh"), s.Refresh)
	header := container.NewBorder(nil, nil, nil, container.NewHBox(s.Chart, refresh), container.NewVBox(s.Totals, s.Summary, syncRow))
	s.content = container.NewBorder(header, nil, nil, nil, container.NewVScroll(s.list))
	return s
}

func (s *Today) Content() fyne.CanvasObject { return s.content }

// SetSync shows the sync status (the shell calls it whenever it changed).
func (s *Today) SetSync(st SyncStatus) {
	tx := s.env.Text
	s.Sync.SetText(SyncLine(tx, st, s.env.Now()))
	if st.Demo {
		s.DemoBadge.Show()
	} else {
		s.DemoBadge.Hide()
	}
	pending, failed := st.Waiting()
	if pending+failed == 0 {
		s.Waiting.Hide()
		return
	}
	s.Waiting.SetText(tx.T("sync.waiting", pending, failed))
	if failed > 0 {
		s.Waiting.Importance = widget.DangerImportance
	} else {
		s.Waiting.Importance = widget.WarningImportance
	}
	s.Waiting.Show()
	s.Waiting.Refresh()
}

// Last is the most recently loaded state.
func (s *Today) Last() tickets.Today { return s.last }

func (s *Today) Refresh() {
	asOf := s.env.Today()
	lang := string(s.env.Text.Lang)
	s.env.Run(func() func() {
		t, err := s.env.Services.Tickets.Today(s.env.Ctx(), asOf, lang)
		chart := s.chart(asOf)
		return func() {
			if chart != nil {
				s.Chart.Image = chart
				s.Chart.Refresh()
			}
			s.Apply(t, err)
		}
	})
}

func (s *Today) Apply(t tickets.Today, err error) {
	if err != nil {
		s.env.Present(err)
		return
	}
	s.last = t
	tx := s.env.Text
	s.Totals.SetText(tx.T("today.totals", t.OpenFinesFen.Yuan(), t.LateFeesFen.Yuan(), t.PointsAtRisk))
	s.Summary.SetText(tx.T("today.summary", t.AsOf.String(), len(t.Open), len(t.Overdue), len(t.DueThisWeek)))
	s.Rows = nil
	s.list.RemoveAll()

	section := func(key string, rows []TodayRow) {
		if len(rows) == 0 {
			return
		}
		title := widget.NewLabelWithStyle(tx.T(key, len(rows)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		s.list.Add(title)
		for _, r := range rows {
			r.Section = key
			s.Rows = append(s.Rows, r)
			target := r.Target
			b := widget.NewButton(r.Text, func() { s.env.Open(target) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			s.list.Add(b)
		}
	}
	violationRows := func(vs []tickets.Assessed) []TodayRow {
		out := make([]TodayRow, len(vs))
		for i, v := range vs {
			out[i] = TodayRow{Text: fmt.Sprintf("%s  %s  —  %s", v.Plate, v.OccurredAt.Local().Format("2006-01-02"), v.NextActionText),
				Target: Target{Screen: "violations", ID: v.ID}}
		}
		return out
	}
	section("today.overdue", violationRows(t.Overdue))
	section("today.due_week", violationRows(t.DueThisWeek))
	section("today.need_trip", violationRows(t.NeedTrip))
	section("today.no_driver", violationRows(t.NoDriver))
	var risk []TodayRow
	for _, r := range t.AtRisk {
		risk = append(risk, TodayRow{Text: tx.T("today.at_risk_row", r.Person.Name, r.Standing.Total, r.Standing.Cycle.End.String()),
			Target: Target{Screen: "people", ID: r.Person.ID}})
	}
	section("today.at_risk", risk)
	var cancel []TodayRow
	for _, r := range t.ToCancel {
		cancel = append(cancel, TodayRow{Text: fmt.Sprintf("%s · %s — %s", r.Plate, r.Person, r.Text),
			Target: Target{Screen: "registrations", ID: r.Registration.ID}})
	}
	section("today.to_cancel", cancel)
	if len(s.Rows) == 0 {
		s.list.Add(widget.NewLabel(tx.T("today.nothing")))
	}
	if s.OnLoaded != nil {
		s.OnLoaded(t)
	}
}

// Urgent counts what the tray and notifications announce: overdue tickets and
// those due within three days.
func Urgent(t tickets.Today) (overdue, dueSoon int) {
	for _, v := range t.Open {
		if v.DaysLeft == nil || v.LateFeeFrozen {
			continue
		}
		switch {
		case *v.DaysLeft < 0:
			overdue++
		case *v.DaysLeft <= 3:
			dueSoon++
		}
	}
	return overdue, dueSoon
}

// chart draws the fines per month; a failure only leaves the chart empty.
func (s *Today) chart(asOf core.Date) image.Image {
	months, err := s.env.Services.Tickets.FinesByMonth(s.env.Ctx(), asOf, 12)
	if err != nil {
		return nil
	}
	totals := make([]report.MonthTotal, len(months))
	for i, m := range months {
		totals[i] = report.MonthTotal{Month: m.Month, FineFen: m.FineFen, Count: m.Count}
	}
	b, err := report.FinesChartPNG(totals)
	if err != nil {
		return nil
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return img
}
