package scan

import (
	"fmt"
	"image"
	"math"
	"sort"
	"strings"
	"time"

	"ticketbook/core/ident"
)

// engine runs the strategy steps on one image and collects validated reads.
type engine struct {
	img    image.Image
	orient int
	full   *plane   // luminance in display orientation
	levels []*plane // levels[i] is full downscaled by 2^i, built on demand
	check  func() error

	qr    []*qrFound
	lin   map[[2]string]*linVote
	order [][2]string // first-seen order of 1D keys, for stable output

	conf      []*linVote // confirmed() result, valid while !confDirty
	confDirty bool

	lines    *lineScanner
	lineID   int
	stripes  []stripes // in full-plane coordinates
	panicked error
}

type qrFound struct {
	text    string
	corners [][2]float64 // full-plane coordinates
}

type linVote struct {
	format, text string
	lines        map[int]bool
	segs         [][2][2]float64 // full-plane coordinates
}

func newEngine(img image.Image, o int, check func() error) *engine {
	full := orient(toGray(img), o)
	return &engine{img: img, orient: o, full: full, levels: []*plane{full}, check: check,
		lin: map[[2]string]*linVote{}, lines: newLineScanner()}
}

// level returns the plane downscaled by 2^i, or nil when it would be too
// small to hold a code.
func (e *engine) level(i int) *plane {
	for len(e.levels) <= i {
		last := e.levels[len(e.levels)-1]
		if last.w < 128 || last.h < 128 {
			return nil
		}
		e.levels = append(e.levels, half(last))
	}
	return e.levels[i]
}

// startLevel is the first level searched: at most ~4.5 MP. Photos have more
// noise than detail at full size, and a QR code that fills any useful part
// of a phone photo is still 3+ pixels per module there.
func (e *engine) startLevel() int {
	k := 0
	for px := e.full.w * e.full.h; px > 4_500_000; px /= 4 {
		k++
	}
	return k
}

// sweepLevel is where orientation is estimated and brute-force lines run:
// at most 2048 pixels on the long side keeps those passes cheap.
func (e *engine) sweepLevel() int {
	k := 0
	for s := max(e.full.w, e.full.h); s > 2048; s /= 2 {
		k++
	}
	return k
}

type step struct {
	name string
	run  func()
}

// run tries the strategies cheapest and likeliest first, so that a clear
// photo is done after two steps: QR at the start level (the full image up to
// ~4.5 MP, a 2×/4× downscale above), then 1D lines over stripe regions.
// Then, while nothing is found or something hints at a code still unread:
// QR on the 2× and 4× pyramid, a contrast-stretched global-histogram
// binarisation, crops around unpaired finder patterns, inverted luminance
// (light on dark, QR and 1D), a 1D sweep every 15° over the whole image,
// the red channel (red seals vanish there), finer pyramid levels for small
// codes in big photos, overlapping tiles, and an inverted 1D sweep.
func (e *engine) run() error {
	k0 := e.startLevel()
	steps := []step{
		{"qr-hybrid", func() { e.qrPass(e.level(k0), k0, hybrid, false) }},
		{"1d-stripes", func() { e.findStripes(); e.stripePass(e.full, false, false) }},
		{"qr-half", func() { e.qrPass(e.level(k0+1), k0+1, hybrid, false) }},
		{"qr-quarter", func() { e.qrPass(e.level(k0+2), k0+2, hybrid, false) }},
		{"qr-global", func() {
			if p := e.level(k0); p != nil {
				e.qrPassPlane(stretch(p), float64(int(1)<<k0), globalHist, false)
			}
		}},
		{"qr-candidates", func() { e.candidatePass(k0) }},
		{"inverted", func() {
			if p := e.level(k0); p != nil {
				e.qrPassPlane(invert(p), float64(int(1)<<k0), hybrid, false)
			}
			e.stripePass(e.full, true, true)
		}},
		{"1d-sweep", func() { e.sweep(false) }},
		{"red", e.redPass},
		{"qr-finer", func() {
			for k := k0 - 1; k >= 0; k-- {
				e.qrPass(e.level(k), k, hybrid, true)
			}
		}},
		{"qr-tiles", func() { e.tilePass(k0) }},
		{"1d-sweep-inverted", func() { e.sweep(true) }},
	}
	prev := 0
	for i, s := range steps {
		if err := e.check(); err != nil {
			return err
		}
		t0 := time.Now()
		e.protect(s)
		n := len(e.qr) + len(e.confirmed())
		if traceHook != nil {
			traceHook(s.name, time.Since(t0), len(e.qr), n)
		}
		// Stop once something was found, the last step found nothing more,
		// and nothing seen so far hints at a code still unread. The first
		// two steps (QR and 1D at the start level) always run.
		if i >= 1 && n > 0 && n == prev && !e.pending() {
			return nil
		}
		prev = n
	}
	return nil
}

