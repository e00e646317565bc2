package screens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/ident"
	"ticketbook/core/scan"
	"ticketbook/core/share"
	"ticketbook/ui/widgets"
)

// ScanSource is one image to read: a name to show and a way to read it.
type ScanSource struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// ScanItem is one code found (or one file that failed), with the actions it offers.
type ScanItem struct {
	File    string
	Code    *scan.Code
	Err     string
	Actions map[string]*widget.Button // by action: "fill", "add_vehicle", "custody", "add_person"
}

// Scan reads codes from photos dropped, pasted or opened, shows each found
// code outlined on its image, and offers what each one can do.
type Scan struct {
	env Env

	OpenBtn, PasteBtn *widget.Button
	Status            *widget.Label
	Items             []*ScanItem
	results           *fyne.Container
	content           fyne.CanvasObject
	// OnAttach lets the shell attach a scanned photo to a violation.
	OnAttach func(src ScanSource)
}

// maxScanBytes bounds one file read into memory for scanning.
const maxScanBytes = 64 << 20

func NewScan(env Env) *Scan {
	t := env.Text
	s := &Scan{env: env}
	s.Status = widget.NewLabel(t.T("scan.hint"))
	s.Status.Wrapping = fyne.TextWrapWord
	s.OpenBtn = widget.NewButton(t.T("scan.open"), s.openDialog)
	s.OpenBtn.Importance = widget.HighImportance
	s.PasteBtn = widget.NewButton(t.T("scan.paste"), s.paste)
	s.results = container.NewVBox()
	top := container.NewBorder(nil, nil, nil, container.NewHBox(s.PasteBtn, s.OpenBtn), s.Status)
	s.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.results))
	return s
}

func (s *Scan) Content() fyne.CanvasObject { return s.content }

func (s *Scan) Refresh() {}

func (s *Scan) openDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		uri := r.URI()
		r.Close()
		s.ScanURIs([]fyne.URI{uri})
	}, s.env.Window)
	d.SetFilter(storageFilter())
	d.Show()
}

// paste reads a code's text from the clipboard (a share link sent in a chat)
// or an image file path copied from a file manager.
func (s *Scan) paste() {
	text := strings.TrimSpace(fyne.CurrentApp().Clipboard().Content())
	if text == "" {
		s.Status.SetText(s.env.Text.T("scan.paste_empty"))
		return
	}
	if u, err := storage.ParseURI(text); err == nil && u.Scheme() == "file" {
		s.ScanURIs([]fyne.URI{u})
		return
	}
	s.env.Run(func() func() {
		hosts, err := s.env.Services.Tickets.OfficialHosts(s.env.Ctx())
		kind, fields := scan.Classify(text, hosts)
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			s.results.RemoveAll()
			s.Items = nil
			s.addCode("clipboard", scan.Code{Format: "TEXT", Text: text, Kind: kind, Fields: fields})
		}
	})
}

// ScanURIs reads files (from the file dialog or dropped on the window).
func (s *Scan) ScanURIs(uris []fyne.URI) {
	var srcs []ScanSource
	for _, u := range uris {
		u := u
		srcs = append(srcs, ScanSource{Name: u.Name(), Open: func() (io.ReadCloser, error) { return storage.Reader(u) }})
	}
	s.ScanSources(srcs)
}

type scanned struct {
	src     ScanSource
	res     scan.Result
	preview image.Image
	err     error
}

// ScanSources reads every source off the UI goroutine with a progress bar
// and a Cancel button, then shows the results.
func (s *Scan) ScanSources(srcs []ScanSource) {
	if len(srcs) == 0 {
		return
	}
	var out []scanned
	widgets.RunWithProgress(s.env.Window, widgets.Runner(s.env.Run), s.env.Text.T("scan.progress"), s.env.Text.T("form.cancel"),
		func(ctx context.Context, report func(int, int)) error {
			hosts, err := s.env.Services.Tickets.OfficialHosts(ctx)
			if err != nil {
				return err
			}
			for i, src := range srcs {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				out = append(out, readOne(ctx, src, hosts))
				report(i+1, len(srcs))
			}
			return nil
		}, func(err error) {
			if err != nil && !errors.Is(err, context.Canceled) {
				s.env.Present(err)
			}
			s.show(out)
		})
}

