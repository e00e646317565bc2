package screens

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/syncer"
	"ticketbook/ui/widgets"
)

// SyncLine is the sync status in one line, as the footer and Today show it:
// "Demo provider (sample data) · online · last sync 14:02 · 2 queued, 1 failed".
func SyncLine(tx Text, st SyncStatus, now time.Time) string {
	if st.Off {
		return tx.T("sync.off")
	}
	parts := []string{ProviderName(tx, st, true)}
	pending, failed := st.Waiting()
	switch {
	case st.Running:
		parts = append(parts, tx.T("sync.running"))
	case st.Online:
		parts = append(parts, tx.T("sync.online"))
	case st.Last == nil:
		parts = append(parts, tx.T("sync.never"))
	case pending > 0:
		parts = append(parts, tx.T("sync.offline", pending))
	default:
		parts = append(parts, tx.T("sync.offline_none"))
	}
	if st.Last != nil {
		if st.Last.Online && st.Last.Error != "" {
			parts = append(parts, tx.T("sync.last_failed"))
		}
		parts = append(parts, tx.T("sync.last", syncWhen(st.Last.FinishedAt, now)))
	}
	var counts []string
	if pending > 0 && (st.Online || st.Running || st.Last == nil) {
		counts = append(counts, tx.T("sync.queued", pending))
	}
	if failed > 0 {
		counts = append(counts, tx.T("sync.failed_n", failed))
	}
	if len(counts) > 0 {
		parts = append(parts, strings.Join(counts, tx.T("sync.list_sep")))
	}
	return strings.Join(parts, " · ")
}

// ProviderName names the provider; the demo is never mistaken for a real
// authority.
func ProviderName(tx Text, st SyncStatus, short bool) string {
	switch {
	case st.Off:
		return tx.T("sync.off")
	case st.Demo && short:
		return tx.T("sync.demo_short")
	case st.Demo:
		return tx.T("sync.demo")
	case short:
		if u, err := url.Parse(st.Provider); err == nil && u.Host != "" {
			return u.Host
		}
	}
	return st.Provider
}

