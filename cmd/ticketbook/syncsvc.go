package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"ticketbook/cmd/ticketbook/connect"
	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/provider"
	"ticketbook/core/syncer"
	"ticketbook/core/tickets"
	"ticketbook/storage"
	"ticketbook/ui/screens"
)

// syncService is the window's screens.Sync: every run opens the configured
// provider (for "demo" it starts the built-in demo provider on loopback),
// syncs, and closes it again, so a changed setting or token takes effect on
// the next run without a restart.
//
// One run at a time: a second Run waits until the first has finished (or
// its own context ends), then runs. So "Sync now" pressed while the timer's
// run is going simply runs once more right after it, and nothing is ever
// sent by two runs of this process at once (the outbox lease also guards
// against a second process).
type syncService struct {
	st  *storage.Store
	tk  *tickets.Service
	now core.Clock
	opt syncer.Options

	slot chan struct{} // holds one token while a run goes on
	// ran gets a tick after every run (non-blocking): the timer loop resets
	// its wait from it, so a run on demand also counts as the timer's.
	ran chan struct{}
	// kick asks the timer loop for a run soon (a new provider was saved).
	kick chan struct{}

	mu      sync.Mutex
	running bool
	online  bool
	tried   bool // a run was attempted in this process; else Online comes from the last report
}

func newSyncService(st *storage.Store, tk *tickets.Service, now core.Clock) *syncService {
	return &syncService{st: st, tk: tk, now: now, slot: make(chan struct{}, 1), ran: make(chan struct{}, 1),
		kick: make(chan struct{}, 1)}
}

var _ screens.Sync = (*syncService)(nil)

// Run does one sync now. Errors: connect.ErrOff when sync is off,
// connect.ErrNoToken without a token, the engine's errors otherwise;
// provider.ErrOffline (wrapped) when the provider could not be reached.
func (s *syncService) Run(ctx context.Context, progress func(syncer.Progress)) (syncer.Report, error) {
	select {
	case s.slot <- struct{}{}:
	case <-ctx.Done():
		return syncer.Report{}, ctx.Err()
	}
	s.setRunning(true)
	defer func() {
		s.setRunning(false)
		<-s.slot
		select {
		case s.ran <- struct{}{}:
		default:
		}
	}()
	conn, err := connect.Open(ctx, connect.Options{Store: s.st, Now: s.now, Engine: s.opt})
	if err != nil {
		s.setOnline(false)
		return syncer.Report{}, err
	}
	defer conn.Close()
	rep, err := conn.Engine.Run(ctx, progress)
	if conn.Demo {
		rep.Provider = tickets.ProviderDemo
	}
	switch {
	case rep.Online:
		s.setOnline(true)
	case errors.Is(err, provider.ErrOffline) || errors.Is(err, provider.ErrNoReply):
		s.setOnline(false)
	case ctx.Err() != nil:
		// Cancelled before the provider answered: nothing learned.
	default:
		s.setOnline(err == nil)
	}
	return rep, err
}

func (s *syncService) setRunning(on bool) {
	s.mu.Lock()
	s.running = on
	s.mu.Unlock()
}

func (s *syncService) setOnline(on bool) {
	s.mu.Lock()
	s.online, s.tried = on, true
	s.mu.Unlock()
}

// Online reports whether the last run reached the provider.
func (s *syncService) Online() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.online
}

// Status reads the setting, the token's source (masked), the last report
// and the outbox entries not done.
func (s *syncService) Status(ctx context.Context) (screens.SyncStatus, error) {
	target, err := connect.Setting(ctx, s.st)
	if err != nil {
		return screens.SyncStatus{}, err
	}
	st := screens.SyncStatus{Provider: target, Demo: target == tickets.ProviderDemo, Off: target == tickets.ProviderOff}
	if st.Demo {
		st.TokenSource = "demo"
	} else if !st.Off {
		tok, src, err := connect.LoadToken(connect.DataDir(s.st), target)
		if err != nil {
			return st, err
		}
		if tok != "" {
			st.TokenSource, st.TokenMasked = src, connect.Mask(tok)
		}
	}
	if st.Last, err = syncer.LastReport(ctx, s.st); err != nil {
		return st, err
	}
	if st.Outbox, err = s.tk.Outbox(ctx, core.OutboxFilter{States: []core.OutboxState{core.OutboxQueued,
		core.OutboxSending, core.OutboxUnknown, core.OutboxFailed}}); err != nil {
		return st, err
	}
	s.mu.Lock()
	st.Running, st.Online = s.running, s.online
	if !s.tried {
		st.Online = st.Last != nil && st.Last.Online
	}
	s.mu.Unlock()
	if st.Off {
		st.Online = false
	}
	return st, nil
}

// SetProvider checks the target, keeps the token (keyring, or the 0600
// file) when one is given, and stores the setting.
func (s *syncService) SetProvider(ctx context.Context, target, token string) (screens.SyncStatus, error) {
	target, err := tickets.CheckProvider(target)
	if err != nil {
		return screens.SyncStatus{}, err
	}
	if token != "" {
		if target == tickets.ProviderDemo || target == tickets.ProviderOff {
			return screens.SyncStatus{}, errTokenNeedsURL
		}
		if _, err := connect.SaveToken(connect.DataDir(s.st), target, token); err != nil {
			return screens.SyncStatus{}, err
		}
	}
	if _, err := s.tk.SetSetting(ctx, tickets.SettingProvider, target); err != nil {
		return screens.SyncStatus{}, err
	}
	s.mu.Lock()
	s.tried = false // a new provider: its reachability is unknown until the next run
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return s.Status(ctx)
}

// waitIdle waits until no run holds the slot, at most d.
func (s *syncService) waitIdle(d time.Duration) {
	select {
	case s.slot <- struct{}{}:
		<-s.slot
	case <-time.After(d):
	}
}

var errTokenNeedsURL = field.New("token", "needs_url", "goes with a provider URL; the demo provider needs none",
	"只能配合服务方地址使用；演示服务不需要令牌")
