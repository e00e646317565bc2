// Package widgets holds reusable pieces of the window.
package widgets

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Progress shows a modal progress bar with a Cancel button for work longer
// than a moment. The work runs off the UI goroutine (through run) with a
// context that Cancel ends; report may be called from the work's goroutine.
type Progress struct {
	Bar    *widget.ProgressBar
	Label  *widget.Label
	Cancel *widget.Button
	dialog dialog.Dialog
}

// Runner matches screens.Background without importing it.
type Runner func(work func() (apply func()))

// RunWithProgress starts work and calls done on the UI goroutine when it ends
// (with context.Canceled if the user cancelled).
func RunWithProgress(win fyne.Window, run Runner, title, cancelText string,
	work func(ctx context.Context, report func(done, total int)) error, done func(error)) *Progress {
	ctx, cancel := context.WithCancel(context.Background())
	p := &Progress{Bar: widget.NewProgressBar(), Label: widget.NewLabel(title)}
	p.Cancel = widget.NewButton(cancelText, func() {
		cancel()
		p.Cancel.Disable()
	})
	p.dialog = dialog.NewCustomWithoutButtons(title, container.NewVBox(p.Label, p.Bar, p.Cancel), win)
	p.dialog.Show()
	report := func(n, total int) {
		if total <= 0 {
			return
		}
		fyne.Do(func() { p.Bar.SetValue(float64(n) / float64(total)) })
	}
	run(func() func() {
		err := work(ctx, report)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		return func() {
			cancel()
			p.dialog.Hide()
			done(err)
		}
	})
	return p
}
