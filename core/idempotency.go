package core

import (
	"crypto/rand"
	"encoding/hex"
)

// NewIdempotencyKey makes the key a payment carries to the provider: random,
// so two desktops (or a retry after a restart) never collide.
func NewIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails since Go 1.24
	return hex.EncodeToString(b)
}