func readOne(ctx context.Context, src ScanSource, officialHosts []string) scanned {
	r, err := src.Open()
	if err != nil {
		return scanned{src: src, err: err}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxScanBytes+1))
	r.Close()
	if err != nil {
		return scanned{src: src, err: err}
	}
	res, err := scan.Decode(ctx, bytes.NewReader(data), scan.Options{OfficialHosts: officialHosts})
	if err != nil {
		return scanned{src: src, err: err}
	}
	return scanned{src: src, res: res, preview: outlined(data, res)}
}

// outlined is a small copy of the photo with every found code drawn around,
// so the user sees which code on the page was read.
func outlined(data []byte, res scan.Result) image.Image {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := img.Bounds()
	scale := min(1, 480/float64(max(b.Dx(), b.Dy(), 1)))
	dst := image.NewRGBA(image.Rect(0, 0, max(int(float64(b.Dx())*scale), 1), max(int(float64(b.Dy())*scale), 1)))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	// Corners are in oriented image pixels; the preview ignores EXIF
	// rotation, so scale by the result's own size.
	sx := float64(dst.Bounds().Dx()) / float64(max(res.Width, 1))
	sy := float64(dst.Bounds().Dy()) / float64(max(res.Height, 1))
	red := color.RGBA{220, 30, 30, 255}
	for _, c := range res.Codes {
		for i := range c.Corners {
			a, z := c.Corners[i], c.Corners[(i+1)%len(c.Corners)]
			line(dst, a[0]*sx, a[1]*sy, z[0]*sx, z[1]*sy, red)
		}
	}
	return dst
}

