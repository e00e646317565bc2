package screens

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/i18n"
	"ticketbook/core/rules"
)

// Registrations lists non-owner registrations (备案非本人机动车). Places are
// scarce (3 per person, 3 per vehicle), so the ones nobody needs any more
// are flagged for cancelling.
type Registrations struct {
	*fleetGrid
	env       Env
	AddBtn    *widget.Button
	CancelBtn *widget.Button
	Status    *widget.Label
	// Detail explains the selected row's reminder in full.
	Detail    *widget.Label
	data      RegistrationData
	reminders map[int64]rules.CancelReminder
	plates    map[int64]string
	names     map[int64]string
	selected  int
	content   fyne.CanvasObject
}

// RegistrationData is one load of the screen.
type RegistrationData struct {
	Vehicles  []core.Vehicle
	People    []core.Person
	Rows      []core.Registration // newest application first
	Reminders []rules.CancelReminder
}

func NewRegistrations(env Env) *Registrations {
	t := env.Text
	s := &Registrations{env: env, selected: -1}
	s.AddBtn = widget.NewButton(t.T("registrations.add"), func() { s.NewRegistration() })
	s.AddBtn.Importance = widget.HighImportance
	s.CancelBtn = widget.NewButton(t.T("registrations.cancel"), func() { s.CancelRegistration(s.selected) })
	s.CancelBtn.Disable()
	s.Status = widget.NewLabel("")
	s.Detail = widget.NewLabel("")
	s.Detail.Wrapping = fyne.TextWrapWord
	s.Detail.Importance = widget.WarningImportance
	s.fleetGrid = newFleetGrid(
		[]string{"#", t.T("registrations.col.vehicle"), t.T("registrations.col.person"), t.T("registrations.col.method"), t.T("registrations.col.status"),
			t.T("registrations.col.applied"), t.T("registrations.col.approved"), t.T("registrations.col.cancelled"), t.T("registrations.col.reminder")},
		[]float32{50, 110, 100, 120, 130, 110, 110, 110, 230},
		func() int { return len(s.data.Rows) }, s.cell, s.style)
	s.Table.OnSelected = func(id widget.TableCellID) {
		s.selected = id.Row
		s.Detail.SetText(s.reminderText(id.Row))
		if s.data.Rows[id.Row].Active() {
			s.CancelBtn.Enable()
		} else {
			s.CancelBtn.Disable()
		}
	}
	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.CancelBtn, s.AddBtn))
	s.content = container.NewBorder(top, container.NewVBox(s.Detail, s.Status), nil, nil, s.Table)
	return s
}

func (s *Registrations) Content() fyne.CanvasObject { return s.content }

func (s *Registrations) cell(row, col int) string {
	r := s.data.Rows[row]
	lang := string(s.env.Text.Lang)
	switch col {
	case 0:
		return strconv.FormatInt(r.ID, 10)
	case 1:
		return s.plates[r.VehicleID]
	case 2:
		return s.names[r.PersonID]
	case 3:
		return r.Method.Name(lang)
	case 4:
		return r.Status.Name(lang)
	case 5:
		return r.Applied.String()
	case 6:
		return r.Approved.String()
	case 7:
		return r.Cancelled.String()
	case 8:
		return s.Reminder(row)
	}
	return ""
}

