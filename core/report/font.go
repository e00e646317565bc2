package report

import (
	"bytes"
	_ "embed"
	"errors"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// Font is Noto Sans SC (GB 2312 and Latin) with TrueType outlines, the font
// every PDF and PNG of this package uses unless the caller passes another.
// The window's font in assets is CFF, which gopdf cannot embed; this one is
// built from it by fonts/make-ttf.py, so both cover the same characters.
//
//go:embed fonts/NotoSansSC-subset.ttf
var Font []byte

// ErrCFFFont is returned for an OpenType font with CFF outlines (OTTO):
// the PDF writer embeds TrueType outlines only.
var ErrCFFFont = errors.New("report: the font has CFF outlines (OTTO), which the PDF writer cannot embed; pass nil to use the built-in TrueType font")

func pickFont(f []byte) ([]byte, error) {
	if len(f) == 0 {
		return Font, nil
	}
	if bytes.HasPrefix(f, []byte("OTTO")) {
		return nil, ErrCFFFont
	}
	return f, nil
}

// Parsing the 2 MB font takes tens of milliseconds; PNGs reuse one parse.
var rasterFont = sync.OnceValues(func() (*sfnt.Font, error) { return opentype.Parse(Font) })

// face returns a drawing face of the built-in font at size pixels.
func face(size float64) (font.Face, error) {
	f, err := rasterFont()
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}
