// Package corpus generates test images of every hard case the scanner must
// handle, each with the texts it must yield. Images are generated, never
// committed: the large ones would be tens of megabytes.
package corpus

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/makiuchi-d/gozxing"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/text/encoding/simplifiedchinese"

	"ticketbook/core/share"
)

// Case is one generated image.
type Case struct {
	Name       string   `json:"name"`
	File       string   `json:"file"`
	Want       []string `json:"want"` // every text that must be read; nothing else may be
	Megapixels float64  `json:"megapixels"`
}

// Config chooses what Generate writes.
type Config struct {
	Small bool // the everyday set at modest sizes (about 0.5-1 MP)
	Large bool // 12 MP photos
	Huge  bool // one 48 MP photo
	// Stress adds this many randomised cases: random symbology, angle,
	// module size and a random mix of degradations at random strengths,
	// some of them beyond what any reader can do. They measure rates
	// (read share, wrong reads) rather than pass or fail.
	Stress int
	// Only, when set, keeps just the named cases of the chosen sets.
	Only []string
}

// Generate writes the everyday set into dir.
func Generate(dir string, seed int64) ([]Case, error) {
	return GenerateWith(dir, seed, Config{Small: true})
}

// GenerateWith writes the chosen sets into dir. The same seed gives the
// same images, except for share payloads, which carry the current time.
func GenerateWith(dir string, seed int64, cfg Config) ([]Case, error) {
	g := &gen{dir: dir, seed: uint64(seed)}
	var specs []spec
	if cfg.Small {
		specs = append(specs, smallSpecs()...)
	}
	if cfg.Large {
		specs = append(specs, largeSpecs()...)
	}
	if cfg.Huge {
		specs = append(specs, hugeSpecs()...)
	}
	for i := 0; i < cfg.Stress; i++ {
		specs = append(specs, stressSpec(i))
	}
	var out []Case
	for i, s := range specs {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, s.name) {
			continue
		}
		rng := rand.New(rand.NewPCG(g.seed, uint64(i)))
		c, err := g.make(s, rng)
		if err != nil {
			return out, fmt.Errorf("corpus case %s: %w", s.name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

type gen struct {
	dir  string
	seed uint64
}

// spec builds one case: it draws on a canvas and returns the wanted texts.
type spec struct {
	name   string
	w, h   int
	ext    string // png, jpg, gif, bmp, tiff, webp
	bg     [3]float32
	build  func(c *canvas, rng *rand.Rand) ([]string, error)
	exifOr int // when set, write a JPEG whose stored pixels need this EXIF orientation
}

func (g *gen) make(s spec, rng *rand.Rand) (Case, error) {
	bg := s.bg
	if bg == ([3]float32{}) {
		bg = paper
	}
	c := newCanvas(s.w, s.h, bg)
	want, err := s.build(c, rng)
	if err != nil {
		return Case{}, err
	}
	path := filepath.Join(g.dir, s.name+"."+s.ext)
	var buf bytes.Buffer
	switch s.ext {
	case "png":
		err = png.Encode(&buf, c.rgba())
	case "jpg":
		var img image.Image = c.rgba()
		if s.exifOr != 0 {
			img = storeRotated(c.rgba(), s.exifOr)
		}
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88})
		if err == nil && s.exifOr != 0 {
			b := withExifOrientation(buf.Bytes(), s.exifOr)
			buf.Reset()
			buf.Write(b)
		}
	case "gif":
		err = gif.Encode(&buf, c.gray(), nil)
	case "bmp":
		err = bmp.Encode(&buf, c.rgba())
	case "tiff":
		err = tiff.Encode(&buf, c.rgba(), &tiff.Options{Compression: tiff.Deflate})
	case "webp":
		err = encodeWebPBilevel(&buf, c.gray())
	default:
		err = fmt.Errorf("unknown extension %q", s.ext)
	}
	if err != nil {
		return Case{}, err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return Case{}, err
	}
	return Case{Name: s.name, File: path, Want: want, Megapixels: float64(s.w*s.h) / 1e6}, nil
}

// decisionNumber makes a 16-digit decision number whose check digit holds.
func decisionNumber(rng *rand.Rand, kind int) string {
	regions := []string{"320106", "440305", "110105", "310115", "510107"}
	s := regions[rng.IntN(len(regions))] + fmt.Sprint(kind)
	for i := 0; i < 8; i++ {
		s += fmt.Sprint(rng.IntN(10))
	}
	var n uint64
	fmt.Sscan(s[6:15], &n)
	return s + fmt.Sprint(n%7)
}

// itf14 makes a GTIN-14 with a valid mod-10 check digit.
func itf14(rng *rand.Rand) string {
	s := ""
	sum := 0
	for i := 0; i < 13; i++ {
		d := rng.IntN(10)
		s += fmt.Sprint(d)
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return s + fmt.Sprint((10-sum%10)%10)
}

// Texts used across cases.
const (
	textZh     = "京A12345 违章停车 罚款200元 扣0分 交管测试数据"
	textGBK    = "沪B6789C 闯红灯 罚款200元 记6分"
	textPayURL = "https://pay.example-bank.cn/fine?jdsbh=3201061234567895"
)

// vehicleShare is a signed share from a key derived from a fixed seed, so
// the case is reproducible except for its timestamps.
func vehicleShare() (string, error) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	s := share.Signer{Key: key, KeyID: "corpus"}
	now := time.Now()
	return s.Vehicle(share.Vehicle{PlateType: "02", Plate: "粤B12345", Engine6: "123456", Owner: "张三"}, now, now.Add(300*24*time.Hour))
}

// placeQR draws a QR code of content with the given module size in pixels.
func placeQR(c *canvas, content string, level qrcode.RecoveryLevel, cx, cy, module, deg float64) (symbol, error) {
	sym, err := qrSymbol(content, level)
	if err != nil {
		return sym, err
	}
	side := float64(sym.w) * module
	c.draw(sym, rectQuad(cx, cy, side, side, deg), black, white)
	return sym, nil
}

func placeLinear(c *canvas, f gozxing.BarcodeFormat, text string, cx, cy, module, deg float64) (float64, error) {
	sym, err := linearSymbol(f, text, 36)
	if err != nil {
		return 0, err
	}
	w, h := float64(sym.w)*module, float64(sym.h)*module
	c.draw(sym, rectQuad(cx, cy, w, h, deg), black, white)
	return w, nil
}

func qrCase(name, ext string, content string, module float64, deg float64, after func(c *canvas, rng *rand.Rand)) spec {
	return spec{name: name, w: 640, h: 480, ext: ext, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
		c.text(rng, 20, 20, 600, 10, 2, 70)
		if _, err := placeQR(c, content, qrcode.Medium, 320, 250, module, deg); err != nil {
			return nil, err
		}
		if after != nil {
			after(c, rng)
		}
		return []string{content}, nil
	}}
}