// protect runs a step, turning a panic in gozxing into a recorded error so
// the other steps still get their chance.
func (e *engine) protect(s step) {
	defer func() {
		if r := recover(); r != nil {
			e.panicked = fmt.Errorf("%s: %v", s.name, r)
		}
	}()
	if stepHook != nil {
		stepHook(s.name)
	}
	s.run()
}

func (e *engine) qrPass(p *plane, k int, bk binarizerKind, tryHarder bool) {
	if p == nil {
		return
	}
	e.qrPassPlane(p, float64(int(1)<<k), bk, tryHarder)
}

// qrPassPlane reads QR codes from p (whose pixels are scale full-plane
// pixels each), masking every code found and reading again, so that codes
// the detector passed over behind stronger ones are found too.
func (e *engine) qrPassPlane(p *plane, scale float64, bk binarizerKind, tryHarder bool) {
	e.qrPassAt(p, scale, 0, 0, bk, tryHarder)
}

func (e *engine) qrPassAt(p *plane, scale, ox, oy float64, bk binarizerKind, tryHarder bool) {
	toLocal := func(q [][2]float64) [][2]float64 {
		out := make([][2]float64, len(q))
		for i, c := range q {
			out[i] = [2]float64{(c[0]-ox+0.5)/scale - 0.5, (c[1]-oy+0.5)/scale - 0.5}
		}
		return out
	}
	var masks [][][2]float64
	for _, f := range e.qr {
		masks = append(masks, toLocal(f.corners))
	}
	cur := p
	if len(masks) > 0 {
		cur = maskQuads(p, masks)
	}
	for round := 0; round < 8; round++ {
		hits := readQR(cur, bk, tryHarder)
		if len(hits) == 0 {
			return
		}
		for _, h := range hits {
			masks = append(masks, h.corners)
			e.addQR(h, scale, ox, oy)
		}
		if e.check() != nil {
			return
		}
		cur = maskQuads(p, masks)
	}
}

func (e *engine) addQR(h hit, scale, ox, oy float64) {
	corners := make([][2]float64, len(h.corners))
	for i, c := range h.corners {
		corners[i] = [2]float64{(c[0]+0.5)*scale - 0.5 + ox, (c[1]+0.5)*scale - 0.5 + oy}
	}
	for _, f := range e.qr {
		if f.text == h.text {
			return
		}
	}
	e.qr = append(e.qr, &qrFound{text: h.text, corners: corners})
	e.confDirty = true
}

// strong tells a region that is very probably a barcode: enough parallel
// edges over a block, not a line of text or a border.
func (s stripes) strong() bool {
	return s.tiles >= 12 && s.coherence >= 0.75 && s.edges >= 24
}

func (e *engine) findStripes() {
	k := e.sweepLevel()
	p := e.level(k)
	if p == nil {
		return
	}
	s := float64(int(1) << k)
	for _, st := range findStripes(p) {
		st.cx, st.cy = (st.cx+0.5)*s-0.5, (st.cy+0.5)*s-0.5
		st.halfU *= s
		st.halfV *= s
		e.stripes = append(e.stripes, st)
	}
}

