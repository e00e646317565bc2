package core

import (
	"strings"
	"time"

	"ticketbook/core/field"
	"ticketbook/core/ident"
)

// Violation is one traffic offence of one vehicle, from camera record to
// decision to payment or appeal.
type Violation struct {
	ID int64 `json:"id"`
	// RecordNumber (违法编号) exists from the camera record on; DecisionNumber
	// (决定书编号) only once a penalty decision is made. Both are kept.
	RecordNumber   string    `json:"record_number,omitempty"`
	DecisionNumber string    `json:"decision_number"`
	VehicleID      int64     `json:"vehicle_id"`
	OccurredAt     time.Time `json:"occurred_at"`
	Place          string    `json:"place"`
	Code           string    `json:"code"`
	Description    string    `json:"description,omitempty"`
	FineFen        Fen       `json:"fine_fen"`
	Points         int       `json:"points"`
	Source         Source    `json:"source"`
	DecidedOn      Date      `json:"decided_on"`
	// ReceivedOn is when the decision reached the user; the 15-day payment
	// window counts from it, so it is kept apart from DecidedOn.
	ReceivedOn Date `json:"received_on"`
	// NotifiedOn is when the owner was told of a camera record: the 30-day
	// handling window counts from it. ExtendedUntil records an extension the
	// user obtained (up to 3 months more).
	NotifiedOn    Date `json:"notified_on"`
	ExtendedUntil Date `json:"extended_until"`
	// AppealedOn..AppealDecidedOn is when an appeal, reconsideration or
	// lawsuit was pending: no late fee accrues in that time (APL art. 73).
	AppealedOn      Date `json:"appealed_on"`
	AppealDecidedOn Date `json:"appeal_decided_on"`
	// ProviderLateFeeFen is the provider's own late-fee figure as of
	// ProviderLateFeeOn; when present it wins over our estimate.
	ProviderLateFeeFen *Fen            `json:"provider_late_fee_fen"`
	ProviderLateFeeOn  Date            `json:"provider_late_fee_on"`
	Status             ViolationStatus `json:"status"`
	// ChargeBackTo is the person the fine is to be recovered from (an
	// employee, a renter, a customer); RecoveredOn is when it was.
	ChargeBackTo *int64 `json:"charge_back_to"`
	RecoveredOn  Date   `json:"recovered_on"`
	DriverID     *int64 `json:"driver_id"`
	// DriverManual marks an assignment the user made; it wins over any
	// suggestion from custody and is never overwritten by one.
	DriverManual bool      `json:"driver_manual"`
	Photos       []string  `json:"photos,omitempty"` // attachment hashes
	Notes        string    `json:"notes,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// maxPoints is the most a single offence can carry in the 12-point system.
const maxPoints = 12

func (v *Violation) Normalize() error {
	var errs field.Errors
	if v.VehicleID == 0 {
		errs.Add("vehicle", field.New("vehicle", "required", "is required", "必填"))
	}
	if v.OccurredAt.IsZero() {
		errs.Add("occurred", field.New("occurred", "required", "is required", "必填"))
	} else if v.OccurredAt.After(time.Now().Add(24 * time.Hour)) {
		errs.Add("occurred", field.New("occurred", "in_future", "is in the future", "不能晚于现在"))
	}
	v.OccurredAt = v.OccurredAt.UTC()
	v.Place = strings.TrimSpace(v.Place)
	errs.Add("place", required("place", v.Place))
	errs.Add("place", maxLen("place", v.Place, 200))
	v.Code = ident.Normalize(v.Code)
	if v.Code == "" {
		errs.Add("code", field.New("code", "required", "is required", "必填"))
	} else if !validOffenceCode(v.Code) {
		errs.Add("code", field.New("code", "code_format",
			"should be the 4 or 5 digit offence code on the notice, such as 1625 or 13441",
			"应为通知书上的 4 到 5 位违法代码，如 1625 或 13441"))
	}
	v.Description = strings.TrimSpace(v.Description)
	errs.Add("description", maxLen("description", v.Description, 500))
	if v.FineFen < 0 || v.FineFen > maxFen {
		errs.Add("fine", field.New("fine", "out_of_range", "is out of range", "超出范围"))
	}
	if v.Points < 0 || v.Points > maxPoints {
		errs.Add("points", field.New("points", "out_of_range", "must be between 0 and 12", "应在 0 到 12 之间"))
	}
	if v.Source == "" {
		v.Source = SourceCamera
	} else if s, err := ParseSource(string(v.Source)); err != nil {
		errs.Add("source", err)
	} else {
		v.Source = s
	}
	if strings.TrimSpace(v.RecordNumber) != "" {
		r, err := ident.ParseRecordNumber(v.RecordNumber)
		errs.Add("record_number", err)
		v.RecordNumber = r
	} else {
		v.RecordNumber = ""
	}
	if strings.TrimSpace(v.DecisionNumber) != "" {
		d, err := ident.ParseDecisionNumber(v.DecisionNumber)
		errs.Add("decision_number", err)
		if err == nil {
			v.DecisionNumber = d.String()
		}
	} else {
		v.DecisionNumber = ""
	}
	if !v.OccurredAt.IsZero() && !v.DecidedOn.IsZero() && v.DecidedOn.In(time.UTC).Before(v.OccurredAt.Add(-24*time.Hour)) {
		errs.Add("decided", field.New("decided", "before_occurred", "cannot be before the offence", "不能早于违法时间"))
	}
	if !v.DecidedOn.IsZero() && !v.ReceivedOn.IsZero() && v.ReceivedOn.Before(v.DecidedOn) {
		errs.Add("received", field.New("received", "before_decided", "cannot be before the decision date", "不能早于决定日期"))
	}
	if !v.ExtendedUntil.IsZero() && !v.NotifiedOn.IsZero() && v.ExtendedUntil.Before(v.NotifiedOn) {
		errs.Add("extended_until", field.New("extended_until", "before_notified", "cannot be before the notification date", "不能早于通知日期"))
	}
	if !v.AppealDecidedOn.IsZero() && (v.AppealedOn.IsZero() || v.AppealDecidedOn.Before(v.AppealedOn)) {
		errs.Add("appeal_decided", field.New("appeal_decided", "before_appealed", "needs an appeal date before it", "需要更早的申诉日期"))
	}
	if v.ProviderLateFeeFen != nil && (*v.ProviderLateFeeFen < 0 || *v.ProviderLateFeeFen > maxFen) {
		errs.Add("late_fee", field.New("late_fee", "out_of_range", "is out of range", "超出范围"))
	}
	if !v.RecoveredOn.IsZero() && v.ChargeBackTo == nil {
		errs.Add("recovered", field.New("recovered", "no_charge_back", "needs the person the fine is charged back to", "需要先指定追偿对象"))
	}
	if v.Status == "" {
		v.Status = StatusNew
		if v.DecisionNumber != "" || !v.DecidedOn.IsZero() {
			v.Status = StatusDecided
		}
	} else if s, err := ParseViolationStatus(string(v.Status)); err != nil {
		errs.Add("status", err)
	} else {
		v.Status = s
	}
	errs.Add("notes", maxLen("notes", v.Notes, 4000))
	return errs.Err()
}

// Warnings are problems that must be shown but do not refuse the record,
// such as a decision number whose check digit fails.
func (v Violation) Warnings() []*field.Error {
	if v.DecisionNumber == "" {
		return nil
	}
	d, err := ident.ParseDecisionNumber(v.DecisionNumber)
	if err != nil {
		return nil
	}
	if w := d.Warning(); w != nil {
		return []*field.Error{w}
	}
	return nil
}

func validOffenceCode(s string) bool {
	if len(s) < 4 || len(s) > 6 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9') && !(r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Payment is money paid (or on its way) for one violation. The idempotency
// key travels with every attempt so the provider can never charge twice.
type Payment struct {
	ID             int64      `json:"id"`
	ViolationID    int64      `json:"violation_id"`
	FineFen        Fen        `json:"fine_fen"`
	LateFeeFen     Fen        `json:"late_fee_fen"`
	Method         PayMethod  `json:"method"`
	PaidAt         *time.Time `json:"paid_at"`
	ReceiptNumber  string     `json:"receipt_number,omitempty"`
	IdempotencyKey string     `json:"idempotency_key"`
	State          PayState   `json:"state"`
	// ProviderRef is the provider's payment id once it accepted it.
	ProviderRef string `json:"provider_ref,omitempty"`
	// Elsewhere marks a payment the provider reports was made outside this
	// desktop (the official app, a bank counter, another computer).
	Elsewhere bool      `json:"made_elsewhere"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TotalFen is what leaves the payer's account.
func (p Payment) TotalFen() Fen { return p.FineFen + p.LateFeeFen }

func (p *Payment) Normalize() error {
	var errs field.Errors
	if p.ViolationID == 0 {
		errs.Add("violation", field.New("violation", "required", "is required", "必填"))
	}
	if p.FineFen < 0 || p.FineFen > maxFen {
		errs.Add("fine_part", field.New("fine_part", "out_of_range", "is out of range", "超出范围"))
	}
	if p.LateFeeFen < 0 || p.LateFeeFen > maxFen {
		errs.Add("late_fee", field.New("late_fee", "out_of_range", "is out of range", "超出范围"))
	}
	if m, err := ParsePayMethod(string(p.Method)); err != nil {
		errs.Add("method", err)
	} else {
		p.Method = m
	}
	if p.State == "" {
		p.State = PayQueued
	} else if s, err := ParsePayState(string(p.State)); err != nil {
		errs.Add("state", err)
	} else {
		p.State = s
	}
	if strings.TrimSpace(p.IdempotencyKey) == "" {
		errs.Add("idempotency_key", field.New("idempotency_key", "required", "is required", "必填"))
	}
	errs.Add("receipt", maxLen("receipt", p.ReceiptNumber, 64))
	if p.PaidAt != nil {
		t := p.PaidAt.UTC()
		p.PaidAt = &t
	}
	return errs.Err()
}
