// Package widgets holds reusable pieces of the window.
package widgets

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Progress is a progress bar, a line saying what goes on, and a Cancel
// button for work longer than a moment. RunWithProgress shows it in a modal
// dialog; NewProgress makes one to place in a screen (the window stays
// usable while the work runs). The work runs off the UI goroutine (through
// run) with a context that Cancel ends; its report may be called from the
// work's goroutine.
type Progress struct {
	Bar    *widget.ProgressBar
	Label  *widget.Label
	Cancel *widget.Button
	// Box holds the three, for placing an inline progress in a screen.
	Box     *fyne.Container
	dialog  dialog.Dialog
	cancel  context.CancelFunc
	running bool
}

// Runner matches screens.Background without importing it.
type Runner func(work func() (apply func()))

// NewProgress makes an inline progress, hidden until Start.
func NewProgress(cancelText string) *Progress {
	p := &Progress{Bar: widget.NewProgressBar(), Label: widget.NewLabel("")}
	p.Label.Truncation = fyne.TextTruncateEllipsis
	p.Cancel = widget.NewButton(cancelText, func() { p.Stop() })
	p.Box = container.NewBorder(nil, nil, nil, p.Cancel, container.NewVBox(p.Label, p.Bar))
	p.Box.Hide()
	return p
}

// Running reports whether work started by Start has not ended yet.
func (p *Progress) Running() bool { return p.running }

// Stop cancels the running work (the Cancel button).
func (p *Progress) Stop() {
	if p.cancel != nil {
		p.cancel()
	}
	p.Cancel.Disable()
}

// Start runs work under a context derived from parent (cancelled by Cancel
// or by parent) and calls done on the UI goroutine when it ends, with
// context.Canceled if it was cancelled. report sets the bar (total > 0) and
// the line (detail != "").
func (p *Progress) Start(parent context.Context, run Runner,
	work func(ctx context.Context, report func(done, total int, detail string)) error, done func(error)) {
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	p.cancel, p.running = cancel, true
	p.Bar.SetValue(0)
	p.Cancel.Enable()
	p.Box.Show()
	report := func(n, total int, detail string) {
		fyne.Do(func() {
			if total > 0 {
				p.Bar.SetValue(float64(n) / float64(total))
			}
			if detail != "" {
				p.Label.SetText(detail)
			}
		})
	}
	run(func() func() {
		err := work(ctx, report)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		return func() {
			cancel()
			p.running = false
			p.Box.Hide()
			if p.dialog != nil {
				p.dialog.Hide()
			}
			done(err)
		}
	})
}

// RunWithProgress starts work in a modal dialog and calls done on the UI
// goroutine when it ends (with context.Canceled if the user cancelled).
func RunWithProgress(win fyne.Window, run Runner, title, cancelText string,
	work func(ctx context.Context, report func(done, total int)) error, done func(error)) *Progress {
	p := NewProgress(cancelText)
	p.Label.SetText(title)
	p.dialog = dialog.NewCustomWithoutButtons(title, p.Box, win)
	p.dialog.Show()
	p.Start(context.Background(), run, func(ctx context.Context, report func(int, int, string)) error {
		return work(ctx, func(n, total int) { report(n, total, "") })
	}, done)
	return p
}