// stripePass lays scan lines over each stripes region. onlyOpen skips
// regions already explained by a validated code.
func (e *engine) stripePass(p *plane, inverted, onlyOpen bool) {
	for i, st := range e.stripes {
		if i >= 24 || e.check() != nil {
			return
		}
		if onlyOpen && e.explained(st.cx, st.cy) {
			continue
		}
		seenHere := map[[2]string]int{}
		for _, group := range linesFor(st, p) {
			for _, l := range group {
				e.lineID++
				for _, r := range e.lines.read(p, l, inverted) {
					e.addLine(r, e.lineID, 1, 0, 0)
					seenHere[[2]string{r.format, r.text}]++
				}
			}
			// Enough agreement and no dissent: the other angles add nothing.
			if len(seenHere) == 1 {
				for _, n := range seenHere {
					if n >= 3 {
						goto next
					}
				}
			}
		}
	next:
	}
}

// sweep runs parallel lines over the whole image every 15°, for symbols the
// stripes detector missed (too small, too blurred, cut by glare).
func (e *engine) sweep(inverted bool) {
	k := e.sweepLevel()
	p := e.level(k)
	if p == nil {
		return
	}
	s := float64(int(1) << k)
	spacing := math.Max(4, float64(min(p.w, p.h))/48)
	for a := 0; a < 180; a += 15 {
		if e.check() != nil {
			return
		}
		for _, l := range sweepLines(p, float64(a)*math.Pi/180, spacing) {
			e.lineID++
			for _, r := range e.lines.read(p, l, inverted) {
				e.addLine(r, e.lineID, s, 0, 0)
			}
		}
	}
}

// redPass repeats the cheap passes on the red channel, where red seals
// stamped over a code disappear.
func (e *engine) redPass() {
	if !isColor(e.img) {
		return
	}
	red := orient(redPlane(e.img), e.orient)
	k0 := e.startLevel()
	p := red
	for i := 0; i < k0 && p.w >= 128 && p.h >= 128; i++ {
		p = half(p)
	}
	e.qrPassPlane(p, float64(red.w)/float64(p.w), hybrid, false)
	if e.check() == nil {
		e.stripePass(red, false, true)
	}
}

// tilePass reads QR codes from overlapping crops of level k, for codes too
// small for the detector's view of the whole image.
func (e *engine) tilePass(k int) {
	p := e.level(k)
	if p == nil {
		return
	}
	s := float64(int(1) << k)
	for _, n := range []int{2} {
		tw, th := p.w*2/(n+1), p.h*2/(n+1) // 50% overlap
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				if e.check() != nil {
					return
				}
				x0, y0 := i*(p.w-tw)/max(1, n-1), j*(p.h-th)/max(1, n-1)
				c := crop(p, image.Rect(x0, y0, x0+tw, y0+th))
				e.qrPassAt(c, s, float64(x0)*s, float64(y0)*s, hybrid, true)
			}
		}
	}
}

// candidatePass looks again around every finder pattern the detector saw
// but could not group into a code, in a crop and a 2× enlargement of it.
// gozxing's finder check is strict at 3-4 pixels per module, and a crop or
// a resampling shifts the pixel grid enough to let it through.
func (e *engine) candidatePass(k int) {
	p := e.level(k)
	if p == nil {
		return
	}
	s := float64(int(1) << k)
	centers := finderCandidates(p)
	var windows []image.Rectangle
	for _, c := range centers {
		if len(windows) >= 6 || e.check() != nil {
			break
		}
		cx, cy, ms := (c[0]+0.5)*s-0.5, (c[1]+0.5)*s-0.5, c[2]*s
		if e.inQR(cx, cy) {
			continue
		}
		half := math.Max(48, 40*ms) // room for the other two finders of a version 1-7 code
		r := image.Rect(int(cx-half), int(cy-half), int(cx+half), int(cy+half)).Intersect(image.Rect(0, 0, e.full.w, e.full.h))
		covered := false
		for _, w := range windows {
			in := w.Intersect(r)
			if in.Dx()*in.Dy()*10 > r.Dx()*r.Dy()*6 {
				covered = true
				break
			}
		}
		if covered || r.Dx() < 32 || r.Dy() < 32 {
			continue
		}
		windows = append(windows, r)
		// read at a level where a module is 3-6 pixels
		j := 0
		for ms/float64(int(1)<<(j+1)) >= 3 && e.level(j+1) != nil {
			j++
		}
		lj := e.level(j)
		sj := float64(int(1) << j)
		rj := image.Rect(r.Min.X>>j, r.Min.Y>>j, r.Max.X>>j, r.Max.Y>>j)
		cr := crop(lj, rj)
		e.qrPassAt(cr, sj, float64(rj.Min.X)*sj, float64(rj.Min.Y)*sj, hybrid, true)
		if ms/sj < 5 && e.check() == nil {
			e.qrPassAt(upscale2(cr), sj/2, float64(rj.Min.X)*sj, float64(rj.Min.Y)*sj, hybrid, true)
		}
	}
}

