package screens

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/tickets"
)

const (
	// violationsPageSize rows are assessed per query: enough to fill several
	// screens, small enough that one page of a 100k-row book loads in a blink.
	violationsPageSize = 200
	// violationsMaxPages bounds the cache so scrolling through everything
	// does not keep everything.
	violationsMaxPages  = 8
	violationTimeLayout = "2006-01-02 15:04"
)

// Columns of the violations table; the first holds the batch check box.
const (
	ViolationColCheck = iota
	ViolationColPlate
	ViolationColOccurred
	ViolationColPlace
	ViolationColFine
	ViolationColPoints
	ViolationColStatus
	ViolationColDriver
	ViolationColTotal
	ViolationColDue
	ViolationColNext
	violationCols
)

var violationSorts = []core.ViolationSort{core.SortOccurred, core.SortDue, core.SortAmount}

// Violations lists every ticket, paged from the database as the table
// scrolls, with filters, batch actions, the add form and the detail page.
type Violations struct {
	env  Env
	text Text
	lang string

	Search                                       *widget.Entry
	StatusFilter, VehicleFilter, PersonFilter    *widget.Select
	Sort                                         *widget.Select
	From, To                                     *widget.Entry
	FilterHint, Notice, Status                   *widget.Label
	Table                                        *widget.Table
	AddBtn, AssignBtn, PayBtn, ClearSelectionBtn *widget.Button

	Detail *ViolationDetail // the open detail page, nil while the list shows
	Form   *ViolationForm   // the add form last opened
	Action *ViolationAction // the batch dialog last opened

	list, content *fyne.Container

	filter      core.ViolationFilter
	gen         int // bumped by every refresh so pages of an older filter are dropped
	total, open int
	pages       map[int][]tickets.Assessed
	loading     map[int]bool
	inCell      bool             // a page applied while the table draws a cell needs no second refresh
	selected    map[int64]string // ticked rows, with the words that name them in a batch summary
	vehicles    []core.Vehicle
	people      []core.Person
}

func NewViolations(env Env) *Violations {
	t := env.Text
	s := &Violations{env: env, text: t, lang: string(t.Lang), pages: map[int][]tickets.Assessed{},
		loading: map[int]bool{}, selected: map[int64]string{}}

	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(t.T("violations.search"))
	s.StatusFilter = widget.NewSelect(append([]string{t.T("violations.filter.all_statuses"), t.T("violations.filter.open")},
		names(core.ViolationStatuses(), func(c string) string { return core.ViolationStatus(c).Name(s.lang) })...), nil)
	s.StatusFilter.SetSelectedIndex(0)
	s.VehicleFilter = widget.NewSelect([]string{t.T("violations.filter.all_vehicles")}, nil)
	s.VehicleFilter.SetSelectedIndex(0)
	s.PersonFilter = widget.NewSelect([]string{t.T("violations.filter.all_drivers")}, nil)
	s.PersonFilter.SetSelectedIndex(0)
	s.Sort = widget.NewSelect([]string{t.T("violations.sort.occurred"), t.T("violations.sort.due"), t.T("violations.sort.amount")}, nil)
	s.Sort.SetSelectedIndex(0)
	s.From, s.To = widget.NewEntry(), widget.NewEntry()
	s.From.SetPlaceHolder(t.T("violations.filter.from"))
	s.To.SetPlaceHolder(t.T("violations.filter.to"))
	refresh := func(string) { s.Refresh() }
	s.Search.OnChanged, s.From.OnChanged, s.To.OnChanged = refresh, refresh, refresh
	s.StatusFilter.OnChanged, s.VehicleFilter.OnChanged, s.PersonFilter.OnChanged, s.Sort.OnChanged = refresh, refresh, refresh, refresh

	s.FilterHint, s.Notice, s.Status = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.FilterHint.Importance = widget.DangerImportance
	s.FilterHint.Wrapping, s.Notice.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
	s.FilterHint.Hide()
	s.Notice.Hide()

	s.AddBtn = widget.NewButton(t.T("violations.add"), s.NewViolation)
	s.AddBtn.Importance = widget.HighImportance
	s.AssignBtn = widget.NewButton(t.T("violations.batch.assign"), func() { s.AssignSelected() })
	s.PayBtn = widget.NewButton(t.T("violations.batch.pay"), func() { s.PaySelected() })
	s.ClearSelectionBtn = widget.NewButton(t.T("violations.batch.clear"), s.ClearSelection)

	headers := []string{"", t.T("violations.col.plate"), t.T("violations.col.occurred"), t.T("violations.col.place"),
		t.T("violations.col.fine"), t.T("violations.col.points"), t.T("violations.col.status"), t.T("violations.col.driver"),
		t.T("violations.col.total"), t.T("violations.col.due"), t.T("violations.col.next")}
	s.Table = widget.NewTableWithHeaders(
		func() (int, int) { return s.total, violationCols },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(widget.NewCheck("", nil), l)
		},
		s.updateCell)
	s.Table.ShowHeaderColumn = false
	s.Table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	s.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.TextStyle.Bold = true
		if id.Row < 0 && id.Col >= 0 {
			l.SetText(headers[id.Col])
		} else {
			l.SetText("")
		}
	}
	for i, w := range []float32{40, 110, 140, 200, 80, 60, 100, 100, 90, 100, 320} {
		s.Table.SetColumnWidth(i, w)
	}
	s.Table.OnSelected = func(id widget.TableCellID) {
		s.Table.UnselectAll()
		if a, ok := s.Row(id.Row); ok && id.Col != ViolationColCheck {
			s.Select(a.ID)
		}
	}

	filters := container.NewGridWithColumns(6, s.StatusFilter, s.VehicleFilter, s.PersonFilter, s.From, s.To, s.Sort)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.AddBtn, s.Search), filters, s.FilterHint, s.Notice)
	bottom := container.NewBorder(nil, nil, container.NewHBox(s.AssignBtn, s.PayBtn, s.ClearSelectionBtn), nil, s.Status)
	s.list = container.NewBorder(top, bottom, nil, nil, s.Table)
	s.content = container.NewStack(s.list)
	s.updateSelection()
	return s
}

