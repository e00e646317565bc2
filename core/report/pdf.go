package report

import (
	"fmt"
	"io"
	"time"

	"github.com/signintech/gopdf"

	"ticketbook/core"
)

// A4 in points, and the margin every page keeps.
const (
	pageW  = 595.28
	pageH  = 841.89
	margin = 40.0
	bodyW  = pageW - 2*margin
)

// compress is switched off by tests, which read the page text back.
var compress = true

// doc is a gopdf document that flows top to bottom and starts a new page
// when the next block would not fit.
type doc struct {
	pdf    *gopdf.GoPdf
	lang   string
	y      float64
	page   int
	footer string
}

func newDoc(font []byte, lang, title string, created time.Time) (*doc, error) {
	f, err := pickFont(font)
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	if !compress {
		pdf.SetNoCompression()
	}
	// A character outside the font prints as "?" rather than the default
	// blank, so a reader sees that something is missing.
	if err := pdf.AddTTFFontDataWithOption("body", f, gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(rune) rune { return '?' }}); err != nil {
		return nil, fmt.Errorf("report: cannot load the PDF font: %w", err)
	}
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "Ticketbook", Producer: "Ticketbook", CreationDate: created})
	return &doc{pdf: pdf, lang: lang}, nil
}

func (d *doc) newPage() error {
	d.pdf.AddPage()
	d.page++
	d.y = margin
	if d.footer == "" {
		return nil
	}
	foot := fmt.Sprintf("%s · %s", d.footer, tr(d.lang, fmt.Sprintf("page %d", d.page), fmt.Sprintf("第 %d 页", d.page)))
	return d.textAt(margin, pageH-margin+12, 8, gray, foot)
}

// room starts a new page unless h points fit above the bottom margin.
func (d *doc) room(h float64) (bool, error) {
	if d.page > 0 && d.y+h <= pageH-margin {
		return false, nil
	}
	return true, d.newPage()
}

type rgb [3]uint8

var (
	black  = rgb{0x11, 0x11, 0x11}
	gray   = rgb{0x66, 0x66, 0x66}
	accent = rgb{0x2f, 0x6f, 0xb3}
)

func (d *doc) font(size float64, c rgb) error {
	d.pdf.SetTextColor(c[0], c[1], c[2])
	return d.pdf.SetFont("body", "", size)
}

func (d *doc) textAt(x, y, size float64, c rgb, s string) error {
	if err := d.font(size, c); err != nil {
		return err
	}
	d.pdf.SetXY(x, y)
	return d.pdf.Cell(nil, s)
}

// line writes one line of text at the current position and moves down.
func (d *doc) line(size float64, c rgb, s string) error {
	h := size * 1.45
	if _, err := d.room(h); err != nil {
		return err
	}
	if err := d.textAt(margin, d.y, size, c, s); err != nil {
		return err
	}
	d.y += h
	return nil
}

// para wraps s to the body width.
func (d *doc) para(size float64, c rgb, s string) error {
	if err := d.font(size, c); err != nil {
		return err
	}
	lines, err := d.pdf.SplitTextWithWordWrap(s, bodyW)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := d.line(size, c, l); err != nil {
			return err
		}
	}
	return nil
}

// heading starts a section; keep is the height of what must follow it on
// the same page (a table's first rows, the chart).
func (d *doc) heading(s string, keep float64) error {
	if _, err := d.room(33 + keep); err != nil {
		return err
	}
	d.y += 8
	if err := d.textAt(margin, d.y, 13, accent, s); err != nil {
		return err
	}
	d.y += 19
	d.pdf.SetStrokeColor(accent[0], accent[1], accent[2])
	d.pdf.SetLineWidth(0.8)
	d.pdf.Line(margin, d.y, pageW-margin, d.y)
	d.y += 6
	return nil
}

type pcol struct {
	title string
	w     float64 // share of the body width; the shares of a table add up to 1
	right bool
}

const (
	rowH     = 16.0
	cellSize = 8.5
)

// table draws rows under a shaded header that repeats on every page.
// Cells too wide for their column are cut with an ellipsis.
func (d *doc) table(cols []pcol, rows [][]string, totals []string) error {
	header := func() error {
		d.pdf.SetFillColor(0xe7, 0xee, 0xf7)
		d.pdf.RectFromUpperLeftWithStyle(margin, d.y, bodyW, rowH, "F")
		return d.row(cols, titles(cols), gray)
	}
	if _, err := d.room(3 * rowH); err != nil {
		return err
	}
	if err := header(); err != nil {
		return err
	}
	for i, r := range rows {
		last := i == len(rows)-1 && totals == nil
		need := rowH
		if !last {
			need = 2 * rowH // never leave a lone row under a header
		}
		newPage, err := d.room(need)
		if err != nil {
			return err
		}
		if newPage {
			if err := header(); err != nil {
				return err
			}
		}
		if err := d.row(cols, r, black); err != nil {
			return err
		}
		d.pdf.SetStrokeColor(0xdd, 0xdd, 0xdd)
		d.pdf.SetLineWidth(0.4)
		d.pdf.Line(margin, d.y, pageW-margin, d.y)
	}
	if totals != nil {
		if _, err := d.room(rowH); err != nil {
			return err
		}
		d.pdf.SetStrokeColor(0x11, 0x11, 0x11)
		d.pdf.SetLineWidth(0.8)
		d.pdf.Line(margin, d.y, pageW-margin, d.y)
		if err := d.row(cols, totals, black); err != nil {
			return err
		}
	}
	d.y += 6
	return nil
}

func titles(cols []pcol) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.title
	}
	return out
}

func (d *doc) row(cols []pcol, cells []string, c rgb) error {
	if err := d.font(cellSize, c); err != nil {
		return err
	}
	x := margin
	for i, col := range cols {
		w := col.w * bodyW
		s, err := d.fit(cells[i], w-6)
		if err != nil {
			return err
		}
		align := gopdf.Left | gopdf.Middle
		if col.right {
			align = gopdf.Right | gopdf.Middle
		}
		d.pdf.SetXY(x+3, d.y)
		if err := d.pdf.CellWithOption(&gopdf.Rect{W: w - 6, H: rowH}, s, gopdf.CellOption{Align: align}); err != nil {
			return err
		}
		x += w
	}
	d.y += rowH
	return nil
}

// fit cuts s with an ellipsis to at most w points in the current font.
func (d *doc) fit(s string, w float64) (string, error) {
	width, err := d.pdf.MeasureTextWidth(s)
	if err != nil || width <= w {
		return s, err
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		width, err := d.pdf.MeasureTextWidth(string(r[:mid]) + "…")
		if err != nil {
			return s, err
		}
		if width <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…", nil
}

func (d *doc) image(png []byte, x, y, w, h float64) error {
	holder, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		return err
	}
	return d.pdf.ImageByHolder(holder, x, y, &gopdf.Rect{W: w, H: h})
}

func (d *doc) write(w io.Writer) error {
	_, err := d.pdf.WriteTo(w)
	return err
}

// money renders ¥1,234.50.
func money(f core.Fen) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, groupThousands(int64(f/100)), int64(f%100))
}

func monthTitle(lang string, start time.Time) string {
	if isZh(lang) {
		return fmt.Sprintf("%d年%d月", start.Year(), start.Month())
	}
	return start.Format("January 2006")
}