func (e *engine) addLine(r lineRead, lineID int, scale, ox, oy float64) {
	m := func(c [2]float64) [2]float64 {
		return [2]float64{(c[0]+0.5)*scale - 0.5 + ox, (c[1]+0.5)*scale - 0.5 + oy}
	}
	key := [2]string{r.format, r.text}
	v := e.lin[key]
	if v == nil {
		v = &linVote{format: r.format, text: r.text, lines: map[int]bool{}}
		e.lin[key] = v
		e.order = append(e.order, key)
	}
	v.lines[lineID] = true
	e.confDirty = true
	if len(v.segs) < 64 {
		v.segs = append(v.segs, [2][2]float64{m(r.p0), m(r.p1)})
	}
}

// confirmed returns the 1D reads fit to report: valid for their symbology,
// seen on two or more scan lines, not inside a QR code (whose modules can
// mimic bars), and clearly ahead of any different read of the same spot.
func (e *engine) confirmed() []*linVote {
	if e.conf != nil && !e.confDirty {
		return e.conf
	}
	out := []*linVote{}
	for _, key := range e.order {
		v := e.lin[key]
		if len(v.lines) < 2 || !valid1D(v.format, v.text) {
			continue
		}
		q := v.quad()
		cx, cy := centroid(q)
		if e.inQR(cx, cy) {
			continue
		}
		contested := false
		for _, other := range e.order {
			w := e.lin[other]
			if w == v {
				continue
			}
			wq := w.quad()
			wx, wy := centroid(wq)
			if !inQuad(grow(q, 1.3), wx, wy) && !inQuad(grow(wq, 1.3), cx, cy) {
				continue
			}
			if len(v.lines) < 2*len(w.lines)+1 {
				contested = true
				break
			}
		}
		if !contested {
			out = append(out, v)
		}
	}
	e.conf, e.confDirty = out, false
	return out
}

// pending reports evidence of a code not yet read: a valid 1D read seen on
// one line only, or a strong stripes region no validated code explains.
func (e *engine) pending() bool {
	conf := e.confirmed()
	isConf := func(v *linVote) bool {
		for _, c := range conf {
			if c == v {
				return true
			}
		}
		return false
	}
	for _, key := range e.order {
		v := e.lin[key]
		if isConf(v) || !valid1D(v.format, v.text) {
			continue
		}
		cx, cy := centroid(v.quad())
		if !e.explained(cx, cy) {
			return true
		}
	}
	for _, st := range e.stripes {
		if st.strong() && !e.explained(st.cx, st.cy) {
			return true
		}
	}
	return false
}

// explained reports whether (x, y) lies on a code already validated.
func (e *engine) explained(x, y float64) bool {
	if e.inQR(x, y) {
		return true
	}
	for _, v := range e.confirmed() {
		if inQuad(grow(v.quad(), 1.2), x, y) {
			return true
		}
	}
	return false
}

func (e *engine) inQR(x, y float64) bool {
	for _, f := range e.qr {
		if len(f.corners) == 4 && inQuad(grow(f.corners, 1.1), x, y) {
			return true
		}
	}
	return false
}

