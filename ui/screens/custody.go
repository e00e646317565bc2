package screens

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
)

// Custody is the log of who had which vehicle when. It is how a ticket finds
// the person who was really driving, so gaps and overlaps are shown as they
// are and never smoothed over.
type Custody struct {
	*fleetGrid
	env Env
	// Vehicle filters the list; choosing one also shows its timeline.
	Vehicle     *widget.Select
	OnlyOut     *widget.Check
	CheckOutBtn *widget.Button
	CheckInBtn  *widget.Button
	Status      *widget.Label
	// Notice holds the overlap warnings of the last check-out.
	Notice   *widget.Label
	Timeline *fyne.Container
	data     CustodyData
	choices  []core.Vehicle // the filter's, archived ones too: their history still matters
	plates   map[int64]string
	names    map[int64]string
	filter   int64
	selected int
	content  fyne.CanvasObject
}

// CustodyData is one load of the screen.
type CustodyData struct {
	Vehicles []core.Vehicle // archived ones too, so old periods keep their plate
	People   []core.Person
	Rows     []core.Custody // what the filter keeps, newest first
	Periods  []core.Custody // every period of the chosen vehicle, for its timeline
}

func NewCustody(env Env) *Custody {
	t := env.Text
	s := &Custody{env: env, selected: -1}
	s.Vehicle = widget.NewSelect([]string{t.T("custody.all_vehicles")}, nil)
	s.Vehicle.SetSelectedIndex(0)
	s.Vehicle.OnChanged = func(string) {
		s.filter = 0
		if i := s.Vehicle.SelectedIndex(); i > 0 {
			s.filter = s.choices[i-1].ID
		}
		s.Refresh()
	}
	s.OnlyOut = widget.NewCheck(t.T("custody.only_out"), func(bool) { s.Refresh() })
	s.CheckOutBtn = widget.NewButton(t.T("custody.check_out"), func() { s.CheckOut() })
	s.CheckOutBtn.Importance = widget.HighImportance
	s.CheckInBtn = widget.NewButton(t.T("custody.check_in"), func() { s.CheckIn(s.selected) })
	s.CheckInBtn.Disable()
	s.Status = widget.NewLabel("")
	s.Notice = widget.NewLabel("")
	s.Notice.Wrapping = fyne.TextWrapWord
	s.Notice.Importance = widget.WarningImportance
	s.Timeline = container.NewVBox()
	s.fleetGrid = newFleetGrid(
		[]string{"#", t.T("custody.col.vehicle"), t.T("custody.col.person"), t.T("custody.col.from"), t.T("custody.col.to"), t.T("custody.col.km_out"), t.T("custody.col.km_in"), t.T("custody.col.purpose")},
		[]float32{50, 110, 100, 140, 140, 80, 80, 160},
		func() int { return len(s.data.Rows) }, s.cell, s.style)
	s.Table.OnSelected = func(id widget.TableCellID) {
		s.selected = id.Row
		if s.open(id.Row) {
			s.CheckInBtn.Enable()
		} else {
			s.CheckInBtn.Disable()
		}
	}
	filters := container.NewHBox(container.NewGridWrap(fyne.NewSize(220, s.Vehicle.MinSize().Height), s.Vehicle), s.OnlyOut)
	top := container.NewBorder(nil, nil, filters, container.NewHBox(s.CheckInBtn, s.CheckOutBtn))
	split := container.NewHSplit(s.Table, container.NewVScroll(s.Timeline))
	split.Offset = 0.65
	s.content = container.NewBorder(top, container.NewVBox(s.Notice, s.Status), nil, nil, split)
	return s
}

func (s *Custody) Content() fyne.CanvasObject { return s.content }

func (s *Custody) open(row int) bool {
	return row >= 0 && row < len(s.data.Rows) && s.data.Rows[row].To == nil
}

func (s *Custody) cell(row, col int) string {
	c := s.data.Rows[row]
	switch col {
	case 0:
		return strconv.FormatInt(c.ID, 10)
	case 1:
		return s.plates[c.VehicleID]
	case 2:
		return s.names[c.PersonID]
	case 3:
		return localStamp(&c.From)
	case 4:
		if c.To == nil {
			return s.env.Text.T("custody.still_out")
		}
		return localStamp(c.To)
	case 5:
		return km(c.OdometerOut)
	case 6:
		return km(c.OdometerIn)
	case 7:
		return c.Purpose
	}
	return ""
}

func (s *Custody) style(row, col int) widget.Importance {
	if col == 4 && s.open(row) {
		return widget.HighImportance
	}
	return widget.MediumImportance
}

