// Package ui is the Fyne shell: the window, its navigation, menus and
// shortcuts, notifications, the tray, and the one error presenter. It never
// imports storage or Fyne's app driver, so it builds and tests headless
// without cgo.
package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core/field"
	"ticketbook/core/i18n"
	"ticketbook/core/syncer"
	"ticketbook/core/tickets"
	"ticketbook/ui/screens"
	"ticketbook/ui/theme"
	"ticketbook/ui/widgets"
)

// Deps is everything the window needs, wired by cmd/ticketbook.
type Deps struct {
	Services screens.Services
	Catalog  *i18n.Catalog
	// Lang is the language from --lang or the locale; a choice saved in
	// Settings wins over the locale, --lang wins over both.
	Lang       i18n.Lang
	LangChosen bool
	// Where is the database path, shown in Settings and the footer.
	Where string
	Log   *slog.Logger
	Now   func() time.Time
	// Run defaults to screens.Async; tests pass screens.Inline.
	Run screens.Background
	// Context is the app's lifetime: a sync started from the window is
	// cancelled with it. nil: never cancelled.
	Context context.Context
}

// Preference keys of the shell itself.
const (
	prefWidth      = "window.width"
	prefHeight     = "window.height"
	prefNotifiedOn = "notified_on"
)

type UI struct {
	App    fyne.App
	Window fyne.Window
	deps   Deps
	text   screens.Text
	env    screens.Env

	Tabs          *container.AppTabs
	Today         *screens.Today
	Violations    *screens.Violations
	Vehicles      *screens.Vehicles
	People        *screens.People
	Custody       *screens.Custody
	Registrations *screens.Registrations
	Payments      *screens.Payments
	Scan          *screens.Scan
	Settings      *screens.Settings
	Sync          *screens.SyncPanel
	// Footer is the sync status line; FooterBadge marks the demo provider.
	Footer      *widget.Label
	FooterBadge *widgets.Badge
	// SyncStatus is the status last shown.
	SyncStatus screens.SyncStatus

	tray *fyne.MenuItem
}

func New(a fyne.App, d Deps) *UI {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Run == nil {
		d.Run = screens.Async
	}
	u := &UI{App: a, deps: d}
	u.Window = a.NewWindow("Ticketbook")
	u.Window.SetIcon(a.Icon())
	u.restoreSize()
	u.Window.SetCloseIntercept(func() {
		u.saveSize()
		u.Window.Close()
	})
	u.Window.SetOnDropped(u.onDropped)
	u.build()
	return u
}

// lang is --lang if given, else the language saved in Settings, else the locale.
func (u *UI) lang() i18n.Lang {
	if u.deps.LangChosen {
		return u.deps.Lang
	}
	if l, ok := i18n.ParseLang(u.App.Preferences().String(screens.PrefLanguage)); ok {
		return l
	}
	return u.deps.Lang
}

