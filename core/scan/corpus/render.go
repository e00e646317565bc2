package corpus

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	qrcode "github.com/skip2/go-qrcode"
)

// symbol is a barcode as a grid of modules, quiet zone included.
type symbol struct {
	w, h int
	dark func(x, y int) bool
}

func qrSymbol(content string, level qrcode.RecoveryLevel) (symbol, error) {
	q, err := qrcode.New(content, level)
	if err != nil {
		return symbol{}, err
	}
	bm := q.Bitmap() // 4-module quiet zone included
	n := len(bm)
	return symbol{w: n, h: n, dark: func(x, y int) bool { return bm[y][x] }}, nil
}

// linearSymbol encodes text with gozxing's writers, adds a 12-module quiet
// zone and makes the bars height modules tall.
func linearSymbol(format gozxing.BarcodeFormat, text string, height int) (symbol, error) {
	var w gozxing.Writer
	switch format {
	case gozxing.BarcodeFormat_CODE_39:
		w = oned.NewCode39Writer()
	case gozxing.BarcodeFormat_CODE_128:
		w = oned.NewCode128Writer()
	default:
		w = oned.NewITFWriter()
	}
	m, err := w.Encode(text, format, 0, 1, map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0})
	if err != nil {
		return symbol{}, err
	}
	const qz = 12
	n := m.GetWidth()
	bars := make([]bool, n+2*qz)
	for i := 0; i < n; i++ {
		bars[qz+i] = m.Get(i, 0)
	}
	return symbol{w: len(bars), h: height, dark: func(x, y int) bool { return bars[x] }}, nil
}

type pt = [2]float64

// homography maps the unit square's corners (0,0),(1,0),(1,1),(0,1) to q;
// its inverse is what rendering needs.
type homography [9]float64

func (h homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// solveHomography finds H with H(src[i]) = dst[i] for four point pairs.
func solveHomography(src, dst [4]pt) homography {
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y, u, v := src[i][0], src[i][1], dst[i][0], dst[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 8; r++ {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var h homography
	for i := 0; i < 8; i++ {
		h[i] = a[i][8] / a[i][i]
	}
	h[8] = 1
	return h
}

// canvas is an RGB image held as float planes, so effects compose without
// clipping until the final encode.
type canvas struct {
	w, h    int
	r, g, b []float32
}

func newCanvas(w, h int, bg [3]float32) *canvas {
	c := &canvas{w: w, h: h, r: make([]float32, w*h), g: make([]float32, w*h), b: make([]float32, w*h)}
	for i := range c.r {
		c.r[i], c.g[i], c.b[i] = bg[0], bg[1], bg[2]
	}
	return c
}

// draw renders sym into the quad q (corners of the symbol's top-left,
// top-right, bottom-right, bottom-left), with 3×3 supersampling so edges
// are anti-aliased like a camera would see them.
func (c *canvas) draw(sym symbol, q [4]pt, ink, paper [3]float32) {
	inv := solveHomography(q, [4]pt{{0, 0}, {float64(sym.w), 0}, {float64(sym.w), float64(sym.h)}, {0, float64(sym.h)}})
	minX, minY, maxX, maxY := q[0][0], q[0][1], q[0][0], q[0][1]
	for _, p := range q {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	x0, y0 := max(0, int(minX)), max(0, int(minY))
	x1, y1 := min(c.w-1, int(maxX)+1), min(c.h-1, int(maxY)+1)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			inside, darkN := 0, 0
			for sy := 0; sy < 3; sy++ {
				for sx := 0; sx < 3; sx++ {
					u, v := inv.apply(float64(x)+(float64(sx)+0.5)/3, float64(y)+(float64(sy)+0.5)/3)
					if u < 0 || v < 0 || u >= float64(sym.w) || v >= float64(sym.h) {
						continue
					}
					inside++
					if sym.dark(int(u), int(v)) {
						darkN++
					}
				}
			}
			if inside == 0 {
				continue
			}
			i := y*c.w + x
			cov := float32(inside) / 9
			d := float32(darkN) / float32(inside)
			for ch, plane := range [][]float32{c.r, c.g, c.b} {
				val := paper[ch]*(1-d) + ink[ch]*d
				plane[i] = plane[i]*(1-cov) + val*cov
			}
		}
	}
}

// rectQuad is a w×h rectangle centred at (cx, cy), rotated by deg degrees.
func rectQuad(cx, cy, w, h, deg float64) [4]pt {
	a := deg * math.Pi / 180
	ca, sa := math.Cos(a), math.Sin(a)
	var q [4]pt
	for i, c := range [4]pt{{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}} {
		q[i] = pt{cx + c[0]*ca - c[1]*sa, cy + c[0]*sa + c[1]*ca}
	}
	return q
}

func (c *canvas) each(f func(i, x, y int)) {
	for y := 0; y < c.h; y++ {
		for x := 0; x < c.w; x++ {
			f(y*c.w+x, x, y)
		}
	}
}

func (c *canvas) blur(sigma float64) {
	r := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*r+1)
	var sum float32
	for i := range k {
		d := float64(i - r)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, c.w*c.h)
	for _, p := range [][]float32{c.r, c.g, c.b} {
		for y := 0; y < c.h; y++ {
			for x := 0; x < c.w; x++ {
				var s float32
				for i, kv := range k {
					xx := min(c.w-1, max(0, x+i-r))
					s += kv * p[y*c.w+xx]
				}
				tmp[y*c.w+x] = s
			}
		}
		for y := 0; y < c.h; y++ {
			for x := 0; x < c.w; x++ {
				var s float32
				for i, kv := range k {
					yy := min(c.h-1, max(0, y+i-r))
					s += kv * tmp[yy*c.w+x]
				}
				p[y*c.w+x] = s
			}
		}
	}
}

// noise adds sensor-like noise: mostly luminance, a little colour.
func (c *canvas) noise(rng *rand.Rand, sigma float64) {
	c.each(func(i, _, _ int) {
		l := float32(rng.NormFloat64() * sigma)
		c.r[i] += l + float32(rng.NormFloat64()*sigma/4)
		c.g[i] += l
		c.b[i] += l + float32(rng.NormFloat64()*sigma/4)
	})
}

// glare brightens a soft blob towards white, like a lamp reflected on
// glossy paper.
func (c *canvas) glare(cx, cy, radius, strength float64) {
	c.each(func(i, x, y int) {
		d2 := (float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy)
		a := float32(strength * math.Exp(-d2/(2*radius*radius)))
		for _, p := range [][]float32{c.r, c.g, c.b} {
			p[i] += (255 - p[i]) * a
		}
	})
}

// shadow darkens linearly along a direction, from 1 down to floor.
func (c *canvas) shadow(deg, floor float64) {
	a := deg * math.Pi / 180
	ux, uy := math.Cos(a), math.Sin(a)
	diag := math.Abs(float64(c.w)*ux) + math.Abs(float64(c.h)*uy)
	c.each(func(i, x, y int) {
		t := ((float64(x)-float64(c.w)/2)*ux+(float64(y)-float64(c.h)/2)*uy)/diag + 0.5
		f := float32(1 - (1-floor)*math.Max(0, math.Min(1, t)))
		c.r[i] *= f
		c.g[i] *= f
		c.b[i] *= f
	})
}

// contrast squeezes every value into [lo, hi].
func (c *canvas) contrast(lo, hi float32) {
	for _, p := range [][]float32{c.r, c.g, c.b} {
		for i, v := range p {
			p[i] = lo + max(0, min(255, v))*(hi-lo)/255
		}
	}
}

func (c *canvas) invert() {
	for _, p := range [][]float32{c.r, c.g, c.b} {
		for i, v := range p {
			p[i] = 255 - v
		}
	}
}

// seal stamps a red official seal (ring, star, arc of marks), multiplied
// over what is below as ink does.
func (c *canvas) seal(cx, cy, radius float64) {
	ink := [3]float32{0.92, 0.18, 0.2}
	ringW := radius * 0.09
	star := func(x, y float64) bool {
		// five-pointed star of radius radius/3 via polar test
		dx, dy := x-cx, y-cy
		r := math.Hypot(dx, dy)
		th := math.Atan2(dy, dx) + math.Pi/2
		k := math.Mod(th+10*math.Pi, 2*math.Pi/5) / (2 * math.Pi / 5)
		lim := radius / 3 * (0.45 + 0.55*math.Abs(2*k-1))
		return r < lim
	}
	x0, y0 := max(0, int(cx-radius-2)), max(0, int(cy-radius-2))
	x1, y1 := min(c.w-1, int(cx+radius+2)), min(c.h-1, int(cy+radius+2))
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			r := math.Hypot(fx-cx, fy-cy)
			on := math.Abs(r-(radius-ringW/2)) < ringW/2 || star(fx, fy)
			if !on && r > radius*0.55 && r < radius*0.78 {
				// the arc of characters: short radial strokes
				th := math.Atan2(fy-cy, fx-cx)
				on = th < -0.3 && math.Mod(th+10*math.Pi, 0.22) < 0.08
			}
			if !on {
				continue
			}
			i := y*c.w + x
			c.r[i] *= ink[0]
			c.g[i] *= ink[1]
			c.b[i] *= ink[2]
		}
	}
}

