package scan

import (
	"bytes"
	"image"
	"math"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	qrdetector "github.com/makiuchi-d/gozxing/qrcode/detector"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// hit is one successful read, with corners in the coordinates of the plane
// it was read from (the caller maps them to the original image).
type hit struct {
	format  string
	text    string
	corners [][2]float64
}

type binarizerKind int

const (
	hybrid binarizerKind = iota
	globalHist
)

// readQR finds every QR code it can in p. gozxing's multi detector finds
// several codes but is pickier about finder-pattern groups than the single
// detector, so the single one runs when the multi one finds nothing.
func readQR(p *plane, bk binarizerKind, tryHarder bool) []hit {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.w, p.h, 0, 0, p.w, p.h, false)
	if err != nil {
		return nil
	}
	var bin gozxing.Binarizer
	if bk == hybrid {
		bin = gozxing.NewHybridBinarizer(src)
	} else {
		bin = gozxing.NewGlobalHistgramBinarizer(src)
	}
	matrix, err := bin.GetBlackMatrix()
	if err != nil {
		return nil
	}
	hints := map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_CHARACTER_SET: autoCharset{},
	}
	if tryHarder {
		hints[gozxing.DecodeHintType_TRY_HARDER] = true
	}
	var hits []hit
	dec := decoder.NewDecoder()
	decodeOne := func(dr *common.DetectorResult) {
		res, err := dec.Decode(dr.GetBits(), hints)
		if err != nil {
			return
		}
		points := dr.GetPoints()
		if md, ok := res.GetOther().(*decoder.QRCodeDecoderMetaData); ok {
			md.ApplyMirroredCorrection(points)
		}
		hits = append(hits, hit{format: "QR_CODE", text: res.GetText(), corners: qrCorners(points, dr.GetBits().GetWidth())})
	}
	if drs, err := multidetector.NewMultiDetector(matrix).DetectMulti(hints); err == nil {
		for _, dr := range drs {
			decodeOne(dr)
		}
	}
	if len(hits) == 0 {
		if dr, err := qrdetector.NewDetector(matrix).Detect(hints); err == nil {
			decodeOne(dr)
		}
	}
	return hits
}

// finderCandidates returns the finder patterns (x, y, module size) the QR
// detector considered in p, most confirmed first, whether or not it could
// make a code of them.
func finderCandidates(p *plane) [][3]float64 {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.w, p.h, 0, 0, p.w, p.h, false)
	if err != nil {
		return nil
	}
	matrix, err := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	if err != nil {
		return nil
	}
	f := qrdetector.NewFinderPatternFinder(matrix, nil)
	f.Find(map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	pc := f.GetPossibleCenters()
	sort.SliceStable(pc, func(i, j int) bool { return pc[i].GetCount() > pc[j].GetCount() })
	out := make([][3]float64, 0, len(pc))
	for _, c := range pc {
		out = append(out, [3]float64{c.GetX(), c.GetY(), c.GetEstimatedModuleSize()})
	}
	return out
}

// upscale2 doubles p with bilinear interpolation.
func upscale2(p *plane) *plane {
	out := newPlane(p.w*2, p.h*2)
	for y := 0; y < out.h; y++ {
		row := out.pix[y*out.w : (y+1)*out.w]
		sy := (float64(y) - 0.5) / 2
		for x := range row {
			row[x] = byte(bilinear(p, (float64(x)-0.5)/2, sy) + 0.5)
		}
	}
	return out
}

