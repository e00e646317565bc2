// Package theme wraps Fyne's default theme with a bundled CJK font: Fyne's
// own font has no Chinese glyphs, and falling back to whatever the system has
// shows tofu boxes on a bare machine.
package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"ticketbook/assets"
)

var (
	regular = fyne.NewStaticResource("NotoSansSC-Regular-subset.otf", assets.FontRegular)
	bold    = fyne.NewStaticResource("NotoSansSC-Bold-subset.otf", assets.FontBold)
)

// Theme replaces fonts and, when the user chose one, forces light or dark;
// by default it follows the system's variant.
type Theme struct {
	// Variant is "light", "dark" or "" to follow the system.
	Variant string
}

var _ fyne.Theme = Theme{}

func (t Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.Variant {
	case "light":
		v = theme.VariantLight
	case "dark":
		v = theme.VariantDark
	}
	return theme.DefaultTheme().Color(n, v)
}

func (Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace {
		return theme.DefaultTheme().Font(s)
	}
	if s.Bold {
		return bold
	}
	return regular
}

func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (Theme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
