package screens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // photos come as JPEG, PNG or GIF from phones and screenshots
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/tickets"
)

// violationMaxPixels refuses decoding images that would take gigabytes of
// memory (a small file can claim a huge size).
const violationMaxPixels = 60_000_000

// violationFacts are the violation's own fields, in the order shown.
var violationFacts = []string{"plate", "occurred", "place", "code", "description", "fine", "points", "status",
	"decision_number", "record_number", "source", "decided", "received", "notified", "extended_until",
	"appealed", "appeal_decided", "provider_late_fee", "notes", "created"}

// ViolationDetail is one violation: what the rules say about it, its fields,
// photos and history, and the actions a user takes on it.
type ViolationDetail struct {
	env  Env
	text Text
	lang string
	ID   int64
	// A is the violation as last loaded and assessed.
	A tickets.Assessed

	Title                                        *widget.Label
	TotalDue, LateFee, Due, Online, Next, Points *widget.Label
	Driver                                       *widget.Label
	History                                      *widget.Label
	BackBtn, ConfirmBtn, AssignBtn, AppealBtn    *widget.Button
	UpheldBtn, RejectedBtn, PayBtn, PhotoBtn     *widget.Button
	ChargeBtn                                    *widget.Button
	Photos                                       *fyne.Container
	// Online actions: queued in the outbox and sent by the next sync.
	PayOnlineBtn, ConfirmOnlineBtn, AppealOnlineBtn *widget.Button
	// Pending lists this violation's outbox entries not done yet;
	// PaymentRows its payments with their state.
	Pending, PaymentRows *widget.Label
	// Outbox and Payments are as last loaded.
	Outbox   []core.OutboxItem
	Payments []tickets.PaymentView

	Action *ViolationAction // the dialog last opened
	Zoom   *PhotoZoom       // the photo view last opened

	facts   map[string]*widget.Label
	people  []core.Person
	images  map[string]image.Image // decoded once per hash, on the background side
	content fyne.CanvasObject
}

