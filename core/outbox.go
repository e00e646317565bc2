package core

import (
	"context"
	"fmt"
	"time"
)

// OutboxKind is an action that must reach the provider. The action's local
// rows and its outbox entry are written in one transaction, so nothing the
// user did is lost between "saved" and "sent".
type OutboxKind string

const (
	OutboxConfirm            OutboxKind = "confirm"
	OutboxPay                OutboxKind = "pay"
	OutboxAppeal             OutboxKind = "appeal"
	OutboxRegister           OutboxKind = "register"
	OutboxCancelRegistration OutboxKind = "cancel_registration"
)

var outboxKinds = choiceSet{"kind", []choice{
	{"confirm", "confirm with a licence", "确认驾驶人", nil},
	{"pay", "pay", "缴款", nil},
	{"appeal", "appeal", "申诉", nil},
	{"register", "non-owner registration", "备案非本人机动车", nil},
	{"cancel_registration", "cancel registration", "取消备案", nil},
}}

func (k OutboxKind) Name(lang string) string { return outboxKinds.name(string(k), lang) }

// OutboxState is where an outbox entry stands.
//
//	queued  -> sending -> done
//	                   -> unknown (the reply was lost: asked about before any resend)
//	                   -> failed  (the provider refused; the user decides)
type OutboxState string

const (
	OutboxQueued  OutboxState = "queued"
	OutboxSending OutboxState = "sending"
	OutboxUnknown OutboxState = "unknown"
	OutboxDone    OutboxState = "done"
	OutboxFailed  OutboxState = "failed"
)

var outboxStates = choiceSet{"state", []choice{
	{"queued", "queued", "排队中", nil},
	{"sending", "sending", "发送中", nil},
	{"unknown", "reply lost, checking", "结果未知，核对中", nil},
	{"done", "done", "已完成", nil},
	{"failed", "failed", "失败", nil},
}}

func (s OutboxState) Name(lang string) string { return outboxStates.name(string(s), lang) }

func ParseOutboxState(s string) (OutboxState, error) {
	c, err := outboxStates.parse(s)
	return OutboxState(c), err
}

// Pending reports whether the entry still has to reach the provider.
func (s OutboxState) Pending() bool {
	return s == OutboxQueued || s == OutboxSending || s == OutboxUnknown
}

// Outcomes of a done entry.
const (
	OutcomeApplied   = "applied"   // the provider acted on it
	OutcomeElsewhere = "elsewhere" // already done by someone else (paid in the official app)
	OutcomeLocal     = "local"     // nothing to send any more (cancel of a never-sent registration)
	OutcomeDismissed = "dismissed" // refused by the provider, and the user gave up on it
)

// OutboxItem is one action waiting for, or done by, the provider.
type OutboxItem struct {
	ID   int64      `json:"id"`
	Kind OutboxKind `json:"kind"`
	// Subject orders the entries: those of one violation or registration go
	// out strictly in the order they were made.
	Subject        string `json:"subject"`
	ViolationID    *int64 `json:"violation_id"`
	RegistrationID *int64 `json:"registration_id"`
	PaymentID      *int64 `json:"payment_id"`
	// IdempotencyKey goes with every attempt, so a retry is never a second action.
	IdempotencyKey string `json:"-"`
	// Payload is what the user asked (JSON); Request is the exact body once
	// first sent, kept so every retry sends the same bytes.
	Payload    string      `json:"payload"`
	Request    string      `json:"-"`
	State      OutboxState `json:"state"`
	Outcome    string      `json:"outcome,omitempty"`
	Attempts   int         `json:"attempts"`
	NextAt     *time.Time  `json:"next_at"`
	LeaseUntil *time.Time  `json:"-"`
	LeaseOwner string      `json:"-"`
	ErrorCode  string      `json:"error_code,omitempty"`
	LastError  string      `json:"last_error,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	DoneAt     *time.Time  `json:"done_at"`
}

func ViolationSubject(id int64) string    { return fmt.Sprintf("violation:%d", id) }
func RegistrationSubject(id int64) string { return fmt.Sprintf("registration:%d", id) }

type OutboxFilter struct {
	States         []OutboxState
	ViolationID    int64
	RegistrationID int64
	Limit          int
}

type OutboxRepo interface {
	Add(ctx context.Context, it *OutboxItem) error
	Update(ctx context.Context, it *OutboxItem) error
	Get(ctx context.Context, id int64) (OutboxItem, error)
	List(ctx context.Context, f OutboxFilter) ([]OutboxItem, error) // oldest first
	// Claim marks the entry sending for c.Owner until c.Until if it is in
	// one of c.From, or is sending under an expired lease or one held by
	// c.Evict (a sender known dead). False means another sender holds it.
	Claim(ctx context.Context, id int64, c OutboxClaim) (bool, error)
}

type OutboxClaim struct {
	From       []OutboxState
	Until, Now time.Time
	Owner      string
	Evict      string
}

// SyncRepo keeps what the sync engine remembers between runs.
type SyncRepo interface {
	Cursor(ctx context.Context, vehicleID int64) (string, error)
	SetCursor(ctx context.Context, vehicleID int64, cursor string) error
	// Remote is what the engine last took from the provider for a violation;
	// ok is false for a violation never pulled.
	Remote(ctx context.Context, violationID int64) (r Remote, ok bool, err error)
	SetRemote(ctx context.Context, violationID int64, r Remote) error
}

// Remote is the provider's side of a pulled violation: its version, how many
// of its photos are stored, and the provider-owned fields as last pulled (the
// base of a three-way merge: a local edit since then is a conflict).
type Remote struct {
	Version  int64  `json:"version"`
	Photos   int    `json:"photos"`
	Snapshot string `json:"snapshot"`
}

// Payloads of outbox entries: what the user asked, as JSON. The exact request
// is built from them (and the rows they name) when first sent.
type (
	PayPayload struct {
		Method PayMethod `json:"method"`
	}
	ConfirmPayload struct {
		DriverID int64 `json:"driver_id"`
	}
	AppealPayload struct {
		Reason   string        `json:"reason"`
		Evidence []EvidenceRef `json:"evidence,omitempty"`
	}
	EvidenceRef struct {
		Hash string `json:"hash"`
		Name string `json:"name"`
		Mime string `json:"mime"`
	}
)

// OnlinePayMethods are the channels a provider can charge; cash is only ever
// paid at a counter and recorded afterwards.
func OnlinePayMethods() []PayMethod { return []PayMethod{PayAlipay, PayWeChat, PayCard, PayCounter} }
