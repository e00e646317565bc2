// Package provider is the wire protocol between Ticketbook and a remote
// traffic-authority provider, and an HTTP client for it. No public API of the
// real authority exists, so this is our own contract (docs/provider-api.md):
// an integrator writes an adapter that speaks it in front of a real data
// source. providertest/ holds an in-memory implementation with fault
// injection, used by tests and by cmd/ticketbook-provider.
//
// Every mutating request carries an Idempotency-Key header: the same key with
// the same body replays the first result; the same key with a different body
// is refused with idempotency_conflict. That is what lets a client retry
// after a lost reply without acting twice.
package provider

import "time"

// Version is the path prefix of every route.
const Version = "v1"

// Routes, relative to the provider's base URL. {x} are path parameters.
const (
	RouteAccount      = "GET /v1/account"
	RouteViolations   = "GET /v1/vehicles/{plate_type}/{plate}/violations" // ?cursor=&vin_tail=&limit=
	RoutePhoto        = "GET /v1/violations/{record}/photos/{n}"
	RouteConfirm      = "POST /v1/violations/{record}/confirm"
	RouteQuote        = "GET /v1/quote" // ?decision_number=
	RoutePay          = "POST /v1/payments"
	RoutePaymentByKey = "GET /v1/payments/{key}"
	RouteLedger       = "GET /v1/payments"
	RouteAppeal       = "POST /v1/violations/{record}/appeals"
	RouteAppealStatus = "GET /v1/appeals/{id}"
	RouteRegister     = "POST /v1/registrations"
	RouteRegStatus    = "GET /v1/registrations/{id}"
	RouteRegCancel    = "DELETE /v1/registrations/{id}"
	RouteActions      = "GET /v1/actions"
)

// Headers of the protocol.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderReplayed       = "Idempotent-Replayed" // "true" when a reply is a replay
	HeaderRetryAfter     = "Retry-After"         // seconds, on 202 and 429
)

// Limits both sides enforce: a reply or request larger than these is refused,
// so a broken or hostile peer cannot exhaust memory.
const (
	MaxReplyBytes    = 4 << 20  // any JSON reply
	MaxPhotoBytes    = 8 << 20  // one violation photo
	MaxEvidenceBytes = 10 << 20 // all evidence of one appeal, before base64
	MaxEvidenceFiles = 6
	MaxPageSize      = 500
)

// Error codes. A client branches on Code, never on Message.
const (
	CodeUnauthorized        = "unauthorized"         // 401: missing or wrong token
	CodeInvalidRequest      = "invalid_request"      // 400: Field says which
	CodeNotFound            = "not_found"            // 404
	CodeVehicleMismatch     = "vehicle_mismatch"     // 403: VIN tail does not match the plate
	CodeProcessing          = "processing"           // 202: query running, retry after RetryAfter s
	CodeRateLimited         = "rate_limited"         // 429: retry after RetryAfter s
	CodeAlreadyPaid         = "already_paid"         // 409: Payment holds the payment made elsewhere
	CodeAmountMismatch      = "amount_mismatch"      // 409: Quote holds the amount due now
	CodeIdempotencyConflict = "idempotency_conflict" // 422: key reused with another body
	CodeNotDecided          = "not_decided"          // 409: no decision yet, confirm first
	CodeInPersonOnly        = "in_person_only"       // 409: must be handled at a window
	CodeLicenceRejected     = "licence_rejected"     // 409: licence unknown, expired or at 12 points
	CodeQuotaExceeded       = "quota_exceeded"       // 409: registration quota used up
	CodeWrongState          = "wrong_state"          // 409: e.g. appeal of a paid ticket
	CodeUnavailable         = "unavailable"          // 503: try later
	CodeInternal            = "internal"             // 500
)

// ErrorBody is the body of every non-2xx reply (and of 202 processing).
type ErrorBody struct {
	Error Error `json:"error"`
}

type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the request field at fault, for invalid_request.
	Field string `json:"field,omitempty"`
	// RetryAfter in seconds, for processing and rate_limited (also sent as
	// the Retry-After header).
	RetryAfter int `json:"retry_after,omitempty"`
	// Payment is the payment that already settled the ticket (already_paid).
	Payment *Payment `json:"payment,omitempty"`
	// Quote is what is due now (amount_mismatch).
	Quote *Quote `json:"quote,omitempty"`
}