func (s *Registrations) style(row, col int) widget.Importance {
	if s.Reminder(row) != "" && (col == 8 || col == 4) {
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// Reminder is the short "cancel now" note of a row, empty when the
// registration is still needed.
func (s *Registrations) Reminder(row int) string {
	if row < 0 || row >= len(s.data.Rows) {
		return ""
	}
	if _, ok := s.reminders[s.data.Rows[row].ID]; ok {
		return s.env.Text.T("registrations.cancel_now")
	}
	return ""
}

func (s *Registrations) reminderText(row int) string {
	if r, ok := s.reminders[s.data.Rows[row].ID]; ok {
		return s.env.Text.Pick(r.En, r.Zh)
	}
	return ""
}

// Load reads the registrations and which of them can go; it does no UI work.
func (s *Registrations) Load(ctx context.Context) (RegistrationData, error) {
	var d RegistrationData
	fleet := s.env.Services.Fleet
	var err error
	if d.Vehicles, d.People, err = loadRoster(ctx, fleet); err != nil {
		return d, err
	}
	if d.Rows, err = fleet.ListRegistrations(ctx, core.RegistrationFilter{}); err != nil {
		return d, err
	}
	d.Reminders, err = fleet.CancelReminders(ctx, d.Rows)
	return d, err
}

// Apply shows a load; it runs on the UI goroutine.
func (s *Registrations) Apply(d RegistrationData, err error) {
	if err != nil {
		s.env.Present(err)
		return
	}
	s.data = d
	s.plates, s.names = rosterNames(d.Vehicles, d.People)
	s.reminders = map[int64]rules.CancelReminder{}
	for _, r := range d.Reminders {
		s.reminders[r.RegistrationID] = r
	}
	s.selected = -1
	s.Table.UnselectAll()
	s.CancelBtn.Disable()
	s.Detail.SetText("")
	s.Table.Refresh()
	t := s.env.Text
	switch {
	case len(d.Rows) == 0:
		s.Status.SetText(t.T("registrations.empty"))
	case len(d.Reminders) > 0:
		s.Status.SetText(t.T("registrations.count_reminders", len(d.Rows), len(d.Reminders)))
	default:
		s.Status.SetText(t.T("registrations.count", len(d.Rows)))
	}
}

func (s *Registrations) Refresh() {
	s.env.Run(func() func() {
		d, err := s.Load(s.env.Ctx())
		return func() { s.Apply(d, err) }
	})
}

// RegistrationForm applies for a registration; Hint warns before saving when
// it would take the last place of the person or of the vehicle.
type RegistrationForm struct {
	*formPopup
	Vehicle, Person, Method *widget.Select
	Applied, Approved       *widget.Entry
	Hint                    *widget.Label
}

// NewRegistration opens the add-registration form.
func (s *Registrations) NewRegistration() *RegistrationForm {
	t := s.env.Text
	lang := string(t.Lang)
	var vehicles []core.Vehicle
	for _, v := range s.data.Vehicles {
		if !v.Archived {
			vehicles = append(vehicles, v)
		}
	}
	people, existing := s.data.People, s.data.Rows
	f := &RegistrationForm{
		Vehicle:  widget.NewSelect(vehicleLabels(vehicles), nil),
		Person:   widget.NewSelect(personLabels(people), nil),
		Method:   widget.NewSelect(names(core.RegMethods(), func(c string) string { return core.RegMethod(c).Name(lang) }), nil),
		Applied:  widget.NewEntry(),
		Approved: widget.NewEntry(),
		Hint:     widget.NewLabel(""),
	}
	f.Method.SetSelectedIndex(0)
	f.Applied.SetText(s.env.Today().String())
	f.Approved.SetPlaceHolder(t.T("registrations.approved_optional"))
	f.Hint.Wrapping = fyne.TextWrapWord
	f.Hint.Importance = widget.WarningImportance
	today := s.env.Today()
	hint := func(string) {
		vi, pi := f.Vehicle.SelectedIndex(), f.Person.SelectedIndex()
		var vehicleID, personID int64
		if vi >= 0 {
			vehicleID = vehicles[vi].ID
		}
		if pi >= 0 {
			personID = people[pi].ID
		}
		f.Hint.SetText(quotaHints(t, existing, vehicleID, personID, today))
	}
	f.Vehicle.OnChanged, f.Person.OnChanged = hint, hint
	form := widget.NewForm(
		widget.NewFormItem(t.T("registrations.col.vehicle"), f.Vehicle),
		widget.NewFormItem(t.T("registrations.col.person"), f.Person),
		widget.NewFormItem(t.T("registrations.col.method"), f.Method),
		widget.NewFormItem(t.T("registrations.col.applied"), f.Applied),
		widget.NewFormItem(t.T("registrations.col.approved"), f.Approved),
	)
	f.formPopup = showFormPopup(s.env, t.T("registrations.add"), container.NewVBox(form, f.Hint), func(p *formPopup) {
		var errs field.Errors
		r := core.Registration{Method: core.RegMethod(core.RegMethods()[max(f.Method.SelectedIndex(), 0)])}
		if i := f.Vehicle.SelectedIndex(); i >= 0 {
			r.VehicleID = vehicles[i].ID
		}
		if i := f.Person.SelectedIndex(); i >= 0 {
			r.PersonID = people[i].ID
		}
		var err error
		r.Applied, err = core.ParseDate("applied", f.Applied.Text)
		errs.Add("applied", err)
		if strings.TrimSpace(f.Approved.Text) != "" {
			r.Approved, err = core.ParseDate("approved", f.Approved.Text)
			errs.Add("approved", err)
		}
		if errs.Err() != nil {
			p.fail(errs)
			return
		}
		p.submit(s.env, func() error {
			_, err := s.env.Services.Fleet.AddRegistration(s.env.Ctx(), r)
			return err
		}, s.Refresh)
	})
	return f
}

// quotaHints warns, before anything is sent, when this registration would
// take the last place the person or the vehicle has, or when none is left
// (the service then refuses with the full reason).
func quotaHints(t Text, regs []core.Registration, vehicleID, personID int64, on core.Date) string {
	table := rules.Default()
	vehicles, people := map[int64]bool{}, map[int64]bool{}
	for _, r := range regs {
		if !r.Active() {
			continue
		}
		if personID != 0 && r.PersonID == personID && r.VehicleID != vehicleID {
			vehicles[r.VehicleID] = true
		}
		if vehicleID != 0 && r.VehicleID == vehicleID && r.PersonID != personID {
			people[r.PersonID] = true
		}
	}
	var out []string
	hint := func(n int, rule, key string) {
		limit := int(table.MustValue(rule, "", on))
		switch {
		case n >= limit:
			out = append(out, t.T(key+".full", n, limit))
		case n+1 == limit:
			out = append(out, t.T(key+".last", ordinal(t.Lang, n+1), limit))
		}
	}
	if personID != 0 {
		hint(len(vehicles), rules.KeyRegMaxVehiclesPerPerson, "registrations.hint.person")
	}
	if vehicleID != 0 {
		hint(len(people), rules.KeyRegMaxRegistrantsPerVehicle, "registrations.hint.vehicle")
	}
	return strings.Join(out, "\n")
}

// ordinal is "3rd" in English; Chinese puts 第 in the sentence itself.
func ordinal(lang i18n.Lang, n int) string {
	s := strconv.Itoa(n)
	if lang == i18n.ZH {
		return s
	}
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return s + "th"
	case n%10 == 1:
		return s + "st"
	case n%10 == 2:
		return s + "nd"
	case n%10 == 3:
		return s + "rd"
	}
	return s + "th"
}

// CancelForm cancels a registration on a day.
type CancelForm struct {
	*formPopup
	On *widget.Entry
}

// CancelRegistration opens the cancel form of an active row; nil otherwise.
func (s *Registrations) CancelRegistration(row int) *CancelForm {
	if row < 0 || row >= len(s.data.Rows) || !s.data.Rows[row].Active() {
		return nil
	}
	t := s.env.Text
	r := s.data.Rows[row]
	f := &CancelForm{On: widget.NewEntry()}
	f.On.SetText(s.env.Today().String())
	body := container.NewVBox(widget.NewForm(widget.NewFormItem(t.T("registrations.col.cancelled"), f.On)))
	if text := s.reminderText(row); text != "" {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		body.Add(l)
	}
	title := t.T("registrations.cancel.title", s.plates[r.VehicleID], s.names[r.PersonID])
	f.formPopup = showFormPopup(s.env, title, body, func(p *formPopup) {
		on, err := core.ParseDate("cancelled", f.On.Text)
		if err != nil {
			p.fail(err)
			return
		}
		p.submit(s.env, func() error {
			_, err := s.env.Services.Fleet.CancelRegistration(s.env.Ctx(), r.ID, on)
			return err
		}, s.Refresh)
	})
	return f
}
