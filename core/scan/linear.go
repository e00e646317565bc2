package scan

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// rowReader is one 1D symbology. gozxing's OneDReader only scans horizontal
// rows and stops at the first hit; we call DecodeRow on our own scan lines
// instead, so codes can lie at any angle and every line votes.
type rowReader struct {
	format string
	dec    oned.RowDecoder
	hints  map[gozxing.DecodeHintType]interface{}
}

// newRowReaders makes fresh readers: gozxing's keep scratch state, so each
// Decode call needs its own.
func newRowReaders() []rowReader {
	return []rowReader{
		{"CODE_39", oned.NewCode39Reader().(oned.RowDecoder), nil},
		{"CODE_128", oned.NewCode128Reader().(oned.RowDecoder), nil},
		// ITF has no start character worth the name and partial reads are
		// common, so only the two lengths we have a use for are accepted.
		{"ITF", oned.NewITFReader().(oned.RowDecoder), map[gozxing.DecodeHintType]interface{}{
			gozxing.DecodeHintType_ALLOWED_LENGTHS: []int{14, 16},
		}},
	}
}

// scanLine is a straight sampling path through a plane.
type scanLine struct {
	x0, y0 float64 // first sample
	ux, uy float64 // step between samples (unit length)
	vx, vy float64 // perpendicular unit, for averaging along the bars
	n      int     // samples
	k      int     // samples averaged across the line
}

type lineRead struct {
	format, text string
	p0, p1       [2]float64 // ends of the symbol in plane coordinates
}

// sample reads the line with bilinear interpolation, averaging k samples
// along the bars: parallel bars make that a free denoise that does not blur
// the bar edges.
func sample(p *plane, l scanLine, buf []float32) []float32 {
	if cap(buf) < l.n {
		buf = make([]float32, l.n)
	}
	buf = buf[:l.n]
	half := float64(l.k-1) / 2
	for i := range buf {
		x := l.x0 + float64(i)*l.ux
		y := l.y0 + float64(i)*l.uy
		var sum float32
		for j := 0; j < l.k; j++ {
			o := float64(j) - half
			sum += bilinear(p, x+o*l.vx, y+o*l.vy)
		}
		buf[i] = sum / float32(l.k)
	}
	return buf
}

func bilinear(p *plane, x, y float64) float32 {
	if x < 0 {
		x = 0
	} else if x > float64(p.w-1) {
		x = float64(p.w - 1)
	}
	if y < 0 {
		y = 0
	} else if y > float64(p.h-1) {
		y = float64(p.h - 1)
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, p.w-1), min(y0+1, p.h-1)
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	r0 := p.pix[y0*p.w:]
	r1 := p.pix[y1*p.w:]
	a := float32(r0[x0])*(1-fx) + float32(r0[x1])*fx
	b := float32(r1[x0])*(1-fx) + float32(r1[x1])*fx
	return a*(1-fy) + b*fy
}

// lineScanner holds the per-call scratch for decoding lines.
type lineScanner struct {
	readers []rowReader
	buf     []float32
	black   []bool
	lo, hi  []float32
}

func newLineScanner() *lineScanner { return &lineScanner{readers: newRowReaders()} }

// read decodes one line under several binarisations and both directions,
// returning each distinct symbol once. inverted treats light bars on a
// dark ground.
func (ls *lineScanner) read(p *plane, l scanLine, inverted bool) []lineRead {
	if l.n < 32 {
		return nil
	}
	s := sample(p, l, ls.buf)
	ls.buf = s
	if inverted {
		for i := range s {
			s[i] = 255 - s[i]
		}
	}
	var out []lineRead
	seen := map[[2]string]bool{}
	try := func(black []bool) {
		n := len(black)
		fwd := gozxing.NewBitArray(n)
		rev := gozxing.NewBitArray(n)
		for i, b := range black {
			if b {
				fwd.Set(i)
				rev.Set(n - 1 - i)
			}
		}
		for dir, row := range []*gozxing.BitArray{fwd, rev} {
			for _, rr := range ls.readers {
				res, err := safeDecodeRow(rr, row)
				if err != nil || res == nil {
					continue
				}
				key := [2]string{rr.format, res.GetText()}
				if seen[key] {
					continue
				}
				pts := res.GetResultPoints()
				if len(pts) < 2 {
					continue
				}
				a, b := pts[0].GetX(), pts[len(pts)-1].GetX()
				if dir == 1 {
					a, b = float64(n-1)-a, float64(n-1)-b
				}
				seen[key] = true
				out = append(out, lineRead{format: rr.format, text: res.GetText(),
					p0: [2]float64{l.x0 + a*l.ux, l.y0 + a*l.uy},
					p1: [2]float64{l.x0 + b*l.ux, l.y0 + b*l.uy}})
			}
		}
	}
	if ls.black == nil || cap(ls.black) < len(s) {
		ls.black = make([]bool, len(s))
	}
	black := ls.black[:len(s)]
	t, ok := otsu(s)
	if !ok {
		return nil // flat line: nothing printed here
	}
	elem := binGlobal(s, t, black)
	try(black)
	// The local threshold follows shadows and glare; its window must hold a
	// few elements so that a wide bar still sees some space.
	w := max(9, int(6*elem))
	ls.lo, ls.hi = slidingMinMax(s, w, ls.lo, ls.hi)
	if binMid(s, ls.lo, ls.hi, black) {
		try(black)
	}
	return out
}

