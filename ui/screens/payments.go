package screens

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/tickets"
)

// paymentStates are the states a payment can be filtered by, in the order it
// moves through them.
var paymentStates = []core.PayState{core.PayQueued, core.PaySubmitted, core.PayConfirmed, core.PayFailed, core.PayUnknown}

// Payments lists payments and their receipts. Only confirmed money is
// totalled: a queued or unknown payment may never have left the account.
type Payments struct {
	*fleetGrid
	env     Env
	State   *widget.Select // "all states" or one
	Status  *widget.Label
	Totals  *widget.Label
	rows    []tickets.PaymentView
	content fyne.CanvasObject
}

func NewPayments(env Env) *Payments {
	t := env.Text
	lang := string(t.Lang)
	s := &Payments{env: env}
	options := []string{t.T("payments.all_states")}
	for _, st := range paymentStates {
		options = append(options, st.Name(lang))
	}
	s.State = widget.NewSelect(options, nil)
	s.State.SetSelectedIndex(0)
	s.State.OnChanged = func(string) { s.Refresh() }
	s.Status = widget.NewLabel("")
	s.Totals = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	s.fleetGrid = newFleetGrid(
		[]string{t.T("payments.col.paid_at"), t.T("payments.col.plate"), t.T("payments.col.decision"), t.T("payments.col.fine"), t.T("payments.col.late_fee"),
			t.T("payments.col.total"), t.T("payments.col.method"), t.T("payments.col.state"), t.T("payments.col.receipt")},
		[]float32{140, 110, 170, 90, 90, 90, 110, 110, 150},
		func() int { return len(s.rows) }, s.cell, s.style)
	s.Table.OnSelected = func(id widget.TableCellID) {
		s.Table.UnselectAll()
		s.ShowReceipt(id.Row)
	}
	top := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(200, s.State.MinSize().Height), s.State), nil)
	s.content = container.NewBorder(top, container.NewBorder(nil, nil, s.Status, s.Totals), nil, nil, s.Table)
	return s
}

func (s *Payments) Content() fyne.CanvasObject { return s.content }

func (s *Payments) cell(row, col int) string {
	p := s.rows[row]
	lang := string(s.env.Text.Lang)
	switch col {
	case 0:
		return localStamp(p.PaidAt)
	case 1:
		return p.Plate
	case 2:
		return p.DecisionNumber
	case 3:
		return p.FineFen.Yuan()
	case 4:
		return p.LateFeeFen.Yuan()
	case 5:
		return p.TotalFen().Yuan()
	case 6:
		return p.Method.Name(lang)
	case 7:
		return p.State.Name(lang)
	case 8:
		return p.ReceiptNumber
	}
	return ""
}

func (s *Payments) style(row, col int) widget.Importance {
	if col != 7 {
		return widget.MediumImportance
	}
	switch s.rows[row].State {
	case core.PayConfirmed:
		return widget.SuccessImportance
	case core.PayFailed:
		return widget.DangerImportance
	case core.PayUnknown:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// Load reads the payments; it does no UI work.
func (s *Payments) Load(ctx context.Context, f core.PaymentFilter) ([]tickets.PaymentView, error) {
	return s.env.Services.Tickets.Payments(ctx, f)
}

// Apply shows loaded payments and the confirmed totals; it runs on the UI goroutine.
func (s *Payments) Apply(rows []tickets.PaymentView, err error) {
	if err != nil {
		s.env.Present(err)
		return
	}
	t := s.env.Text
	s.rows = rows
	s.Table.Refresh()
	var fine, late core.Fen
	confirmed := 0
	for _, p := range rows {
		if p.State == core.PayConfirmed {
			fine, late, confirmed = fine+p.FineFen, late+p.LateFeeFen, confirmed+1
		}
	}
	s.Totals.SetText(t.T("payments.totals", confirmed, fine.Yuan(), late.Yuan(), (fine + late).Yuan()))
	if len(rows) == 0 {
		s.Status.SetText(t.T("payments.empty"))
	} else {
		s.Status.SetText(t.T("payments.count", len(rows)))
	}
}

func (s *Payments) Refresh() {
	var f core.PaymentFilter
	if i := s.State.SelectedIndex(); i > 0 {
		f.States = []core.PayState{paymentStates[i-1]}
	}
	s.env.Run(func() func() {
		rows, err := s.Load(s.env.Ctx(), f)
		return func() { s.Apply(rows, err) }
	})
}

// Receipt shows every field of one payment.
type Receipt struct {
	Form          *widget.Form
	ReceiptNumber *widget.Label
	Copy          *widget.Button
	OpenViolation *widget.Button
	Close         *widget.Button
	popup         *widget.PopUp
}

// Visible is false once the receipt was closed.
func (r *Receipt) Visible() bool { return r.popup.Visible() }

// ShowReceipt opens the receipt of a row; nil for no such row.
func (s *Payments) ShowReceipt(row int) *Receipt {
	if row < 0 || row >= len(s.rows) {
		return nil
	}
	t := s.env.Text
	p := s.rows[row]
	lang := string(t.Lang)
	r := &Receipt{Form: widget.NewForm(), ReceiptNumber: widget.NewLabel(p.ReceiptNumber)}
	// Selectable so the number can be picked out by hand too, for a bank's web form.
	r.ReceiptNumber.Selectable = true
	add := func(key, value string) { r.Form.Append(t.T(key), widget.NewLabel(value)) }
	add("payments.col.paid_at", localStamp(p.PaidAt))
	add("payments.col.plate", p.Plate)
	add("payments.col.decision", p.DecisionNumber)
	add("payments.col.fine", p.FineFen.Yuan())
	add("payments.col.late_fee", p.LateFeeFen.Yuan())
	add("payments.col.total", p.TotalFen().Yuan())
	add("payments.col.method", p.Method.Name(lang))
	add("payments.col.state", p.State.Name(lang))
	r.Copy = widget.NewButton(t.T("payments.copy"), func() { fyne.CurrentApp().Clipboard().SetContent(p.ReceiptNumber) })
	if p.ReceiptNumber == "" {
		r.Copy.Disable()
	}
	r.Form.Append(t.T("payments.col.receipt"), container.NewBorder(nil, nil, nil, r.Copy, r.ReceiptNumber))
	add("payments.key", p.IdempotencyKey)
	add("payments.recorded", localStamp(&p.CreatedAt))
	add("payments.number", "#"+strconv.FormatInt(p.ID, 10))
	r.OpenViolation = widget.NewButton(t.T("payments.open_violation"), func() {
		r.popup.Hide()
		s.env.Open(Target{Screen: "violations", ID: p.ViolationID})
	})
	r.OpenViolation.Importance = widget.HighImportance
	r.Close = widget.NewButton(t.T("payments.close"), func() { r.popup.Hide() })
	r.popup = showFleetPopup(s.env, t.T("payments.receipt", p.Plate), r.Form, container.NewHBox(r.Close, r.OpenViolation))
	return r
}
