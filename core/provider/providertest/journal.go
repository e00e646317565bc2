package providertest

import (
	"encoding/json"
	"sync"
	"time"

	"ticketbook/core/provider"
)

// Journal makes a Provider durable. The whole state is small (tens of records
// in tests, dozens in the demo), so it is saved as one Snapshot per change:
// no record-level bookkeeping can drift out of step with the state.
type Journal interface {
	// Load returns the last committed state, or nil when nothing was saved.
	Load() (*Snapshot, error)
	// Commit atomically replaces the saved state. It is called with the
	// provider's lock held, before the reply is written, and must not keep s
	// or anything it points to after returning.
	Commit(s *Snapshot) error
}

// Snapshot is the provider's whole state. Photos never change once a record
// exists, so a journal may store them apart and write each only once.
type Snapshot struct {
	Name          string               `json:"name"`
	Demo          bool                 `json:"demo,omitempty"`
	Vehicles      []Vehicle            `json:"vehicles"`
	Licences      []provider.Licence   `json:"licences"`
	Violations    []provider.Violation `json:"violations"` // late fee never stored: it depends on the day
	Photos        map[string][][]byte  `json:"photos,omitempty"`
	Payments      []provider.Payment   `json:"payments"` // the ledger, oldest first
	Registrations []Registration       `json:"registrations"`
	Actions       []provider.Action    `json:"actions"`
	Idempotency   []IdempotentReply    `json:"idempotency"`
	// DriverOf maps a record to the full licence file it was confirmed on,
	// so an upheld appeal can give the points back.
	DriverOf map[string]string `json:"driver_of,omitempty"`
	Version  int64             `json:"version"` // the global change counter cursors are built from
	Seq      int64             `json:"seq"`     // for generated ids
}

// Vehicle is a vehicle the provider knows; Bound ones are the account's own.
type Vehicle struct {
	provider.Vehicle
	Bound bool `json:"bound"`
}

// Registration keeps the full licence file the wire form masks, for quotas.
type Registration struct {
	provider.Registration
	LicenceFileFull string    `json:"licence_file_full"`
	AppliedAt       time.Time `json:"applied_at"`
}

// IdempotentReply is the first successful reply to a key. Hash covers the
// route and the canonical request body.
type IdempotentReply struct {
	Key    string `json:"key"`
	Hash   string `json:"hash"`
	Status int    `json:"status"`
	Body   []byte `json:"body"`
}

func (s *Snapshot) clone() *Snapshot {
	c := *s
	c.Vehicles = append([]Vehicle(nil), s.Vehicles...)
	c.Licences = append([]provider.Licence(nil), s.Licences...)
	c.Violations = append([]provider.Violation(nil), s.Violations...)
	c.Payments = append([]provider.Payment(nil), s.Payments...)
	c.Registrations = append([]Registration(nil), s.Registrations...)
	c.Actions = append([]provider.Action(nil), s.Actions...)
	c.Idempotency = append([]IdempotentReply(nil), s.Idempotency...)
	c.Photos = make(map[string][][]byte, len(s.Photos))
	for k, v := range s.Photos {
		c.Photos[k] = v
	}
	c.DriverOf = make(map[string]string, len(s.DriverOf))
	for k, v := range s.DriverOf {
		c.DriverOf[k] = v
	}
	return &c
}

// MemJournal keeps the state as JSON in memory: a restart within one test
// process goes through the same encoding a file would.
type MemJournal struct {
	mu      sync.Mutex
	data    []byte
	commits int
	fail    error
}

// SetFail makes every later Commit fail with err (nil heals it).
func (j *MemJournal) SetFail(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.fail = err
}

// Commits is the number of successful commits.
func (j *MemJournal) Commits() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.commits
}

func (j *MemJournal) Load() (*Snapshot, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.data == nil {
		return nil, nil
	}
	var s Snapshot
	if err := json.Unmarshal(j.data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func (j *MemJournal) Commit(s *Snapshot) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.fail != nil {
		return j.fail
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	j.data = b
	j.commits++
	return nil
}