// safeDecodeRow keeps a panic inside gozxing from taking the scan down.
func safeDecodeRow(rr rowReader, row *gozxing.BitArray) (res *gozxing.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, errPanic
		}
	}()
	return rr.dec.DecodeRow(0, row, rr.hints)
}

// otsu picks the threshold that best separates the samples into two classes.
func otsu(s []float32) (float32, bool) {
	var hist [64]int
	mn, mx := float32(255), float32(0)
	for _, v := range s {
		hist[int(v)>>2]++
		mn = min(mn, v)
		mx = max(mx, v)
	}
	if mx-mn < 16 {
		return 0, false
	}
	total := len(s)
	var sum float64
	for i, c := range hist {
		sum += float64(i) * float64(c)
	}
	var sumB, wB float64
	best, bestT := -1.0, 0
	for i, c := range hist {
		wB += float64(c)
		if wB == 0 {
			continue
		}
		wF := float64(total) - wB
		if wF == 0 {
			break
		}
		sumB += float64(i) * float64(c)
		mB, mF := sumB/wB, (sum-sumB)/wF
		v := wB * wF * (mB - mF) * (mB - mF)
		if v > best {
			best, bestT = v, i
		}
	}
	return float32(bestT*4 + 4), true
}

// binGlobal thresholds at t and returns the mean run length, a cheap
// estimate of the element width.
func binGlobal(s []float32, t float32, black []bool) float64 {
	runs := 1
	for i, v := range s {
		black[i] = v < t
		if i > 0 && black[i] != black[i-1] {
			runs++
		}
	}
	return float64(len(s)) / float64(runs)
}

// binMid thresholds each sample at the midpoint of its neighbourhood's
// extremes; a neighbourhood without contrast is paper. Reports whether
// anything was marked.
func binMid(s, lo, hi []float32, black []bool) bool {
	any := false
	for i, v := range s {
		black[i] = hi[i]-lo[i] >= 20 && v < (lo[i]+hi[i])/2
		any = any || black[i]
	}
	return any
}

// slidingMinMax computes the min and max over a centred window of w samples
// with monotonic deques, in O(n).
func slidingMinMax(s []float32, w int, lo, hi []float32) ([]float32, []float32) {
	n := len(s)
	if cap(lo) < n {
		lo, hi = make([]float32, n), make([]float32, n)
	}
	lo, hi = lo[:n], hi[:n]
	h := w / 2
	qmin := make([]int, 0, w+1)
	qmax := make([]int, 0, w+1)
	j := 0 // next index to push
	for i := 0; i < n; i++ {
		for ; j < n && j <= i+h; j++ {
			for len(qmin) > 0 && s[qmin[len(qmin)-1]] >= s[j] {
				qmin = qmin[:len(qmin)-1]
			}
			qmin = append(qmin, j)
			for len(qmax) > 0 && s[qmax[len(qmax)-1]] <= s[j] {
				qmax = qmax[:len(qmax)-1]
			}
			qmax = append(qmax, j)
		}
		for qmin[0] < i-h {
			qmin = qmin[1:]
		}
		for qmax[0] < i-h {
			qmax = qmax[1:]
		}
		lo[i], hi[i] = s[qmin[0]], s[qmax[0]]
	}
	return lo, hi
}

// stripes is a region of parallel edges: a likely 1D barcode.
type stripes struct {
	angle        float64 // direction across the bars (along the symbol), radians
	cx, cy       float64 // centre, in the coordinates of the plane searched
	halfU, halfV float64 // half extents along and across the symbol
	tiles        int
	coherence    float64
	edges        int // light/dark changes along the centre line
}