func linearCase(name, ext string, f gozxing.BarcodeFormat, text func(*rand.Rand) string, module, deg float64, after func(c *canvas, rng *rand.Rand)) spec {
	return spec{name: name, w: 900, h: 700, ext: ext, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
		t := text(rng)
		c.text(rng, 30, 20, 840, 12, 2, 70)
		if _, err := placeLinear(c, f, t, 450, 380, module, deg); err != nil {
			return nil, err
		}
		if after != nil {
			after(c, rng)
		}
		return []string{t}, nil
	}}
}

func decision(rng *rand.Rand) string { return decisionNumber(rng, 1+rng.IntN(2)) }

func smallSpecs() []spec {
	noise := func(s float64) func(*canvas, *rand.Rand) {
		return func(c *canvas, rng *rand.Rand) { c.noise(rng, s) }
	}
	specs := []spec{
		qrCase("qr-plain", "png", "TICKETBOOK TEST 0001", 5, 0, nil),
		qrCase("qr-utf8-zh", "png", textZh, 4, 0, nil),
		qrCase("qr-payment-link", "jpg", textPayURL, 4, 8, noise(6)),
		qrCase("qr-rotated-40", "png", "ROTATED QR 40 DEGREES", 4, 40, nil),
		qrCase("qr-blur", "png", "BLURRED QR CODE", 5, 3, func(c *canvas, _ *rand.Rand) { c.blur(1.6) }),
		qrCase("qr-noise", "png", "NOISY QR CODE", 5, -4, noise(28)),
		qrCase("qr-glare", "png", "GLARE ON QR CODE", 5, 2, func(c *canvas, _ *rand.Rand) { c.glare(300, 230, 45, 0.8) }),
		qrCase("qr-low-contrast", "png", "LOW CONTRAST QR", 5, 0, func(c *canvas, rng *rand.Rand) { c.contrast(120, 165); c.noise(rng, 3) }),
		qrCase("qr-shadow", "png", "SHADOWED QR CODE", 5, 5, func(c *canvas, _ *rand.Rand) { c.shadow(30, 0.25) }),
		qrCase("qr-seal", "png", "QR UNDER A RED SEAL", 5, 0, func(c *canvas, _ *rand.Rand) { c.seal(350, 270, 80) }),
		qrCase("qr-inverted", "png", "INVERTED QR CODE", 5, 0, func(c *canvas, _ *rand.Rand) { c.invert() }),
		{name: "qr-gbk", w: 640, h: 480, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			b, err := simplifiedchinese.GBK.NewEncoder().String(textGBK)
			if err != nil {
				return nil, err
			}
			if _, err := placeQR(c, b, qrcode.Medium, 320, 240, 5, 0); err != nil {
				return nil, err
			}
			return []string{textGBK}, nil
		}},
		{name: "qr-perspective", w: 640, h: 480, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			t := "PERSPECTIVE SKEW QR"
			sym, err := qrSymbol(t, qrcode.Medium)
			if err != nil {
				return nil, err
			}
			c.draw(sym, [4]pt{{200, 110}, {470, 140}, {440, 390}, {180, 350}}, black, white)
			return []string{t}, nil
		}},
		{name: "qr-multi-3", w: 900, h: 600, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			ts := []string{"FIRST OF THREE", "第二个二维码", "https://example.org/third"}
			pos := [][3]float64{{170, 200, 0}, {460, 380, 15}, {740, 190, -10}}
			for i, t := range ts {
				if _, err := placeQR(c, t, qrcode.Medium, pos[i][0], pos[i][1], 4, pos[i][2]); err != nil {
					return nil, err
				}
			}
			return ts, nil
		}},
		{name: "share-vehicle", w: 800, h: 800, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			t, err := vehicleShare()
			if err != nil {
				return nil, err
			}
			if _, err := placeQR(c, t, qrcode.Medium, 400, 400, 7, 0); err != nil {
				return nil, err
			}
			return []string{t}, nil
		}},

		linearCase("code39-decision", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.4, 0, nil),
		linearCase("code39-rot17", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.4, 17, nil),
		linearCase("code39-rot33", "jpg", gozxing.BarcodeFormat_CODE_39, decision, 2.4, 33, noise(4)),
		linearCase("code39-rot72", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.2, 72, nil),
		linearCase("code39-rot105", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.2, 105, nil),
		linearCase("code39-blur", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.6, 4, func(c *canvas, _ *rand.Rand) { c.blur(1.1) }),
		linearCase("code39-noise", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.6, -6, noise(30)),
		linearCase("code39-glare", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.4, 3, func(c *canvas, _ *rand.Rand) { c.glare(380, 360, 60, 0.85) }),
		linearCase("code39-low-contrast", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.4, 0, func(c *canvas, rng *rand.Rand) { c.contrast(115, 160); c.noise(rng, 3) }),
		linearCase("code39-shadow", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.4, 2, func(c *canvas, _ *rand.Rand) { c.shadow(10, 0.25) }),
		linearCase("code39-seal", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.6, 0, func(c *canvas, _ *rand.Rand) { c.seal(520, 370, 90) }),
		linearCase("code39-inverted", "png", gozxing.BarcodeFormat_CODE_39, decision, 2.4, 0, func(c *canvas, _ *rand.Rand) { c.invert() }),
		{name: "code39-perspective", w: 900, h: 700, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			t := decision(rng)
			sym, err := linearSymbol(gozxing.BarcodeFormat_CODE_39, t, 36)
			if err != nil {
				return nil, err
			}
			c.draw(sym, [4]pt{{120, 300}, {780, 250}, {790, 400}, {110, 390}}, black, white)
			return []string{t}, nil
		}},
		linearCase("code128", "png", gozxing.BarcodeFormat_CODE_128, func(*rand.Rand) string { return "TB-2024-000123" }, 2.4, 0, nil),
		linearCase("code128-rot60", "png", gozxing.BarcodeFormat_CODE_128, func(*rand.Rand) string { return "WFBH44030519" }, 2.4, 60, noise(8)),
		linearCase("itf14", "png", gozxing.BarcodeFormat_ITF, itf14, 2.4, 0, nil),
		linearCase("itf16-decision", "png", gozxing.BarcodeFormat_ITF, decision, 2.4, 25, nil),

		{name: "notice-qr-and-code39", w: 1000, h: 1300, ext: "jpg", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			// a printed penalty notice: text, a Code 39 decision number, a
			// payment QR, and the seal over the corner of the text
			d := decision(rng)
			c.text(rng, 60, 60, 880, 14, 6, 60)
			if _, err := placeLinear(c, gozxing.BarcodeFormat_CODE_39, d, 500, 330, 2.4, 0); err != nil {
				return nil, err
			}
			c.text(rng, 60, 450, 880, 14, 10, 60)
			if _, err := placeQR(c, textPayURL, qrcode.Medium, 780, 1000, 4, 0); err != nil {
				return nil, err
			}
			c.seal(300, 1000, 110)
			c.noise(rng, 5)
			return []string{d, textPayURL}, nil
		}},

		// Formats other than PNG and JPEG.
		qrCase("format-gif", "gif", "GIF FORMAT QR", 5, 0, nil),
		qrCase("format-bmp", "bmp", "BMP FORMAT QR", 5, 0, nil),
		qrCase("format-tiff", "tiff", "TIFF FORMAT QR", 5, 0, nil),
		{name: "format-webp", w: 400, h: 400, ext: "webp", bg: [3]float32{255, 255, 255}, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			t := "WEBP FORMAT QR"
			sym, err := qrSymbol(t, qrcode.Medium)
			if err != nil {
				return nil, err
			}
			m := 10.0 // whole pixels per module: the WebP writer only does black and white
			side := float64(sym.w) * m
			c.draw(sym, [4]pt{{20, 20}, {20 + side, 20}, {20 + side, 20 + side}, {20, 20 + side}}, [3]float32{0, 0, 0}, [3]float32{255, 255, 255})
			return []string{t}, nil
		}},
		{name: "exif-rotated-6", w: 640, h: 480, ext: "jpg", exifOr: 6, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			t := "EXIF ORIENTATION SIX"
			_, err := placeQR(c, t, qrcode.Medium, 200, 200, 4, 0)
			return []string{t}, err
		}},

		// Images with no code: nothing may be reported.
		{name: "nocode-text", w: 800, h: 600, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			c.text(rng, 30, 30, 740, 12, 18, 50)
			return nil, nil
		}},
		{name: "nocode-fence", w: 800, h: 600, ext: "jpg", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			for x := 40.0; x < 760; x += 18 {
				c.fillRect(x, 100, 9, 400, 40)
			}
			c.noise(rng, 6)
			return nil, nil
		}},
		{name: "nocode-random-bars", w: 800, h: 600, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			// bars of random widths: the classic trap for 1D readers
			x := 60.0
			for x < 740 {
				w := float64(1+rng.IntN(4)) * 2.5
				c.fillRect(x, 150, w, 300, 30)
				x += w + float64(1+rng.IntN(4))*2.5
			}
			return nil, nil
		}},
		{name: "nocode-noise", w: 640, h: 480, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			c.noise(rng, 60)
			return nil, nil
		}},
		{name: "nocode-grid", w: 640, h: 480, ext: "png", build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			for y := 0; y < 40; y++ {
				for x := 0; x < 60; x++ {
					if rng.IntN(2) == 0 {
						c.fillRect(20+float64(x)*10, 40+float64(y)*10, 10, 10, 30)
					}
				}
			}
			return nil, nil
		}},
	}
	return specs
}

