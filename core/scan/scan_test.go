package scan

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/text/encoding/simplifiedchinese"

	"ticketbook/core/scan/corpus"
)

// qrPNG renders text as a QR code at (x, y) on a w×h white canvas.
func qrImage(t testing.TB, text string, w, h, x, y, module int) *image.Gray {
	t.Helper()
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	bm := q.Bitmap()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xF0
	}
	for my, row := range bm {
		for mx, dark := range row {
			v := uint8(0xF8)
			if dark {
				v = 0x10
			}
			for dy := 0; dy < module; dy++ {
				for dx := 0; dx < module; dx++ {
					img.SetGray(x+mx*module+dx, y+my*module+dy, color.Gray{Y: v})
				}
			}
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decodeBytes(t *testing.T, data []byte, opts Options) (Result, error) {
	t.Helper()
	return Decode(context.Background(), bytes.NewReader(data), opts)
}

func TestDecodeSimpleQR(t *testing.T) {
	res, err := decodeBytes(t, encodePNG(t, qrImage(t, "HELLO TICKETBOOK", 300, 240, 40, 30, 4)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Codes) != 1 || res.Codes[0].Text != "HELLO TICKETBOOK" || res.Codes[0].Format != "QR_CODE" {
		t.Fatalf("got %+v", res.Codes)
	}
	if res.Width != 300 || res.Height != 240 {
		t.Errorf("size %dx%d", res.Width, res.Height)
	}
	// corners: the symbol (quiet zone excluded) spans 40+16 .. 40+16+21*4
	c := res.Codes[0].Corners
	if len(c) != 4 || abs(c[0][0]-56) > 3 || abs(c[0][1]-46) > 3 || abs(c[2][0]-140) > 3 || abs(c[2][1]-130) > 3 {
		t.Errorf("corners %v", c)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestInputErrors(t *testing.T) {
	good := encodePNG(t, qrImage(t, "X", 100, 100, 10, 10, 2))
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, qrImage(t, "JPEG", 200, 200, 20, 20, 4), nil); err != nil {
		t.Fatal(err)
	}
	corrupt := append([]byte(nil), good...)
	for i := len(corrupt) / 2; i < len(corrupt)/2+20; i++ {
		corrupt[i] ^= 0x5A
	}
	cases := []struct {
		name string
		data []byte
		opts Options
		want *Error
	}{
		{"empty", nil, Options{}, ErrEmpty},
		{"text", []byte("this is not an image at all\n"), Options{}, ErrNotImage},
		{"truncated png", good[:len(good)/2], Options{}, ErrTruncated},
		{"truncated png header", good[:20], Options{}, ErrTruncated},
		{"truncated jpeg", jpg.Bytes()[:jpg.Len()/2], Options{}, ErrTruncated},
		{"corrupt png", corrupt, Options{}, ErrCorrupt},
		{"bomb png", pngBomb(t, 100000, 100000), Options{}, ErrTooLarge},
		{"too many pixels", good, Options{MaxPixels: 5000}, ErrTooLarge},
		{"too many bytes", good, Options{MaxBytes: 64}, ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeBytes(t, c.data, c.opts)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want code %s", err, c.want.Code)
			}
			var se *Error
			errors.As(err, &se)
			if se.En == "" || se.Zh == "" || strings.Contains(se.En, "\n") {
				t.Errorf("message not one line in both languages: %q / %q", se.En, se.Zh)
			}
			if se.Message("zh-CN") != se.Zh || se.Message("en") != se.En {
				t.Errorf("Message does not pick the language")
			}
		})
	}
}

// pngBomb is a valid PNG header claiming w×h pixels with no data behind it:
// decoding it for real would allocate w*h bytes.
func pngBomb(t *testing.T, w, h uint32) []byte {
	b := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	ihdr := b[8+8 : 8+8+13] // after signature, length and type
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	binary.BigEndian.PutUint32(b[8+8+13:], crc32.ChecksumIEEE(b[8+4:8+8+13]))
	return b
}

func TestDecodeFileMissing(t *testing.T) {
	_, err := DecodeFile(context.Background(), filepath.Join(t.TempDir(), "nope.png"), Options{})
	if !errors.Is(err, ErrIO) {
		t.Fatalf("got %v", err)
	}
}

// TestExifOrientation stores a QR code sideways with an orientation tag:
// corners must come back where the code is in the upright picture.
func TestExifOrientation(t *testing.T) {
	upright := qrImage(t, "UPRIGHT", 400, 300, 20, 20, 4) // code near the top left
	for _, o := range []int{1, 3, 6, 8} {
		stored := unorient(upright, o)
		var b bytes.Buffer
		if err := jpeg.Encode(&b, stored, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		data := withOrientation(b.Bytes(), o)
		if got := jpegOrientation(data); got != o {
			t.Fatalf("orientation read back as %d, want %d", got, o)
		}
		res, err := decodeBytes(t, data, Options{})
		if err != nil || len(res.Codes) != 1 {
			t.Fatalf("o=%d: %v %+v", o, err, res.Codes)
		}
		if res.Width != 400 || res.Height != 300 {
			t.Errorf("o=%d: size %dx%d, want 400x300", o, res.Width, res.Height)
		}
		cx, cy := centroid(res.Codes[0].Corners)
		if abs(cx-(36+42)) > 4 || abs(cy-(36+42)) > 4 {
			t.Errorf("o=%d: centre (%.0f,%.0f), want (78,78)", o, cx, cy)
		}
	}
}

// unorient produces the stored pixels that orientation o turns into img.
func unorient(img *image.Gray, o int) *image.Gray {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	sw, sh := W, H
	if o >= 5 {
		sw, sh = H, W
	}
	out := image.NewGray(image.Rect(0, 0, sw, sh))
	for yd := 0; yd < H; yd++ {
		for xd := 0; xd < W; xd++ {
			var x, y int
			switch o {
			case 1:
				x, y = xd, yd
			case 3:
				x, y = sw-1-xd, sh-1-yd
			case 6:
				x, y = yd, sh-1-xd
			case 8:
				x, y = sw-1-yd, xd
			}
			out.Pix[y*sw+x] = img.Pix[yd*W+xd]
		}
	}
	return out
}

func withOrientation(j []byte, o int) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, 0, 0, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, j[2:]...)
}

func TestExifGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, {0xFF, 0xD8}, {0xFF, 0xD8, 0xFF, 0xE1, 0, 4, 'E', 'x'}, {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF}} {
		if o := jpegOrientation(b); o != 1 {
			t.Errorf("%x: orientation %d", b, o)
		}
	}
}