// build (re)creates every screen in the current language and theme; the
// Settings screen calls it again after a change, so no restart is needed.
func (u *UI) build() {
	prefs := u.App.Preferences()
	u.App.Settings().SetTheme(theme.Theme{Variant: prefs.String(screens.PrefTheme)})
	u.text = screens.Text{Catalog: u.deps.Catalog, Lang: u.lang()}
	u.env = screens.Env{Text: u.text, Window: u.Window, Present: u.ShowError, Run: u.deps.Run,
		Services: u.deps.Services, Now: u.deps.Now, Open: u.Open, Base: u.deps.Context, SyncChanged: u.RefreshSync}
	u.Window.SetTitle(u.text.T("app.title"))

	u.Today = screens.NewToday(u.env)
	u.Today.OnLoaded = u.onTodayLoaded
	u.Violations = screens.NewViolations(u.env)
	u.Vehicles = screens.NewVehicles(u.env)
	u.People = screens.NewPeople(u.env)
	u.Custody = screens.NewCustody(u.env)
	u.Registrations = screens.NewRegistrations(u.env)
	u.Payments = screens.NewPayments(u.env)
	u.Scan = screens.NewScan(u.env)
	u.Scan.OnAttach = func(src screens.ScanSource) { u.showAttachDialog([]screens.ScanSource{src}) }
	u.Sync = screens.NewSyncPanel(u.env)
	u.Settings = screens.NewSettings(u.env, prefs, u.deps.Where)
	u.Settings.OnLook = func() {
		current := u.Tabs.SelectedIndex()
		u.build()
		u.Tabs.SelectIndex(current)
		u.Start()
	}

	t := u.text.T
	u.Tabs = container.NewAppTabs(
		container.NewTabItem(t("nav.today"), u.Today.Content()),
		container.NewTabItem(t("nav.violations"), u.Violations.Content()),
		container.NewTabItem(t("nav.vehicles"), u.Vehicles.Content()),
		container.NewTabItem(t("nav.people"), u.People.Content()),
		container.NewTabItem(t("nav.custody"), u.Custody.Content()),
		container.NewTabItem(t("nav.registrations"), u.Registrations.Content()),
		container.NewTabItem(t("nav.payments"), u.Payments.Content()),
		container.NewTabItem(t("nav.scan"), u.Scan.Content()),
		container.NewTabItem(t("nav.sync"), u.Sync.Content()),
		container.NewTabItem(t("nav.settings"), u.Settings.Content()),
	)
	u.Tabs.SetTabLocation(container.TabLocationLeading)
	u.Tabs.OnSelected = func(*container.TabItem) { u.refreshCurrent() }
	u.Footer = widget.NewLabel(t("app.footer", "…", u.deps.Where))
	u.Footer.Importance = widget.LowImportance
	u.Footer.Truncation = fyne.TextTruncateEllipsis
	u.FooterBadge = widgets.NewBadge(t("sync.badge"))
	u.FooterBadge.OnTapped = func() { u.Open(screens.Target{Screen: "sync"}) }
	u.FooterBadge.Hide()
	u.Window.SetContent(container.NewBorder(nil, container.NewBorder(nil, nil, u.FooterBadge, nil, u.Footer), nil, nil, u.Tabs))
	u.Window.SetMainMenu(u.menu())
	u.shortcuts()
	u.setupTray()
}

// screenOrder is the order of the tabs; Alt+1..Alt+9 go to the first nine
// and Alt+0 to the tenth (Settings stays last).
var screenOrder = []string{"today", "violations", "vehicles", "people", "custody", "registrations", "payments", "scan", "sync", "settings"}

// Start loads the first screen without blocking the UI goroutine.
func (u *UI) Start() {
	u.Today.Refresh()
	u.Settings.Refresh()
	u.RefreshSync()
}

// RefreshSync reads the sync status and shows it in the footer and on Today.
func (u *UI) RefreshSync() {
	s := u.deps.Services.Sync
	if s == nil {
		u.applySync(screens.SyncStatus{Off: true})
		return
	}
	ctx := u.env.Ctx()
	u.deps.Run(func() func() {
		st, err := s.Status(ctx)
		return func() {
			if err != nil {
				u.deps.Log.Warn("sync status", "err", err)
				return
			}
			u.applySync(st)
		}
	})
}

func (u *UI) applySync(st screens.SyncStatus) {
	u.SyncStatus = st
	u.Footer.SetText(u.text.T("app.footer", screens.SyncLine(u.text, st, u.deps.Now()), u.deps.Where))
	if st.Demo {
		u.FooterBadge.Show()
	} else {
		u.FooterBadge.OnTapped = func() { u.Open(screens.Target{Screen: "sync"}) }
		u.FooterBadge.Hide()
	}
	u.Today.SetSync(st)
}

