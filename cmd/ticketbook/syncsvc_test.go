package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ticketbook/cmd/ticketbook/connect"
	"ticketbook/core"
	"ticketbook/core/syncer"
	"ticketbook/core/tickets"
	"ticketbook/storage/storagetest"
)

func newTestSyncService(t *testing.T) (*syncService, *tickets.Service) {
	t.Helper()
	t.Setenv("TICKETBOOK_KEYRING", "off") // the 0600 file, never the developer's keyring
	t.Setenv(connect.EnvToken, "")
	st := storagetest.Open(t)
	tk := tickets.New(st, time.Now)
	svc := newSyncService(st, tk, time.Now)
	svc.opt = syncer.Options{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, TriesPerRun: 1, Seed: 1}
	return svc, tk
}

// The demo provider runs for the run only, its violations arrive, and the
// status says online with the report.
func TestSyncServiceRunsTheDemoProvider(t *testing.T) {
	svc, tk := newTestSyncService(t)
	ctx := t.Context()
	st, err := svc.Status(ctx)
	if err != nil || !st.Demo || st.Online || st.Last != nil {
		t.Fatalf("before: %+v %v", st, err)
	}
	var phases []string
	rep, err := svc.Run(ctx, func(p syncer.Progress) { phases = append(phases, p.Phase) })
	if err != nil || !rep.Online || rep.ViolationsAdded == 0 || rep.Provider != "demo" {
		t.Fatalf("run: %+v %v", rep, err)
	}
	if len(phases) == 0 {
		t.Error("no progress reported")
	}
	st, err = svc.Status(ctx)
	if err != nil || !st.Online || st.Running || st.Last == nil || st.Last.ViolationsAdded != rep.ViolationsAdded {
		t.Fatalf("after: %+v %v", st, err)
	}
	if n, _ := tk.Count(ctx, core.ViolationFilter{}); n != rep.ViolationsAdded {
		t.Errorf("%d violations stored, report says %d", n, rep.ViolationsAdded)
	}
}

// A second Run waits for the first; a cancelled wait returns at once.
func TestSyncServiceRunsOneAtATime(t *testing.T) {
	svc, _ := newTestSyncService(t)
	svc.slot <- struct{}{} // a run in flight
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := svc.Run(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second run while one holds the slot: %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var err error
	go func() {
		defer wg.Done()
		_, err = svc.Run(t.Context(), nil)
	}()
	time.Sleep(30 * time.Millisecond)
	<-svc.slot // the first run ends
	wg.Wait()
	if err != nil {
		t.Errorf("the waiting run: %v", err)
	}
}

func TestSyncServiceSetProviderKeepsTheTokenInA0600File(t *testing.T) {
	svc, _ := newTestSyncService(t)
	ctx := t.Context()
	if _, err := svc.SetProvider(ctx, "ftp://x", "abc"); err == nil {
		t.Fatal("a bad URL was accepted")
	}
	if _, err := svc.SetProvider(ctx, "demo", "abc"); err == nil {
		t.Fatal("a token for the demo provider was accepted")
	}
	st, err := svc.SetProvider(ctx, "http://127.0.0.1:1", "secret-token-9876")
	if err != nil {
		t.Fatal(err)
	}
	if st.Demo || st.Off || st.Provider != "http://127.0.0.1:1" || st.TokenSource != connect.FromFile ||
		st.TokenMasked != "••••••••9876" {
		t.Fatalf("status = %+v", st)
	}
	fi, err := os.Stat(filepath.Join(connect.DataDir(svc.st), "provider-token"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	// Nothing listens on port 1: offline, and the outbox is untouched.
	_, err = svc.Run(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "offline") {
		t.Fatalf("run against a closed port: %v", err)
	}
	if st, _ := svc.Status(ctx); st.Online {
		t.Error("still online after an unreachable provider")
	}
	if st, _ := svc.SetProvider(ctx, "off", ""); !st.Off || st.Online {
		t.Fatalf("off: %+v", st)
	}
	if _, err := svc.Run(ctx, nil); !errors.Is(err, connect.ErrOff) {
		t.Errorf("run when off: %v", err)
	}
}