// text writes lines of pseudo-text as grey blocks and strokes, standing in
// for the printed words around a code: edges the reader must not take for
// bars.
func (c *canvas) text(rng *rand.Rand, x, y, w, lineH float64, lines int, ink float32) {
	for l := 0; l < lines; l++ {
		cx := x
		yy := y + float64(l)*lineH*1.6
		for cx < x+w {
			gw := lineH * (0.6 + 0.5*rng.Float64())
			// a glyph: a few strokes in a box
			for s := 0; s < 3; s++ {
				horiz := rng.IntN(2) == 0
				sx := cx + rng.Float64()*gw*0.7
				sy := yy + rng.Float64()*lineH*0.7
				sw, sh := gw*0.8, lineH*0.12
				if !horiz {
					sw, sh = lineH*0.12, lineH*0.8
					sy = yy
				}
				c.fillRect(sx, sy, sw, sh, ink)
			}
			cx += gw * 1.15
			if rng.IntN(7) == 0 {
				cx += gw
			}
		}
	}
}

func (c *canvas) fillRect(x, y, w, h float64, v float32) {
	for yy := max(0, int(y)); yy < min(c.h, int(y+h)); yy++ {
		for xx := max(0, int(x)); xx < min(c.w, int(x+w)); xx++ {
			i := yy*c.w + xx
			c.r[i], c.g[i], c.b[i] = v, v, v
		}
	}
}

func clamp8(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

func (c *canvas) rgba() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
	for i := range c.r {
		img.Pix[4*i] = clamp8(c.r[i])
		img.Pix[4*i+1] = clamp8(c.g[i])
		img.Pix[4*i+2] = clamp8(c.b[i])
		img.Pix[4*i+3] = 255
	}
	return img
}

func (c *canvas) gray() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, c.w, c.h))
	for i := range c.r {
		img.Pix[i] = clamp8(0.299*c.r[i] + 0.587*c.g[i] + 0.114*c.b[i])
	}
	return img
}

var (
	black = [3]float32{25, 25, 30}
	white = [3]float32{246, 245, 240}
	paper = [3]float32{236, 233, 226}
)