// countEdges counts the light/dark changes along the middle of a region:
// a barcode has dozens, a patch of text or a shadow edge a handful of
// long runs.
func countEdges(p *plane, s stripes) int {
	ux, uy := math.Cos(s.angle), math.Sin(s.angle)
	n := int(2 * s.halfU)
	if n < 8 {
		return 0
	}
	l := scanLine{x0: s.cx - s.halfU*ux, y0: s.cy - s.halfU*uy, ux: ux, uy: uy, vx: -uy, vy: ux, n: n, k: 1}
	v := sample(p, l, nil)
	t, ok := otsu(v)
	if !ok {
		return 0
	}
	edges := 0
	for i := 1; i < len(v); i++ {
		if (v[i] < t) != (v[i-1] < t) {
			edges++
		}
	}
	return edges
}

const tileSize = 8

// findStripes looks for regions whose local gradients all point the same
// way (high coherence of the structure tensor) with enough contrast: that
// is what bars look like at any angle, and what text mostly does not.
func findStripes(p *plane) []stripes {
	tw, th := p.w/tileSize, p.h/tileSize
	if tw < 2 || th < 2 {
		return nil
	}
	type tile struct {
		ok            bool
		angle         float64
		coh, energy   float64
		jxx, jyy, jxy float64
	}
	tiles := make([]tile, tw*th)
	for ty := 0; ty < th; ty++ {
		for tx := 0; tx < tw; tx++ {
			var jxx, jyy, jxy int64
			for y := ty * tileSize; y < (ty+1)*tileSize; y++ {
				if y == 0 || y == p.h-1 {
					continue
				}
				row := p.pix[y*p.w:]
				up := p.pix[(y-1)*p.w:]
				dn := p.pix[(y+1)*p.w:]
				for x := tx * tileSize; x < (tx+1)*tileSize; x++ {
					if x == 0 || x == p.w-1 {
						continue
					}
					gx := int64(row[x+1]) - int64(row[x-1])
					gy := int64(dn[x]) - int64(up[x])
					jxx += gx * gx
					jyy += gy * gy
					jxy += gx * gy
				}
			}
			tiles[ty*tw+tx] = tile{jxx: float64(jxx), jyy: float64(jyy), jxy: float64(jxy)}
		}
	}
	coherence := func(jxx, jyy, jxy float64) (float64, float64) {
		e := jxx + jyy
		if e == 0 {
			return 0, 0
		}
		d := jxx - jyy
		return math.Sqrt(d*d+4*jxy*jxy) / e, 0.5 * math.Atan2(2*jxy, d)
	}
	for ty := 0; ty < th; ty++ {
		for tx := 0; tx < tw; tx++ {
			t := &tiles[ty*tw+tx]
			e := t.jxx + t.jyy
			if e < 150*tileSize*tileSize { // mean |g| below ~12: paper or blur
				continue
			}
			coh, angle := coherence(t.jxx, t.jyy, t.jxy)
			if coh < 0.55 {
				continue
			}
			// The same test over the 3×3 tiles around: bars stay parallel
			// over that distance, the strokes of printed characters do not.
			var sxx, syy, sxy float64
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := tx+dx, ty+dy
					if nx < 0 || ny < 0 || nx >= tw || ny >= th {
						continue
					}
					n := tiles[ny*tw+nx]
					sxx, syy, sxy = sxx+n.jxx, syy+n.jyy, sxy+n.jxy
				}
			}
			if c3, _ := coherence(sxx, syy, sxy); c3 < 0.5 {
				continue
			}
			t.ok, t.angle, t.coh, t.energy = true, angle, coh, e
		}
	}
	seen := make([]bool, len(tiles))
	var out []stripes
	for start := range tiles {
		if !tiles[start].ok || seen[start] {
			continue
		}
		comp := []int{start}
		seen[start] = true
		for q := 0; q < len(comp); q++ {
			i := comp[q]
			x, y := i%tw, i/tw
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= tw || ny >= th {
						continue
					}
					j := ny*tw + nx
					if seen[j] || !tiles[j].ok || angleDiff(tiles[i].angle, tiles[j].angle) > 0.22 {
						continue
					}
					seen[j] = true
					comp = append(comp, j)
				}
			}
		}
		if len(comp) < 4 {
			continue
		}
		var c2, s2, cohSum float64
		for _, i := range comp {
			w := tiles[i].coh * math.Sqrt(tiles[i].energy)
			c2 += w * math.Cos(2*tiles[i].angle)
			s2 += w * math.Sin(2*tiles[i].angle)
			cohSum += tiles[i].coh
		}
		a := 0.5 * math.Atan2(s2, c2)
		ux, uy := math.Cos(a), math.Sin(a)
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, i := range comp {
			cx := (float64(i%tw) + 0.5) * tileSize
			cy := (float64(i/tw) + 0.5) * tileSize
			u := cx*ux + cy*uy
			v := -cx*uy + cy*ux
			minU, maxU = math.Min(minU, u), math.Max(maxU, u)
			minV, maxV = math.Min(minV, v), math.Max(maxV, v)
		}
		// A lone edge (a page border, a table rule) is coherent too, but
		// only one tile across: a symbol spans many bars.
		if maxU-minU < 2*tileSize {
			continue
		}
		mu, mv := (minU+maxU)/2, (minV+maxV)/2
		out = append(out, stripes{
			angle: a,
			cx:    mu*ux - mv*uy, cy: mu*uy + mv*ux,
			halfU: (maxU-minU)/2 + tileSize/2, halfV: (maxV-minV)/2 + tileSize/2,
			tiles: len(comp), coherence: cohSum / float64(len(comp)),
		})
		st := &out[len(out)-1]
		st.edges = countEdges(p, *st)
	}
	// Big regions first: they are the likeliest codes and the stop rule
	// looks at them.
	sort.Slice(out, func(i, j int) bool { return out[i].tiles > out[j].tiles })
	return out
}

