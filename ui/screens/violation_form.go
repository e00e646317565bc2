package screens

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/ident"
)

// ViolationForm is the add-violation form; exported fields let tests type into it.
type ViolationForm struct {
	Vehicle, Points, Driver                       *widget.Select
	Occurred, Place, Code, Description, Fine      *widget.Entry
	Decision, Decided, Received, Notified, Record *widget.Entry
	Warning                                       *widget.Label // warnings of the saved record
	Form                                          *widget.Form

	env      Env
	lang     string
	vehicles []core.Vehicle
	people   []core.Person
	hints    map[string]*widget.Label
	errLabel *widget.Label
	save     *widget.Button
	pop      *widget.PopUp
}

// violationWarning marks a problem shown under a field that does not stop saving.
type violationWarning struct{ error }

func (w violationWarning) Unwrap() error { return w.error }

// Save presses the form's save button, as a user would.
func (f *ViolationForm) Save() { f.save.OnTapped() }

// Error is the message shown under the form after a refused save.
func (f *ViolationForm) Error() string { return f.errLabel.Text }

// Hint is the message shown under a field as the user types ("" when fine).
func (f *ViolationForm) Hint(name string) string { return f.hints[name].Text }

// Open reports whether the form still shows (it closes once saved).
func (f *ViolationForm) Open() bool { return f.pop.Visible() }