func km(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

// Load reads what the screen shows; it does no UI work.
func (s *Custody) Load(ctx context.Context, f core.CustodyFilter) (CustodyData, error) {
	var d CustodyData
	fleet := s.env.Services.Fleet
	var err error
	if d.Vehicles, d.People, err = loadRoster(ctx, fleet); err != nil {
		return d, err
	}
	if d.Rows, err = fleet.ListCustody(ctx, f); err != nil {
		return d, err
	}
	switch {
	case f.VehicleID == 0:
	case f.OpenOnly:
		d.Periods, err = fleet.ListCustody(ctx, core.CustodyFilter{VehicleID: f.VehicleID})
	default:
		d.Periods = d.Rows
	}
	return d, err
}

// Apply shows a load; it runs on the UI goroutine.
func (s *Custody) Apply(d CustodyData, err error) {
	if err != nil {
		s.env.Present(err)
		return
	}
	s.data = d
	s.plates, s.names = rosterNames(d.Vehicles, d.People)
	s.choices = d.Vehicles
	options := append([]string{s.env.Text.T("custody.all_vehicles")}, vehicleLabels(s.choices)...)
	chosen := slices.IndexFunc(s.choices, func(v core.Vehicle) bool { return v.ID == s.filter }) + 1
	setOptionsQuietly(s.Vehicle, options, chosen)
	s.selected = -1
	s.Table.UnselectAll()
	s.CheckInBtn.Disable()
	s.Table.Refresh()
	if len(d.Rows) == 0 {
		s.Status.SetText(s.env.Text.T("custody.empty"))
	} else {
		s.Status.SetText(s.env.Text.T("custody.count", len(d.Rows)))
	}
	s.showTimeline()
}

func (s *Custody) Refresh() {
	f := core.CustodyFilter{VehicleID: s.filter, OpenOnly: s.OnlyOut.Checked}
	s.env.Run(func() func() {
		d, err := s.Load(s.env.Ctx(), f)
		return func() { s.Apply(d, err) }
	})
}

// SelectVehicle filters the list to one vehicle (0 for all) and shows its timeline.
func (s *Custody) SelectVehicle(id int64) {
	s.filter = id
	s.Refresh()
}

// timelineEntry is one custody period in time order, with the time nobody
// had the car before it and the periods it shares time with.
type timelineEntry struct {
	core.Custody
	gap      time.Duration
	overlaps []int64
}

func custodyTimeline(periods []core.Custody) []timelineEntry {
	ps := append([]core.Custody(nil), periods...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].From.Before(ps[j].From) })
	out := make([]timelineEntry, len(ps))
	var end *time.Time // latest end so far; nil once a period is still open
	for i, c := range ps {
		out[i].Custody = c
		if i > 0 && end != nil && c.From.After(*end) {
			out[i].gap = c.From.Sub(*end)
		}
		for j, o := range ps {
			if j != i && c.Overlaps(o) {
				out[i].overlaps = append(out[i].overlaps, o.ID)
			}
		}
		switch {
		case c.To == nil:
			end = nil
		case i == 0 || (end != nil && c.To.After(*end)):
			end = c.To
		}
	}
	return out
}

func (s *Custody) showTimeline() {
	t := s.env.Text
	var objs []fyne.CanvasObject
	if s.filter == 0 {
		hint := widget.NewLabel(t.T("custody.timeline.pick"))
		hint.Wrapping = fyne.TextWrapWord
		hint.Importance = widget.LowImportance
		objs = append(objs, hint)
	}
	for _, e := range custodyTimeline(s.data.Periods) {
		if e.gap > 0 {
			gap := widget.NewLabel(t.T("custody.gap", s.span(e.gap)))
			gap.Importance = widget.LowImportance
			objs = append(objs, gap)
		}
		to := t.T("custody.still_out")
		if e.To != nil {
			to = localStamp(e.To)
		}
		lines := container.NewVBox()
		if e.OdometerOut != nil || e.OdometerIn != nil {
			lines.Add(widget.NewLabel(t.T("custody.km_line", dash(km(e.OdometerOut)), dash(km(e.OdometerIn)))))
		}
		if e.Purpose != "" {
			lines.Add(widget.NewLabel(e.Purpose))
		}
		for _, id := range e.overlaps {
			l := widget.NewLabel(t.T("custody.overlaps", id))
			l.Importance = widget.WarningImportance
			lines.Add(l)
		}
		objs = append(objs, widget.NewCard(t.T("custody.period", e.ID, s.names[e.PersonID]), localStamp(&e.From)+" → "+to, lines))
	}
	s.Timeline.Objects = objs
	s.Timeline.Refresh()
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// span is a duration as a person reads it: "2 days 3 h", "45 min".
func (s *Custody) span(d time.Duration) string {
	t := s.env.Text
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	switch {
	case days == 1:
		parts = append(parts, t.T("custody.span.day"))
	case days > 1:
		parts = append(parts, t.T("custody.span.days", days))
	}
	if hours > 0 {
		parts = append(parts, t.T("custody.span.hours", hours))
	}
	if mins > 0 || len(parts) == 0 {
		parts = append(parts, t.T("custody.span.minutes", mins))
	}
	return strings.Join(parts, " ")
}

// TimelineText is every line of the timeline, top to bottom.
func (s *Custody) TimelineText() []string {
	var out []string
	for _, o := range s.Timeline.Objects {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Card:
			out = append(out, w.Title, w.Subtitle)
			for _, l := range w.Content.(*fyne.Container).Objects {
				out = append(out, l.(*widget.Label).Text)
			}
		}
	}
	return out
}

