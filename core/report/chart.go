package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"ticketbook/core"
)

// Chart size in pixels; the PDF shows it at half size for print sharpness.
const (
	chartW = 1200
	chartH = 480
)

var (
	chartBar  = color.RGBA{0x2f, 0x6f, 0xb3, 0xff}
	chartLast = color.RGBA{0xd9, 0x5f, 0x0e, 0xff}
	chartGrid = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	chartInk  = color.RGBA{0x33, 0x33, 0x33, 0xff}
)

// FinesChartPNG draws fines per month as a bar chart, the last month
// highlighted, with yuan on the axis and months below. Labels are digits
// only, so the chart reads the same in both languages.
func FinesChartPNG(months []MonthTotal) ([]byte, error) {
	img, err := finesChart(months)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func finesChart(months []MonthTotal) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	small, err := face(20)
	if err != nil {
		return nil, err
	}
	defer small.Close()

	const left, right, top, bottom = 120, 20, 40, 60
	plotH := chartH - top - bottom
	plotW := chartW - left - right
	var peak core.Fen
	for _, m := range months {
		peak = max(peak, m.FineFen)
	}
	step := niceStep(float64(peak) / 100 / 4)
	axisMax := step * 4
	y := func(yuan float64) int { return top + plotH - int(math.Round(yuan/axisMax*float64(plotH))) }
	for i := 0; i <= 4; i++ {
		v := step * float64(i)
		gy := y(v)
		fill(img, image.Rect(left, gy, chartW-right, gy+1), chartGrid)
		label := groupThousands(int64(v))
		drawText(img, small, left-10-textWidth(small, label), gy+7, label, chartInk)
	}
	if len(months) == 0 {
		return img, nil
	}
	slot := plotW / len(months)
	barW := slot * 6 / 10
	for i, m := range months {
		x := left + i*slot + (slot-barW)/2
		c := chartBar
		if i == len(months)-1 {
			c = chartLast
		}
		yuan := float64(m.FineFen) / 100
		if m.FineFen > 0 {
			fill(img, image.Rect(x, y(yuan), x+barW, top+plotH), c)
			v := groupThousands(int64(math.Round(yuan)))
			drawText(img, small, x+(barW-textWidth(small, v))/2, y(yuan)-8, v, chartInk)
		}
		label := m.Month
		drawText(img, small, left+i*slot+(slot-textWidth(small, label))/2, chartH-bottom+30, label, chartInk)
	}
	fill(img, image.Rect(left, top+plotH, chartW-right, top+plotH+2), chartInk)
	return img, nil
}

// niceStep rounds a grid step up to 1, 2 or 5 times a power of ten yuan.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 100
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 5, 10} {
		if raw <= f*p {
			return f * p
		}
	}
	return 10 * p
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func fill(img draw.Image, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func drawText(img draw.Image, f font.Face, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func textWidth(f font.Face, s string) int { return font.MeasureString(f, s).Ceil() }
