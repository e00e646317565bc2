package ui_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"ticketbook/assets"
	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/core/provider"
	"ticketbook/core/provider/providertest"
	"ticketbook/core/syncer"
	"ticketbook/storage"
	"ticketbook/ui"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

// engineSync is screens.Sync over the real engine and a reference provider
// on a test server, the way cmd/ticketbook wires it (minus the keyring).
type engineSync struct {
	f      *uitest.Fixture
	engine *syncer.Engine
	online bool
}

func (s *engineSync) Run(ctx context.Context, progress func(syncer.Progress)) (syncer.Report, error) {
	rep, err := s.engine.Run(ctx, progress)
	s.online = rep.Online
	return rep, err
}

func (s *engineSync) Status(ctx context.Context) (screens.SyncStatus, error) {
	st := screens.SyncStatus{Provider: "demo", Demo: true, TokenSource: "demo", Online: s.online}
	var err error
	if st.Last, err = syncer.LastReport(ctx, s.f.Store); err != nil {
		return st, err
	}
	st.Outbox, err = s.f.Tickets.Outbox(ctx, core.OutboxFilter{States: []core.OutboxState{core.OutboxQueued,
		core.OutboxSending, core.OutboxUnknown, core.OutboxFailed}})
	return st, err
}

func (s *engineSync) SetProvider(ctx context.Context, target, token string) (screens.SyncStatus, error) {
	return s.Status(ctx)
}

func TestSyncThroughTheWindowAgainstTheReferenceProvider(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	clock := func() time.Time { return uitest.Now }
	p, err := providertest.New(providertest.Options{Token: "t0ken", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := providertest.SeedDemo(p, uitest.Now); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	client, err := provider.New(srv.URL, "t0ken", nil)
	if err != nil {
		t.Fatal(err)
	}
	es := &engineSync{f: f, engine: syncer.New(f.Store, client, storage.NewBlobs(filepath.Join(t.TempDir(), "blobs")), clock,
		syncer.Options{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, TriesPerRun: 1, Seed: 1})}
	f.Env.Services.Sync = es
	u := ui.New(fyne.CurrentApp(), ui.Deps{Services: f.Env.Services, Catalog: assets.Catalog(), Lang: i18n.EN, LangChosen: true,
		Where: "test.db", Now: f.Env.Now, Run: screens.Inline})
	u.Start()
	if !strings.Contains(u.Footer.Text, "Demo provider (sample data) · not synced yet") || !u.FooterBadge.Visible() {
		t.Fatalf("footer before = %q, badge %v", u.Footer.Text, u.FooterBadge.Visible())
	}

	u.Open(screens.Target{Screen: "sync"})
	u.Sync.Run()
	if !strings.HasPrefix(u.Sync.Result.Text, "Sync finished") {
		t.Fatalf("result = %q", u.Sync.Result.Text)
	}
	n, err := f.Tickets.Count(t.Context(), core.ViolationFilter{})
	if err != nil || n == 0 {
		t.Fatalf("no violations arrived: %d %v", n, err)
	}
	if !strings.Contains(u.Sync.Counts.Text, "new violations") || !strings.Contains(u.Footer.Text, "· online · last sync 10:00") {
		t.Errorf("counts %q, footer %q", u.Sync.Counts.Text, u.Footer.Text)
	}
	if !strings.Contains(u.Today.Sync.Text, "online") {
		t.Errorf("today = %q", u.Today.Sync.Text)
	}

	// Offline: an action waits in the outbox and the footer says so.
	vs, err := f.Tickets.Assess(t.Context(), core.ViolationFilter{}, core.DateOf(uitest.Now), "en")
	if err != nil {
		t.Fatal(err)
	}
	queued := false
	for _, v := range vs {
		if v.DecisionNumber != "" && v.Status.Open() && v.Status != core.StatusAppealed {
			if _, err := f.Tickets.Pay(t.Context(), v.ID, core.PayAlipay, "en"); err == nil {
				queued = true
				break
			}
		}
	}
	if !queued {
		t.Fatal("no demo violation could be paid")
	}
	srv.Close()
	u.Sync.Run()
	if !strings.Contains(u.Footer.Text, "· offline — 1 actions wait in the outbox") {
		t.Errorf("footer offline = %q", u.Footer.Text)
	}
	if !strings.Contains(u.Today.Waiting.Text, "1 actions queued, 0 failed") || !u.Today.Waiting.Visible() {
		t.Errorf("today waiting = %q", u.Today.Waiting.Text)
	}
	if len(u.Sync.Rows) != 1 || u.Sync.Rows[0].Item.State != core.OutboxQueued {
		t.Errorf("outbox rows = %+v", u.Sync.Rows)
	}
	u.Today.OpenSync.OnTapped()
	if u.Tabs.Selected().Text != "Sync" {
		t.Errorf("Today's button opened %q", u.Tabs.Selected().Text)
	}
}

func TestFooterWithoutSyncAndWithSyncOff(t *testing.T) {
	u, _ := newShell(t, i18n.ZH) // no Sync wired
	if !strings.HasPrefix(u.Footer.Text, "同步已关闭 · 数据库：test.db") || u.FooterBadge.Visible() {
		t.Errorf("footer = %q", u.Footer.Text)
	}
}
