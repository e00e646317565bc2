// Package uitest builds a screens.Env over a real temporary database for
// headless UI tests: real services, Fyne's test app, work run inline.
package uitest

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ticketbook/assets"
	"ticketbook/cmd/ticketbook/cli"
	"ticketbook/core/fleet"
	"ticketbook/core/i18n"
	"ticketbook/core/share"
	"ticketbook/core/tickets"
	"ticketbook/storage"
	"ticketbook/storage/storagetest"
	"ticketbook/ui/screens"
)

// Fixture is a test window with services over a fresh database.
type Fixture struct {
	Env     screens.Env
	Window  fyne.Window
	Fleet   *fleet.Service
	Tickets *tickets.Service
	Store   *storage.Store
	// Errors collects what the error presenter was asked to show.
	Errors []error
	// Opened collects navigation requests.
	Opened []screens.Target
}

// Now is the pinned clock of every fixture: 2026-03-20 10:00 local time.
var Now = time.Date(2026, 3, 20, 10, 0, 0, 0, time.Local)

func New(t testing.TB, lang i18n.Lang) *Fixture {
	t.Helper()
	a := test.NewTempApp(t)
	w := a.NewWindow("test")
	w.Resize(fyne.NewSize(1000, 700))
	t.Cleanup(w.Close)
	st := storagetest.Open(t)
	clock := func() time.Time { return Now }
	f := &Fixture{Window: w, Store: st, Fleet: fleet.New(st, clock), Tickets: tickets.New(st, clock)}
	key, err := share.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	f.Env = screens.Env{
		Text:    screens.Text{Catalog: assets.Catalog(), Lang: lang},
		Window:  w,
		Present: func(err error) { f.Errors = append(f.Errors, err) },
		Run:     screens.Inline,
		Services: screens.Services{
			Fleet:   f.Fleet,
			Tickets: f.Tickets,
			Photos:  tickets.Photos{Service: f.Tickets, Blobs: storage.NewBlobs(filepath.Join(t.TempDir(), "attachments"))},
			Signer:  share.Signer{Key: key, KeyID: "test"},
			// The window's data tools are the command line's commands.
			Tools: func(ctx context.Context, args ...string) (string, error) {
				var out, errOut bytes.Buffer
				if code := cli.Main(ctx, append(args, "--db", st.Path()), &out, &errOut, nil); code != cli.ExitOK {
					return out.String(), errors.New(errOut.String())
				}
				return out.String(), nil
			},
		},
		Now:  clock,
		Open: func(target screens.Target) { f.Opened = append(f.Opened, target) },
	}
	return f
}