// SyncStarted is called (on the UI goroutine) when the background loop
// starts a run: the footer says "syncing…".
func (u *UI) SyncStarted() {
	u.RefreshSync()
	if screenOrder[u.Tabs.SelectedIndex()] == "sync" {
		u.Sync.Refresh()
	}
}

// SyncFinished is called (on the UI goroutine) after a background run: the
// status is shown again, and the current screen reloaded when the run
// brought or sent anything.
func (u *UI) SyncFinished(rep syncer.Report, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		u.deps.Log.Info("background sync", "err", err)
	}
	u.RefreshSync()
	changed := rep.Sent+rep.VehiclesAdded+rep.PeopleAdded+rep.ViolationsAdded+rep.ViolationsUpdated+
		rep.PhotosFetched+rep.PaidElsewhere+len(rep.Failures) > 0
	if changed || screenOrder[u.Tabs.SelectedIndex()] == "sync" {
		u.refreshCurrent()
	}
}

func (u *UI) refreshCurrent() {
	switch screenOrder[u.Tabs.SelectedIndex()] {
	case "today":
		u.Today.Refresh()
	case "violations":
		u.Violations.Refresh()
	case "vehicles":
		u.Vehicles.Refresh()
	case "people":
		u.People.Refresh()
	case "custody":
		u.Custody.Refresh()
	case "registrations":
		u.Registrations.Refresh()
	case "payments":
		u.Payments.Refresh()
	case "scan":
		u.Scan.Refresh()
	case "settings":
		u.Settings.Refresh()
	case "sync":
		u.Sync.Refresh()
	}
}

// Open shows a screen, and the record when the target names one.
func (u *UI) Open(target screens.Target) {
	for i, name := range screenOrder {
		if name == target.Screen {
			u.Tabs.SelectIndex(i)
		}
	}
	if target.ID != 0 && target.Screen == "violations" {
		u.Violations.Select(target.ID)
	}
}

// newRecord is Ctrl+N: a new record of the kind the current screen shows.
func (u *UI) newRecord() {
	switch screenOrder[u.Tabs.SelectedIndex()] {
	case "vehicles":
		u.Vehicles.ShowAddForm()
	case "people":
		u.People.NewPerson()
	case "custody":
		u.Custody.CheckOut()
	case "registrations":
		u.Registrations.NewRegistration()
	default:
		u.Tabs.SelectIndex(1)
		u.Violations.NewViolation()
	}
}

func (u *UI) search() {
	switch screenOrder[u.Tabs.SelectedIndex()] {
	case "vehicles":
		u.Window.Canvas().Focus(u.Vehicles.Search)
	default:
		u.Tabs.SelectIndex(1)
		u.Violations.FocusSearch()
	}
}

func (u *UI) menu() *fyne.MainMenu {
	t := u.text.T
	newItem := fyne.NewMenuItem(t("menu.new"), u.newRecord)
	newItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	search := fyne.NewMenuItem(t("menu.search"), u.search)
	search.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	refresh := fyne.NewMenuItem(t("menu.refresh"), u.refreshCurrent)
	refresh.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	closeItem := fyne.NewMenuItem(t("menu.close"), func() { u.Window.Close() })
	closeItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault}
	var goItems []*fyne.MenuItem
	for i, name := range screenOrder {
		i := i
		it := fyne.NewMenuItem(t("nav."+name), func() { u.Tabs.SelectIndex(i) })
		if i < 10 {
			it.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyName(fmt.Sprint((i + 1) % 10)), Modifier: fyne.KeyModifierAlt}
		}
		goItems = append(goItems, it)
	}
	about := fyne.NewMenuItem(t("menu.about"), func() {
		dialog.ShowInformation(t("menu.about"), t("about.text", u.deps.Where), u.Window)
	})
	return fyne.NewMainMenu(
		fyne.NewMenu(t("menu.file"), newItem, fyne.NewMenuItemSeparator(), closeItem),
		fyne.NewMenu(t("menu.view"), append([]*fyne.MenuItem{search, refresh, fyne.NewMenuItemSeparator()}, goItems...)...),
		fyne.NewMenu(t("menu.help"), about),
	)
}

