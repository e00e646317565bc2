package storage

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPoolIsReadOnly(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "tb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if _, err := s.readPool.ExecContext(ctx, `DELETE FROM vehicles`); err == nil {
		t.Fatal("the read pool accepted a write")
	}
	// mode=ro must hold even without query_only, or a plain path slipped in.
	c, err := s.readPool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, `DELETE FROM vehicles`); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("read pool without query_only: %v", err)
	}
}

func TestPragmas(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "tb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		db     *sql.DB
		pragma string
		want   string
	}{
		{s.writer, "journal_mode", "wal"}, {s.writer, "foreign_keys", "1"}, {s.writer, "synchronous", "2"},
		{s.writer, "busy_timeout", "5000"}, {s.readPool, "foreign_keys", "1"}, {s.readPool, "query_only", "1"},
		{s.readPool, "busy_timeout", "5000"},
	} {
		var got string
		if err := c.db.QueryRowContext(t.Context(), "PRAGMA "+c.pragma).Scan(&got); err != nil || got != c.want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", c.pragma, got, err, c.want)
		}
	}
}

func TestDSNEscapesPath(t *testing.T) {
	got := dsn("/tmp/a b/数#?%.db", "mode=ro")
	want := "file:///tmp/a%20b/%E6%95%B0%23%3F%25.db?mode=ro"
	if got != want {
		t.Fatalf("dsn = %q, want %q", got, want)
	}
}
