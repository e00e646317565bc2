package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Badge is a short word on the theme's warning colour ("DEMO"), for a state
// the user must not miss. Tapping it calls OnTapped (lead the user to where
// the state is explained); nil does nothing.
type Badge struct {
	widget.BaseWidget
	Text     string
	OnTapped func()
	btn      *widget.Button
}

func NewBadge(text string) *Badge {
	b := &Badge{Text: text}
	b.btn = widget.NewButton(text, func() {
		if b.OnTapped != nil {
			b.OnTapped()
		}
	})
	b.btn.Importance = widget.WarningImportance
	b.ExtendBaseWidget(b)
	return b
}

func (b *Badge) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.btn) }

// Tap presses the badge (tests).
func (b *Badge) Tap() { b.btn.OnTapped() }
