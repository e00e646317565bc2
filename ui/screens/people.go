package screens

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/rules"
)

// People lists the people who may drive, with where each stands in the
// 12-point cycle, and adds or edits them.
type People struct {
	*fleetGrid
	env    Env
	Search *widget.Entry
	Status *widget.Label
	AddBtn *widget.Button
	// InviteBtn shows a driver invite QR code of a chosen person.
	InviteBtn *widget.Button
	rows      []PersonRow
	content   fyne.CanvasObject
}

// PersonRow is a person with their point standing; Known is false without a
// first-issued date, when there is no cycle to count in.
type PersonRow struct {
	core.Person
	Standing rules.Standing
	Known    bool
}

func NewPeople(env Env) *People {
	t := env.Text
	s := &People{env: env}
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(t.T("people.search"))
	s.Search.OnChanged = func(string) { s.Refresh() }
	s.Status = widget.NewLabel("")
	s.AddBtn = widget.NewButton(t.T("people.add"), func() { s.NewPerson() })
	s.AddBtn.Importance = widget.HighImportance
	s.fleetGrid = newFleetGrid(
		[]string{t.T("people.col.name"), t.T("people.col.id_number"), t.T("people.col.class"), t.T("people.col.points"), t.T("people.col.phone"), t.T("people.col.role")},
		[]float32{140, 190, 90, 110, 140, 120},
		func() int { return len(s.rows) }, s.cell, s.style)
	s.Table.OnSelected = func(id widget.TableCellID) {
		s.Table.UnselectAll()
		s.EditPerson(id.Row)
	}
	s.InviteBtn = widget.NewButton(t.T("share.invite"), func() { s.InviteAsk() })
	s.content = container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(s.InviteBtn, s.AddBtn), s.Search), s.Status, nil, nil, s.Table)
	return s
}

func (s *People) Content() fyne.CanvasObject { return s.content }

// InviteAsk asks which person to invite and shows their invite QR code.
func (s *People) InviteAsk() {
	t := s.env.Text
	if len(s.rows) == 0 {
		dialog.ShowInformation(t.T("share.title"), t.T("share.pick"), s.env.Window)
		return
	}
	names := make([]string, len(s.rows))
	for i, r := range s.rows {
		names[i] = r.Person.Name
	}
	pick := widget.NewSelect(names, nil)
	pick.SetSelectedIndex(0)
	dialog.ShowCustomConfirm(t.T("share.invite"), t.T("share.button"), t.T("form.cancel"), pick, func(ok bool) {
		if ok {
			s.Invite(pick.SelectedIndex())
		}
	}, s.env.Window)
}

// Invite shows the invite QR code of the person in row; it returns the
// payload for tests.
func (s *People) Invite(row int) string {
	payload, err := InvitePerson(s.env, s.rows[row].Person)
	if err != nil {
		s.env.Present(err)
	}
	return payload
}

func (s *People) cell(row, col int) string {
	p := s.rows[row]
	switch col {
	case 0:
		return p.Name
	case 1:
		return p.MaskedIDNumber()
	case 2:
		return p.LicenceClass
	case 3:
		if !p.Known {
			return "—"
		}
		return s.env.Text.T("people.points", p.Standing.Total, p.Standing.Limit)
	case 4:
		return p.Phone
	case 5:
		return p.Role.Name(string(s.env.Text.Lang))
	}
	return ""
}

func (s *People) style(row, col int) widget.Importance {
	if col == 3 {
		return pointsImportance(s.rows[row].Standing.Level)
	}
	return widget.MediumImportance
}

