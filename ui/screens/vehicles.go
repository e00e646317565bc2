package screens

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/ident"
)

// Vehicles lists the user's vehicles and adds new ones.
type Vehicles struct {
	env     Env
	fleet   Fleet
	text    Text
	present ErrorPresenter
	window  fyne.Window
	run     Background

	Search *widget.Entry
	Table  *widget.Table
	Status *widget.Label
	AddBtn *widget.Button
	// ShareBtn shares the selected vehicle by QR code.
	ShareBtn *widget.Button
	selected int
	rows     []core.Vehicle
	content  fyne.CanvasObject
}

func NewVehicles(env Env) *Vehicles {
	text := env.Text
	s := &Vehicles{env: env, fleet: env.Services.Fleet, text: text, window: env.Window, present: env.Present, run: env.Run}
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(text.T("vehicles.search"))
	s.Search.OnChanged = func(string) { s.Refresh() }
	s.Status = widget.NewLabel("")
	s.AddBtn = widget.NewButton(text.T("vehicles.add"), func() { s.ShowAddForm() })
	s.AddBtn.Importance = widget.HighImportance
	headers := []string{text.T("vehicles.col.plate"), text.T("vehicles.col.type"), text.T("vehicles.col.nickname"), text.T("vehicles.col.owner"), text.T("vehicles.col.use")}
	s.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.rows), len(headers) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(s.Cell(id.Row, id.Col))
		})
	s.Table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	s.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		l.TextStyle.Bold = true
		if id.Row < 0 && id.Col >= 0 {
			l.SetText(headers[id.Col])
		} else if id.Col < 0 {
			l.SetText("")
		}
	}
	s.Table.ShowHeaderColumn = false
	for i, w := range []float32{130, 150, 160, 160, 150} {
		s.Table.SetColumnWidth(i, w)
	}
	s.selected = -1
	s.Table.OnSelected = func(id widget.TableCellID) { s.selected = id.Row }
	s.ShareBtn = widget.NewButton(text.T("share.button"), func() { s.ShareSelected() })
	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.ShareBtn, s.AddBtn), s.Search)
	s.content = container.NewBorder(top, s.Status, nil, nil, s.Table)
	return s
}

func (s *Vehicles) Content() fyne.CanvasObject { return s.content }

// Cell is the text shown at row, col; tests read the table through it.
func (s *Vehicles) Cell(row, col int) string {
	if row < 0 || row >= len(s.rows) {
		return ""
	}
	v := s.rows[row]
	lang := string(s.text.Lang)
	switch col {
	case 0:
		return v.Plate
	case 1:
		return v.PlateType.Name(lang)
	case 2:
		return v.Nickname
	case 3:
		return v.OwnerName
	case 4:
		return v.Use.Name(lang)
	}
	return ""
}

// Select marks a row as chosen, as a click on it would.
func (s *Vehicles) Select(row int) { s.Table.Select(widget.TableCellID{Row: row, Col: 0}) }

// ShareSelected shows the selected vehicle's share QR code; it returns the
// payload for tests ("" when nothing is selected).
func (s *Vehicles) ShareSelected() string {
	if s.selected < 0 || s.selected >= len(s.rows) {
		dialog.ShowInformation(s.text.T("share.title"), s.text.T("share.pick"), s.window)
		return ""
	}
	payload, err := ShareVehicle(s.env, s.rows[s.selected])
	if err != nil {
		s.present(err)
	}
	return payload
}

// Rows is the number of vehicles shown.
func (s *Vehicles) Rows() int { return len(s.rows) }

// Load reads the vehicles; it does no UI work and may run on any goroutine.
func (s *Vehicles) Load(ctx context.Context, search string) ([]core.Vehicle, error) {
	return s.fleet.ListVehicles(ctx, core.VehicleFilter{Search: strings.TrimSpace(search)})
}

// Apply shows loaded vehicles; it runs on the UI goroutine.
func (s *Vehicles) Apply(vs []core.Vehicle, err error) {
	if err != nil {
		s.present(err)
		return
	}
	s.rows = vs
	s.Table.Refresh()
	if len(vs) == 0 {
		s.Status.SetText(s.text.T("vehicles.empty"))
	} else {
		s.Status.SetText(s.text.T("vehicles.count", len(vs)))
	}
}

// Refresh loads off the UI goroutine and applies the result once.
func (s *Vehicles) Refresh() {
	search := s.Search.Text
	s.run(func() func() {
		vs, err := s.Load(context.Background(), search)
		return func() { s.Apply(vs, err) }
	})
}

// VehicleForm is the add-vehicle form; exported fields let tests type into it.
type VehicleForm struct {
	Plate, VIN, Engine, Owner, Nickname *widget.Entry
	PlateType, OwnerKind, Use           *widget.Select
	PlateHint                           *widget.Label
	Form                                *widget.Form
	typeCodes                           []ident.PlateType
	text                                Text
	save                                *widget.Button
	errLabel                            *widget.Label
}

// Save presses the form's save button, as a user would.
func (f *VehicleForm) Save() { f.save.OnTapped() }

// Error is the message shown under the form after a failed save.
func (f *VehicleForm) Error() string { return f.errLabel.Text }

