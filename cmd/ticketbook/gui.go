package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"ticketbook/assets"
	"ticketbook/cmd/ticketbook/cli"
	"ticketbook/core/fleet"
	"ticketbook/storage"
	"ticketbook/ui"
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
	u := ui.New(a, ui.Deps{
		Fleet:   fleet.New(st, time.Now),
		Catalog: assets.Catalog(),
		Lang:    opts.Lang,
		Where:   opts.DBPath,
		Log:     logger,
	})
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	u.Start()
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
