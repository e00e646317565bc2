package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"ticketbook/assets"
	"ticketbook/cmd/ticketbook/cli"
	"ticketbook/core/fleet"
	"ticketbook/core/share"
	"ticketbook/core/tickets"
	"ticketbook/storage"
	"ticketbook/ui"
	"ticketbook/ui/screens"
	"ticketbook/ui/theme"
)

// appID must be set, or Fyne keeps preferences in a temporary folder.
const appID = "io.github.ticketbook"

func runGUI(ctx context.Context, opts cli.GUIOptions) error {
	dataDir := filepath.Dir(opts.DBPath)
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	// Before Open: its migrations would write into a damaged file.
	if err := storage.StartupCheck(ctx, opts.DBPath); err != nil {
		var damaged *storage.DamagedError
		if !errors.As(err, &damaged) || damaged.Backup == "" || !offerRestore(a, opts, damaged) {
			return err
		}
		if _, err := storage.RestoreTo(ctx, damaged.Backup, opts.DBPath); err != nil {
			return err
		}
		// The offer window ran this app's event loop, which cannot run
		// twice: start afresh on the restored database.
		return restartSelf()
	}
	st, err := storage.Open(ctx, opts.DBPath)
	if err != nil {
		return err
	}
	defer st.Close()
	logger, closeLog := openLog(dataDir)
	defer closeLog()
	// The daily backup, rotated; it holds the writer only for the snapshot.
	go func() {
		if _, err := storage.AutoBackup(ctx, st, dataDir, storage.DefaultKeep); err != nil {
			logger.Warn("daily backup failed", "err", err)
		}
	}()

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
			Tools:   commandTools(opts.DBPath),
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

// commandTools runs the data commands in-process on the same database, so
// the window's exports, reports, backups and imports are the command line's.
func commandTools(dbPath string) screens.Tools {
	return func(ctx context.Context, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		code := cli.Main(ctx, append(args, "--db", dbPath), &out, &errOut, nil)
		if code != cli.ExitOK {
			msg := strings.TrimSpace(errOut.String())
			for _, prefix := range []string{"error: ", "错误："} {
				msg = strings.TrimPrefix(msg, prefix)
			}
			return out.String(), errors.New(msg)
		}
		return out.String() + errOut.String(), nil
	}
}

// offerRestore tells the user the database is damaged and asks, in a small
// window of its own, whether to restore the last good backup.
func offerRestore(a fyne.App, opts cli.GUIOptions, damaged *storage.DamagedError) bool {
	lang := string(opts.Lang)
	zh := strings.HasPrefix(lang, "zh")
	pick := func(en, cn string) string {
		if zh {
			return cn
		}
		return en
	}
	a.Settings().SetTheme(theme.Theme{}) // the bundled CJK font, on any machine
	w := a.NewWindow("Ticketbook")
	restore := false
	msg := widget.NewLabel(damaged.Message(lang) + "\n\n" + pick("Restore the last good backup now?", "现在恢复最近一次完好的备份吗？") + "\n" + damaged.Backup)
	msg.Wrapping = fyne.TextWrapWord
	yes := widget.NewButton(pick("Restore", "恢复"), func() { restore = true; w.Close() })
	yes.Importance = widget.HighImportance
	no := widget.NewButton(pick("Quit", "退出"), w.Close)
	w.SetContent(container.NewBorder(nil, container.NewHBox(no, yes), nil, nil, msg))
	w.Resize(fyne.NewSize(560, 240))
	w.ShowAndRun()
	return restore
}

func restartSelf() error {
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return cmd.Start()
}