func newVehicleForm(text Text) *VehicleForm {
	lang := string(text.Lang)
	f := &VehicleForm{text: text}
	f.Plate = widget.NewEntry()
	f.Plate.SetPlaceHolder("粤B12345")
	f.PlateHint = widget.NewLabel("")
	f.PlateHint.Wrapping = fyne.TextWrapWord
	f.Plate.OnChanged = func(s string) { f.PlateHint.SetText(f.plateHint(s)) }
	var typeNames []string
	typeNames = append(typeNames, text.T("form.plate_type.auto"))
	f.typeCodes = append(f.typeCodes, "")
	for _, t := range ident.PlateTypes() {
		typeNames = append(typeNames, string(t)+" "+t.Name(lang))
		f.typeCodes = append(f.typeCodes, t)
	}
	f.PlateType = widget.NewSelect(typeNames, nil)
	f.PlateType.SetSelectedIndex(0)
	f.VIN = widget.NewEntry()
	f.VIN.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		_, err := ident.ParseVIN(s, false)
		return localized(err, lang)
	}
	f.Engine = widget.NewEntry()
	f.Owner = widget.NewEntry()
	f.OwnerKind = widget.NewSelect(names(core.OwnerKinds(), func(c string) string { return core.OwnerKind(c).Name(lang) }), nil)
	f.OwnerKind.SetSelectedIndex(0)
	f.Use = widget.NewSelect(names(core.VehicleUses(), func(c string) string { return core.VehicleUse(c).Name(lang) }), nil)
	f.Use.SetSelectedIndex(0)
	f.Nickname = widget.NewEntry()
	f.Form = widget.NewForm(
		widget.NewFormItem(text.T("form.plate"), container.NewVBox(f.Plate, f.PlateHint)),
		widget.NewFormItem(text.T("form.plate_type"), f.PlateType),
		widget.NewFormItem(text.T("form.nickname"), f.Nickname),
		widget.NewFormItem("VIN", f.VIN),
		widget.NewFormItem(text.T("form.engine"), f.Engine),
		widget.NewFormItem(text.T("form.owner"), f.Owner),
		widget.NewFormItem(text.T("form.owner_kind"), f.OwnerKind),
		widget.NewFormItem(text.T("form.use"), f.Use),
	)
	return f
}

// plateHint shows the normalised plate as the user types, or what is wrong.
func (f *VehicleForm) plateHint(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	p, err := ident.ParsePlate(s)
	if err != nil {
		return reason(err, string(f.text.Lang))
	}
	return f.text.T("form.plate.normalized", p.Text, p.DefaultType().Name(string(f.text.Lang)))
}

// Vehicle builds the vehicle from what was typed.
func (f *VehicleForm) Vehicle() core.Vehicle {
	v := core.Vehicle{
		Plate: f.Plate.Text, VIN: f.VIN.Text, Engine: f.Engine.Text,
		OwnerName: f.Owner.Text, Nickname: f.Nickname.Text,
	}
	if i := f.PlateType.SelectedIndex(); i > 0 {
		v.PlateType = f.typeCodes[i]
	}
	if i := f.OwnerKind.SelectedIndex(); i >= 0 {
		v.OwnerKind = core.OwnerKind(core.OwnerKinds()[i])
	}
	if i := f.Use.SelectedIndex(); i >= 0 {
		v.Use = core.VehicleUse(core.VehicleUses()[i])
	}
	return v
}

// ShowAddForm opens the add-vehicle dialog.
func (s *Vehicles) ShowAddForm() *VehicleForm {
	f := newVehicleForm(s.text)
	errLabel := widget.NewLabel("")
	errLabel.Wrapping = fyne.TextWrapWord
	errLabel.Importance = widget.DangerImportance
	var d *widget.PopUp
	save := widget.NewButton(s.text.T("form.save"), nil)
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(s.text.T("form.cancel"), func() { d.Hide() })
	save.OnTapped = func() {
		v := f.Vehicle()
		save.Disable()
		s.run(func() func() {
			_, err := s.fleet.AddVehicle(context.Background(), v)
			return func() {
				save.Enable()
				if err != nil {
					errLabel.SetText(field.Localize(err, string(s.text.Lang)))
					return
				}
				d.Hide()
				s.Refresh()
			}
		})
	}
	title := widget.NewLabelWithStyle(s.text.T("vehicles.add"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewBorder(title, container.NewVBox(errLabel, container.NewHBox(cancel, save)), nil, nil, f.Form)
	d = widget.NewModalPopUp(container.NewPadded(body), s.window.Canvas())
	d.Resize(fyne.NewSize(560, d.MinSize().Height))
	d.Show()
	s.window.Canvas().Focus(f.Plate)
	f.save = save
	f.errLabel = errLabel
	return f
}

func names(codes []string, name func(string) string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = name(c)
	}
	return out
}

// localized turns a field problem into an error whose text is in lang, for
// Fyne's entry validation message.
func localized(err error, lang string) error {
	if err == nil {
		return nil
	}
	return localizedError{field.Localize(err, lang)}
}

type localizedError struct{ msg string }

// reason is the sentence of a field problem without the field's name, for
// showing right under that field.
func reason(err error, lang string) string {
	var fe *field.Error
	if errors.As(err, &fe) {
		if strings.HasPrefix(lang, "zh") {
			return fe.Zh
		}
		return fe.En
	}
	return field.Localize(err, lang)
}

func (e localizedError) Error() string { return e.msg }
