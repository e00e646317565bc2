// Package screens holds one struct per screen. Each has a synchronous load
// (safe off the UI goroutine, called directly by tests) and an apply that
// updates widgets on the UI goroutine; refresh joins the two with one fyne.Do.
package screens

import (
	"context"

	"fyne.io/fyne/v2"

	"ticketbook/core"
	"ticketbook/core/i18n"
)

// Fleet is what the screens need of the fleet service.
type Fleet interface {
	ListVehicles(ctx context.Context, f core.VehicleFilter) ([]core.Vehicle, error)
	AddVehicle(ctx context.Context, v core.Vehicle) (core.Vehicle, error)
}

// Text translates for the screens in the language the user chose.
type Text struct {
	Catalog *i18n.Catalog
	Lang    i18n.Lang
}

func (t Text) T(key string, args ...any) string { return t.Catalog.T(t.Lang, key, args...) }

// ErrorPresenter shows a failure to the user in one sentence.
type ErrorPresenter func(err error)

// Background runs work off the UI goroutine, then the apply func it returns on
// the UI goroutine. Screens never call `go` themselves, so tests can run them
// inline and deterministically.
type Background func(work func() (apply func()))

// Async is the real Background: one goroutine, one fyne.Do.
func Async(work func() func()) {
	go func() {
		apply := work()
		fyne.Do(apply)
	}()
}

// Inline runs work and apply on the caller's goroutine, for headless tests.
func Inline(work func() func()) { work()() }

// Env is what every screen shares: language, window, error presenter and
// the way to run work in the background.
type Env struct {
	Text    Text
	Window  fyne.Window
	Present ErrorPresenter
	Run     Background
}
