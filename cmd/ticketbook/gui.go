package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	fynestorage "fyne.io/fyne/v2/storage"

	"ticketbook/assets"
	"ticketbook/cmd/ticketbook/cli"
	"ticketbook/core/fleet"
	"ticketbook/core/share"
	"ticketbook/core/tickets"
	"ticketbook/storage"
	"ticketbook/ui"
	"ticketbook/ui/screens"
)

// appID must be set, or Fyne keeps preferences in a temporary folder.
const appID = "io.github.ticketbook"

func runGUI(ctx context.Context, opts cli.GUIOptions) error {
	st, err := storage.Open(ctx, opts.DBPath)
	if err != nil {
		return err
	}
	defer st.Close()
	logger, closeLog := openLog(filepath.Dir(opts.DBPath))
	defer closeLog()

	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	tk := tickets.New(st, time.Now)
	key, err := storage.LoadOrCreateKey(filepath.Join(filepath.Dir(opts.DBPath), "share.key"))
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	u := ui.New(a, ui.Deps{
		Services: screens.Services{
			Fleet:   fleet.New(st, time.Now),
			Tickets: tk,
			Photos:  tickets.Photos{Service: tk, Blobs: storage.NewBlobs(filepath.Join(filepath.Dir(opts.DBPath), "attachments"))},
			Signer:  share.Signer{Key: key, KeyID: host},
		},
		Catalog:    assets.Catalog(),
		Lang:       opts.Lang,
		LangChosen: opts.LangChosen,
		Where:      opts.DBPath,
		Log:        logger,
	})
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	u.Start()
	if len(opts.Files) > 0 {
		var uris []fyne.URI
		for _, f := range opts.Files {
			abs, _ := filepath.Abs(f)
			uris = append(uris, fynestorage.NewFileURI(abs))
		}
		u.Open(screens.Target{Screen: "scan"})
		u.Scan.ScanURIs(uris)
	}
	if opts.Open != "" {
		screen, id, _ := strings.Cut(opts.Open, "/")
		n, _ := strconv.ParseInt(id, 10, 64)
		u.Open(screens.Target{Screen: screen, ID: n})
	}
	u.Window.ShowAndRun()
	return nil
}

// openLog writes error details to a file in the data folder; the user sees a
// sentence, support gets the details.
func openLog(dir string) (*slog.Logger, func()) {
	f, err := os.OpenFile(filepath.Join(dir, "ticketbook.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "log file:", err)
		return slog.Default(), func() {}
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }
}
