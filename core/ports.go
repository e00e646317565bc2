package core

import (
	"context"
	"time"
)

// The ports below are what the domain needs from storage. storage/ implements
// them over SQLite; every method takes a context so a closing window or a
// cancelled command stops its queries.

type VehicleFilter struct {
	IncludeArchived bool
	Search          string // plate, VIN, nickname or owner, case-insensitive substring
}

type VehicleRepo interface {
	Insert(ctx context.Context, v *Vehicle) error // sets ID, CreatedAt, UpdatedAt
	Update(ctx context.Context, v *Vehicle) error // sets UpdatedAt
	Get(ctx context.Context, id int64) (Vehicle, error)
	// FindByPlate returns every vehicle with this canonical plate, of any type.
	FindByPlate(ctx context.Context, plate string) ([]Vehicle, error)
	List(ctx context.Context, f VehicleFilter) ([]Vehicle, error)
	// Delete refuses with ErrInUse while violations reference the vehicle.
	Delete(ctx context.Context, id int64) error
}

type PersonFilter struct {
	Search string // name, phone or ID number substring
}

type PersonRepo interface {
	Insert(ctx context.Context, p *Person) error
	Update(ctx context.Context, p *Person) error
	Get(ctx context.Context, id int64) (Person, error)
	// FindByRef returns the people whose exact name or ID number is ref.
	FindByRef(ctx context.Context, ref string) ([]Person, error)
	List(ctx context.Context, f PersonFilter) ([]Person, error)
}

type CustodyFilter struct {
	VehicleID int64
	PersonID  int64
	OpenOnly  bool
	// Covering keeps custody periods that span this instant.
	Covering *time.Time
}

type CustodyRepo interface {
	Insert(ctx context.Context, c *Custody) error
	Update(ctx context.Context, c *Custody) error
	Get(ctx context.Context, id int64) (Custody, error)
	List(ctx context.Context, f CustodyFilter) ([]Custody, error) // newest From first
}

type RegistrationFilter struct {
	VehicleID  int64
	PersonID   int64
	ActiveOnly bool
}

type RegistrationRepo interface {
	Insert(ctx context.Context, r *Registration) error
	Update(ctx context.Context, r *Registration) error
	Get(ctx context.Context, id int64) (Registration, error)
	List(ctx context.Context, f RegistrationFilter) ([]Registration, error) // newest Applied first
}

type ViolationFilter struct {
	VehicleID int64
	DriverID  int64
	Statuses  []ViolationStatus
	From, To  time.Time // OccurredAt range, To exclusive; zero means open
	Search    string    // plate, decision or record number, place, driver name
	Sort      ViolationSort
	Limit     int // 0 means no limit
	Offset    int
}

// ViolationSort orders a listing in the database, so a page of 100k rows
// comes sorted without loading the rest.
type ViolationSort string

const (
	SortOccurred ViolationSort = ""       // newest offence first
	SortDue      ViolationSort = "due"    // earliest payment deadline first (delivery or decision date), undecided last
	SortAmount   ViolationSort = "amount" // largest fine first
)

type ViolationRepo interface {
	Insert(ctx context.Context, v *Violation) error // also stores Photos links
	Update(ctx context.Context, v *Violation) error // replaces Photos links
	Get(ctx context.Context, id int64) (Violation, error)
	// FindByNumbers returns the violations with this record number or this
	// decision number (an empty number matches nothing).
	FindByNumbers(ctx context.Context, record, decision string) ([]Violation, error)
	List(ctx context.Context, f ViolationFilter) ([]Violation, error) // newest OccurredAt first
	Count(ctx context.Context, f ViolationFilter) (int, error)
	// PointRecords returns the driver's records that can count toward their
	// points as of a cycle starting on since: decided on or after since, or
	// decided earlier and still open (unpaid points carry over). Undecided
	// records never count, so a big book of open camera records stays cheap.
	PointRecords(ctx context.Context, driverID int64, since Date) ([]Violation, error)
}

// Attachment is a file (a violation photo, an appeal's evidence) stored once
// by content hash in the data folder.
type Attachment struct {
	Hash      string    `json:"hash"` // hex SHA-256
	Name      string    `json:"name"`
	Mime      string    `json:"mime"`
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"created_at"`
}

type AttachmentRepo interface {
	// Put records the attachment; putting the same hash again is a no-op.
	Put(ctx context.Context, a *Attachment) error
	Get(ctx context.Context, hash string) (Attachment, error)
}

type PaymentFilter struct {
	ViolationID int64
	States      []PayState
}

type PaymentRepo interface {
	Insert(ctx context.Context, p *Payment) error
	Update(ctx context.Context, p *Payment) error
	Get(ctx context.Context, id int64) (Payment, error)
	GetByKey(ctx context.Context, idempotencyKey string) (Payment, error)
	List(ctx context.Context, f PaymentFilter) ([]Payment, error) // newest first
}

// SettingsRepo keeps the user's preferences that change results (the late-fee
// day convention, the region), so the CLI and the window agree.
type SettingsRepo interface {
	Get(ctx context.Context, key string) (value string, ok bool, err error)
	Set(ctx context.Context, key, value string) error
	All(ctx context.Context) (map[string]string, error)
}

// Repos is one consistent view of the data: either the store itself (each
// call on its own) or a transaction.
type Repos interface {
	Vehicles() VehicleRepo
	People() PersonRepo
	Custody() CustodyRepo
	Registrations() RegistrationRepo
	Violations() ViolationRepo
	Attachments() AttachmentRepo
	Payments() PaymentRepo
	Settings() SettingsRepo
	Changes() ChangeRepo
	Outbox() OutboxRepo
	Sync() SyncRepo
}

// Store is the whole database. InTx runs fn in one write transaction: it all
// lands or none of it does (fn's error or a panic rolls back).
type Store interface {
	Repos
	InTx(ctx context.Context, fn func(Repos) error) error
	Close() error
}

// Clock lets rules and services run "as of" a date and be tested.
type Clock func() time.Time