// photo draws the look of a phone photo of a document on a desk: uneven
// light, a page with text, sensor noise.
func photo(c *canvas, rng *rand.Rand, page [4]float64) {
	x, y, w, h := page[0], page[1], page[2], page[3]
	c.fillRect(x, y, w, h, 232)
	c.text(rng, x+w*0.06, y+h*0.05, w*0.88, h/90, 12, 70)
	c.text(rng, x+w*0.06, y+h*0.62, w*0.88, h/90, 14, 70)
}

func finishPhoto(c *canvas, rng *rand.Rand) {
	c.shadow(35, 0.6)
	c.noise(rng, 7)
}

func largeSpecs() []spec {
	const W, H = 4000, 3000
	desk := [3]float32{120, 105, 90}
	return []spec{
		{name: "12mp-qr", w: W, h: H, ext: "jpg", bg: desk, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			photo(c, rng, [4]float64{600, 200, 2800, 2700})
			if _, err := placeQR(c, textPayURL, qrcode.Medium, 2600, 1900, 9, 6); err != nil {
				return nil, err
			}
			finishPhoto(c, rng)
			return []string{textPayURL}, nil
		}},
		{name: "12mp-small-qr", w: W, h: H, ext: "jpg", bg: desk, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			photo(c, rng, [4]float64{600, 200, 2800, 2700})
			if _, err := placeQR(c, "SMALL QR IN A 12MP PHOTO", qrcode.Medium, 1100, 2300, 6, -3); err != nil {
				return nil, err
			}
			finishPhoto(c, rng)
			return []string{"SMALL QR IN A 12MP PHOTO"}, nil
		}},
		{name: "12mp-code39", w: W, h: H, ext: "jpg", bg: desk, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			photo(c, rng, [4]float64{600, 200, 2800, 2700})
			d := decision(rng)
			if _, err := placeLinear(c, gozxing.BarcodeFormat_CODE_39, d, 2000, 1500, 5, 12); err != nil {
				return nil, err
			}
			finishPhoto(c, rng)
			return []string{d}, nil
		}},
		{name: "12mp-notice", w: W, h: H, ext: "jpg", bg: desk, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			photo(c, rng, [4]float64{500, 150, 3000, 2750})
			d := decision(rng)
			if _, err := placeLinear(c, gozxing.BarcodeFormat_CODE_39, d, 1800, 700, 4.5, -2); err != nil {
				return nil, err
			}
			if _, err := placeQR(c, textZh, qrcode.Medium, 2900, 2200, 8, -2); err != nil {
				return nil, err
			}
			c.seal(2800, 900, 260)
			finishPhoto(c, rng)
			return []string{d, textZh}, nil
		}},
		{name: "12mp-nocode", w: W, h: H, ext: "jpg", bg: desk, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			photo(c, rng, [4]float64{600, 200, 2800, 2700})
			finishPhoto(c, rng)
			return nil, nil
		}},
	}
}