func newViolationDetail(env Env, id int64, back func()) *ViolationDetail {
	t := env.Text
	d := &ViolationDetail{env: env, text: t, lang: string(t.Lang), ID: id, facts: map[string]*widget.Label{}, images: map[string]image.Image{}}
	label := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	d.Title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.TotalDue, d.LateFee, d.Due, d.Online, d.Next, d.Points, d.Driver, d.History =
		label(), label(), label(), label(), label(), label(), label(), label()
	d.TotalDue.TextStyle.Bold = true
	d.Next.Importance = widget.HighImportance

	d.BackBtn = widget.NewButton(t.T("violation.back"), back)
	d.ConfirmBtn = widget.NewButton("", d.ConfirmDriver)
	d.ConfirmBtn.Importance = widget.HighImportance
	d.AssignBtn = widget.NewButton(t.T("violation.assign"), func() { d.AssignDriver() })
	d.AppealBtn = widget.NewButton(t.T("violation.appeal"), func() { d.RecordAppeal() })
	d.UpheldBtn = widget.NewButton(t.T("violation.appeal.upheld"), func() { d.RecordOutcome(true) })
	d.RejectedBtn = widget.NewButton(t.T("violation.appeal.rejected"), func() { d.RecordOutcome(false) })
	d.PayBtn = widget.NewButton(t.T("violation.pay"), func() { d.RecordPayment() })
	d.PhotoBtn = widget.NewButton(t.T("violation.photo.add"), d.choosePhoto)
	d.ChargeBtn = widget.NewButton(t.T("violation.charge"), func() { d.ChargeBack() })
	d.Photos = container.NewHBox()
	d.PayOnlineBtn = widget.NewButton(t.T("violation.pay_online"), func() { d.PayOnline() })
	d.ConfirmOnlineBtn = widget.NewButton(t.T("violation.confirm_online"), func() { d.ConfirmOnline() })
	d.AppealOnlineBtn = widget.NewButton(t.T("violation.appeal_online"), func() { d.AppealOnline() })
	d.Pending, d.PaymentRows = label(), label()
	d.Pending.Importance = widget.WarningImportance

	factGrid := container.New(layout.NewFormLayout())
	for _, name := range violationFacts {
		v := widget.NewLabel("")
		v.Wrapping = fyne.TextWrapWord
		d.facts[name] = v
		factGrid.Add(widget.NewLabelWithStyle(d.fieldLabel(name), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		factGrid.Add(v)
	}
	heading := func(key string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	verdict := container.NewVBox(d.TotalDue, d.LateFee, d.Due, d.Online, d.Next, d.Points,
		container.NewBorder(nil, nil, nil, d.ConfirmBtn, d.Driver))
	actions := container.NewHBox(d.AssignBtn, d.AppealBtn, d.UpheldBtn, d.RejectedBtn, d.PayBtn, d.PhotoBtn, d.ChargeBtn)
	online := container.NewHBox(widget.NewLabel(t.T("violation.online_actions")), d.PayOnlineBtn, d.ConfirmOnlineBtn, d.AppealOnlineBtn)
	body := container.NewVBox(widget.NewCard("", t.T("violation.verdict"), verdict), actions, online, d.Pending,
		heading("violation.payments"), d.PaymentRows,
		heading("violation.details"), factGrid,
		heading("violation.photos"), container.NewHScroll(d.Photos),
		heading("violation.history"), d.History)
	d.content = container.NewBorder(container.NewBorder(nil, nil, d.BackBtn, nil, d.Title), nil, nil, nil, container.NewVScroll(body))
	return d
}

func (d *ViolationDetail) Content() fyne.CanvasObject { return d.content }

// fieldLabel names a field: our own wording where we have one, else the
// label core uses in its messages.
func (d *ViolationDetail) fieldLabel(name string) string {
	if key := "violation.field." + name; d.text.Catalog.Has(d.text.Lang, key) {
		return d.text.T(key)
	}
	return field.Label(name, d.lang)
}

// ViolationDetailData is what the page shows, loaded off the UI goroutine.
type ViolationDetailData struct {
	Assessed tickets.Assessed
	History  []core.Change
	People   []core.Person
	Outbox   []core.OutboxItem
	Payments []tickets.PaymentView
}

func (d *ViolationDetail) Load(ctx context.Context) (ViolationDetailData, error) {
	var out ViolationDetailData
	var err error
	if out.Assessed, err = d.env.Services.Tickets.AssessOne(ctx, d.ID, d.env.Today(), d.lang); err != nil {
		return out, err
	}
	if out.History, err = d.env.Services.Tickets.History(ctx, d.ID); err != nil {
		return out, err
	}
	if out.People, err = d.env.Services.Fleet.ListPeople(ctx, core.PersonFilter{}); err != nil {
		return out, err
	}
	if out.Outbox, err = d.env.Services.Tickets.Outbox(ctx, core.OutboxFilter{ViolationID: d.ID,
		States: []core.OutboxState{core.OutboxQueued, core.OutboxSending, core.OutboxUnknown, core.OutboxFailed}}); err != nil {
		return out, err
	}
	out.Payments, err = d.env.Services.Tickets.Payments(ctx, core.PaymentFilter{ViolationID: d.ID})
	return out, err
}

// Reload reads the violation again and then loads any photo not yet shown.
func (d *ViolationDetail) Reload() {
	ctx := d.env.Ctx()
	d.env.Run(func() func() {
		data, err := d.Load(ctx)
		return func() {
			if err != nil {
				d.env.Present(err)
				return
			}
			d.Apply(data)
			d.loadPhotos()
		}
	})
}

func (d *ViolationDetail) Apply(data ViolationDetailData) {
	a, t := data.Assessed, d.text
	d.A, d.people = a, data.People
	when := a.OccurredAt.Local().Format(violationTimeLayout)
	d.Title.SetText(t.T("violation.title", a.Plate, when, a.Place))

	d.TotalDue.SetText(t.T("violation.total_due", a.TotalDueFen.Yuan()))
	d.LateFee.SetText(d.lateFeeText(a))
	d.Due.SetText(d.dueText(a))
	online := t.T("violation.online.ok")
	if !a.OnlineOK {
		lines := []string{t.T("violation.online.blocked")}
		for _, b := range a.BlockerDetails {
			lines = append(lines, "• "+b.Message)
		}
		if a.Instead != "" {
			lines = append(lines, a.Instead)
		}
		online = strings.Join(lines, "\n")
	}
	d.Online.SetText(online)
	if !a.Status.Open() {
		d.TotalDue.SetText(t.T("violation.closed", a.Status.Name(d.lang)))
		d.Online.SetText("")
	}
	d.Next.SetText(t.T("violation.next", a.NextActionText))
	d.Points.SetText(d.pointsText(a))
	d.applyDriver(a)

	open, appealed := a.Status.Open(), a.Status == core.StatusAppealed
	violationShow(d.UpheldBtn, appealed)
	violationShow(d.RejectedBtn, appealed)
	violationEnable(d.AppealBtn, open && !appealed)
	violationEnable(d.PayBtn, open)
	waiting := map[core.OutboxKind]bool{}
	for _, it := range data.Outbox {
		waiting[it.Kind] = waiting[it.Kind] || it.State.Pending()
	}
	// A second online payment while one waits would be refused by the
	// provider at best; the pending one is shown instead.
	violationEnable(d.PayOnlineBtn, open && !appealed && !waiting[core.OutboxPay])
	violationEnable(d.ConfirmOnlineBtn, a.Status == core.StatusNew && a.RecordNumber != "")
	violationEnable(d.AppealOnlineBtn, open && !appealed && a.RecordNumber != "")
	d.Outbox, d.Payments = data.Outbox, data.Payments
	d.Pending.SetText(d.pendingText(data.Outbox))
	violationShow(d.Pending, len(data.Outbox) > 0)
	d.PaymentRows.SetText(d.paymentsText(data.Payments))

	facts := map[string]string{
		"plate": a.Plate, "occurred": when, "place": a.Place, "code": a.Code, "description": a.Description,
		"fine": t.T("violation.yuan", a.FineFen.Yuan()), "points": fmt.Sprint(a.Points), "status": a.Status.Name(d.lang),
		"decision_number": a.DecisionNumber, "record_number": a.RecordNumber, "source": a.Source.Name(d.lang),
		"decided": a.DecidedOn.String(), "received": a.ReceivedOn.String(), "notified": a.NotifiedOn.String(),
		"extended_until": a.ExtendedUntil.String(), "appealed": a.AppealedOn.String(),
		"appeal_decided": a.AppealDecidedOn.String(), "notes": a.Notes,
		"created": a.CreatedAt.Local().Format(violationTimeLayout),
	}
	if a.ProviderLateFeeFen != nil {
		facts["provider_late_fee"] = t.T("violation.provider_fee", a.ProviderLateFeeFen.Yuan(), a.ProviderLateFeeOn.String())
	}
	for name, l := range d.facts {
		l.SetText(violationDash(facts[name]))
	}
	d.History.SetText(d.historyText(data.History))
	d.showPhotos()
}

// pendingText is one line per outbox entry of this violation:
// "pay: queued — waiting for sync".
func (d *ViolationDetail) pendingText(items []core.OutboxItem) string {
	lines := make([]string, 0, len(items))
	for _, it := range items {
		kind := it.Kind.Name(d.lang)
		if it.State == core.OutboxFailed {
			lines = append(lines, d.text.T("violation.pending.failed", kind, violationDash(it.LastError)))
			continue
		}
		lines = append(lines, d.text.T("violation.pending.row", kind, it.State.Name(d.lang)))
	}
	return strings.Join(lines, "\n")
}

// paymentsText lists the payments with their state (queued, submitted,
// reply lost, confirmed, failed).
func (d *ViolationDetail) paymentsText(ps []tickets.PaymentView) string {
	lines := make([]string, 0, len(ps))
	for _, p := range ps {
		line := d.text.T("violation.payment.row", p.TotalFen().Yuan(), p.Method.Name(d.lang), p.State.Name(d.lang))
		if p.PaidAt != nil {
			line += " · " + p.PaidAt.Local().Format(violationTimeLayout)
		}
		if p.ReceiptNumber != "" {
			line += " · " + p.ReceiptNumber
		}
		lines = append(lines, line)
	}
	return violationDash(strings.Join(lines, "\n"))
}

func (d *ViolationDetail) lateFeeText(a tickets.Assessed) string {
	t := d.text
	var s string
	switch {
	case a.LateFeeFromProvider:
		s = t.T("violation.late_fee.provider", a.LateFeeFen.Yuan())
	case a.LateFeeFen > 0:
		s = t.T("violation.late_fee.estimate", a.LateFeeFen.Yuan(), a.DaysLate)
	default:
		s = t.T("violation.late_fee.none")
	}
	if a.LateFeeFrozen {
		s += " " + t.T("violation.late_fee.frozen")
	}
	return s
}

func (d *ViolationDetail) dueText(a tickets.Assessed) string {
	t := d.text
	days := func(n int) string {
		switch {
		case n > 0:
			return t.T("violation.days_left", n)
		case n == 0:
			return t.T("violation.days_today")
		}
		return t.T("violation.days_late", -n)
	}
	switch {
	case !a.Status.Open():
		return ""
	case a.DaysLeft != nil:
		s := t.T("violation.pay_by", a.DueOn.String(), days(*a.DaysLeft))
		if a.DeliveryAssumed {
			s += " " + t.T("violation.delivery_assumed")
		}
		return s
	case !a.HandlingDeadline.IsZero():
		return t.T("violation.handle_by", a.HandlingDeadline.String(), days(a.AsOf.DaysUntil(a.HandlingDeadline)))
	}
	return t.T("violation.no_deadline")
}

func (d *ViolationDetail) pointsText(a tickets.Assessed) string {
	// A driver only suggested by custody is not in anyone's standing yet, so
	// a projection for them would leave this ticket's points out.
	if a.PointsAfter == nil || a.DriverMatch == "matched" {
		if a.Points > 0 && a.Status.Open() {
			return d.text.T("violation.points.unknown", a.Points)
		}
		return ""
	}
	s := d.text.T("violation.points.after", a.Points, *a.PointsAfter)
	if a.PointsLevel == "warn" || a.PointsLevel == "limit" {
		s += " " + d.text.T("violation.points."+a.PointsLevel)
	}
	return s
}

func (d *ViolationDetail) applyDriver(a tickets.Assessed) {
	t := d.text
	d.ConfirmBtn.Hide()
	switch {
	case a.DriverMatch == "matched" && a.SuggestedDriver != nil:
		d.Driver.SetText(t.T("violation.driver.suggested", *a.SuggestedDriver))
		d.ConfirmBtn.SetText(t.T("violation.driver.confirm", *a.SuggestedDriver))
		d.ConfirmBtn.Show()
	case a.DriverID != nil:
		p := d.person(*a.DriverID)
		s := t.T("violation.driver.is", p.Name)
		if id := p.MaskedIDNumber(); id != "" {
			s += " · " + id
		}
		d.Driver.SetText(s)
	case len(a.Candidates) > 0:
		d.Driver.SetText(t.T("violation.driver.overlap", strings.Join(a.Candidates, t.T("violation.list_sep"))))
	default:
		d.Driver.SetText(t.T("violation.driver.none"))
	}
}

func (d *ViolationDetail) person(id int64) core.Person {
	for _, p := range d.people {
		if p.ID == id {
			return p
		}
	}
	return core.Person{ID: id, Name: fmt.Sprintf("#%d", id)}
}

func (d *ViolationDetail) historyText(changes []core.Change) string {
	lines := make([]string, 0, len(changes))
	for i := len(changes) - 1; i >= 0; i-- { // newest first: what just happened is on top
		c := changes[i]
		old, cur := d.historyValue(c.Field, c.Old), d.historyValue(c.Field, c.New)
		line := c.At.Local().Format(violationTimeLayout) + "  " + d.fieldLabel(c.Field) + ": "
		if c.Old == "" {
			line += cur
		} else {
			line += old + " → " + cur
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// historyValue shows a stored value as the user knows it: names for driver
// ids, status names, local times.
func (d *ViolationDetail) historyValue(name, v string) string {
	if v == "" {
		return "—"
	}
	switch name {
	case "driver":
		var id int64
		if _, err := fmt.Sscan(v, &id); err == nil {
			return d.person(id).Name
		}
	case "status", "created":
		return core.ViolationStatus(v).Name(d.lang)
	case "occurred":
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t.Local().Format(violationTimeLayout)
		}
	}
	return v
}

func violationDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func violationShow(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

func violationEnable(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// act runs one service call on this violation and reloads the page.
func (d *ViolationDetail) act(do func(ctx context.Context) error) {
	ctx := d.env.Ctx()
	d.env.Run(func() func() {
		err := do(ctx)
		return func() {
			if err != nil {
				d.env.Present(err)
			}
			d.Reload()
		}
	})
}

// ConfirmDriver makes the driver suggested by custody the assigned one.
func (d *ViolationDetail) ConfirmDriver() {
	if d.A.SuggestedDriverID == nil {
		return
	}
	pid := *d.A.SuggestedDriverID
	d.act(func(ctx context.Context) error {
		_, err := d.env.Services.Tickets.AssignDriver(ctx, d.ID, &pid)
		return err
	})
}

// AssignDriver asks who was driving.
func (d *ViolationDetail) AssignDriver() *ViolationAction {
	people := d.people
	a := &ViolationAction{Person: widget.NewSelect(violationPersonLabels(people), nil)}
	for i, p := range people {
		if d.A.DriverID != nil && p.ID == *d.A.DriverID {
			a.Person.SetSelectedIndex(i)
		}
	}
	return d.dialog(a, "violation.assign.title", []*widget.FormItem{widget.NewFormItem(d.text.T("violation.driver"), a.Person)},
		func() (func(context.Context) error, error) {
			i := a.Person.SelectedIndex()
			if i < 0 {
				return nil, errors.New(d.text.T("violations.no_people"))
			}
			pid := people[i].ID
			return func(ctx context.Context) error {
				_, err := d.env.Services.Tickets.AssignDriver(ctx, d.ID, &pid)
				return err
			}, nil
		})
}

// ChargeBack asks who the fine is recovered from and, optionally, when it
// was; choosing nobody clears it.
func (d *ViolationDetail) ChargeBack() *ViolationAction {
	people := d.people
	labels := append([]string{d.text.T("violation.charge.nobody")}, violationPersonLabels(people)...)
	a := &ViolationAction{Person: widget.NewSelect(labels, nil), Date: widget.NewEntry()}
	a.Person.SetSelectedIndex(0)
	for i, p := range people {
		if d.A.ChargeBackTo != nil && p.ID == *d.A.ChargeBackTo {
			a.Person.SetSelectedIndex(i + 1)
		}
	}
	a.Date.SetText(d.A.RecoveredOn.String())
	a.Date.SetPlaceHolder("2026-03-20")
	return d.dialog(a, "violation.charge.title", []*widget.FormItem{
		widget.NewFormItem(d.text.T("violation.charge.to"), a.Person),
		widget.NewFormItem(d.text.T("violation.charge.recovered"), a.Date),
	}, func() (func(context.Context) error, error) {
		var pid *int64
		if i := a.Person.SelectedIndex(); i > 0 {
			pid = &people[i-1].ID
		}
		var on core.Date
		if strings.TrimSpace(a.Date.Text) != "" {
			var err error
			if on, err = core.ParseDate("recovered", a.Date.Text); err != nil {
				return nil, err
			}
		}
		return func(ctx context.Context) error {
			if _, err := d.env.Services.Tickets.ChargeBack(ctx, d.ID, pid); err != nil || pid == nil {
				return err
			}
			_, err := d.env.Services.Tickets.MarkRecovered(ctx, d.ID, on)
			return err
		}, nil
	})
}

// RecordAppeal asks for the appeal date and reason; the late fee stops from that day.
func (d *ViolationDetail) RecordAppeal() *ViolationAction {
	a := &ViolationAction{Date: widget.NewEntry(), Reason: widget.NewMultiLineEntry()}
	a.Date.SetText(d.env.Today().String())
	return d.dialog(a, "violation.appeal.title", []*widget.FormItem{
		widget.NewFormItem(d.text.T("violation.appeal.date"), a.Date),
		widget.NewFormItem(d.text.T("violation.appeal.reason"), a.Reason),
	}, func() (func(context.Context) error, error) {
		on, err := core.ParseDate("appealed", a.Date.Text)
		if err != nil {
			return nil, err
		}
		reason := a.Reason.Text
		return func(ctx context.Context) error {
			_, err := d.env.Services.Tickets.RecordAppeal(ctx, d.ID, on, reason)
			return err
		}, nil
	})
}

// RecordOutcome closes the pending appeal as upheld or rejected.
func (d *ViolationDetail) RecordOutcome(upheld bool) *ViolationAction {
	a := &ViolationAction{Date: widget.NewEntry()}
	a.Date.SetText(d.env.Today().String())
	title := "violation.appeal.rejected"
	if upheld {
		title = "violation.appeal.upheld"
	}
	return d.dialog(a, title, []*widget.FormItem{widget.NewFormItem(d.text.T("violation.appeal.outcome_date"), a.Date)},
		func() (func(context.Context) error, error) {
			on, err := core.ParseDate("appeal_decided", a.Date.Text)
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context) error {
				_, err := d.env.Services.Tickets.RecordAppealOutcome(ctx, d.ID, upheld, on)
				return err
			}, nil
		})
}

// RecordPayment asks how and when the fine was paid, with the amounts the
// rules expect filled in.
func (d *ViolationDetail) RecordPayment() *ViolationAction {
	a := &ViolationAction{Method: violationMethodSelect(d.lang), PaidAt: widget.NewEntry(), Receipt: widget.NewEntry(),
		Fine: widget.NewEntry(), LateFee: widget.NewEntry()}
	a.PaidAt.SetText(d.env.Now().Local().Format(violationTimeLayout))
	a.Fine.SetText(d.A.FineFen.Yuan())
	a.LateFee.SetText(d.A.LateFeeFen.Yuan())
	return d.dialog(a, "violation.pay.title", []*widget.FormItem{
		widget.NewFormItem(d.text.T("violation.pay.method"), a.Method),
		widget.NewFormItem(d.text.T("violation.pay.paid_at"), a.PaidAt),
		widget.NewFormItem(d.text.T("violation.pay.receipt"), a.Receipt),
		widget.NewFormItem(d.text.T("violation.pay.fine"), a.Fine),
		widget.NewFormItem(d.text.T("violation.pay.late_fee"), a.LateFee),
	}, func() (func(context.Context) error, error) {
		p := core.Payment{ViolationID: d.ID, Method: core.PayMethod(core.PayMethods()[a.Method.SelectedIndex()]),
			ReceiptNumber: strings.TrimSpace(a.Receipt.Text), IdempotencyKey: core.NewIdempotencyKey(), State: core.PayConfirmed}
		var errs field.Errors
		paidAt, err := core.ParseLocalTime("paid_at", a.PaidAt.Text, time.Local)
		errs.Add("paid_at", err)
		p.PaidAt = &paidAt
		p.FineFen, err = core.ParseYuan("fine_part", a.Fine.Text)
		errs.Add("fine_part", err)
		p.LateFeeFen, err = core.ParseYuan("late_fee", a.LateFee.Text)
		errs.Add("late_fee", err)
		if err := errs.Err(); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			_, err := d.env.Services.Tickets.RecordPayment(ctx, p)
			return err
		}, nil
	})
}

// PayOnline queues an online payment of the amount due by the chosen
// method; it is sent by the next sync.
func (d *ViolationDetail) PayOnline() *ViolationAction {
	methods := core.OnlinePayMethods()
	a := &ViolationAction{Method: widget.NewSelect(names(methodCodes(methods), func(c string) string { return core.PayMethod(c).Name(d.lang) }), nil)}
	a.Method.SetSelectedIndex(0)
	note := widget.NewLabel(d.text.T("violation.pay_online.note", d.A.TotalDueFen.Yuan()))
	note.Wrapping = fyne.TextWrapWord
	return d.onlineDialog(a, "violation.pay_online.title", []*widget.FormItem{
		widget.NewFormItem(d.text.T("violation.pay_online.method"), a.Method),
		widget.NewFormItem("", note),
	}, func() (func(context.Context) error, error) {
		m := methods[max(a.Method.SelectedIndex(), 0)]
		return func(ctx context.Context) error {
			_, err := d.env.Services.Tickets.Pay(ctx, d.ID, m, d.lang)
			return err
		}, nil
	})
}

func methodCodes(ms []core.PayMethod) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

// ConfirmOnline takes the record on a driver's licence: only people with a
// licence file number can be chosen.
func (d *ViolationDetail) ConfirmOnline() *ViolationAction {
	var drivers []core.Person
	for _, p := range d.people {
		if strings.TrimSpace(p.LicenceFile) != "" {
			drivers = append(drivers, p)
		}
	}
	a := &ViolationAction{Person: widget.NewSelect(violationPersonLabels(drivers), nil)}
	for i, p := range drivers {
		if (d.A.DriverID != nil && p.ID == *d.A.DriverID) || (d.A.DriverID == nil && d.A.SuggestedDriverID != nil && p.ID == *d.A.SuggestedDriverID) {
			a.Person.SetSelectedIndex(i)
		}
	}
	if len(drivers) > 0 && a.Person.SelectedIndex() < 0 {
		a.Person.SetSelectedIndex(0)
	}
	note := widget.NewLabel(d.text.T("violation.confirm_online.note"))
	note.Wrapping = fyne.TextWrapWord
	return d.onlineDialog(a, "violation.confirm_online.title", []*widget.FormItem{
		widget.NewFormItem(d.text.T("violation.driver"), a.Person),
		widget.NewFormItem("", note),
	}, func() (func(context.Context) error, error) {
		i := a.Person.SelectedIndex()
		if i < 0 {
			return nil, errors.New(d.text.T("violation.confirm_online.nobody"))
		}
		pid := drivers[i].ID
		return func(ctx context.Context) error {
			_, err := d.env.Services.Tickets.Confirm(ctx, d.ID, pid)
			return err
		}, nil
	})
}

// AppealOnline files an appeal with the provider: a reason and, if any,
// evidence files (read off the UI goroutine).
func (d *ViolationDetail) AppealOnline() *ViolationAction {
	a := &ViolationAction{Reason: widget.NewMultiLineEntry(), Evidence: widget.NewLabel(d.text.T("violation.appeal_online.none"))}
	a.Evidence.Wrapping = fyne.TextWrapWord
	a.AddFile = widget.NewButton(d.text.T("violation.appeal_online.add"), func() { d.chooseEvidence(a) })
	return d.onlineDialog(a, "violation.appeal_online.title", []*widget.FormItem{
		widget.NewFormItem(d.text.T("violation.appeal.reason"), a.Reason),
		widget.NewFormItem(d.text.T("violation.appeal_online.evidence"), container.NewBorder(nil, nil, nil, a.AddFile, a.Evidence)),
	}, func() (func(context.Context) error, error) {
		reason, files := a.Reason.Text, append([]tickets.Evidence(nil), a.Files...)
		return func(ctx context.Context) error {
			_, err := d.env.Services.Photos.Appeal(ctx, d.ID, reason, files)
			return err
		}, nil
	})
}

// AddEvidence adds a file to an online appeal's dialog.
func (a *ViolationAction) AddEvidence(name string, data []byte) {
	a.Files = append(a.Files, tickets.Evidence{Name: name, Data: data})
	names := make([]string, len(a.Files))
	for i, f := range a.Files {
		names[i] = fmt.Sprintf("%s (%d KB)", f.Name, (len(f.Data)+1023)/1024)
	}
	a.Evidence.SetText(strings.Join(names, "\n"))
}

func (d *ViolationDetail) chooseEvidence(a *ViolationAction) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			d.env.Present(err)
			return
		}
		if r == nil {
			return
		}
		name := r.URI().Name()
		d.env.Run(func() func() {
			defer r.Close()
			data, err := io.ReadAll(io.LimitReader(r, tickets.MaxEvidenceBytes+1))
			return func() {
				if err != nil {
					d.env.Present(err)
					return
				}
				a.AddEvidence(name, data)
			}
		})
	}, d.env.Window)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".gif", ".pdf", ".webp", ".bmp"}))
	fd.Show()
}

