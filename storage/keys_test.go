package storage

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSigningKeyIsCreatedOnceAndPrivate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "share.key")
	k1, err := LoadOrCreateKey(p)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(p)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("second load gave another key (%v)", err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	os.WriteFile(p, []byte("not a key"), 0o600)
	if _, err := LoadOrCreateKey(p); err == nil {
		t.Error("a damaged key was accepted")
	}
}