// shortcuts binds the keys on the canvas too: a menu bar is not shown on
// every platform, and the keys must work without it.
func (u *UI) shortcuts() {
	c := u.Window.Canvas()
	bind := func(key fyne.KeyName, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { fn() })
	}
	bind(fyne.KeyN, u.newRecord)
	bind(fyne.KeyF, u.search)
	bind(fyne.KeyR, u.refreshCurrent)
	bind(fyne.KeyW, func() { u.Window.Close() })
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyF5 {
			u.refreshCurrent()
		}
	})
}

func (u *UI) restoreSize() {
	p := u.App.Preferences()
	w, h := p.FloatWithFallback(prefWidth, 1100), p.FloatWithFallback(prefHeight, 720)
	u.Window.Resize(fyne.NewSize(float32(max(w, 640)), float32(max(h, 480))))
}

func (u *UI) saveSize() {
	s := u.Window.Canvas().Size()
	if s.Width > 0 && s.Height > 0 {
		u.App.Preferences().SetFloat(prefWidth, float64(s.Width))
		u.App.Preferences().SetFloat(prefHeight, float64(s.Height))
	}
}

// onTodayLoaded updates the tray count and, once a day, notifies deadlines.
func (u *UI) onTodayLoaded(t tickets.Today) {
	overdue, soon := screens.Urgent(t)
	if u.tray != nil {
		u.tray.Label = u.text.T("tray.urgent", overdue+soon)
		if d, ok := u.App.(desktop.App); ok {
			d.SetSystemTrayMenu(u.trayMenu())
		}
	}
	if overdue+soon == 0 {
		return
	}
	today := t.AsOf.String()
	prefs := u.App.Preferences()
	if prefs.String(prefNotifiedOn) == today {
		return
	}
	prefs.SetString(prefNotifiedOn, today)
	u.App.SendNotification(fyne.NewNotification(u.text.T("notify.title"), u.text.T("notify.body", overdue, soon)))
}

func (u *UI) setupTray() {
	if _, ok := u.App.(desktop.App); !ok {
		return
	}
	u.tray = fyne.NewMenuItem(u.text.T("tray.urgent", 0), func() {
		u.Window.Show()
		u.Tabs.SelectIndex(0)
	})
	d := u.App.(desktop.App)
	d.SetSystemTrayIcon(u.App.Icon())
	d.SetSystemTrayMenu(u.trayMenu())
}

func (u *UI) trayMenu() *fyne.Menu {
	show := fyne.NewMenuItem(u.text.T("tray.show"), func() { u.Window.Show() })
	return fyne.NewMenu("Ticketbook", u.tray, show)
}

// onDropped reads codes from image files dropped on the window (a photo of
// a penalty notice, a QR code); from there a photo can also be attached to a
// violation.
func (u *UI) onDropped(_ fyne.Position, uris []fyne.URI) {
	var images []fyne.URI
	for _, x := range uris {
		switch strings.ToLower(x.Extension()) {
		case ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff":
			images = append(images, x)
		}
	}
	if len(images) == 0 {
		dialog.ShowInformation(u.text.T("drop.title"), u.text.T("drop.none"), u.Window)
		return
	}
	u.Open(screens.Target{Screen: "scan"})
	u.Scan.ScanURIs(images)
}

// ShowError is the one error presenter: a sentence for the user, details in the log.
func (u *UI) ShowError(err error) {
	if err == nil {
		return
	}
	msg := field.Localize(err, string(u.text.Lang))
	if !field.Is(err) {
		u.deps.Log.Error("operation failed", "err", err)
		msg = u.text.T("error.failed", msg)
	}
	dialog.ShowError(errors.New(msg), u.Window)
}

func targetViolation(id int64) screens.Target { return screens.Target{Screen: "violations", ID: id} }