// onlineDialog is dialog for an action queued for the provider: the shell
// hears of the new outbox entry (footer, Today).
func (d *ViolationDetail) onlineDialog(a *ViolationAction, titleKey string, items []*widget.FormItem, read func() (func(context.Context) error, error)) *ViolationAction {
	d.dialog(a, titleKey, items, read)
	a.done = d.env.syncChanged
	return a
}

// dialog opens an action dialog whose work is one service call; success
// closes it and reloads the page, a refusal stays in the dialog.
func (d *ViolationDetail) dialog(a *ViolationAction, titleKey string, items []*widget.FormItem, read func() (func(context.Context) error, error)) *ViolationAction {
	ctx := d.env.Ctx()
	a.show(d.env, d.text.T(titleKey), items, func() (func() error, error) {
		do, err := read()
		if err != nil {
			return nil, err
		}
		return func() error { return do(ctx) }, nil
	}, func() {
		d.Reload()
		if a.done != nil {
			a.done()
		}
	})
	d.Action = a
	return a
}

func (d *ViolationDetail) choosePhoto() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			d.env.Present(err)
			return
		}
		if r != nil {
			d.AttachPhoto(r.URI().Name(), r)
		}
	}, d.env.Window)
	// Only what the page can decode with the standard library; the service
	// would take WebP and BMP too, but they could not be shown.
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".gif"}))
	fd.Show()
}