func hugeSpecs() []spec {
	return []spec{
		{name: "48mp-qr", w: 8000, h: 6000, ext: "jpg", bg: [3]float32{120, 105, 90}, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
			photo(c, rng, [4]float64{1200, 400, 5600, 5400})
			if _, err := placeQR(c, "48 MEGAPIXEL PHOTO QR", qrcode.Medium, 5200, 3800, 14, 4); err != nil {
				return nil, err
			}
			finishPhoto(c, rng)
			return []string{"48 MEGAPIXEL PHOTO QR"}, nil
		}},
	}
}

// storeRotated returns the pixels a camera would store for an image that
// must be shown after applying EXIF orientation o (only 6 and 8 here).
func storeRotated(img *image.RGBA, o int) *image.RGBA {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	out := image.NewRGBA(image.Rect(0, 0, H, W))
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			var sx, sy int
			if o == 6 { // shown = stored rotated 90° clockwise
				sx, sy = y, W-1-x
			} else { // 8: shown = stored rotated 90° counter-clockwise
				sx, sy = H-1-y, x
			}
			copy(out.Pix[out.PixOffset(sx, sy):][:4], img.Pix[img.PixOffset(x, y):][:4])
		}
	}
	return out
}

// withExifOrientation inserts an APP1 Exif segment holding only the
// orientation tag right after the JPEG's start-of-image marker.
func withExifOrientation(j []byte, o int) []byte {
	tiffData := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0}
	entry := make([]byte, 12)
	binary.LittleEndian.PutUint16(entry[0:], 0x0112)
	binary.LittleEndian.PutUint16(entry[2:], 3)
	binary.LittleEndian.PutUint32(entry[4:], 1)
	binary.LittleEndian.PutUint16(entry[8:], uint16(o))
	tiffData = append(tiffData, entry...)
	tiffData = append(tiffData, 0, 0, 0, 0)
	seg := append([]byte("Exif\x00\x00"), tiffData...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(out[4:], uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, j[2:]...)
}
