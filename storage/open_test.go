package storage_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"ticketbook/core"
	"ticketbook/storage"
)

func open(t *testing.T, path string) *storage.Store {
	t.Helper()
	s, err := storage.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReopenIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tb.db")
	s := open(t, path)
	v1, err := storage.SchemaVersion(t.Context(), s)
	if err != nil || v1 < 1 {
		t.Fatalf("schema version %d, %v", v1, err)
	}
	newVehicle(t, s, "粤B12345")
	s.Close()

	s = open(t, path)
	defer s.Close()
	if v2, _ := storage.SchemaVersion(t.Context(), s); v2 != v1 {
		t.Fatalf("reopening moved the schema from %d to %d", v1, v2)
	}
	if list, _ := s.Vehicles().List(t.Context(), core.VehicleFilter{}); len(list) != 1 {
		t.Fatalf("data lost on reopen: %+v", list)
	}
}

func TestFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "tb.db")
	s := open(t, path)
	defer s.Close()
	newVehicle(t, s, "粤B12345")
	for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), fi.Mode(), want)
		}
	}
}

func TestLooseModesAreTightened(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	path := filepath.Join(t.TempDir(), "tb.db")
	s := open(t, path)
	s.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	defer s.Close()
	if fi, _ := os.Stat(path); fi.Mode() != 0o600 {
		t.Fatalf("mode %v after reopen", fi.Mode())
	}
}

func TestPathWithSpacesAndCJK(t *testing.T) {
	path := filepath.Join(t.TempDir(), "my data 数据", "罚单 本 #1 %41.db")
	s := open(t, path)
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	newVehicle(t, s, "粤B12345")
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where asked: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "罚单 本 #1 %41.db") {
			t.Errorf("stray file %q: the path was mis-escaped", e.Name())
		}
	}
	s = open(t, path)
	defer s.Close()
	if list, _ := s.Vehicles().List(t.Context(), core.VehicleFilter{}); len(list) != 1 {
		t.Fatal("data not found on reopen")
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tb.db")
	open(t, path).Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', '2099-01-01T00:00:00.000000000Z')`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := storage.Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatal("a database from a newer Ticketbook was opened")
	}
	if !errors.Is(err, storage.ErrNewerSchema) || !strings.Contains(err.Error(), "database was written by a newer Ticketbook") {
		t.Fatalf("err = %v", err)
	}
}