func line(img *image.RGBA, x0, y0, x1, y1 float64, c color.Color) {
	steps := int(max(abs(x1-x0), abs(y1-y0))) + 1
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		x, y := int(x0+(x1-x0)*t), int(y0+(y1-y0)*t)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				img.Set(x+dx, y+dy, c)
			}
		}
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func (s *Scan) show(out []scanned) {
	t := s.env.Text
	s.results.RemoveAll()
	s.Items = nil
	found := 0
	for _, r := range out {
		title := widget.NewLabelWithStyle(r.src.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		s.results.Add(title)
		if r.err != nil {
			msg := field.Localize(r.err, string(t.Lang))
			s.Items = append(s.Items, &ScanItem{File: r.src.Name, Err: msg})
			l := widget.NewLabel(msg)
			l.Importance = widget.DangerImportance
			s.results.Add(l)
			continue
		}
		if r.preview != nil {
			img := canvas.NewImageFromImage(r.preview)
			img.FillMode = canvas.ImageFillContain
			b := r.preview.Bounds()
			img.SetMinSize(fyne.NewSize(float32(b.Dx())/1.5, float32(b.Dy())/1.5))
			row := container.NewHBox(img)
			if s.OnAttach != nil {
				src := r.src
				row.Add(container.NewVBox(widget.NewButton(t.T("scan.attach"), func() { s.OnAttach(src) })))
			}
			s.results.Add(row)
		}
		if len(r.res.Codes) == 0 {
			s.Items = append(s.Items, &ScanItem{File: r.src.Name})
			s.results.Add(widget.NewLabel(t.T("scan.none")))
		}
		for _, c := range r.res.Codes {
			found++
			s.addCode(r.src.Name, c)
		}
	}
	s.Status.SetText(t.T("scan.summary", len(out), found))
}

// addCode shows one code: its kind, its text, and the buttons for what it can do.
func (s *Scan) addCode(file string, c scan.Code) {
	t := s.env.Text
	item := &ScanItem{File: file, Code: &c, Actions: map[string]*widget.Button{}}
	s.Items = append(s.Items, item)
	kind := widget.NewLabelWithStyle(t.T("scan.kind."+c.Kind)+" · "+c.Format, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	text := widget.NewLabel(c.Text)
	text.Wrapping = fyne.TextWrapBreak
	box := container.NewVBox(kind, text)
	note := func(msg string, imp widget.Importance) {
		l := widget.NewLabel(msg)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = imp
		box.Add(l)
	}
	action := func(key, label string, fn func()) {
		b := widget.NewButton(label, fn)
		item.Actions[key] = b
		box.Add(b)
	}
	switch c.Kind {
	case scan.KindDecisionNumber:
		if w := (core.Violation{DecisionNumber: c.Text}).Warnings(); len(w) > 0 {
			note(t.Pick(w[0].En, w[0].Zh), widget.WarningImportance)
		}
		action("fill", t.T("scan.fill"), func() { s.fillDecision(c.Text) })
	case scan.KindVehicleShare, scan.KindHandoverSlip, scan.KindPersonInvite:
		p, err := share.Parse(c.Text, s.env.Now())
		if err != nil {
			note(t.T("scan.refused", field.Localize(err, string(t.Lang))), widget.DangerImportance)
			break
		}
		note(t.T("scan.signed", p.Fingerprint(), p.Expires.Local().Format("2006-01-02")), widget.LowImportance)
		switch {
		case p.Vehicle != nil:
			note(fmt.Sprintf("%s · %s", p.Vehicle.Plate, p.Vehicle.Owner), widget.MediumImportance)
			action("add_vehicle", t.T("scan.add_vehicle"), func() { s.addSharedVehicle(*p.Vehicle) })
		case p.Handover != nil:
			h := *p.Handover
			note(fmt.Sprintf("%s → %s · %s", h.Plate, h.Person, h.TimeOut.Local().Format("2006-01-02 15:04")), widget.MediumImportance)
			action("custody", t.T("scan.custody"), func() { s.recordHandover(h) })
		case p.Invite != nil:
			inv := *p.Invite
			note(inv.Name, widget.MediumImportance)
			action("add_person", t.T("scan.add_person"), func() { s.addInvited(inv) })
		}
	case scan.KindPaymentLink:
		if c.Fields["scam_warning"] == "true" {
			note(t.T("scan.scam", c.Fields["host"]), widget.DangerImportance)
		}
	case scan.KindOfficialVehicle:
		note(t.T("scan.official"), widget.LowImportance)
	}
	s.results.Add(widget.NewCard("", "", box))
}

// fillDecision writes a scanned decision number into an open violation that
// has none yet, which the user picks.
func (s *Scan) fillDecision(number string) {
	t := s.env.Text
	lang := string(t.Lang)
	s.env.Run(func() func() {
		vs, err := s.env.Services.Tickets.Assess(s.env.Ctx(), core.ViolationFilter{Statuses: core.OpenStatuses()}, s.env.Today(), lang)
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			var cands []int64
			var labels []string
			for _, v := range vs {
				if v.DecisionNumber == "" {
					cands = append(cands, v.ID)
					labels = append(labels, fmt.Sprintf("#%d %s %s %s", v.ID, v.Plate, v.OccurredAt.Local().Format("2006-01-02 15:04"), v.Place))
				}
			}
			if len(cands) == 0 {
				dialog.ShowInformation(t.T("scan.fill"), t.T("scan.fill_none"), s.env.Window)
				return
			}
			pick := widget.NewSelect(labels, nil)
			pick.SetSelectedIndex(0)
			dialog.ShowCustomConfirm(t.T("scan.fill"), t.T("form.save"), t.T("form.cancel"), pick, func(ok bool) {
				if ok {
					s.FillInto(cands[pick.SelectedIndex()], number)
				}
			}, s.env.Window)
		}
	})
}

// FillInto sets the decision number of violation id and opens it.
func (s *Scan) FillInto(id int64, number string) {
	s.env.Run(func() func() {
		_, _, err := s.env.Services.Tickets.EditViolation(s.env.Ctx(), id, func(v *core.Violation) {
			v.DecisionNumber = number
			if v.Status == core.StatusNew {
				v.Status = core.StatusDecided
			}
		})
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			s.env.Open(Target{Screen: "violations", ID: id})
		}
	})
}

// addSharedVehicle adds the car from a family member's share and, when a
// person is chosen, records their registration on it (by the owner's QR).
func (s *Scan) addSharedVehicle(v share.Vehicle) {
	t := s.env.Text
	s.env.Run(func() func() {
		people, err := s.env.Services.Fleet.ListPeople(s.env.Ctx(), core.PersonFilter{})
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			labels := []string{t.T("scan.no_registration")}
			for _, p := range people {
				labels = append(labels, p.Name)
			}
			pick := widget.NewSelect(labels, nil)
			pick.SetSelectedIndex(0)
			form := widget.NewForm(widget.NewFormItem(t.T("scan.register_who"), pick))
			dialog.ShowCustomConfirm(t.T("scan.add_vehicle"), t.T("form.save"), t.T("form.cancel"), form, func(ok bool) {
				if !ok {
					return
				}
				var who *core.Person
				if i := pick.SelectedIndex(); i > 0 {
					who = &people[i-1]
				}
				s.AddSharedVehicle(v, who)
			}, s.env.Window)
		}
	})
}