func (s *Violations) Content() fyne.CanvasObject { return s.content }

// FocusSearch puts the cursor in the search box (Ctrl+F), leaving a detail page.
func (s *Violations) FocusSearch() {
	s.showList()
	s.env.Window.Canvas().Focus(s.Search)
}

func (s *Violations) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	check, label := c.Objects[0].(*widget.Check), c.Objects[1].(*widget.Label)
	s.inCell = true
	defer func() { s.inCell = false }()
	if id.Col != ViolationColCheck {
		check.Hide()
		label.Show()
		label.SetText(s.Cell(id.Row, id.Col))
		return
	}
	label.Hide()
	check.Show()
	// The check is recycled between rows: detach its handler before setting
	// the state, or redrawing would toggle some other row's selection.
	check.OnChanged = nil
	a, ok := s.Row(id.Row)
	_, on := s.selected[a.ID]
	check.SetChecked(ok && on)
	if ok {
		check.OnChanged = func(on bool) { s.setSelected(a, on) }
	}
}

// Rows is how many violations match the filters (not how many are loaded).
func (s *Violations) Rows() int { return s.total }

// PageLoaded reports whether the page holding row is in the cache.
func (s *Violations) PageLoaded(row int) bool {
	_, ok := s.pages[row/violationsPageSize]
	return ok
}

// Row is the assessed violation shown at row; asking for a row whose page is
// not cached starts loading it, and ok is false until it arrives.
func (s *Violations) Row(row int) (tickets.Assessed, bool) {
	if row < 0 || row >= s.total {
		return tickets.Assessed{}, false
	}
	p := row / violationsPageSize
	rows, ok := s.pages[p]
	if !ok {
		s.fetch(p)
		if rows, ok = s.pages[p]; !ok {
			return tickets.Assessed{}, false
		}
	}
	if i := row % violationsPageSize; i < len(rows) {
		return rows[i], true
	}
	return tickets.Assessed{}, false // rows went away since the count; the next refresh settles it
}