// quad is the rectangle spanned by every line that read this symbol.
func (v *linVote) quad() [][2]float64 {
	s0 := v.segs[0]
	ux, uy := s0[1][0]-s0[0][0], s0[1][1]-s0[0][1]
	n := math.Hypot(ux, uy)
	if n == 0 {
		ux, uy, n = 1, 0, 1
	}
	ux, uy = ux/n, uy/n
	minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, sg := range v.segs {
		for _, c := range sg {
			u := c[0]*ux + c[1]*uy
			w := -c[0]*uy + c[1]*ux
			minU, maxU = math.Min(minU, u), math.Max(maxU, u)
			minV, maxV = math.Min(minV, w), math.Max(maxV, w)
		}
	}
	pt := func(u, w float64) [2]float64 { return [2]float64{u*ux - w*uy, u*uy + w*ux} }
	return [][2]float64{pt(minU, minV), pt(maxU, minV), pt(maxU, maxV), pt(minU, maxV)}
}

func centroid(q [][2]float64) (float64, float64) {
	if len(q) == 0 {
		return 0, 0
	}
	var x, y float64
	for _, c := range q {
		x += c[0]
		y += c[1]
	}
	return x / float64(len(q)), y / float64(len(q))
}

// grow scales a quad about its centroid by f; a degenerate quad (all
// reads on one line) also gets a few pixels of thickness.
func grow(q [][2]float64, f float64) [][2]float64 {
	cx, cy := centroid(q)
	out := make([][2]float64, len(q))
	for i, c := range q {
		out[i] = [2]float64{cx + f*(c[0]-cx), cy + f*(c[1]-cy)}
	}
	if len(q) == 4 {
		// thicken across the symbol by 4 px
		ax, ay := q[3][0]-q[0][0], q[3][1]-q[0][1]
		if math.Hypot(ax, ay) < 8 {
			dx, dy := q[1][0]-q[0][0], q[1][1]-q[0][1]
			n := math.Hypot(dx, dy)
			if n > 0 {
				px, py := -dy/n*4, dx/n*4
				out[0] = [2]float64{out[0][0] - px, out[0][1] - py}
				out[1] = [2]float64{out[1][0] - px, out[1][1] - py}
				out[2] = [2]float64{out[2][0] + px, out[2][1] + py}
				out[3] = [2]float64{out[3][0] + px, out[3][1] + py}
			}
		}
	}
	return out
}

// valid1D applies what each symbology cannot check by itself.
func valid1D(format, text string) bool {
	switch format {
	case "ITF":
		switch len(text) {
		case 14:
			return gs1CheckOK(text)
		case 16:
			_, err := ident.ParseDecisionNumber(text)
			return err == nil
		}
		return false
	case "CODE_39", "CODE_128":
		// Very short reads are how noise and text strokes decode.
		if len(text) < 4 {
			return false
		}
		if looksLikeDecisionNumber(text) {
			_, err := ident.ParseDecisionNumber(text)
			return err == nil
		}
		return true
	}
	return false
}

func looksLikeDecisionNumber(s string) bool {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		n++
	}
	return n == 15 || n == 16
}

// gs1CheckOK verifies the mod-10 check digit of an ITF-14 (GTIN-14).
func gs1CheckOK(s string) bool {
	sum := 0
	for i := 0; i < len(s)-1; i++ {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return int(s[len(s)-1]-'0') == (10-sum%10)%10
}

// codes assembles the report: QR codes, then confirmed 1D codes, each
// classified, in reading order (top to bottom, left to right).
func (e *engine) codes(officialHosts []string) []Code {
	var out []Code
	for _, f := range e.qr {
		out = append(out, Code{Format: "QR_CODE", Text: f.text, Corners: f.corners})
	}
	for _, v := range e.confirmed() {
		out = append(out, Code{Format: v.format, Text: v.text, Corners: v.quad()})
	}
	for i := range out {
		out[i].Kind, out[i].Fields = Classify(out[i].Text, officialHosts)
		for j, c := range out[i].Corners {
			out[i].Corners[j] = [2]float64{round1(c[0]), round1(c[1])}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ax, ay := centroid(out[i].Corners)
		bx, by := centroid(out[j].Corners)
		if math.Abs(ay-by) > 20 {
			return ay < by
		}
		if ax != bx {
			return ax < bx
		}
		return strings.Compare(out[i].Text, out[j].Text) < 0
	})
	return out
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
