// Package journal keeps the reference provider's state in its own SQLite
// file, so a restart (or a crash between commit and reply) loses nothing a
// client was told.
package journal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"ticketbook/core/provider/providertest"
)

// SQLite is a providertest.Journal. The state is one JSON row replaced per
// commit; photos, which never change once a record exists, live in their own
// table and are written once, so a commit costs kilobytes, not megabytes.
type SQLite struct {
	db    *sql.DB
	known map[string]bool // photo keys already in the file
}

var _ providertest.Journal = (*SQLite)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS state (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	snapshot BLOB NOT NULL,
	saved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS photos (
	record TEXT NOT NULL,
	n      INTEGER NOT NULL,
	data   BLOB NOT NULL,
	PRIMARY KEY (record, n)
);
PRAGMA user_version = 1;`

// Open opens or creates the journal at path (mode 0600). The file stays
// locked while open: two providers on one file would each overwrite the
// other's state.
func Open(path string) (*SQLite, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	// Create it ourselves: SQLite would use the umask's mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f.Close()
	u := "file://" + (&url.URL{Path: filepath.ToSlash(abs)}).EscapedPath() + "?" + strings.Join([]string{
		"_pragma=busy_timeout(1000)", "_pragma=locking_mode(EXCLUSIVE)", "_pragma=journal_mode(WAL)",
		// FULL: a payment the client was told about must survive a power cut.
		"_pragma=synchronous(FULL)", "_txlock=immediate"}, "&")
	db, err := sql.Open("sqlite", u)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	db.SetMaxOpenConns(1) // the exclusive lock belongs to one connection
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: open %s (is another provider using it?): %w", abs, err)
	}
	for _, p := range []string{abs + "-wal", abs + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return nil, fmt.Errorf("journal: %w", err)
		}
	}
	return &SQLite{db: db, known: map[string]bool{}}, nil
}

func (j *SQLite) Close() error { return j.db.Close() }

func photoKey(record string, n int) string { return fmt.Sprintf("%s/%d", record, n) }

func (j *SQLite) Load() (*providertest.Snapshot, error) {
	var b []byte
	err := j.db.QueryRow(`SELECT snapshot FROM state WHERE id = 1`).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: load: %w", err)
	}
	var s providertest.Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("journal: load: %w", err)
	}
	rows, err := j.db.Query(`SELECT record, n, data FROM photos ORDER BY record, n`)
	if err != nil {
		return nil, fmt.Errorf("journal: load photos: %w", err)
	}
	defer rows.Close()
	s.Photos = map[string][][]byte{}
	for rows.Next() {
		var rec string
		var n int
		var data []byte
		if err := rows.Scan(&rec, &n, &data); err != nil {
			return nil, fmt.Errorf("journal: load photos: %w", err)
		}
		if n != len(s.Photos[rec]) {
			return nil, fmt.Errorf("journal: photo %d of %s is missing", len(s.Photos[rec]), rec)
		}
		s.Photos[rec] = append(s.Photos[rec], data)
		j.known[photoKey(rec, n)] = true
	}
	return &s, rows.Err()
}

// Commit writes the state and any new photos in one transaction.
func (j *SQLite) Commit(s *providertest.Snapshot) error {
	state := *s
	state.Photos = nil
	b, err := json.Marshal(&state)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	ctx := context.Background()
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer tx.Rollback()
	var added []string
	for rec, photos := range s.Photos {
		for n, data := range photos {
			if k := photoKey(rec, n); !j.known[k] {
				if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO photos (record, n, data) VALUES (?, ?, ?)`, rec, n, data); err != nil {
					return fmt.Errorf("journal: save photo: %w", err)
				}
				added = append(added, k)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO state (id, snapshot, saved_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at`,
		b, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("journal: save state: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("journal: commit: %w", err)
	}
	for _, k := range added {
		j.known[k] = true
	}
	return nil
}