// AttachPhoto reads a photo (closing r) and attaches it to the violation.
func (d *ViolationDetail) AttachPhoto(name string, r io.ReadCloser) {
	d.act(func(ctx context.Context) error {
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, tickets.MaxPhotoBytes+1))
		if err != nil {
			return err
		}
		// An oversized file is cut at the limit, so the service sees too many
		// bytes and refuses it with its own message.
		_, err = d.env.Services.Photos.Attach(ctx, d.ID, name, data)
		return err
	})
}

// loadPhotos decodes the photos not yet decoded, off the UI goroutine.
func (d *ViolationDetail) loadPhotos() {
	var missing []string
	for _, h := range d.A.Photos {
		if _, ok := d.images[h]; !ok {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return
	}
	photos := d.env.Services.Photos
	d.env.Run(func() func() {
		decoded := map[string]image.Image{}
		failed := 0
		for _, h := range missing {
			img, err := violationDecodePhoto(photos, h)
			if err != nil {
				failed++
				continue
			}
			decoded[h] = img
		}
		return func() {
			for h, img := range decoded {
				d.images[h] = img
			}
			if failed > 0 {
				d.env.Present(errors.New(d.text.T("violation.photo.unreadable", failed)))
			}
			d.showPhotos()
		}
	})
}

func violationDecodePhoto(photos Photos, hash string) (image.Image, error) {
	r, err := photos.Open(hash)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, tickets.MaxPhotoBytes+1))
	if err != nil {
		return nil, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if cfg.Width*cfg.Height > violationMaxPixels {
		return nil, fmt.Errorf("photo %s: %dx%d pixels is too large to decode", hash, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}

// showPhotos lays out the decoded photos as thumbnails.
func (d *ViolationDetail) showPhotos() {
	d.Photos.RemoveAll()
	for i, h := range d.A.Photos {
		img, ok := d.images[h]
		if !ok {
			continue
		}
		thumb := canvas.NewImageFromImage(img)
		thumb.FillMode = canvas.ImageFillContain
		thumb.SetMinSize(fyne.NewSize(160, 120))
		// The image draws over a flat button, which takes the tap.
		d.Photos.Add(container.NewStack(widget.NewButton("", func() { d.OpenPhoto(i) }), thumb))
	}
	if len(d.A.Photos) == 0 {
		d.Photos.Add(widget.NewLabel(d.text.T("violation.photos.none")))
	}
	d.Photos.Refresh()
}

// OpenPhoto shows photo i in a zoomable view.
func (d *ViolationDetail) OpenPhoto(i int) *PhotoZoom {
	if i < 0 || i >= len(d.A.Photos) {
		return nil
	}
	img, ok := d.images[d.A.Photos[i]]
	if !ok {
		return nil
	}
	d.Zoom = newPhotoZoom(d.env, img)
	return d.Zoom
}

// PhotoZoom is a photo at a zoom factor in a scroll view.
type PhotoZoom struct {
	Image               *canvas.Image
	Scroll              *container.Scroll
	Factor              float32
	In, Out, Fit, Close *widget.Button
	natural             fyne.Size
	pop                 *widget.PopUp
}

func newPhotoZoom(env Env, img image.Image) *PhotoZoom {
	b := img.Bounds()
	z := &PhotoZoom{Image: canvas.NewImageFromImage(img), natural: fyne.NewSize(float32(b.Dx()), float32(b.Dy()))}
	z.Image.FillMode = canvas.ImageFillContain
	z.Scroll = container.NewScroll(container.NewCenter(z.Image))
	z.In = widget.NewButton("+", func() { z.SetZoom(z.Factor * 1.25) })
	z.Out = widget.NewButton("−", func() { z.SetZoom(z.Factor / 1.25) })
	z.Fit = widget.NewButton(env.Text.T("violation.photo.fit"), z.FitToView)
	z.Close = widget.NewButton(env.Text.T("violation.close"), func() { z.pop.Hide() })
	bar := container.NewHBox(z.Out, z.In, z.Fit, layout.NewSpacer(), z.Close)
	z.pop = widget.NewModalPopUp(container.NewBorder(bar, nil, nil, nil, z.Scroll), env.Window.Canvas())
	cs := env.Window.Canvas().Size()
	z.pop.Resize(fyne.NewSize(cs.Width*0.9, cs.Height*0.9))
	z.pop.Show()
	z.FitToView()
	return z
}

// SetZoom shows the photo at f times its pixel size.
func (z *PhotoZoom) SetZoom(f float32) {
	z.Factor = min(max(f, 0.05), 8)
	z.Image.SetMinSize(fyne.NewSize(z.natural.Width*z.Factor, z.natural.Height*z.Factor))
	z.Scroll.Refresh()
}

// FitToView zooms so the whole photo shows.
func (z *PhotoZoom) FitToView() {
	view := z.Scroll.Size()
	if view.Width <= 0 || view.Height <= 0 || z.natural.Width <= 0 || z.natural.Height <= 0 {
		z.SetZoom(1)
		return
	}
	z.SetZoom(min(view.Width/z.natural.Width, view.Height/z.natural.Height))
}