func pointsImportance(level string) widget.Importance {
	switch level {
	case rules.LevelLimit:
		return widget.DangerImportance
	case rules.LevelWarn:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// Load reads the people and their standings; it does no UI work.
func (s *People) Load(ctx context.Context, search string, asOf core.Date) ([]PersonRow, error) {
	ps, err := s.env.Services.Fleet.ListPeople(ctx, core.PersonFilter{Search: strings.TrimSpace(search)})
	if err != nil {
		return nil, err
	}
	rows := make([]PersonRow, len(ps))
	for i, p := range ps {
		rows[i].Person = p
		if rows[i].Standing, rows[i].Known, err = s.env.Services.Tickets.Standing(ctx, p.ID, asOf); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// Apply shows loaded people; it runs on the UI goroutine.
func (s *People) Apply(rows []PersonRow, err error) {
	if err != nil {
		s.env.Present(err)
		return
	}
	s.rows = rows
	s.Table.Refresh()
	if len(rows) == 0 {
		s.Status.SetText(s.env.Text.T("people.empty"))
	} else {
		s.Status.SetText(s.env.Text.T("people.count", len(rows)))
	}
}

func (s *People) Refresh() {
	search, asOf := s.Search.Text, s.env.Today()
	s.env.Run(func() func() {
		rows, err := s.Load(s.env.Ctx(), search, asOf)
		return func() { s.Apply(rows, err) }
	})
}

// PersonForm adds or edits a person; every field is checked as it is typed
// with the same rules (and sentences) as the command line.
type PersonForm struct {
	*formPopup
	Name, IDNumber, LicenceFile, LicenceClass, FirstIssued, ValidUntil, Phone *widget.Entry
	Role                                                                      *widget.Select
	// ShowID and ShowLicence reveal the masked numbers of a stored person.
	ShowID, ShowLicence *widget.Check
	Standing            *widget.Label
	id, licence         *maskedEntry
	hints               map[string]*widget.Label
	touched             map[string]bool
	lang                string
}

// NewPerson opens the add-person form.
func (s *People) NewPerson() *PersonForm {
	f := s.personForm(PersonRow{Person: core.Person{Role: core.RoleEmployee}}, true)
	f.formPopup = showFormPopup(s.env, s.env.Text.T("people.add"), f.body(), func(p *formPopup) {
		person, err := f.Person()
		if err != nil {
			p.fail(err)
			return
		}
		p.submit(s.env, func() error {
			_, err := s.env.Services.Fleet.AddPerson(s.env.Ctx(), person)
			return err
		}, s.Refresh)
	})
	s.env.Window.Canvas().Focus(f.Name)
	return f
}

// EditPerson opens the edit form of the person in a row; nil for no such row.
func (s *People) EditPerson(row int) *PersonForm {
	if row < 0 || row >= len(s.rows) {
		return nil
	}
	r := s.rows[row]
	f := s.personForm(r, false)
	f.formPopup = showFormPopup(s.env, s.env.Text.T("people.edit", r.Name), f.body(), func(p *formPopup) {
		edited, err := f.Person()
		if err != nil {
			p.fail(err)
			return
		}
		p.submit(s.env, func() error {
			_, err := s.env.Services.Fleet.EditPerson(s.env.Ctx(), r.ID, func(stored *core.Person) {
				stored.Name, stored.IDNumber, stored.LicenceFile, stored.LicenceClass = edited.Name, edited.IDNumber, edited.LicenceFile, edited.LicenceClass
				stored.FirstIssued, stored.ValidUntil, stored.Phone, stored.Role = edited.FirstIssued, edited.ValidUntil, edited.Phone, edited.Role
			})
			return err
		}, s.Refresh)
	})
	return f
}

func (s *People) personForm(r PersonRow, adding bool) *PersonForm {
	t := s.env.Text
	f := &PersonForm{hints: map[string]*widget.Label{}, touched: map[string]bool{}, lang: string(t.Lang)}
	entry := func(name, value, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(value)
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { f.touched[name] = true; f.validate() }
		return e
	}
	f.Name = entry("name", r.Name, "")
	f.id = newMaskedEntry(t, r.IDNumber, func(v string) string { return core.Person{IDNumber: v}.MaskedIDNumber() }, adding)
	f.id.Entry.OnChanged = func(string) { f.touched["id_number"] = true; f.validate() }
	f.licence = newMaskedEntry(t, r.LicenceFile, func(v string) string { return core.Person{LicenceFile: v}.MaskedLicenceFile() }, adding)
	f.licence.Entry.OnChanged = func(string) { f.touched["licence_file"] = true; f.validate() }
	f.IDNumber, f.ShowID = f.id.Entry, f.id.Show
	f.LicenceFile, f.ShowLicence = f.licence.Entry, f.licence.Show
	f.IDNumber.SetPlaceHolder("11010519491231002X")
	f.LicenceFile.SetPlaceHolder("440100123456")
	f.LicenceClass = entry("licence_class", r.LicenceClass, "C1")
	f.FirstIssued = entry("first_issued", r.FirstIssued.String(), "2016-05-20")
	f.ValidUntil = entry("valid_until", r.ValidUntil.String(), "2032-05-20")
	f.Phone = entry("phone", r.Phone, "")
	f.Role = widget.NewSelect(names(core.Roles(), func(c string) string { return core.Role(c).Name(f.lang) }), nil)
	f.Role.SetSelectedIndex(max(slices.Index(core.Roles(), string(r.Role)), 0))
	f.Role.OnChanged = func(string) { f.validate() }
	f.Standing = widget.NewLabel("")
	if r.Known {
		st := r.Standing
		f.Standing.SetText(t.T("people.standing", st.Total, st.Limit, st.Cycle.Start, st.Cycle.End, st.PointsCarried))
		f.Standing.Importance = pointsImportance(st.Level)
	}
	return f
}

func (f *PersonForm) body() fyne.CanvasObject {
	// Field labels come from core so the form names each field exactly as the
	// refusal messages (and the CLI) do.
	items := []struct {
		name  string
		input fyne.CanvasObject
	}{
		{"name", f.Name}, {"id_number", f.id.box()}, {"licence_file", f.licence.box()},
		{"licence_class", f.LicenceClass}, {"first_issued", f.FirstIssued}, {"valid_until", f.ValidUntil},
		{"phone", f.Phone}, {"role", f.Role},
	}
	form := widget.NewForm()
	for _, it := range items {
		hint := widget.NewLabel("")
		hint.Wrapping = fyne.TextWrapWord
		hint.Importance = widget.DangerImportance
		hint.Hide()
		f.hints[it.name] = hint
		label := []rune(field.Label(it.name, f.lang))
		form.AppendItem(widget.NewFormItem(strings.ToUpper(string(label[:1]))+string(label[1:]), container.NewVBox(it.input, hint)))
	}
	if f.Standing.Text == "" {
		return form
	}
	return container.NewVBox(f.Standing, form)
}

// Hint is the problem shown under a field ("id_number", "phone", ...).
func (f *PersonForm) Hint(fieldName string) string { return f.hints[fieldName].Text }

// Person builds the person from what was typed and checks it as the service
// will, so a bad field is refused before anything is sent.
func (f *PersonForm) Person() (core.Person, error) {
	var errs field.Errors
	date := func(name, s string) core.Date {
		if strings.TrimSpace(s) == "" {
			return core.Date{}
		}
		d, err := core.ParseDate(name, s)
		errs.Add(name, err)
		return d
	}
	p := core.Person{
		Name: f.Name.Text, IDNumber: f.id.Text(), LicenceFile: f.licence.Text(), LicenceClass: f.LicenceClass.Text,
		FirstIssued: date("first_issued", f.FirstIssued.Text), ValidUntil: date("valid_until", f.ValidUntil.Text),
		Phone: f.Phone.Text,
	}
	if i := f.Role.SelectedIndex(); i >= 0 {
		p.Role = core.Role(core.Roles()[i])
	}
	checked := p
	errs.Add("name", checked.Normalize())
	return p, errs.Err()
}

func (f *PersonForm) validate() {
	_, err := f.Person()
	var errs field.Errors
	errs.Add("", err)
	for name, hint := range f.hints {
		var msgs []string
		for _, e := range errs {
			if e.Field == name && f.touched[name] {
				msgs = append(msgs, reason(e, f.lang))
			}
		}
		hint.SetText(strings.Join(msgs, "; "))
		if len(msgs) == 0 {
			hint.Hide()
		} else {
			hint.Show()
		}
	}
}

// The helpers below are shared by the people, custody, registrations and
// payments screens.

// fleetGrid is a read-only table whose text and emphasis come from
// functions, so tests read exactly what the user sees.
type fleetGrid struct {
	Table *widget.Table
	rows  func() int
	cell  func(row, col int) string
	style func(row, col int) widget.Importance
}

func newFleetGrid(headers []string, widths []float32, rows func() int, cell func(row, col int) string, style func(row, col int) widget.Importance) *fleetGrid {
	g := &fleetGrid{rows: rows, cell: cell, style: style}
	g.Table = widget.NewTableWithHeaders(
		func() (int, int) { return rows(), len(headers) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.Importance = g.Importance(id.Row, id.Col)
			l.Text = g.Cell(id.Row, id.Col)
			l.Refresh()
		})
	g.Table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	g.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.TextStyle.Bold = true
		if id.Row < 0 && id.Col >= 0 {
			l.SetText(headers[id.Col])
		} else {
			l.SetText("")
		}
	}
	g.Table.ShowHeaderColumn = false
	for i, w := range widths {
		g.Table.SetColumnWidth(i, w)
	}
	return g
}

// Cell is the text shown at row, col.
func (g *fleetGrid) Cell(row, col int) string {
	if row < 0 || row >= g.rows() {
		return ""
	}
	return g.cell(row, col)
}

// Importance is how the cell at row, col is emphasised (warning, danger...).
func (g *fleetGrid) Importance(row, col int) widget.Importance {
	if row < 0 || row >= g.rows() || g.style == nil {
		return widget.MediumImportance
	}
	return g.style(row, col)
}

// Rows is the number of rows shown.
func (g *fleetGrid) Rows() int { return g.rows() }

// formPopup is a modal form with an error line under it and Cancel/Save.
type formPopup struct {
	lang     string
	popup    *widget.PopUp
	save     *widget.Button
	errLabel *widget.Label
}

// Save presses the form's save button, as a user would.
func (p *formPopup) Save() { p.save.OnTapped() }

// Error is the message shown under the form after a refused save.
func (p *formPopup) Error() string { return p.errLabel.Text }

// Visible is false once the form was saved or cancelled.
func (p *formPopup) Visible() bool { return p.popup.Visible() }

func showFormPopup(env Env, title string, body fyne.CanvasObject, onSave func(*formPopup)) *formPopup {
	p := &formPopup{lang: string(env.Text.Lang), errLabel: widget.NewLabel("")}
	p.errLabel.Wrapping = fyne.TextWrapWord
	p.errLabel.Importance = widget.DangerImportance
	p.save = widget.NewButton(env.Text.T("form.save"), func() { onSave(p) })
	p.save.Importance = widget.HighImportance
	cancel := widget.NewButton(env.Text.T("form.cancel"), func() { p.popup.Hide() })
	p.popup = showFleetPopup(env, title, body, p.errLabel, container.NewHBox(cancel, p.save))
	return p
}

// fail shows a refusal in the user's language and keeps the form open.
func (p *formPopup) fail(err error) { p.errLabel.SetText(field.Localize(err, p.lang)) }

// submit runs work off the UI goroutine; on success the form closes and done
// runs, otherwise the form stays open with the refusal under it.
func (p *formPopup) submit(env Env, work func() error, done func()) {
	p.save.Disable()
	env.Run(func() func() {
		err := work()
		return func() {
			p.save.Enable()
			if err != nil {
				p.fail(err)
				return
			}
			p.errLabel.SetText("")
			p.popup.Hide()
			done()
		}
	})
}

func showFleetPopup(env Env, title string, body fyne.CanvasObject, footer ...fyne.CanvasObject) *widget.PopUp {
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d := widget.NewModalPopUp(container.NewPadded(container.NewBorder(heading, container.NewVBox(footer...), nil, nil, body)), env.Window.Canvas())
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
	return d
}

// maskedEntry is an entry for an ID or licence number that shows the masked
// value until its Show box is ticked: personal data stays hidden by default.
type maskedEntry struct {
	Entry *widget.Entry
	Show  *widget.Check
	value string
	mask  func(string) string
}

func newMaskedEntry(t Text, value string, mask func(string) string, revealed bool) *maskedEntry {
	s := &maskedEntry{Entry: widget.NewEntry(), value: value, mask: mask}
	s.Show = widget.NewCheck(t.T("people.show"), func(on bool) {
		if on {
			s.Entry.SetText(s.value)
			s.Entry.Enable()
			return
		}
		s.value = s.Entry.Text
		s.Entry.SetText(s.mask(s.value))
		s.Entry.Disable()
	})
	if revealed || value == "" {
		s.Show.Checked = true
		s.Show.Hide()
		s.Entry.Text = value
	} else {
		s.Entry.Text = mask(value)
		s.Entry.Disable()
	}
	return s
}

// Text is the real value, whether shown or masked.
func (s *maskedEntry) Text() string {
	if s.Show.Checked {
		return s.Entry.Text
	}
	return s.value
}

func (s *maskedEntry) box() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, s.Show, s.Entry)
}

// localStamp is how every fleet screen shows an instant: local time, minutes.
func localStamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// distinctLabels names select options so that two people of one name (or two
// cars with one plate of different types) stay apart.
func distinctLabels(n int, label func(int) string, id func(int) int64) []string {
	out, seen := make([]string, n), map[string]int{}
	for i := range out {
		out[i] = label(i)
		seen[out[i]]++
	}
	for i := range out {
		if seen[out[i]] > 1 {
			out[i] = fmt.Sprintf("%s #%d", out[i], id(i))
		}
	}
	return out
}

// setOptionsQuietly replaces a select's options without firing OnChanged: a reload
// is not the user's choice.
func setOptionsQuietly(sel *widget.Select, options []string, index int) {
	on := sel.OnChanged
	sel.OnChanged = nil
	sel.SetOptions(options)
	if index >= 0 && index < len(options) {
		sel.SetSelectedIndex(index)
	} else {
		sel.ClearSelected()
	}
	sel.OnChanged = on
}

// loadRoster reads every vehicle (archived too: old records name them) and
// person, which the fleet screens need to name their rows and fill pickers.
func loadRoster(ctx context.Context, fleet Fleet) ([]core.Vehicle, []core.Person, error) {
	vs, err := fleet.ListVehicles(ctx, core.VehicleFilter{IncludeArchived: true})
	if err != nil {
		return nil, nil, err
	}
	ps, err := fleet.ListPeople(ctx, core.PersonFilter{})
	return vs, ps, err
}

// rosterNames maps ids to the plate or name shown for them.
func rosterNames(vs []core.Vehicle, ps []core.Person) (plates, names map[int64]string) {
	plates, names = make(map[int64]string, len(vs)), make(map[int64]string, len(ps))
	for _, v := range vs {
		plates[v.ID] = v.Plate
	}
	for _, p := range ps {
		names[p.ID] = p.Name
	}
	return plates, names
}