// syncWhen is a sync time in local time: the clock alone when it was today.
func syncWhen(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// SyncPanel shows where sync goes and how it went, runs a sync on demand
// with a progress bar and Cancel, and lists what waits in the outbox and
// what the last sync could not do.
type SyncPanel struct {
	env  Env
	text Text

	Badge                          *widgets.Badge
	Provider, State, Counts, Token *widget.Label
	// Result says how the last "Sync now" ended.
	Result   *widget.Label
	SyncNow  *widget.Button
	Progress *widgets.Progress
	// Rows are the outbox entries as shown; Problems the lines of the last
	// report (failures, conflicts, notes), for tests.
	Rows     []SyncRow
	Problems []string
	Status   SyncStatus

	outboxTitle, problemsTitle *widget.Label
	outbox, problems           *fyne.Container
	content                    fyne.CanvasObject
}

// SyncRow is one outbox entry with its buttons (nil when not failed).
type SyncRow struct {
	Item           core.OutboxItem
	Text           string
	Retry, Dismiss *widget.Button
}

func NewSyncPanel(env Env) *SyncPanel {
	tx := env.Text
	s := &SyncPanel{env: env, text: tx}
	label := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	s.Badge = widgets.NewBadge(tx.T("sync.badge"))
	s.Badge.Hide()
	s.Provider = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.Provider.Wrapping = fyne.TextWrapWord
	s.State, s.Counts, s.Token, s.Result = label(), label(), label(), label()
	s.Token.Importance = widget.LowImportance
	s.SyncNow = widget.NewButton(tx.T("sync.now"), func() { s.Run() })
	s.SyncNow.Importance = widget.HighImportance
	s.Progress = widgets.NewProgress(tx.T("form.cancel"))
	s.outboxTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.problemsTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.outbox, s.problems = container.NewVBox(), container.NewVBox()
	hint := label()
	hint.SetText(tx.T("sync.offline_hint"))
	hint.Importance = widget.LowImportance
	refresh := widget.NewButton(tx.T("action.refresh"), s.Refresh)
	head := container.NewVBox(
		container.NewBorder(nil, nil, s.Badge, refresh, s.Provider),
		s.Token, s.State, s.Counts,
		container.NewBorder(nil, nil, s.SyncNow, nil, s.Progress.Box),
		s.Result,
	)
	body := container.NewVBox(head, widget.NewSeparator(), s.outboxTitle, s.outbox, hint,
		widget.NewSeparator(), s.problemsTitle, s.problems)
	s.content = container.NewVScroll(body)
	return s
}

func (s *SyncPanel) Content() fyne.CanvasObject { return s.content }

// SyncData is what the panel shows, loaded off the UI goroutine.
type SyncData struct {
	Status SyncStatus
	// Subjects names the violations and registrations the outbox and the
	// report talk about ("粤B·D12345 2026-03-01"), by "violation:ID" or
	// "registration:ID".
	Subjects map[string]string
}

// Load reads the status and names what it refers to.
func (s *SyncPanel) Load(ctx context.Context) (SyncData, error) {
	out := SyncData{Subjects: map[string]string{}}
	if s.env.Services.Sync == nil {
		return out, nil
	}
	st, err := s.env.Services.Sync.Status(ctx)
	if err != nil {
		return out, err
	}
	out.Status = st
	var violations []int64
	regs := false
	for _, it := range st.Outbox {
		if it.ViolationID != nil {
			violations = append(violations, *it.ViolationID)
		}
		regs = regs || it.RegistrationID != nil
	}
	if st.Last != nil {
		for _, p := range append(append([]syncer.Problem{}, st.Last.Failures...), st.Last.Warnings...) {
			violations = append(violations, p.ViolationID)
		}
		for _, c := range st.Last.Conflicts {
			violations = append(violations, c.ViolationID)
		}
	}
	asOf, lang := s.env.Today(), string(s.text.Lang)
	for _, id := range violations {
		key := core.ViolationSubject(id)
		if _, done := out.Subjects[key]; done || id == 0 {
			continue
		}
		// A violation that is gone is named by its number only.
		if a, err := s.env.Services.Tickets.AssessOne(ctx, id, asOf, lang); err == nil {
			out.Subjects[key] = a.Plate + " " + a.OccurredAt.Local().Format("2006-01-02")
		}
	}
	if regs && s.env.Services.Fleet != nil {
		if rs, err := s.env.Services.Fleet.ListRegistrations(ctx, core.RegistrationFilter{}); err == nil {
			for _, r := range rs {
				if v, err := s.env.Services.Fleet.Vehicle(ctx, r.VehicleID); err == nil {
					out.Subjects[core.RegistrationSubject(r.ID)] = v.Plate
				}
			}
		}
	}
	return out, nil
}

// Refresh loads and shows the status.
func (s *SyncPanel) Refresh() {
	ctx := s.env.Ctx()
	s.env.Run(func() func() {
		data, err := s.Load(ctx)
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			s.Apply(data)
		}
	})
}

func (s *SyncPanel) Apply(data SyncData) {
	tx, st := s.text, data.Status
	s.Status = st
	if s.env.Services.Sync == nil {
		s.Provider.SetText(tx.T("settings.provider.unavailable"))
		s.SyncNow.Disable()
		return
	}
	if st.Demo {
		s.Badge.Show()
	} else {
		s.Badge.Hide()
	}
	s.Provider.SetText(tx.T("sync.provider", ProviderName(tx, st, false)))
	s.Token.SetText(TokenText(tx, st))
	violationShow(s.Token, s.Token.Text != "")
	now := s.env.Now()
	if st.Off {
		s.State.SetText(tx.T("sync.off_long"))
	} else {
		s.State.SetText(SyncLine(tx, st, now))
	}
	violationEnable(s.SyncNow, !st.Off && !s.Progress.Running())
	s.Counts.Importance = widget.MediumImportance
	switch r := st.Last; {
	case r == nil:
		s.Counts.SetText(tx.T("sync.counts_none"))
	default:
		text := tx.T("sync.counts", r.FinishedAt.Local().Format("2006-01-02 15:04"), r.Sent, r.ViolationsAdded,
			r.VehiclesAdded, r.PeopleAdded, r.ViolationsUpdated, r.PhotosFetched, r.PaidElsewhere)
		if r.Error != "" {
			text += "\n" + tx.T("sync.last_error", r.Error)
			s.Counts.Importance = widget.WarningImportance
		}
		s.Counts.SetText(text)
	}
	s.applyOutbox(st, data.Subjects)
	s.applyProblems(st, data.Subjects)
}