// Cell is the text shown at row, col; tests read the table through it.
func (s *Violations) Cell(row, col int) string {
	a, ok := s.Row(row)
	if !ok {
		return "…"
	}
	switch col {
	case ViolationColPlate:
		return a.Plate
	case ViolationColOccurred:
		return a.OccurredAt.Local().Format(violationTimeLayout)
	case ViolationColPlace:
		return a.Place
	case ViolationColFine:
		return a.FineFen.Yuan()
	case ViolationColPoints:
		return strconv.Itoa(a.Points)
	case ViolationColStatus:
		return a.Status.Name(s.lang)
	case ViolationColDriver:
		if a.DriverMatch != "manual" && a.SuggestedDriver != nil {
			return *a.SuggestedDriver + "?"
		}
		return a.Driver
	case ViolationColTotal:
		if !a.Status.Open() {
			return ""
		}
		return a.TotalDueFen.Yuan()
	case ViolationColDue:
		if !a.DueOn.IsZero() {
			return a.DueOn.String()
		}
		return a.HandlingDeadline.String()
	case ViolationColNext:
		return a.NextActionText
	}
	return ""
}

// ViolationsPage is one load of the list: the totals for the status line and
// one page of assessed rows.
type ViolationsPage struct {
	Total, Open int
	Page        int
	Rows        []tickets.Assessed
}

// Load counts what matches f and assesses one page of it; it does no UI work
// and may run on any goroutine.
func (s *Violations) Load(ctx context.Context, f core.ViolationFilter, page int) (ViolationsPage, error) {
	p := ViolationsPage{Page: page}
	var err error
	if p.Total, err = s.env.Services.Tickets.Count(ctx, f); err != nil {
		return p, err
	}
	switch open := violationOpenOf(f.Statuses); {
	case len(open) == len(f.Statuses):
		p.Open = p.Total // every status asked for is open: no second count
	case len(open) > 0:
		of := f
		of.Statuses = open
		if p.Open, err = s.env.Services.Tickets.Count(ctx, of); err != nil {
			return p, err
		}
	}
	p.Rows, err = s.loadRows(ctx, f, page)
	return p, err
}

func (s *Violations) loadRows(ctx context.Context, f core.ViolationFilter, page int) ([]tickets.Assessed, error) {
	f.Limit, f.Offset = violationsPageSize, page*violationsPageSize
	return s.env.Services.Tickets.Assess(ctx, f, s.env.Today(), s.lang)
}

// violationOpenOf keeps the open statuses of a filter's list (empty meaning all).
func violationOpenOf(statuses []core.ViolationStatus) []core.ViolationStatus {
	if len(statuses) == 0 {
		for _, c := range core.ViolationStatuses() {
			statuses = append(statuses, core.ViolationStatus(c))
		}
	}
	var out []core.ViolationStatus
	for _, st := range statuses {
		if st.Open() {
			out = append(out, st)
		}
	}
	return out
}

// ReadFilter turns the filter widgets into a query; a bad date is returned
// as a field problem and the query is not run.
func (s *Violations) ReadFilter() (core.ViolationFilter, error) {
	f := core.ViolationFilter{Search: strings.TrimSpace(s.Search.Text)}
	switch i := s.StatusFilter.SelectedIndex(); {
	case i == 1:
		f.Statuses = violationOpenOf(nil)
	case i > 1:
		f.Statuses = []core.ViolationStatus{core.ViolationStatus(core.ViolationStatuses()[i-2])}
	}
	if i := s.VehicleFilter.SelectedIndex(); i > 0 && i <= len(s.vehicles) {
		f.VehicleID = s.vehicles[i-1].ID
	}
	if i := s.PersonFilter.SelectedIndex(); i > 0 && i <= len(s.people) {
		f.DriverID = s.people[i-1].ID
	}
	f.Sort = violationSorts[max(s.Sort.SelectedIndex(), 0)]
	var errs field.Errors
	if in := strings.TrimSpace(s.From.Text); in != "" {
		d, err := core.ParseDate("from", in)
		errs.Add("from", err)
		f.From = d.In(time.Local)
	}
	if in := strings.TrimSpace(s.To.Text); in != "" {
		d, err := core.ParseDate("to", in)
		errs.Add("to", err)
		f.To = d.AddDays(1).In(time.Local) // the filter's To is exclusive; the user's "to" day is included
	}
	return f, errs.Err()
}

