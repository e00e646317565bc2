// Package storagetest gives tests a real, empty Ticketbook database.
package storagetest

import (
	"context"
	"path/filepath"
	"testing"

	"ticketbook/storage"
)

// Open opens a fresh database file in t's temporary directory (a file, not
// :memory:, so the writer and the read pool share it) and closes it when the
// test ends.
func Open(t testing.TB) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "ticketbook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}