// TokenText says which token is used and where it is kept, masked.
func TokenText(tx Text, st SyncStatus) string {
	switch {
	case st.Off:
		return ""
	case st.Demo:
		return tx.T("sync.where.demo")
	case st.TokenMasked == "":
		return tx.T("sync.no_token")
	}
	where := "sync.where." + st.TokenSource
	if !tx.Catalog.Has(tx.Lang, where) {
		return tx.T("sync.token", st.TokenMasked, st.TokenSource)
	}
	return tx.T("sync.token", st.TokenMasked, tx.T(where))
}

func (s *SyncPanel) subject(subjects map[string]string, it core.OutboxItem) (string, *Target) {
	tx := s.text
	switch {
	case it.ViolationID != nil:
		id := *it.ViolationID
		name := subjects[core.ViolationSubject(id)]
		if name == "" {
			name = tx.T("sync.subject.violation", id)
		}
		return name, &Target{Screen: "violations", ID: id}
	case it.RegistrationID != nil:
		id := *it.RegistrationID
		name := subjects[core.RegistrationSubject(id)]
		if name == "" {
			name = tx.T("sync.subject.registration", id)
		}
		return name, &Target{Screen: "registrations", ID: id}
	}
	return it.Subject, nil
}

func (s *SyncPanel) applyOutbox(st SyncStatus, subjects map[string]string) {
	tx, lang := s.text, string(s.text.Lang)
	s.Rows = nil
	s.outbox.RemoveAll()
	s.outboxTitle.SetText(tx.T("sync.outbox", len(st.Outbox)))
	failures := map[int64]syncer.Problem{}
	if st.Last != nil {
		for _, p := range st.Last.Failures {
			failures[p.OutboxID] = p
		}
	}
	for _, it := range st.Outbox {
		name, target := s.subject(subjects, it)
		row := SyncRow{Item: it, Text: tx.T("sync.outbox.row", it.Kind.Name(lang), name, it.State.Name(lang), it.Attempts)}
		if p, ok := failures[it.ID]; ok && it.State == core.OutboxFailed {
			row.Text += "\n" + tx.T("sync.failure", tx.Pick(p.Message, p.MessageZh), tx.Pick(p.ToDo, p.ToDoZh))
		} else if it.LastError != "" {
			row.Text += "\n" + tx.T("sync.outbox.error", it.LastError)
		}
		line := widget.NewLabel(row.Text)
		line.Wrapping = fyne.TextWrapWord
		if it.State == core.OutboxFailed {
			line.Importance = widget.DangerImportance
		}
		buttons := container.NewHBox()
		if it.State == core.OutboxFailed {
			id := it.ID
			row.Retry = widget.NewButton(tx.T("sync.retry"), func() { s.Retry(id) })
			row.Dismiss = widget.NewButton(tx.T("sync.dismiss"), func() { s.Dismiss(id) })
			buttons.Add(row.Retry)
			buttons.Add(row.Dismiss)
		}
		if target != nil {
			t := *target
			buttons.Add(widget.NewButton(tx.T("sync.open"), func() { s.env.Open(t) }))
		}
		s.Rows = append(s.Rows, row)
		s.outbox.Add(container.NewBorder(nil, nil, nil, buttons, line))
	}
	if len(st.Outbox) == 0 {
		s.outbox.Add(widget.NewLabel(tx.T("sync.outbox.empty")))
	}
}

