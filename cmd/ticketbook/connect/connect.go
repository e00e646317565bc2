// Package connect builds the sync engine for a database: it reads the
// provider setting, finds the token, and for "demo" runs the built-in demo
// provider on loopback. The command line and the window share it.
package connect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"ticketbook/cmd/ticketbook-provider/journal"
	"ticketbook/core"
	"ticketbook/core/provider"
	"ticketbook/core/provider/providertest"
	"ticketbook/core/syncer"
	"ticketbook/core/tickets"
	"ticketbook/storage"
)

// ErrOff means the user turned sync off.
var ErrOff = errors.New("sync is off (settings: provider = off)")

// ErrNoToken means a real provider is set but no token is.
var ErrNoToken = errors.New("no provider token: set it in Settings, or in " + EnvToken)

type Options struct {
	Store *storage.Store
	// Provider overrides the setting: a URL, "demo" or "off".
	Provider string
	// Token overrides the stored token (tests).
	Token  string
	Now    core.Clock
	Engine syncer.Options
}

// Connection is an engine bound to one provider.
type Connection struct {
	Engine      *syncer.Engine
	Client      *provider.Client
	URL         string
	Demo        bool
	TokenSource string
	closeFn     func() error
}

func (c *Connection) Close() error {
	if c == nil || c.closeFn == nil {
		return nil
	}
	return c.closeFn()
}

// DataDir is the folder of the database: attachments, the token file and the
// demo provider's own database live there.
func DataDir(st *storage.Store) string { return filepath.Dir(st.Path()) }

// Setting is the provider setting of the database. Unset, it is decided
// once and stored: the demo provider for a new, empty database (what
// `make run` shows), but off for a book that already holds vehicles, so a
// user's real records never get sample cars mixed in by an upgrade.
func Setting(ctx context.Context, st core.Store) (string, error) {
	v, ok, err := st.Settings().Get(ctx, tickets.SettingProvider)
	if err != nil {
		return "", err
	}
	if ok && v != "" {
		return v, nil
	}
	vs, err := st.Vehicles().List(ctx, core.VehicleFilter{IncludeArchived: true})
	if err != nil {
		return "", err
	}
	v = tickets.ProviderDemo
	if len(vs) > 0 {
		v = tickets.ProviderOff
	}
	return v, st.Settings().Set(ctx, tickets.SettingProvider, v)
}

// Open connects to the configured (or overriding) provider.
func Open(ctx context.Context, o Options) (*Connection, error) {
	target := o.Provider
	if target == "" {
		var err error
		if target, err = Setting(ctx, o.Store); err != nil {
			return nil, err
		}
	}
	target, err := tickets.CheckProvider(target)
	if err != nil {
		return nil, err
	}
	if o.Engine.Owner == "" {
		o.Engine.Owner, o.Engine.Dead = owner(), deadOwner
	}
	dir := DataDir(o.Store)
	blobs := storage.NewBlobs(filepath.Join(dir, "attachments"))
	switch target {
	case tickets.ProviderOff:
		return nil, ErrOff
	case tickets.ProviderDemo:
		return openDemo(ctx, o, dir, blobs)
	}
	token, source := o.Token, "option"
	if token == "" {
		if token, source, err = LoadToken(dir, target); err != nil {
			return nil, err
		}
	}
	if token == "" {
		return nil, ErrNoToken
	}
	client, err := provider.New(target, token, nil)
	if err != nil {
		return nil, err
	}
	return &Connection{Engine: syncer.New(o.Store, client, blobs, o.Now, o.Engine), Client: client, URL: target,
		TokenSource: source}, nil
}

// DemoToken is the built-in demo provider's token; it guards nothing real.
const DemoToken = "demo"

// openDemo runs the demo provider in this process on a loopback port, over
// its own database next to the user's (so payments made to it persist and
// cursors stay valid across restarts).
func openDemo(ctx context.Context, o Options, dir string, blobs core.BlobStore) (*Connection, error) {
	j, err := OpenDemoJournal(filepath.Join(dir, "demo-provider.db"))
	if err != nil {
		return nil, fmt.Errorf("demo provider: %w", err)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	p, err := providertest.New(providertest.Options{Token: DemoToken, Now: now, Journal: j, AutoApproveAfter: 30 * time.Second})
	if err != nil {
		j.Close()
		return nil, fmt.Errorf("demo provider: %w", err)
	}
	if len(p.Violations()) == 0 {
		if err := providertest.SeedDemo(p, now()); err != nil {
			j.Close()
			return nil, fmt.Errorf("demo provider: %w", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		j.Close()
		return nil, fmt.Errorf("demo provider: %w", err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	client, err := provider.New(url, DemoToken, nil)
	if err != nil {
		srv.Close()
		j.Close()
		return nil, err
	}
	return &Connection{Engine: syncer.New(o.Store, client, blobs, o.Now, o.Engine), Client: client, URL: url, Demo: true,
		TokenSource: "demo",
		closeFn: func() error {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			return errors.Join(srv.Shutdown(sctx), j.Close())
		}}, nil
}

// Describe is the provider as shown to the user: the demo is never
// mistaken for a real authority.
func (c *Connection) Describe(lang string) string {
	if c.Demo {
		if strings.HasPrefix(lang, "zh") {
			return "演示服务（示例数据，非真实交管服务）"
		}
		return "Demo provider (sample data, not a real authority)"
	}
	return c.URL
}

// OpenDemoJournal is the demo provider's own database (the same journal the
// reference provider server uses).
func OpenDemoJournal(path string) (*journal.SQLite, error) { return journal.Open(path) }