// Refresh drops every cached page and reloads the counts, the first page and
// the filter choices with the current filters.
func (s *Violations) Refresh() {
	f, err := s.ReadFilter()
	if err != nil {
		s.FilterHint.SetText(field.Localize(err, s.lang))
		s.FilterHint.Show()
		return
	}
	s.FilterHint.Hide()
	s.gen++
	gen := s.gen
	s.filter = f
	s.pages, s.loading = map[int][]tickets.Assessed{}, map[int]bool{0: true}
	ctx := s.env.Ctx()
	s.env.Run(func() func() {
		p, err := s.Load(ctx, f, 0)
		vs, verr := s.env.Services.Fleet.ListVehicles(ctx, core.VehicleFilter{IncludeArchived: true})
		ps, perr := s.env.Services.Fleet.ListPeople(ctx, core.PersonFilter{})
		return func() {
			if verr == nil && perr == nil {
				s.setChoices(vs, ps)
			}
			if gen != s.gen {
				return
			}
			delete(s.loading, 0)
			if err = violationFirstErr(err, verr, perr); err != nil {
				s.env.Present(err)
				return
			}
			s.total, s.open = p.Total, p.Open
			s.pages[0] = p.Rows
			s.Table.Refresh()
			s.updateSelection()
		}
	})
	if s.Detail != nil {
		s.Detail.Reload()
	}
}

func violationFirstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// fetch loads page p of the current filter unless it is already on its way.
func (s *Violations) fetch(p int) {
	if s.loading[p] {
		return
	}
	s.loading[p] = true
	gen, f, ctx := s.gen, s.filter, s.env.Ctx()
	s.env.Run(func() func() {
		rows, err := s.loadRows(ctx, f, p)
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				// Stays marked as loading so a redraw does not retry in a loop;
				// the next refresh tries again.
				s.env.Present(err)
				return
			}
			delete(s.loading, p)
			s.pages[p] = rows
			s.evictFar(p)
			if !s.inCell {
				s.Table.Refresh()
			}
		}
	})
}

// evictFar keeps the cache bounded, dropping the pages furthest from the
// one just shown.
func (s *Violations) evictFar(near int) {
	for len(s.pages) > violationsMaxPages {
		far, dist := -1, -1
		for k := range s.pages {
			if d := max(k-near, near-k); d > dist {
				far, dist = k, d
			}
		}
		delete(s.pages, far)
	}
}

func (s *Violations) setChoices(vs []core.Vehicle, ps []core.Person) {
	s.vehicles, s.people = vs, ps
	// Options change under a kept selection: Select keeps the chosen text,
	// and labels carry enough to stay unique.
	s.VehicleFilter.SetOptions(append([]string{s.text.T("violations.filter.all_vehicles")}, violationVehicleLabels(vs)...))
	s.PersonFilter.SetOptions(append([]string{s.text.T("violations.filter.all_drivers")}, violationPersonLabels(ps)...))
}

func violationVehicleLabels(vs []core.Vehicle) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Plate
		if v.Nickname != "" {
			out[i] += " · " + v.Nickname
		}
		if v.Archived || (i > 0 && vs[i-1].Plate == v.Plate) || (i+1 < len(vs) && vs[i+1].Plate == v.Plate) {
			out[i] += fmt.Sprintf(" #%d", v.ID)
		}
	}
	return out
}

// violationPersonLabels names people, adding the record number where two
// share a name so a choice is never ambiguous.
func violationPersonLabels(ps []core.Person) []string {
	seen := map[string]int{}
	for _, p := range ps {
		seen[p.Name]++
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
		if seen[p.Name] > 1 {
			out[i] += fmt.Sprintf(" #%d", p.ID)
		}
	}
	return out
}

// Check ticks or unticks a row for the batch actions, as its check box does.
func (s *Violations) Check(row int, on bool) {
	if a, ok := s.Row(row); ok {
		s.setSelected(a, on)
		s.Table.Refresh()
	}
}

// Selected lists the ticked violations.
func (s *Violations) Selected() []int64 {
	return slices.Sorted(maps.Keys(s.selected))
}

func (s *Violations) ClearSelection() {
	s.selected = map[int64]string{}
	s.Table.Refresh()
	s.updateSelection()
}