// AddSharedVehicle records the shared car, and who is registered on it.
func (s *Scan) AddSharedVehicle(v share.Vehicle, who *core.Person) {
	today := s.env.Today()
	s.env.Run(func() func() {
		ctx := s.env.Ctx()
		added, err := s.env.Services.Fleet.AddVehicle(ctx, core.Vehicle{Plate: v.Plate, PlateType: ident.PlateType(v.PlateType),
			VIN: v.VIN, Engine: v.Engine6, OwnerName: v.Owner, OwnerKind: core.OwnerFamily, VINUnchecked: true})
		if err == nil && who != nil {
			_, err = s.env.Services.Fleet.AddRegistration(ctx, core.Registration{VehicleID: added.ID, PersonID: who.ID,
				Method: core.RegQR, Applied: today})
		}
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			s.Status.SetText(s.env.Text.T("scan.vehicle_added", added.Plate))
			s.env.Open(Target{Screen: "vehicles"})
		}
	})
}

// recordHandover opens the custody from a handover slip, or closes it when
// the same person already has the car (the slip scanned back on return).
func (s *Scan) recordHandover(h share.Handover) {
	now := s.env.Now()
	s.env.Run(func() func() {
		ctx := s.env.Ctx()
		err := func() error {
			vs, err := s.env.Services.Fleet.ListVehicles(ctx, core.VehicleFilter{Search: h.Plate})
			if err != nil {
				return err
			}
			ps, err := s.env.Services.Fleet.ListPeople(ctx, core.PersonFilter{Search: h.Person})
			if err != nil {
				return err
			}
			v, p, err := exactVehiclePerson(vs, ps, h)
			if err != nil {
				return err
			}
			open, err := s.env.Services.Fleet.ListCustody(ctx, core.CustodyFilter{VehicleID: v.ID, OpenOnly: true})
			if err != nil {
				return err
			}
			if len(open) > 0 && open[0].PersonID == p.ID {
				_, err = s.env.Services.Fleet.EndCustody(ctx, v.ID, now, nil)
				return err
			}
			c := core.Custody{VehicleID: v.ID, PersonID: p.ID, From: h.TimeOut, Purpose: h.Purpose}
			if h.Odometer > 0 {
				km := int64(h.Odometer)
				c.OdometerOut = &km
			}
			_, _, err = s.env.Services.Fleet.StartCustody(ctx, c)
			return err
		}()
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			s.env.Open(Target{Screen: "custody"})
		}
	})
}

func exactVehiclePerson(vs []core.Vehicle, ps []core.Person, h share.Handover) (core.Vehicle, core.Person, error) {
	var v *core.Vehicle
	for i := range vs {
		if vs[i].Plate == h.Plate {
			v = &vs[i]
		}
	}
	if v == nil {
		return core.Vehicle{}, core.Person{}, core.NotFound("plate", "the slip's vehicle "+h.Plate+" is not recorded here; add it first",
			"交接单上的车辆 "+h.Plate+" 尚未登记，请先添加")
	}
	var match []core.Person
	for _, p := range ps {
		if p.Name == h.Person {
			match = append(match, p)
		}
	}
	if len(match) != 1 {
		return core.Vehicle{}, core.Person{}, core.NotFound("person", "the slip's person "+h.Person+" is not recorded here exactly once; add or rename them first",
			"交接单上的人员 "+h.Person+" 未登记或重名，请先添加或区分")
	}
	return *v, match[0], nil
}

func (s *Scan) addInvited(inv share.Invite) {
	s.env.Run(func() func() {
		p, err := s.env.Services.Fleet.AddPerson(s.env.Ctx(), core.Person{Name: inv.Name, Role: core.Role(inv.Role), LicenceClass: inv.LicenceClass})
		return func() {
			if err != nil {
				s.env.Present(err)
				return
			}
			s.Status.SetText(s.env.Text.T("scan.person_added", p.Name))
		}
	})
}

func storageFilter() storage.FileFilter {
	return storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"})
}