func noCodePNG(t *testing.T) []byte {
	img := image.NewGray(image.Rect(0, 0, 500, 400))
	for i := range img.Pix {
		img.Pix[i] = byte(100 + (i*7919)%97)
	}
	return encodePNG(t, img)
}

func TestTimeoutBetweenSteps(t *testing.T) {
	stepHook = func(string) { time.Sleep(40 * time.Millisecond) }
	defer func() { stepHook = nil }()
	start := time.Now()
	_, err := decodeBytes(t, noCodePNG(t), Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want timeout", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout should unwrap to context.DeadlineExceeded")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v after a 100 ms timeout", d)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Decode(ctx, bytes.NewReader(noCodePNG(t)), Options{})
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}

	// cancelled while running: the next step boundary stops it
	ctx, cancel = context.WithCancel(context.Background())
	steps := 0
	stepHook = func(string) {
		steps++
		if steps == 2 {
			cancel()
		}
	}
	defer func() { stepHook = nil }()
	_, err = Decode(ctx, bytes.NewReader(noCodePNG(t)), Options{})
	if !errors.Is(err, ErrCanceled) || steps != 2 {
		t.Fatalf("got %v after %d steps", err, steps)
	}
}

func TestPanicRecovered(t *testing.T) {
	stepHook = func(string) { panic("injected") }
	defer func() { stepHook = nil }()
	_, err := decodeBytes(t, noCodePNG(t), Options{})
	if !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("got %v", err)
	}

	// a crash in one strategy leaves the others working
	stepHook = func(s string) {
		if s == "qr-hybrid" {
			panic("injected")
		}
	}
	res, err := decodeBytes(t, encodePNG(t, qrImage(t, "STILL READ", 300, 300, 40, 40, 4)), Options{})
	if err != nil || len(res.Codes) != 1 || res.Codes[0].Text != "STILL READ" {
		t.Fatalf("got %v %+v", err, res.Codes)
	}
}

func TestSafeDecodeRowRecovers(t *testing.T) {
	rr := rowReader{format: "X", dec: panicky{}}
	if _, err := safeDecodeRow(rr, nil); err != errPanic {
		t.Fatalf("got %v", err)
	}
}

func TestCharsets(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("沪B6789C 闯红灯")
	cases := map[string]string{
		"京A12345 违停":       "京A12345 违停",
		"\xEF\xBB\xBFabc":  "abc",
		gbk:                "沪B6789C 闯红灯",
		"caf\xE9 \x01\xFF": "café \x01ÿ",
	}
	for in, want := range cases {
		if got := string(decodeSegment([]byte(in))); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

type panicky struct{}

func (panicky) DecodeRow(int, *gozxing.BitArray, map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	panic("inside gozxing")
}

// TestLargePhoto reads one 12 MP photo end to end; the rest of the large
// set is in BenchmarkScan12MP.
func TestLargePhoto(t *testing.T) {
	if testing.Short() {
		t.Skip("12 MP image")
	}
	if raceEnabled {
		t.Skip("12 MP under the race detector takes minutes; see BenchmarkScan12MP")
	}
	cases, err := corpus.GenerateWith(t.TempDir(), 1, corpus.Config{Large: true, Only: []string{"12mp-notice"}})
	if err != nil || len(cases) != 1 {
		t.Fatal(err, len(cases))
	}
	res, err := DecodeFile(context.Background(), cases[0].File, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Codes {
		got = append(got, c.Text)
	}
	slices.Sort(got)
	want := slices.Clone(cases[0].Want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if res.Elapsed > 5*time.Second {
		t.Errorf("took %v", res.Elapsed)
	}
}
