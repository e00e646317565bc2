// Package screens holds one struct per screen. Each has a synchronous load
// (safe off the UI goroutine, called directly by tests) and an apply that
// updates widgets on the UI goroutine; refresh joins the two through the
// Env's Background runner (one goroutine, one fyne.Do).
package screens

import (
	"context"
	"io"
	"time"

	"fyne.io/fyne/v2"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/i18n"
	"ticketbook/core/rules"
	"ticketbook/core/share"
	"ticketbook/core/syncer"
	"ticketbook/core/tickets"
)

// Fleet is what the screens need of the fleet service (core/fleet).
type Fleet interface {
	ListVehicles(ctx context.Context, f core.VehicleFilter) ([]core.Vehicle, error)
	Vehicle(ctx context.Context, id int64) (core.Vehicle, error)
	AddVehicle(ctx context.Context, v core.Vehicle) (core.Vehicle, error)
	EditVehicle(ctx context.Context, id int64, edit func(*core.Vehicle)) (core.Vehicle, error)
	ArchiveVehicle(ctx context.Context, id int64, archived bool) (core.Vehicle, error)

	ListPeople(ctx context.Context, f core.PersonFilter) ([]core.Person, error)
	Person(ctx context.Context, id int64) (core.Person, error)
	AddPerson(ctx context.Context, p core.Person) (core.Person, error)
	EditPerson(ctx context.Context, id int64, edit func(*core.Person)) (core.Person, error)

	ListCustody(ctx context.Context, f core.CustodyFilter) ([]core.Custody, error)
	StartCustody(ctx context.Context, c core.Custody) (core.Custody, []*field.Error, error)
	EndCustody(ctx context.Context, vehicleID int64, at time.Time, odometerIn *int64) (core.Custody, error)

	ListRegistrations(ctx context.Context, f core.RegistrationFilter) ([]core.Registration, error)
	AddRegistration(ctx context.Context, r core.Registration) (core.Registration, error)
	CancelRegistration(ctx context.Context, id int64, on core.Date) (core.Registration, error)
	CancelReminders(ctx context.Context, regs []core.Registration) ([]rules.CancelReminder, error)
}

// Tickets is what the screens need of the tickets service (core/tickets).
type Tickets interface {
	Assess(ctx context.Context, f core.ViolationFilter, asOf core.Date, lang string) ([]tickets.Assessed, error)
	AssessOne(ctx context.Context, id int64, asOf core.Date, lang string) (tickets.Assessed, error)
	Count(ctx context.Context, f core.ViolationFilter) (int, error)
	AddViolation(ctx context.Context, v core.Violation) (core.Violation, []*field.Error, error)
	EditViolation(ctx context.Context, id int64, edit func(*core.Violation)) (core.Violation, []*field.Error, error)
	AssignDriver(ctx context.Context, id int64, personID *int64) (core.Violation, error)
	RecordAppeal(ctx context.Context, id int64, on core.Date, reason string) (core.Violation, error)
	RecordAppealOutcome(ctx context.Context, id int64, upheld bool, on core.Date) (core.Violation, error)
	RecordPayment(ctx context.Context, p core.Payment) (core.Payment, error)
	ChargeBack(ctx context.Context, id int64, personID *int64) (core.Violation, error)
	MarkRecovered(ctx context.Context, id int64, on core.Date) (core.Violation, error)
	Payments(ctx context.Context, f core.PaymentFilter) ([]tickets.PaymentView, error)
	History(ctx context.Context, id int64) ([]core.Change, error)
	Today(ctx context.Context, asOf core.Date, lang string) (tickets.Today, error)
	FinesByMonth(ctx context.Context, asOf core.Date, n int) ([]tickets.MonthFines, error)
	// Standing is a person's 12-point standing; ok is false without a first-issued date.
	Standing(ctx context.Context, personID int64, asOf core.Date) (st rules.Standing, ok bool, err error)
	SettingsMap(ctx context.Context) (map[string]string, error)
	SetSetting(ctx context.Context, key, value string) (string, error)
	OfficialHosts(ctx context.Context) ([]string, error)

	// Online actions: queued in the outbox, sent by the next sync.
	Pay(ctx context.Context, id int64, method core.PayMethod, lang string) (core.Payment, error)
	Confirm(ctx context.Context, id, driverID int64) (core.Violation, error)
	Outbox(ctx context.Context, f core.OutboxFilter) ([]core.OutboxItem, error)
	RetryOutbox(ctx context.Context, id int64) (core.OutboxItem, error)
	DismissOutbox(ctx context.Context, id int64) (core.OutboxItem, error)
}

