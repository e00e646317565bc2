// Package ui is the Fyne shell: the window, its navigation and the error
// presenter. It never imports storage or Fyne's app driver, so it builds and
// tests headless without cgo.
package ui

import (
	"errors"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core/field"
	"ticketbook/core/i18n"
	"ticketbook/ui/screens"
	"ticketbook/ui/theme"
)

// Deps is everything the window needs, wired by cmd/ticketbook.
type Deps struct {
	Fleet   screens.Fleet
	Catalog *i18n.Catalog
	Lang    i18n.Lang
	// Where is shown in the footer so the user knows which database is open.
	Where string
	Log   *slog.Logger
}

type UI struct {
	App      fyne.App
	Window   fyne.Window
	Vehicles *screens.Vehicles
	deps     Deps
	text     screens.Text
}

func New(a fyne.App, d Deps) *UI {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	a.Settings().SetTheme(theme.Theme{})
	u := &UI{App: a, deps: d, text: screens.Text{Catalog: d.Catalog, Lang: d.Lang}}
	u.Window = a.NewWindow(u.text.T("app.title"))
	u.Vehicles = screens.NewVehicles(screens.Env{Text: u.text, Window: u.Window, Present: u.ShowError, Run: screens.Async, Services: screens.Services{Fleet: d.Fleet}})
	footer := widget.NewLabel(u.text.T("app.database", d.Where))
	footer.Importance = widget.LowImportance
	tabs := container.NewAppTabs(container.NewTabItem(u.text.T("nav.vehicles"), u.Vehicles.Content()))
	u.Window.SetContent(container.NewBorder(nil, footer, nil, nil, tabs))
	u.Window.Resize(fyne.NewSize(900, 600))
	return u
}

// Start loads the first screen's data without blocking the UI goroutine.
func (u *UI) Start() { u.Vehicles.Refresh() }

// ShowError is the one error presenter: a sentence for the user, details in the log.
func (u *UI) ShowError(err error) {
	if err == nil {
		return
	}
	msg := field.Localize(err, string(u.deps.Lang))
	if !field.Is(err) {
		u.deps.Log.Error("operation failed", "err", err)
	}
	dialog.ShowError(errors.New(msg), u.Window)
}
