package connect

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"ticketbook/core"
	"ticketbook/core/tickets"
	"ticketbook/storage"
)

func openStore(t *testing.T) *storage.Store {
	t.Helper()
	st, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "tb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// A new book syncs with the demo; a book that already holds vehicles (an
// upgrade) never gets sample cars unless the user asks.
func TestUnsetProviderIsDecidedOnceByTheBook(t *testing.T) {
	ctx := context.Background()
	empty := openStore(t)
	if v, err := Setting(ctx, empty); err != nil || v != tickets.ProviderDemo {
		t.Fatalf("an empty book: %q %v, want demo", v, err)
	}
	used := openStore(t)
	if err := used.Vehicles().Insert(ctx, &core.Vehicle{PlateType: "02", Plate: "粤B12345", OwnerKind: core.OwnerOwn, Use: core.UsePrivate}); err != nil {
		t.Fatal(err)
	}
	if v, err := Setting(ctx, used); err != nil || v != tickets.ProviderOff {
		t.Fatalf("a book with vehicles: %q %v, want off", v, err)
	}
	// Decided once: the demo book keeps its demo after its cars arrive.
	if err := empty.Vehicles().Insert(ctx, &core.Vehicle{PlateType: "02", Plate: "京A12345", OwnerKind: core.OwnerOwn, Use: core.UsePrivate}); err != nil {
		t.Fatal(err)
	}
	if v, _ := Setting(ctx, empty); v != tickets.ProviderDemo {
		t.Fatalf("the stored choice must stand, got %q", v)
	}
	if _, err := Open(ctx, Options{Store: used}); err != ErrOff {
		t.Fatalf("sync of an off book: %v, want ErrOff", err)
	}
}

func TestTokenFileFallbackIsPrivate(t *testing.T) {
	t.Setenv("TICKETBOOK_KEYRING", "off")
	t.Setenv(EnvToken, "")
	dir := t.TempDir()
	where, err := SaveToken(dir, "https://a.example.com", "tok-a-1234")
	if err != nil || where != FromFile {
		t.Fatalf("save: %q %v", where, err)
	}
	if _, err := SaveToken(dir, "https://b.example.com", "tok-b-5678"); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(tokenFile(dir))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode: %v %v", fi, err)
	}
	if tok, src, _ := LoadToken(dir, "https://a.example.com"); tok != "tok-a-1234" || src != FromFile {
		t.Fatalf("load a: %q %q", tok, src)
	}
	t.Setenv(EnvToken, "from-env")
	if tok, src, _ := LoadToken(dir, "https://a.example.com"); tok != "from-env" || src != FromEnv {
		t.Fatalf("the environment must win: %q %q", tok, src)
	}
	t.Setenv(EnvToken, "")
	if err := DeleteToken(dir, "https://a.example.com"); err != nil {
		t.Fatal(err)
	}
	if tok, _, _ := LoadToken(dir, "https://a.example.com"); tok != "" {
		t.Fatalf("deleted token still there: %q", tok)
	}
	if tok, _, _ := LoadToken(dir, "https://b.example.com"); tok != "tok-b-5678" {
		t.Fatalf("the other provider's token must stay: %q", tok)
	}
	if _, err := SaveToken(dir, "https://a.example.com", "two words"); err == nil {
		t.Fatal("a token with a space must be refused")
	}
	if m := Mask("tok-b-5678"); m == "tok-b-5678" || m[len(m)-4:] != "5678" {
		t.Fatalf("mask: %q", m)
	}
}