// Photos stores and reads violation photos.
type Photos interface {
	Attach(ctx context.Context, violationID int64, name string, data []byte) (core.Violation, error)
	Open(hash string) (io.ReadCloser, error)
	// Appeal files an online appeal (queued for the provider) with evidence.
	Appeal(ctx context.Context, id int64, reason string, evidence []tickets.Evidence) (core.Violation, error)
}

// Tools runs the data commands (export, report, backup, import) exactly as
// the command line does, so the window and scripts produce the same files;
// it returns what the command printed.
type Tools func(ctx context.Context, args ...string) (string, error)

// Sync is what the window needs of the sync engine (core/syncer) and the
// provider connection; cmd/ticketbook implements it. Nil means no sync is
// wired (tests of unrelated screens).
type Sync interface {
	// Run does one sync now, reporting progress; cancelling ctx stops it
	// without losing anything (the outbox keeps what was not sent).
	Run(ctx context.Context, progress func(syncer.Progress)) (syncer.Report, error)
	// Status is what the window shows without syncing.
	Status(ctx context.Context) (SyncStatus, error)
	// SetProvider stores the provider setting ("demo", "off" or a URL) and,
	// when token is not empty, its token (keyring, or a 0600 file).
	SetProvider(ctx context.Context, target, token string) (SyncStatus, error)
}

// SyncStatus is the sync state shown in the footer, on Today and in the
// sync panel.
type SyncStatus struct {
	Provider string // "demo", "off" or the URL
	Demo     bool
	Off      bool
	// TokenSource is where the token was found ("keyring", "file",
	// "environment"); "" when none is set for a real provider.
	TokenSource string
	TokenMasked string
	// Online is the result of the last attempt to reach the provider.
	Online  bool
	Running bool
	Last    *syncer.Report
	// Outbox holds the entries not done: queued, sending, unknown, failed.
	Outbox []core.OutboxItem
}

// Waiting counts the outbox entries still to be sent (queued, sending,
// reply lost) and those the provider refused.
func (s SyncStatus) Waiting() (pending, failed int) {
	for _, it := range s.Outbox {
		switch {
		case it.State == core.OutboxFailed:
			failed++
		case it.State.Pending():
			pending++
		}
	}
	return pending, failed
}

// Services bundles what cmd/ticketbook wires in.
type Services struct {
	Tools   Tools
	Fleet   Fleet
	Tickets Tickets
	Photos  Photos
	Sync    Sync
	// Signer signs the QR codes this install shares (its key is per install).
	Signer share.Signer
}

// Text translates for the screens in the language the user chose.
type Text struct {
	Catalog *i18n.Catalog
	Lang    i18n.Lang
}

func (t Text) T(key string, args ...any) string { return t.Catalog.T(t.Lang, key, args...) }

// Pick chooses between an English and a Chinese text (domain sentences come
// in both languages from core).
func (t Text) Pick(en, zh string) string {
	if t.Lang == i18n.ZH {
		return zh
	}
	return en
}

// ErrorPresenter shows a failure to the user in one sentence.
type ErrorPresenter func(err error)

// Background runs work off the UI goroutine, then the apply func it returns on
// the UI goroutine. Screens never call `go` themselves, so tests can run them
// inline and deterministically.
type Background func(work func() (apply func()))

// Async is the real Background: one goroutine, one fyne.Do.
func Async(work func() func()) {
	go func() {
		apply := work()
		fyne.Do(apply)
	}()
}

// Inline runs work and apply on the caller's goroutine, for headless tests.
func Inline(work func() func()) { work()() }

// Target names something a row can open: a screen, and optionally a record.
type Target struct {
	Screen string // "today", "vehicles", "people", "custody", "registrations", "violations", "payments", "sync", "settings"
	ID     int64  // the record to open, 0 for none
}

// Env is what every screen shares.
type Env struct {
	Text     Text
	Window   fyne.Window
	Present  ErrorPresenter
	Run      Background
	Services Services
	// Now is the clock: tests pin it; "as of" dates come from it.
	Now func() time.Time
	// Open navigates to another screen or record (a Today row opens its violation).
	Open func(Target)
	// Base is the app's lifetime: cancelled when the window closes, so a
	// sync (or other long work) in flight stops on exit. nil: Background.
	Base context.Context
	// SyncChanged tells the shell the outbox or the provider changed (an
	// online action was queued, a sync ran), so the footer and Today show
	// the new sync status. nil in tests of single screens.
	SyncChanged func()
}

// syncChanged calls SyncChanged when the shell set it.
func (e Env) syncChanged() {
	if e.SyncChanged != nil {
		e.SyncChanged()
	}
}

// Today's date in local time, the default "as of" for the rules.
func (e Env) Today() core.Date { return core.DateOf(e.Now().Local()) }

// Ctx is the context for background work: the app's lifetime.
func (e Env) Ctx() context.Context {
	if e.Base != nil {
		return e.Base
	}
	return context.Background()
}
