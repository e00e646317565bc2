// Package storage keeps Ticketbook's data in one SQLite file and implements
// the core ports over it.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"ticketbook/core"
)

// Store is the SQLite database behind core.Store. All writes go through one
// connection so SQLite never has to arbitrate between our own writers; reads
// outside a transaction use a separate read-only pool and, thanks to WAL,
// never wait for a writer.
//
// Do not call the Store's own repositories from inside InTx's fn: the writer
// has a single connection, held by that transaction, so such a write would
// wait forever. Use the Repos that fn is given.
type Store struct {
	repos
	path     string
	writer   *sql.DB
	readPool *sql.DB
}

var _ core.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and brings its schema
// up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	// Create the file ourselves: SQLite would create it with the umask's
	// mode, leaving fines and ID numbers readable by other users for a moment.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	f.Close()

	writer, err := sql.Open("sqlite", dsn(abs,
		"_pragma=busy_timeout(5000)", "_pragma=journal_mode(WAL)", "_pragma=foreign_keys(1)",
		// FULL because payments live here: a confirmed payment lost to a
		// power cut could be paid again, and that money is gone.
		"_pragma=synchronous(FULL)", "_time_format=sqlite", "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	writer.SetMaxOpenConns(1)
	if err := migrate(ctx, writer); err != nil {
		writer.Close()
		return nil, err
	}

	// mode=ro is only honoured in a file: URI; query_only also stops a
	// write sneaking through a read method on a connection SQLite opened rw.
	readPool, err := sql.Open("sqlite", dsn(abs,
		"mode=ro", "_pragma=busy_timeout(5000)", "_pragma=foreign_keys(1)",
		"_pragma=query_only(1)", "_time_format=sqlite"))
	if err == nil {
		readPool.SetMaxOpenConns(4)
		readPool.SetMaxIdleConns(4)
		err = readPool.PingContext(ctx)
	}
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("storage: open read pool: %w", err)
	}

	// SQLite gives -wal and -shm the main file's mode, but a file left by an
	// older build or another tool may not be 0600; fix all three.
	for _, p := range []string{abs, abs + "-wal", abs + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			readPool.Close()
			writer.Close()
			return nil, fmt.Errorf("storage: %w", err)
		}
	}

	s := &Store{path: abs, writer: writer, readPool: readPool}
	s.repos = repos{handle{read: readPool, write: s.write}}
	return s, nil
}

// dsn builds a file: URI; the path is escaped so that spaces, CJK, '?', '#'
// and '%' in a user's folder name reach SQLite intact.
func dsn(path string, params ...string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive paths: file:///C:/...
	}
	return "file://" + (&url.URL{Path: p}).EscapedPath() + "?" + strings.Join(params, "&")
}

func (s *Store) Path() string { return s.path }

func (s *Store) Close() error {
	return errors.Join(s.readPool.Close(), s.writer.Close())
}

// InTx runs fn in one write transaction. A panic in fn rolls back and then
// carries on panicking, so a bug never leaves half a change behind.
func (s *Store) InTx(ctx context.Context, fn func(core.Repos) error) error {
	return s.write(ctx, func(tx queryer) error {
		return fn(repos{txHandle(tx)})
	})
}

func (s *Store) write(ctx context.Context, fn func(queryer) error) (err error) {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	committed = true
	return nil
}

// queryer is what *sql.DB and *sql.Tx share, so each repository is written once.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// handle is where a repository reads and how it writes: on the Store, reads
// use the read pool and each write gets its own transaction; in InTx both
// use the one transaction.
type handle struct {
	read  queryer
	write func(ctx context.Context, fn func(queryer) error) error
}

func txHandle(tx queryer) handle {
	return handle{read: tx, write: func(_ context.Context, fn func(queryer) error) error { return fn(tx) }}
}

type repos struct{ h handle }

func (r repos) Vehicles() core.VehicleRepo           { return vehicleRepo{r.h} }
func (r repos) People() core.PersonRepo              { return personRepo{r.h} }
func (r repos) Custody() core.CustodyRepo            { return custodyRepo{r.h} }
func (r repos) Registrations() core.RegistrationRepo { return registrationRepo{r.h} }
func (r repos) Violations() core.ViolationRepo       { return violationRepo{r.h} }
func (r repos) Attachments() core.AttachmentRepo     { return attachmentRepo{r.h} }
func (r repos) Payments() core.PaymentRepo           { return paymentRepo{r.h} }
func (r repos) Settings() core.SettingsRepo          { return settingsRepo{r.h} }
func (r repos) Changes() core.ChangeRepo             { return changeRepo{r.h} }
func (r repos) Outbox() core.OutboxRepo              { return outboxRepo{r.h} }
func (r repos) Sync() core.SyncRepo                  { return syncRepo{r.h} }

// now is when a row is stamped, in UTC as stored.
func now() time.Time { return time.Now().UTC() }
