// Package syncer is the sync engine: it pushes the outbox to the provider,
// pulls each vehicle's changes with a cursor, and merges them. It is named
// syncer, not sync, to stay clear of the standard library.
//
// The rules that keep money safe:
//   - an action's request is frozen in its outbox entry before it is first
//     sent, and every retry sends the same bytes with the same idempotency key;
//   - a payment whose reply was lost is looked up by its key before anything
//     is sent again; only a definite "no such payment" lets it be resent;
//   - an entry is claimed with a lease, so two processes on one database
//     never send it at the same time, and a crashed sender's entry is taken
//     over as "reply lost" once its lease runs out.
package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"ticketbook/core"
	"ticketbook/core/fleet"
	"ticketbook/core/provider"
)

// Options tune the engine; the zero value is the production setting.
type Options struct {
	// BaseDelay and MaxDelay bound the exponential backoff between attempts.
	BaseDelay, MaxDelay time.Duration
	// TriesPerRun is how often one entry or page is tried within one run
	// before it waits for the next run.
	TriesPerRun uint
	// MaxWaitInRun is the longest Retry-After honoured by waiting inside a
	// run; a longer one is honoured by not trying before then.
	MaxWaitInRun time.Duration
	// Lease is how long a claimed entry stays claimed; longer than any one
	// request can take.
	Lease time.Duration
	// PageSize of violation listings.
	PageSize int
	// MaxPhotos fetched per violation.
	MaxPhotos int
	// Seed makes the jitter repeatable in tests; 0 seeds from the clock.
	Seed uint64
	// Owner names this sender in its leases ("host:pid").
	Owner string
	// Dead reports a lease owner that is certainly gone (a process of this
	// machine that no longer runs), so its entries are taken over at once
	// instead of after the lease. Nil waits for every lease.
	Dead func(owner string) bool
}