func showViolationForm(env Env, vs []core.Vehicle, ps []core.Person, vehicleID int64, saved func(warnings string)) *ViolationForm {
	t := env.Text
	f := &ViolationForm{env: env, lang: string(t.Lang), vehicles: vs, people: ps, hints: map[string]*widget.Label{}}
	f.Vehicle = widget.NewSelect(violationVehicleLabels(vs), nil)
	for i, v := range vs {
		if v.ID == vehicleID || len(vs) == 1 {
			f.Vehicle.SetSelectedIndex(i)
		}
	}
	f.Driver = widget.NewSelect(append([]string{t.T("violation.form.no_driver")}, violationPersonLabels(ps)...), nil)
	f.Driver.SetSelectedIndex(0)
	points := make([]string, 13)
	for i := range points {
		points[i] = strconv.Itoa(i)
	}
	f.Points = widget.NewSelect(points, nil)
	f.Points.SetSelectedIndex(0)
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		return e
	}
	f.Occurred, f.Place, f.Code = entry("2026-03-01 08:30"), entry(""), entry("1625")
	f.Description, f.Fine, f.Decision = entry(""), entry("200"), entry("")
	f.Decided, f.Received, f.Notified, f.Record = entry("2026-03-05"), entry("2026-03-08"), entry("2026-03-03"), entry("")

	date := func(name string) func(string) error {
		return func(s string) error { _, err := core.ParseDate(name, s); return err }
	}
	f.Warning = widget.NewLabel("")
	f.Warning.Importance = widget.WarningImportance
	f.Warning.Wrapping = fyne.TextWrapWord
	f.Warning.Hide()
	f.Form = widget.NewForm(
		widget.NewFormItem(t.T("violation.field.plate"), f.Vehicle),
		widget.NewFormItem(t.T("violation.field.occurred"), f.checked("occurred", f.Occurred, func(s string) error {
			at, err := core.ParseLocalTime("occurred", s, time.Local)
			if err != nil {
				return err
			}
			return violationProbe("occurred", core.Violation{OccurredAt: at})
		})),
		widget.NewFormItem(t.T("violation.field.place"), f.Place),
		widget.NewFormItem(t.T("violation.field.code"), f.checked("code", f.Code, func(s string) error {
			return violationProbe("code", core.Violation{Code: s})
		})),
		widget.NewFormItem(t.T("violation.field.description"), f.Description),
		widget.NewFormItem(t.T("violation.field.fine"), f.checked("fine", f.Fine, func(s string) error {
			_, err := core.ParseYuan("fine", s)
			return err
		})),
		widget.NewFormItem(t.T("violation.field.points"), f.Points),
		widget.NewFormItem(t.T("violation.field.decision_number"), f.checked("decision_number", f.Decision, func(s string) error {
			d, err := ident.ParseDecisionNumber(s)
			if err != nil {
				return err
			}
			if w := d.Warning(); w != nil {
				return violationWarning{w}
			}
			return nil
		})),
		widget.NewFormItem(t.T("violation.field.decided"), f.checked("decided", f.Decided, date("decided"))),
		widget.NewFormItem(t.T("violation.field.received"), f.checked("received", f.Received, date("received"))),
		widget.NewFormItem(t.T("violation.field.notified"), f.checked("notified", f.Notified, date("notified"))),
		widget.NewFormItem(t.T("violation.field.record_number"), f.checked("record_number", f.Record, func(s string) error {
			_, err := ident.ParseRecordNumber(s)
			return err
		})),
		widget.NewFormItem(t.T("violation.driver"), f.Driver),
	)

	f.errLabel = widget.NewLabel("")
	f.errLabel.Wrapping = fyne.TextWrapWord
	f.errLabel.Importance = widget.DangerImportance
	f.save = widget.NewButton(t.T("violation.save"), nil)
	f.save.Importance = widget.HighImportance
	cancel := widget.NewButton(t.T("violation.cancel"), func() { f.pop.Hide() })
	f.save.OnTapped = func() {
		v, err := f.Violation()
		if err != nil {
			f.errLabel.SetText(field.Localize(err, f.lang))
			return
		}
		f.save.Disable()
		ctx := env.Ctx()
		env.Run(func() func() {
			_, warnings, err := env.Services.Tickets.AddViolation(ctx, v)
			return func() {
				f.save.Enable()
				if err != nil {
					f.errLabel.SetText(field.Localize(err, f.lang))
					return
				}
				msg := ""
				if len(warnings) > 0 {
					msg = t.T("violation.form.saved_with_warnings", field.Errors(warnings).Message(f.lang))
					f.Warning.SetText(msg)
					f.Warning.Show()
				}
				f.pop.Hide()
				saved(msg)
			}
		})
	}
	title := widget.NewLabelWithStyle(t.T("violations.add"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewBorder(title, container.NewVBox(f.errLabel, container.NewHBox(cancel, f.save)), nil, nil,
		container.NewVScroll(f.Form))
	f.pop = widget.NewModalPopUp(container.NewPadded(body), env.Window.Canvas())
	cs := env.Window.Canvas().Size()
	f.pop.Resize(fyne.NewSize(min(640, cs.Width), max(cs.Height*0.9, 300)))
	f.pop.Show()
	env.Window.Canvas().Focus(f.Occurred)
	return f
}

// checked puts a hint under e that says, as the user types, what is wrong
// with the text, in the same words the command line uses.
func (f *ViolationForm) checked(name string, e *widget.Entry, check func(string) error) fyne.CanvasObject {
	hint := widget.NewLabel("")
	hint.Wrapping = fyne.TextWrapWord
	hint.Hide()
	f.hints[name] = hint
	e.OnChanged = func(s string) {
		var err error
		if strings.TrimSpace(s) != "" {
			err = check(s)
		}
		hint.Importance = widget.DangerImportance
		if errors.As(err, new(violationWarning)) {
			hint.Importance = widget.WarningImportance
		}
		hint.SetText(reason(err, f.lang))
		violationShow(hint, err != nil)
	}
	return container.NewVBox(e, hint)
}

// violationProbe runs core's own validation on a violation holding one field
// and returns that field's problem, so the form never words a rule itself.
func violationProbe(name string, v core.Violation) error {
	var errs field.Errors
	if errors.As(v.Normalize(), &errs) {
		for _, e := range errs {
			if e.Field == name {
				return e
			}
		}
	}
	return nil
}

// Violation builds the violation from what was typed; every problem found,
// by the parsers and by core's validation, is returned at once.
func (f *ViolationForm) Violation() (core.Violation, error) {
	var errs field.Errors
	v := core.Violation{Place: f.Place.Text, Code: f.Code.Text, Description: f.Description.Text,
		DecisionNumber: f.Decision.Text, RecordNumber: f.Record.Text, Points: max(f.Points.SelectedIndex(), 0)}
	if i := f.Vehicle.SelectedIndex(); i >= 0 {
		v.VehicleID = f.vehicles[i].ID
	}
	if i := f.Driver.SelectedIndex(); i > 0 {
		id := f.people[i-1].ID
		v.DriverID = &id
	}
	var err error
	if strings.TrimSpace(f.Occurred.Text) != "" {
		v.OccurredAt, err = core.ParseLocalTime("occurred", f.Occurred.Text, time.Local)
		errs.Add("occurred", err)
	}
	v.FineFen, err = core.ParseYuan("fine", f.Fine.Text)
	errs.Add("fine", err)
	date := func(name string, e *widget.Entry) core.Date {
		if strings.TrimSpace(e.Text) == "" {
			return core.Date{}
		}
		d, err := core.ParseDate(name, e.Text)
		errs.Add(name, err)
		return d
	}
	v.DecidedOn, v.ReceivedOn, v.NotifiedOn = date("decided", f.Decided), date("received", f.Received), date("notified", f.Notified)
	probe := v
	var more field.Errors
	if errors.As(probe.Normalize(), &more) {
		for _, e := range more {
			if !violationHasField(errs, e.Field) {
				errs = append(errs, e)
			}
		}
	}
	return v, errs.Err()
}

func violationHasField(errs field.Errors, name string) bool {
	for _, e := range errs {
		if e.Field == name {
			return true
		}
	}
	return false
}
