package corpus

import (
	"bytes"
	"image"
	"testing"

	"golang.org/x/image/webp"
)

// The WebP writer is hand-made: check x/image decodes it pixel for pixel.
func TestWebPBilevelRoundTrip(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 37, 23))
	for i := range img.Pix {
		if (i*7)%5 < 2 {
			img.Pix[i] = 255
		}
	}
	var b bytes.Buffer
	if err := encodeWebPBilevel(&b, img); err != nil {
		t.Fatal(err)
	}
	got, err := webp.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v", got.Bounds())
	}
	for y := 0; y < 23; y++ {
		for x := 0; x < 37; x++ {
			r, _, _, _ := got.At(x, y).RGBA()
			if uint8(r>>8) != img.GrayAt(x, y).Y {
				t.Fatalf("pixel (%d,%d) = %d, want %d", x, y, r>>8, img.GrayAt(x, y).Y)
			}
		}
	}
}

// A homography through four points must map them exactly.
func TestHomography(t *testing.T) {
	src := [4]pt{{0, 0}, {10, 0}, {10, 5}, {0, 5}}
	dst := [4]pt{{3, 4}, {40, 10}, {38, 30}, {1, 22}}
	h := solveHomography(src, dst)
	for i := range src {
		x, y := h.apply(src[i][0], src[i][1])
		if d := (x-dst[i][0])*(x-dst[i][0]) + (y-dst[i][1])*(y-dst[i][1]); d > 1e-12 {
			t.Fatalf("point %d -> (%v,%v), want %v", i, x, y, dst[i])
		}
	}
}