// Vehicle is one vehicle bound to the account ("my vehicles").
type Vehicle struct {
	PlateType string `json:"plate_type"` // GA 24.7 two-digit code, "02" small car
	Plate     string `json:"plate"`      // canonical, e.g. "京A12345"
	VIN       string `json:"vin,omitempty"`
	Engine    string `json:"engine,omitempty"`
	OwnerName string `json:"owner_name,omitempty"`
	Use       string `json:"use,omitempty"` // core.VehicleUse code
}

// Licence is one driving licence bound to the account.
type Licence struct {
	Name        string `json:"name"`
	LicenceFile string `json:"licence_file"` // 12-digit file number (档案编号)
	IDNumber    string `json:"id_number,omitempty"`
	Class       string `json:"class,omitempty"`
	FirstIssued string `json:"first_issued,omitempty"` // YYYY-MM-DD
	ValidUntil  string `json:"valid_until,omitempty"`  // YYYY-MM-DD
	Points      int    `json:"points"`                 // in the current cycle, as the provider counts
}

// Account is GET /v1/account.
type Account struct {
	Name     string    `json:"name"`
	Demo     bool      `json:"demo,omitempty"` // a provider of sample data, not a real authority
	Vehicles []Vehicle `json:"vehicles"`
	Licences []Licence `json:"licences"`
}

// Violation statuses on the wire are core.ViolationStatus codes: new,
// confirmed, decided, paid, appealed, appeal_upheld, appeal_rejected,
// in_person.

// Violation is one record as the provider holds it. The provider owns
// Status, FineFen, Points, DecisionNumber and the late fee.
type Violation struct {
	RecordNumber   string    `json:"record_number"` // the provider's key, stable
	PlateType      string    `json:"plate_type"`
	Plate          string    `json:"plate"`
	OccurredAt     time.Time `json:"occurred_at"`
	Place          string    `json:"place"`
	Code           string    `json:"code"`
	Description    string    `json:"description,omitempty"`
	FineFen        int64     `json:"fine_fen"`
	Points         int       `json:"points"`
	Status         string    `json:"status"`
	DecisionNumber string    `json:"decision_number,omitempty"`
	NotifiedOn     string    `json:"notified_on,omitempty"` // YYYY-MM-DD
	DecidedOn      string    `json:"decided_on,omitempty"`  // YYYY-MM-DD
	// LateFeeFen is the late fee as of LateFeeOn, when a decision exists.
	LateFeeFen *int64 `json:"late_fee_fen,omitempty"`
	LateFeeOn  string `json:"late_fee_on,omitempty"`
	// InPersonOnly: the offence cannot be handled online at all.
	InPersonOnly bool `json:"in_person_only,omitempty"`
	// DriverLicence is the licence it was confirmed against, masked.
	DriverLicence string   `json:"driver_licence,omitempty"`
	PhotoCount    int      `json:"photo_count"`
	Payment       *Payment `json:"payment,omitempty"` // set once paid
	Appeal        *Appeal  `json:"appeal,omitempty"`  // the latest appeal
	// Version grows with every change; cursors are built from it.
	Version int64 `json:"version"`
}

// ViolationPage is GET /v1/vehicles/{plate_type}/{plate}/violations: the
// records changed since the cursor, oldest change first. Pass Cursor back to
// continue; More says another page is ready now.
type ViolationPage struct {
	Violations []Violation `json:"violations"`
	Cursor     string      `json:"cursor"`
	More       bool        `json:"more"`
}

// ConfirmRequest is POST /v1/violations/{record}/confirm: the actual driver
// takes the record on their licence. The reply is the updated Violation with
// its decision number, fine and points.
type ConfirmRequest struct {
	LicenceFile string `json:"licence_file"`
	Name        string `json:"name"`
}

