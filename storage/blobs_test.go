package storage

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestBlobsAreContentAddressedAndPrivate(t *testing.T) {
	dir := t.TempDir()
	b := NewBlobs(dir)
	h1, err := b.Put(t.Context(), []byte("photo"))
	if err != nil {
		t.Fatal(err)
	}
	h2, err := b.Put(t.Context(), []byte("photo"))
	if err != nil || h1 != h2 || len(h1) != 64 {
		t.Fatalf("hashes %q %q %v", h1, h2, err)
	}
	r, err := b.Open(h1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if string(got) != "photo" {
		t.Errorf("read back %q", got)
	}
	fi, err := os.Stat(filepath.Join(dir, h1[:2], h1))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("blob mode %v %v", fi.Mode().Perm(), err)
	}
	for _, bad := range []string{"../../etc/passwd", "", h1[:10], "zz" + h1[2:]} {
		if _, err := b.Open(bad); err == nil {
			t.Errorf("Open(%q) accepted", bad)
		}
	}
}