// angleDiff is the difference of two line directions (mod π).
func angleDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), math.Pi)
	return math.Min(d, math.Pi-d)
}

// linesFor lays scan lines across a stripes region (given in coordinates of
// plane p): several offsets across the bars, at the estimated angle and two
// neighbours since the estimate is a few degrees off on short symbols.
func linesFor(s stripes, p *plane) [][]scanLine {
	margin := 0.35*s.halfU + 16 // quiet zones sit outside the coherent tiles
	halfLen := s.halfU + margin
	k := int(math.Max(1, math.Min(9, 2*s.halfV/12)))
	var groups [][]scanLine
	for _, da := range []float64{0, -3, 3, -6, 6} {
		a := s.angle + da*math.Pi/180
		ux, uy := math.Cos(a), math.Sin(a)
		vx, vy := -uy, ux
		var g []scanLine
		const offsets = 10
		for i := 0; i < offsets; i++ {
			// centre outwards: 0, +1, -1, +2, ...
			step := (i + 1) / 2
			if i%2 == 0 {
				step = -step
			}
			t := float64(step) / float64(offsets/2) * s.halfV * 0.85
			cx, cy := s.cx+t*vx, s.cy+t*vy
			g = append(g, scanLine{
				x0: cx - halfLen*ux, y0: cy - halfLen*uy, ux: ux, uy: uy, vx: vx, vy: vy,
				n: int(2 * halfLen), k: k,
			})
		}
		groups = append(groups, g)
	}
	return groups
}

// sweepLines covers the whole plane with parallel lines at one angle.
func sweepLines(p *plane, angle, spacing float64) []scanLine {
	ux, uy := math.Cos(angle), math.Sin(angle)
	vx, vy := -uy, ux
	w, h := float64(p.w), float64(p.h)
	cx, cy := w/2, h/2
	diag := math.Hypot(w, h)
	var out []scanLine
	for t := -diag / 2; t <= diag/2; t += spacing {
		// clip the infinite line c + t·v + s·u to the plane
		px, py := cx+t*vx, cy+t*vy
		s0, s1 := -diag, diag
		clip := func(p0, d, lo, hi float64) {
			if math.Abs(d) < 1e-9 {
				if p0 < lo || p0 > hi {
					s0, s1 = 1, 0
				}
				return
			}
			a, b := (lo-p0)/d, (hi-p0)/d
			if a > b {
				a, b = b, a
			}
			s0, s1 = math.Max(s0, a), math.Min(s1, b)
		}
		clip(px, ux, 0, w-1)
		clip(py, uy, 0, h-1)
		if s1-s0 < 40 {
			continue
		}
		out = append(out, scanLine{x0: px + s0*ux, y0: py + s0*uy, ux: ux, uy: uy, vx: vx, vy: vy, n: int(s1 - s0), k: 3})
	}
	return out
}