func (o *Options) defaults() {
	if o.BaseDelay <= 0 {
		o.BaseDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 10 * time.Minute
	}
	if o.TriesPerRun == 0 {
		o.TriesPerRun = 4
	}
	if o.MaxWaitInRun <= 0 {
		o.MaxWaitInRun = 30 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.PageSize <= 0 {
		o.PageSize = 200
	}
	if o.MaxPhotos <= 0 {
		o.MaxPhotos = 6
	}
}

type Engine struct {
	store  core.Store
	client *provider.Client
	blobs  core.BlobStore
	fleet  *fleet.Service
	now    core.Clock
	opt    Options

	mu  sync.Mutex
	rnd *rand.Rand
}

func New(store core.Store, client *provider.Client, blobs core.BlobStore, now core.Clock, opt Options) *Engine {
	opt.defaults()
	if now == nil {
		now = time.Now
	}
	seed := opt.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	return &Engine{store: store, client: client, blobs: blobs, fleet: fleet.New(store, now), now: now, opt: opt,
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Progress is reported while a run goes on.
type Progress struct {
	Phase  string `json:"phase"` // "push", "pull", "photos"
	Done   int    `json:"done"`
	Total  int    `json:"total"`
	Detail string `json:"detail,omitempty"`
}

// Report says what one run did and what needs the user.
type Report struct {
	Provider   string    `json:"provider"`
	Demo       bool      `json:"demo"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Online     bool      `json:"online"`
	// Sent counts outbox entries the provider acknowledged in this run.
	Sent              int        `json:"sent"`
	Pending           int        `json:"pending"`
	VehiclesAdded     int        `json:"vehicles_added"`
	PeopleAdded       int        `json:"people_added"`
	ViolationsAdded   int        `json:"violations_added"`
	ViolationsUpdated int        `json:"violations_updated"`
	PhotosFetched     int        `json:"photos_fetched"`
	PaidElsewhere     int        `json:"paid_elsewhere"`
	Failures          []Problem  `json:"failures"`
	Conflicts         []Conflict `json:"conflicts"`
	Warnings          []Problem  `json:"warnings"`
	Error             string     `json:"error,omitempty"`
}

// Problem is something the user should know or do, in both languages.
type Problem struct {
	OutboxID    int64  `json:"outbox_id,omitempty"`
	ViolationID int64  `json:"violation_id,omitempty"`
	VehicleID   int64  `json:"vehicle_id,omitempty"`
	Code        string `json:"code"`
	Message     string `json:"message"`
	MessageZh   string `json:"message_zh"`
	ToDo        string `json:"what_to_do"`
	ToDoZh      string `json:"what_to_do_zh"`
}

// Conflict is a provider-owned field the user had changed locally; the
// provider's value was kept and the user's is shown here.
type Conflict struct {
	ViolationID int64  `json:"violation_id"`
	Field       string `json:"field"`
	Local       string `json:"local"`
	Provider    string `json:"provider"`
}

// LastReportKey is the setting that keeps the last run's report, so the
// window shows what a command-line sync did, and the other way round.
const LastReportKey = "sync_last_report"

// ErrUnauthorized means the provider refused the token.
var ErrUnauthorized = errors.New("the provider refused the token")

// Run does one sync: push the outbox, pull every vehicle, push again what the
// pull made possible, refresh pending registrations. A run cut short by the
// context, the network or the provider loses nothing: the next run picks up
// from the outbox and the cursors.
func (e *Engine) Run(ctx context.Context, progress func(Progress)) (rep Report, err error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	rep = Report{Provider: e.client.BaseURL(), StartedAt: e.now().UTC(), Failures: []Problem{}, Conflicts: []Conflict{},
		Warnings: []Problem{}}
	defer func() {
		rep.FinishedAt = e.now().UTC()
		if n, cerr := e.pendingCount(context.WithoutCancel(ctx)); cerr == nil {
			rep.Pending = n
		}
		if err != nil {
			rep.Error = err.Error()
		}
		if b, jerr := json.Marshal(rep); jerr == nil {
			_ = e.store.Settings().Set(context.WithoutCancel(ctx), LastReportKey, string(b))
		}
	}()
	acct, err := backoff.Retry(ctx, func() (provider.Account, error) {
		a, err := e.client.Account(ctx)
		return a, e.retryable(err)
	}, backoff.WithBackOff(e.backoff()), backoff.WithMaxTries(e.opt.TriesPerRun), backoff.WithMaxElapsedTime(0))
	if err != nil {
		return rep, e.fatal(err)
	}
	rep.Online, rep.Demo = true, acct.Demo
	if err := e.push(ctx, &rep, progress); err != nil {
		return rep, err
	}
	if err := e.pull(ctx, acct, &rep, progress); err != nil {
		return rep, err
	}
	if err := e.refreshRegistrations(ctx, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// fatal turns an error that ends the whole run into the user's sentence.
func (e *Engine) fatal(err error) error {
	switch {
	case provider.Code(err) == provider.CodeUnauthorized:
		return fmt.Errorf("%w: set the token again in Settings or TICKETBOOK_PROVIDER_TOKEN", ErrUnauthorized)
	case errors.Is(err, provider.ErrOffline):
		return fmt.Errorf("offline: %w", err)
	}
	return err
}

func (e *Engine) pendingCount(ctx context.Context) (int, error) {
	items, err := e.store.Outbox().List(ctx, core.OutboxFilter{States: []core.OutboxState{core.OutboxQueued,
		core.OutboxSending, core.OutboxUnknown}})
	return len(items), err
}

// delay is the wait before attempt n of an entry across runs: the same
// full-jitter backoff the retries within a run use, n steps in.
func (e *Engine) delay(attempt int) time.Duration {
	b := e.backoff()
	var d time.Duration
	for range max(attempt, 1) {
		d = b.NextBackOff()
	}
	return d
}

// LastReport is the report of the last run in this database, if any.
func LastReport(ctx context.Context, r core.Repos) (*Report, error) {
	s, ok, err := r.Settings().Get(ctx, LastReportKey)
	if err != nil || !ok {
		return nil, err
	}
	var rep Report
	if err := json.Unmarshal([]byte(s), &rep); err != nil {
		return nil, nil // an unreadable old report is simply not shown
	}
	return &rep, nil
}