func (s *SyncPanel) applyProblems(st SyncStatus, subjects map[string]string) {
	tx, lang := s.text, string(s.text.Lang)
	s.Problems = nil
	s.problems.RemoveAll()
	add := func(text string, violationID int64, imp widget.Importance) {
		s.Problems = append(s.Problems, text)
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = imp
		if violationID == 0 {
			s.problems.Add(l)
			return
		}
		open := widget.NewButton(tx.T("sync.open"), func() { s.env.Open(Target{Screen: "violations", ID: violationID}) })
		s.problems.Add(container.NewBorder(nil, nil, nil, open, l))
	}
	name := func(id int64) string {
		if n := subjects[core.ViolationSubject(id)]; n != "" {
			return n
		}
		return tx.T("sync.subject.violation", id)
	}
	if r := st.Last; r != nil {
		for _, p := range r.Failures {
			add(tx.T("sync.failure", tx.Pick(p.Message, p.MessageZh), tx.Pick(p.ToDo, p.ToDoZh)), p.ViolationID, widget.DangerImportance)
		}
		for _, c := range r.Conflicts {
			add(tx.T("sync.conflict", name(c.ViolationID), field.Label(c.Field, lang), c.Local, c.Provider), c.ViolationID,
				widget.WarningImportance)
		}
		for _, p := range r.Warnings {
			text := tx.T("sync.warning", tx.Pick(p.Message, p.MessageZh))
			if todo := tx.Pick(p.ToDo, p.ToDoZh); todo != "" {
				text += " — " + todo
			}
			add(text, p.ViolationID, widget.MediumImportance)
		}
	}
	s.problemsTitle.SetText(tx.T("sync.problems", len(s.Problems)))
	if len(s.Problems) == 0 {
		s.problemsTitle.Hide()
	} else {
		s.problemsTitle.Show()
	}
}

// Run syncs now: the bar follows the engine's phases, Cancel stops it
// (nothing is lost), and the panel, footer and Today show the outcome.
func (s *SyncPanel) Run() {
	sync := s.env.Services.Sync
	if sync == nil || s.Progress.Running() {
		return
	}
	tx := s.text
	s.SyncNow.Disable()
	s.Result.SetText("")
	s.Progress.Label.SetText(tx.T("sync.starting"))
	var rep syncer.Report
	s.Progress.Start(s.env.Ctx(), widgets.Runner(s.env.Run), func(ctx context.Context, report func(int, int, string)) error {
		var err error
		rep, err = sync.Run(ctx, func(p syncer.Progress) { report(p.Done, p.Total, s.phase(p)) })
		return err
	}, func(err error) {
		s.SyncNow.Enable()
		s.Result.Importance = widget.MediumImportance
		switch {
		case errors.Is(err, context.Canceled):
			s.Result.SetText(tx.T("sync.cancelled"))
		case err != nil:
			s.Result.Importance = widget.DangerImportance
			s.Result.SetText(tx.T("sync.error", field.Localize(err, string(tx.Lang))))
		default:
			s.Result.SetText(tx.T("sync.done", rep.Sent, rep.ViolationsAdded, rep.ViolationsUpdated))
		}
		s.Refresh()
		s.env.syncChanged()
	})
}

func (s *SyncPanel) phase(p syncer.Progress) string {
	tx := s.text
	switch p.Phase {
	case "push":
		return tx.T("sync.phase.push", p.Done, p.Total)
	case "pull":
		return tx.T("sync.phase.pull", p.Done, p.Total, p.Detail)
	}
	return tx.T("sync.phase.other", p.Phase, p.Done, p.Total)
}

// Retry queues a refused entry again (after the user fixed the cause).
func (s *SyncPanel) Retry(id int64) { s.outboxAction(id, true) }

// Dismiss gives up on a refused entry.
func (s *SyncPanel) Dismiss(id int64) { s.outboxAction(id, false) }

func (s *SyncPanel) outboxAction(id int64, retry bool) {
	ctx, t := s.env.Ctx(), s.env.Services.Tickets
	s.env.Run(func() func() {
		var err error
		if retry {
			_, err = t.RetryOutbox(ctx, id)
		} else {
			_, err = t.DismissOutbox(ctx, id)
		}
		return func() {
			if err != nil {
				s.env.Present(err)
			}
			s.Refresh()
			s.env.syncChanged()
		}
	})
}

// Row finds the shown outbox row of an entry.
func (s *SyncPanel) Row(id int64) (SyncRow, bool) {
	for _, r := range s.Rows {
		if r.Item.ID == id {
			return r, true
		}
	}
	return SyncRow{}, false
}
