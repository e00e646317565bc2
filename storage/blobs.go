package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Blobs keeps attachment files in a folder beside the database, named by
// their SHA-256 so the same photo is stored once and never overwritten.
type Blobs struct{ dir string }

func NewBlobs(dir string) *Blobs { return &Blobs{dir: dir} }

func (b *Blobs) path(hash string) (string, error) {
	if len(hash) != 64 {
		return "", fmt.Errorf("storage: %q is not an attachment hash", hash)
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return "", fmt.Errorf("storage: %q is not an attachment hash", hash)
	}
	return filepath.Join(b.dir, hash[:2], hash), nil
}

// Put writes data under its hash; writing the same bytes again is a no-op.
// The file appears whole or not at all (temp file, fsync, rename).
func (b *Blobs) Put(ctx context.Context, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	p, _ := b.path(hash)
	if _, err := os.Stat(p); err == nil {
		return hash, nil
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return hash, os.Rename(tmp.Name(), p)
}

func (b *Blobs) Open(hash string) (io.ReadCloser, error) {
	p, err := b.path(hash)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}