// CheckOutForm records that a person takes a vehicle.
type CheckOutForm struct {
	*formPopup
	Vehicle, Person         *widget.Select
	From, Odometer, Purpose *widget.Entry
}

// CheckOut opens the check-out form, on the filtered vehicle if there is one.
func (s *Custody) CheckOut() *CheckOutForm {
	t := s.env.Text
	var vehicles []core.Vehicle
	for _, v := range s.data.Vehicles {
		if !v.Archived {
			vehicles = append(vehicles, v)
		}
	}
	people := s.data.People
	f := &CheckOutForm{
		Vehicle:  widget.NewSelect(vehicleLabels(vehicles), nil),
		Person:   widget.NewSelect(personLabels(people), nil),
		From:     widget.NewEntry(),
		Odometer: widget.NewEntry(),
		Purpose:  widget.NewEntry(),
	}
	if i := slices.IndexFunc(vehicles, func(v core.Vehicle) bool { return v.ID == s.filter }); i >= 0 {
		f.Vehicle.SetSelectedIndex(i)
	}
	f.From.SetText(s.env.Now().Local().Format("2006-01-02 15:04"))
	f.Odometer.SetPlaceHolder("42100")
	form := widget.NewForm(
		widget.NewFormItem(t.T("custody.col.vehicle"), f.Vehicle),
		widget.NewFormItem(t.T("custody.col.person"), f.Person),
		widget.NewFormItem(t.T("custody.col.from"), f.From),
		widget.NewFormItem(t.T("custody.col.km_out"), f.Odometer),
		widget.NewFormItem(t.T("custody.col.purpose"), f.Purpose),
	)
	f.formPopup = showFormPopup(s.env, t.T("custody.check_out"), form, func(p *formPopup) {
		var errs field.Errors
		c := core.Custody{Purpose: f.Purpose.Text}
		if i := f.Vehicle.SelectedIndex(); i >= 0 {
			c.VehicleID = vehicles[i].ID
		}
		if i := f.Person.SelectedIndex(); i >= 0 {
			c.PersonID = people[i].ID
		}
		var err error
		c.From, err = core.ParseLocalTime("from", f.From.Text, time.Local)
		errs.Add("from", err)
		c.OdometerOut, err = parseKm("odometer", f.Odometer.Text)
		errs.Add("odometer", err)
		if errs.Err() != nil {
			p.fail(errs)
			return
		}
		var warnings []*field.Error
		p.submit(s.env, func() error {
			var err error
			_, warnings, err = s.env.Services.Fleet.StartCustody(s.env.Ctx(), c)
			return err
		}, func() {
			s.Notice.SetText(field.Localize(field.Errors(warnings).Err(), string(t.Lang)))
			s.Refresh()
		})
	})
	return f
}

// CheckInForm records that the vehicle came back.
type CheckInForm struct {
	*formPopup
	At, Odometer *widget.Entry
}

// CheckIn opens the check-in form of an open row; nil when the row is not out.
func (s *Custody) CheckIn(row int) *CheckInForm {
	if !s.open(row) {
		return nil
	}
	t := s.env.Text
	c := s.data.Rows[row]
	f := &CheckInForm{At: widget.NewEntry(), Odometer: widget.NewEntry()}
	f.At.SetText(s.env.Now().Local().Format("2006-01-02 15:04"))
	if c.OdometerOut != nil {
		f.Odometer.SetPlaceHolder(km(c.OdometerOut))
	}
	form := widget.NewForm(
		widget.NewFormItem(t.T("custody.col.to"), f.At),
		widget.NewFormItem(t.T("custody.col.km_in"), f.Odometer),
	)
	title := t.T("custody.check_in.title", s.plates[c.VehicleID], s.names[c.PersonID])
	f.formPopup = showFormPopup(s.env, title, form, func(p *formPopup) {
		var errs field.Errors
		at, err := core.ParseLocalTime("to", f.At.Text, time.Local)
		errs.Add("to", err)
		odo, err := parseKm("odometer_in", f.Odometer.Text)
		errs.Add("odometer_in", err)
		if errs.Err() != nil {
			p.fail(errs)
			return
		}
		p.submit(s.env, func() error {
			_, err := s.env.Services.Fleet.EndCustody(s.env.Ctx(), c.VehicleID, at, odo)
			return err
		}, func() {
			s.Notice.SetText("")
			s.Refresh()
		})
	})
	return f
}

// parseKm reads an optional odometer reading with the CLI's bounds and words.
func parseKm(name, s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 10_000_000 {
		return nil, field.New(name, "number_range", "must be a whole number from 0 to 10000000", "应为 0 到 10000000 之间的整数")
	}
	return &n, nil
}

func vehicleLabels(vs []core.Vehicle) []string {
	return distinctLabels(len(vs), func(i int) string {
		if vs[i].Nickname != "" {
			return vs[i].Plate + " " + vs[i].Nickname
		}
		return vs[i].Plate
	}, func(i int) int64 { return vs[i].ID })
}

func personLabels(ps []core.Person) []string {
	return distinctLabels(len(ps), func(i int) string { return ps[i].Name }, func(i int) int64 { return ps[i].ID })
}