// Quote is GET /v1/quote?decision_number=: what is due today.
type Quote struct {
	DecisionNumber string `json:"decision_number"`
	FineFen        int64  `json:"fine_fen"`
	LateFeeFen     int64  `json:"late_fee_fen"`
	TotalFen       int64  `json:"total_fen"`
	AsOf           string `json:"as_of"`  // YYYY-MM-DD, provider's day
	DueOn          string `json:"due_on"` // last day without late fee
}

// PayRequest is POST /v1/payments. AmountFen must equal the quote's TotalFen
// of the provider's day, else amount_mismatch (nothing is charged).
type PayRequest struct {
	DecisionNumber string `json:"decision_number"`
	AmountFen      int64  `json:"amount_fen"`
	Method         string `json:"method"` // alipay | wechat | card | counter
}

// Payment is one accepted payment: the reply of POST /v1/payments, of the
// lookup by key, and a row of the ledger.
type Payment struct {
	ID             string    `json:"id"`
	IdempotencyKey string    `json:"idempotency_key"`
	DecisionNumber string    `json:"decision_number"`
	RecordNumber   string    `json:"record_number,omitempty"`
	FineFen        int64     `json:"fine_fen"`
	LateFeeFen     int64     `json:"late_fee_fen"`
	AmountFen      int64     `json:"amount_fen"`
	Method         string    `json:"method"`
	ReceiptNumber  string    `json:"receipt_number"`
	PaidAt         time.Time `json:"paid_at"`
}

// Ledger is GET /v1/payments: every accepted payment, oldest first.
type Ledger struct {
	Payments []Payment `json:"payments"`
}

// Evidence is one file attached to an appeal; Data is base64 in JSON.
type Evidence struct {
	Name string `json:"name"`
	Mime string `json:"mime"`
	Data []byte `json:"data"`
}

// AppealRequest is POST /v1/violations/{record}/appeals.
type AppealRequest struct {
	Reason   string     `json:"reason"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Appeal statuses.
const (
	AppealPending  = "pending"
	AppealUpheld   = "upheld"
	AppealRejected = "rejected"
)

type Appeal struct {
	ID            string `json:"id"`
	RecordNumber  string `json:"record_number"`
	Status        string `json:"status"`
	Reason        string `json:"reason"`
	EvidenceCount int    `json:"evidence_count"`
	FiledOn       string `json:"filed_on"`             // YYYY-MM-DD
	DecidedOn     string `json:"decided_on,omitempty"` // YYYY-MM-DD
}

// RegisterRequest is POST /v1/registrations: a non-owner registration
// (备案非本人机动车) of a driver on a vehicle.
type RegisterRequest struct {
	PlateType   string `json:"plate_type"`
	Plate       string `json:"plate"`
	VINTail     string `json:"vin_tail"` // last 6 characters of the VIN
	LicenceFile string `json:"licence_file"`
	Name        string `json:"name"`
	Method      string `json:"method"` // sms | qr
}

// Registration statuses are core.RegStatus codes: applied, approved,
// rejected, cancelled.
type Registration struct {
	ID          string `json:"id"`
	PlateType   string `json:"plate_type"`
	Plate       string `json:"plate"`
	LicenceFile string `json:"licence_file"` // masked
	Status      string `json:"status"`
	AppliedOn   string `json:"applied_on"`
	ApprovedOn  string `json:"approved_on,omitempty"`
	CancelledOn string `json:"cancelled_on,omitempty"`
	Reason      string `json:"reason,omitempty"` // why rejected
}

// Action is one row of GET /v1/actions: every mutating request the provider
// applied, once per idempotency key. Tests use it to prove exactly-once.
type Action struct {
	IdempotencyKey string    `json:"idempotency_key"`
	Kind           string    `json:"kind"`   // confirm | pay | appeal | register | cancel_registration
	Target         string    `json:"target"` // record number, decision number or registration id
	At             time.Time `json:"at"`
}

type Actions struct {
	Actions []Action `json:"actions"`
}

// VINTail is the part of a VIN the protocol identifies a vehicle by (the
// region's rule; most regions use the last six characters).
func VINTail(vin string) string {
	if len(vin) <= 6 {
		return vin
	}
	return vin[len(vin)-6:]
}