func (s *Violations) setSelected(a tickets.Assessed, on bool) {
	if on {
		s.selected[a.ID] = a.Plate + " " + a.OccurredAt.Local().Format(violationTimeLayout)
	} else {
		delete(s.selected, a.ID)
	}
	s.updateSelection()
}

func (s *Violations) updateSelection() {
	n := len(s.selected)
	for _, b := range []*widget.Button{s.AssignBtn, s.PayBtn, s.ClearSelectionBtn} {
		if n == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	text := s.text.T("violations.empty")
	if s.total > 0 {
		text = s.text.T("violations.count", violationGroup(s.total), violationGroup(s.open))
	}
	if n > 0 {
		text += " · " + s.text.T("violations.selected", n)
	}
	s.Status.SetText(text)
}

// violationGroup writes 12345 as 12,345.
func violationGroup(n int) string {
	d := strconv.Itoa(n)
	for i := len(d) - 3; i > 0 && d[i-1] != '-'; i -= 3 {
		d = d[:i] + "," + d[i:]
	}
	return d
}

func (s *Violations) notice(text string) {
	s.Notice.SetText(text)
	s.Notice.Show()
}

// AssignSelected asks for a person and makes them the driver of every ticked
// violation.
func (s *Violations) AssignSelected() *ViolationAction {
	people := s.people
	a := &ViolationAction{Person: widget.NewSelect(violationPersonLabels(people), nil)}
	a.Person.SetSelectedIndex(0)
	ctx, t := s.env.Ctx(), s.env.Services.Tickets
	return s.batch(a, "violations.batch.assign.title", []*widget.FormItem{
		widget.NewFormItem(s.text.T("violation.driver"), a.Person),
	}, func() (func(int64) error, error) {
		i := a.Person.SelectedIndex()
		if i < 0 {
			return nil, errors.New(s.text.T("violations.no_people"))
		}
		pid := people[i].ID
		return func(id int64) error {
			_, err := t.AssignDriver(ctx, id, &pid)
			return err
		}, nil
	})
}

// PaySelected asks for a payment method and records a confirmed payment of
// the fine and its current late fee for every ticked violation.
func (s *Violations) PaySelected() *ViolationAction {
	a := &ViolationAction{Method: violationMethodSelect(s.lang)}
	ctx, t, today := s.env.Ctx(), s.env.Services.Tickets, s.env.Today()
	return s.batch(a, "violations.batch.pay.title", []*widget.FormItem{
		widget.NewFormItem(s.text.T("violation.pay.method"), a.Method),
	}, func() (func(int64) error, error) {
		method := core.PayMethod(core.PayMethods()[a.Method.SelectedIndex()])
		return func(id int64) error {
			// Assessed now rather than taken from the table: the late fee
			// grows by the day and a cached page may be stale.
			as, err := t.AssessOne(ctx, id, today, s.lang)
			if err != nil {
				return err
			}
			_, err = t.RecordPayment(ctx, core.Payment{ViolationID: id, FineFen: as.FineFen, LateFeeFen: as.LateFeeFen,
				Method: method, IdempotencyKey: core.NewIdempotencyKey(), State: core.PayConfirmed})
			return err
		}, nil
	})
}

// batch opens a dialog that runs one action per ticked violation, carrying
// on past failures and reporting them all in one summary.
func (s *Violations) batch(a *ViolationAction, titleKey string, items []*widget.FormItem, prepare func() (func(int64) error, error)) *ViolationAction {
	if len(s.selected) == 0 {
		return nil
	}
	rows := maps.Clone(s.selected)
	ids := slices.Sorted(maps.Keys(rows))
	var summary string
	var failed int
	a.show(s.env, s.text.T(titleKey, len(ids)), items, func() (func() error, error) {
		do, err := prepare()
		if err != nil {
			return nil, err
		}
		return func() error {
			var lines []string
			for _, id := range ids {
				if err := do(id); err != nil {
					lines = append(lines, rows[id]+": "+field.Localize(err, s.lang))
				}
			}
			failed = len(lines)
			summary = s.text.T("violations.batch.done", len(ids)-failed, len(ids))
			if failed > 0 {
				summary += "\n" + s.text.T("violations.batch.failed") + "\n" + strings.Join(lines, "\n")
			}
			return nil
		}, nil
	}, func() {
		s.notice(summary)
		if failed > 0 {
			dialog.ShowInformation(s.text.T("violations.batch.summary"), summary, s.env.Window)
		}
		s.ClearSelection()
		s.Refresh()
	})
	s.Action = a
	return a
}

func violationMethodSelect(lang string) *widget.Select {
	m := widget.NewSelect(names(core.PayMethods(), func(c string) string { return core.PayMethod(c).Name(lang) }), nil)
	m.SetSelectedIndex(0)
	return m
}

// NewViolation opens the add-violation form.
func (s *Violations) NewViolation() {
	vehicleID := int64(0)
	if i := s.VehicleFilter.SelectedIndex(); i > 0 && i <= len(s.vehicles) {
		vehicleID = s.vehicles[i-1].ID
	}
	ctx := s.env.Ctx()
	s.env.Run(func() func() {
		vs, err := s.env.Services.Fleet.ListVehicles(ctx, core.VehicleFilter{})
		ps, perr := s.env.Services.Fleet.ListPeople(ctx, core.PersonFilter{})
		return func() {
			if err = violationFirstErr(err, perr); err != nil {
				s.env.Present(err)
				return
			}
			s.Form = showViolationForm(s.env, vs, ps, vehicleID, func(warnings string) {
				if warnings != "" {
					s.notice(warnings)
				}
				s.Refresh()
			})
		}
	})
}

// Select opens the detail page of one violation.
func (s *Violations) Select(id int64) {
	s.Detail = newViolationDetail(s.env, id, func() {
		s.showList()
		s.Refresh()
	})
	s.content.Objects = []fyne.CanvasObject{s.Detail.Content()}
	s.content.Refresh()
	s.Detail.Reload()
}

func (s *Violations) showList() {
	if s.Detail == nil {
		return
	}
	s.Detail = nil
	s.content.Objects = []fyne.CanvasObject{s.list}
	s.content.Refresh()
}

// ViolationAction is a small modal form over the window (assign a driver,
// record a payment or an appeal, a batch action). Each dialog uses some of
// the widgets; tests fill them and call Confirm.
type ViolationAction struct {
	Person, Method                               *widget.Select
	Date, PaidAt, Reason, Receipt, Fine, LateFee *widget.Entry
	Error                                        *widget.Label
	// Evidence lists the files of an online appeal; AddFile picks one.
	Evidence *widget.Label
	AddFile  *widget.Button
	Files    []tickets.Evidence
	done     func() // after success, besides the reload
	ok       *widget.Button
	pop      *widget.PopUp
}

// Confirm presses the dialog's OK button.
func (a *ViolationAction) Confirm() { a.ok.OnTapped() }

// Open reports whether the dialog is still showing (it closes on success).
func (a *ViolationAction) Open() bool { return a.pop.Visible() }

// show opens the dialog. read runs on the UI goroutine when OK is pressed:
// it checks the inputs and returns the work to run in the background; done
// runs on the UI goroutine after the work succeeded and the dialog closed.
func (a *ViolationAction) show(env Env, title string, items []*widget.FormItem, read func() (func() error, error), done func()) {
	lang := string(env.Text.Lang)
	a.Error = widget.NewLabel("")
	a.Error.Wrapping = fyne.TextWrapWord
	a.Error.Importance = widget.DangerImportance
	a.ok = widget.NewButton(env.Text.T("violation.ok"), nil)
	a.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(env.Text.T("violation.cancel"), func() { a.pop.Hide() })
	a.ok.OnTapped = func() {
		work, err := read()
		if err != nil {
			a.Error.SetText(field.Localize(err, lang))
			return
		}
		a.ok.Disable()
		env.Run(func() func() {
			err := work()
			return func() {
				a.ok.Enable()
				if err != nil {
					a.Error.SetText(field.Localize(err, lang))
					return
				}
				a.pop.Hide()
				done()
			}
		})
	}
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewBorder(heading, container.NewVBox(a.Error, container.NewHBox(cancel, a.ok)), nil, nil, widget.NewForm(items...))
	a.pop = widget.NewModalPopUp(container.NewPadded(body), env.Window.Canvas())
	a.pop.Resize(fyne.NewSize(480, a.pop.MinSize().Height))
	a.pop.Show()
}