// qrCorners extrapolates the symbol's outer corners from the finder centres
// (bottom-left, top-left, top-right), which sit 3.5 modules inside the
// edges. It ignores perspective, which is close enough to draw a box.
func qrCorners(pts []gozxing.ResultPoint, dim int) [][2]float64 {
	if len(pts) < 3 || dim <= 7 {
		return nil
	}
	bl := [2]float64{pts[0].GetX(), pts[0].GetY()}
	tl := [2]float64{pts[1].GetX(), pts[1].GetY()}
	tr := [2]float64{pts[2].GetX(), pts[2].GetY()}
	k := float64(dim - 7)
	ux := [2]float64{(tr[0] - tl[0]) / k, (tr[1] - tl[1]) / k}
	uy := [2]float64{(bl[0] - tl[0]) / k, (bl[1] - tl[1]) / k}
	at := func(base [2]float64, a, b float64) [2]float64 {
		return [2]float64{base[0] + a*ux[0] + b*uy[0], base[1] + a*ux[1] + b*uy[1]}
	}
	br := [2]float64{tr[0] + bl[0] - tl[0], tr[1] + bl[1] - tl[1]}
	return [][2]float64{at(tl, -3.5, -3.5), at(tr, 3.5, -3.5), at(br, 3.5, 3.5), at(bl, -3.5, 3.5)}
}

// autoCharset decodes a QR byte segment that carries no ECI. The standard
// says ISO-8859-1, but Chinese generators write UTF-8 or GBK without saying
// so, and gozxing's guess turns both into mojibake. UTF-8 is tried first
// because a GBK text is almost never valid UTF-8, while the reverse happens.
type autoCharset struct{}

func (autoCharset) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: &autoTransformer{}}
}
func (autoCharset) NewEncoder() *encoding.Encoder { return xunicode.UTF8.NewEncoder() }

type autoTransformer struct{ transform.NopResetter }

func (*autoTransformer) Transform(dst, src []byte, atEOF bool) (int, int, error) {
	if !atEOF {
		return 0, 0, transform.ErrShortSrc // decide on the whole segment at once
	}
	out := decodeSegment(src)
	if len(dst) < len(out) {
		return 0, 0, transform.ErrShortDst
	}
	return copy(dst, out), len(src), nil
}

// decodeSegment turns a segment into UTF-8: UTF-8 if valid, else GBK
// (GB18030) if that decodes cleanly to printable text, else ISO-8859-1.
func decodeSegment(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(b) {
		return b
	}
	if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil && printable(out) {
		return out
	}
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

func printable(s []byte) bool {
	for _, r := range string(s) {
		if r == utf8.RuneError || (!unicode.IsPrint(r) && r != '\n' && r != '\r' && r != '\t') {
			return false
		}
	}
	return true
}

// maskQuads paints found codes light so the next pass finds the others:
// gozxing's detectors lock onto the strongest finder patterns and would
// find the same code again.
func maskQuads(p *plane, quads [][][2]float64) *plane {
	out := &plane{w: p.w, h: p.h, pix: append([]byte(nil), p.pix...)}
	for _, q := range quads {
		if len(q) != 4 {
			continue
		}
		// Grow the quad by 15% around its centre to cover the quiet zone edge.
		var cx, cy float64
		for _, c := range q {
			cx += c[0] / 4
			cy += c[1] / 4
		}
		g := make([][2]float64, 4)
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for i, c := range q {
			g[i] = [2]float64{cx + 1.15*(c[0]-cx), cy + 1.15*(c[1]-cy)}
			minX, maxX = math.Min(minX, g[i][0]), math.Max(maxX, g[i][0])
			minY, maxY = math.Min(minY, g[i][1]), math.Max(maxY, g[i][1])
		}
		r := image.Rect(int(minX), int(minY), int(maxX)+1, int(maxY)+1).Intersect(image.Rect(0, 0, p.w, p.h))
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if inQuad(g, float64(x), float64(y)) {
					out.pix[y*p.w+x] = 255
				}
			}
		}
	}
	return out
}

// inQuad reports whether (x, y) lies inside the convex quad q, whichever
// way round its corners go.
func inQuad(q [][2]float64, x, y float64) bool {
	sign := 0
	for i := range q {
		a, b := q[i], q[(i+1)%len(q)]
		c := (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0])
		s := 0
		if c > 0 {
			s = 1
		} else if c < 0 {
			s = -1
		}
		if s != 0 {
			if sign != 0 && s != sign {
				return false
			}
			sign = s
		}
	}
	return true
}
