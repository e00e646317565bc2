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
	"ticketbook/cmd/ticketbook/connect"
	"ticketbook/core/fleet"
	"ticketbook/core/share"
	"ticketbook/core/syncer"
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
	svc := newSyncService(st, tk, time.Now)
	// The app's lifetime for sync: cancelled when the window closes, so a
	// run in flight stops (the outbox keeps what it did not send).
	appCtx, stopSync := context.WithCancel(ctx)
	defer stopSync()
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
			Sync:    svc,
		},
		Context:    appCtx,
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
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		syncLoop(appCtx, svc, syncLoopHooks{
			// Not once the window is gone: fyne.Do would then run on this goroutine.
			started: func() {
				if appCtx.Err() == nil {
					fyne.Do(u.SyncStarted)
				}
			},
			finished: func(rep syncer.Report, err error) {
				if appCtx.Err() == nil {
					fyne.Do(func() { u.SyncFinished(rep, err) })
				}
			},
			log: logger,
		})
	}()
	u.Window.ShowAndRun()
	// Cancel on exit: the loop's run and any "Sync now" stop; wait a moment
	// for them so the database closes after them.
	stopSync()
	select {
	case <-loopDone:
	case <-time.After(5 * time.Second):
	}
	svc.waitIdle(5 * time.Second)
	return nil
}

// Sync timing: the first run a little after the window shows (the window
// draws first), then every few minutes while the provider answers, and
// more often while it does not, to catch the network coming back.
const (
	syncFirstAfter     = 2 * time.Second
	syncEveryOnline    = 5 * time.Minute
	syncEveryOffline   = 60 * time.Second
	syncAfterNewTarget = 500 * time.Millisecond
)

type syncLoopHooks struct {
	started  func()
	finished func(syncer.Report, error)
	log      *slog.Logger
}

// syncLoop syncs on start, on a timer, and when kicked (a new provider was
// saved); a run on demand from the window resets the timer. It ends when
// ctx does, cancelling the run in flight. After a crash nothing needs
// resuming here: the outbox holds every action not yet acknowledged, and
// the first run sends it (an entry whose sender died is looked up by its
// key before any resend).
func syncLoop(ctx context.Context, svc *syncService, h syncLoopHooks) {
	timer := time.NewTimer(syncFirstAfter)
	defer timer.Stop()
	interval := func() time.Duration {
		if svc.Online() {
			return syncEveryOnline
		}
		return syncEveryOffline
	}
	reset := func(d time.Duration) {
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(d)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-svc.ran: // someone else's run (Sync now): wait a full interval from it
			reset(interval())
			continue
		case <-svc.kick:
			reset(syncAfterNewTarget)
			continue
		case <-timer.C:
		}
		h.started()
		rep, err := svc.Run(ctx, nil)
		select { // our own run's tick
		case <-svc.ran:
		default:
		}
		switch {
		case err == nil, errors.Is(err, connect.ErrOff), ctx.Err() != nil:
		default:
			h.log.Warn("sync failed", "err", err)
		}
		h.finished(rep, err)
		reset(interval())
	}
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
