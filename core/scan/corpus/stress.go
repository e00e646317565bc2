package corpus

import (
	"fmt"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
	qrcode "github.com/skip2/go-qrcode"
)

// stressSpec is randomised case i: about one in eight has no code at all.
func stressSpec(i int) spec {
	name := fmt.Sprintf("stress-%03d", i)
	ext := "png"
	if i%3 == 0 {
		ext = "jpg"
	}
	return spec{name: name, w: 800, h: 800, ext: ext, build: func(c *canvas, rng *rand.Rand) ([]string, error) {
		c.text(rng, 20, 20, 760, 10, 3, 70)
		c.text(rng, 20, 700, 760, 10, 3, 70)
		deg := rng.Float64() * 360
		var want []string
		switch kind := rng.IntN(8); kind {
		case 0: // no code, but bar-like clutter
			for k := 0; k < 30; k++ {
				c.fillRect(100+rng.Float64()*600, 200+rng.Float64()*300, 2+rng.Float64()*6, 40+rng.Float64()*100, 40)
			}
		case 1, 2, 3:
			text := fmt.Sprintf("STRESS %d %08d", i, rng.IntN(1e8))
			if rng.IntN(3) == 0 {
				text = textZh
			}
			if _, err := placeQR(c, text, qrcode.Medium, 400, 400, 3+rng.Float64()*3, deg); err != nil {
				return nil, err
			}
			want = []string{text}
		default:
			f := gozxing.BarcodeFormat_CODE_39
			text := decision(rng)
			switch kind {
			case 6:
				f = gozxing.BarcodeFormat_CODE_128
				text = fmt.Sprintf("TB%09d", rng.IntN(1e9))
			case 7:
				f = gozxing.BarcodeFormat_ITF
				if rng.IntN(2) == 0 {
					text = itf14(rng)
				}
			}
			if _, err := placeLinear(c, f, text, 400, 400, 1.8+rng.Float64()*1.2, deg); err != nil {
				return nil, err
			}
			want = []string{text}
		}
		// a random mix of degradations
		if rng.IntN(3) == 0 {
			c.seal(300+rng.Float64()*200, 300+rng.Float64()*200, 60+rng.Float64()*60)
		}
		if rng.IntN(3) == 0 {
			c.shadow(rng.Float64()*360, 0.2+rng.Float64()*0.5)
		}
		if rng.IntN(3) == 0 {
			c.glare(300+rng.Float64()*200, 300+rng.Float64()*200, 30+rng.Float64()*50, 0.5+rng.Float64()*0.4)
		}
		if rng.IntN(3) == 0 {
			c.contrast(float32(80+rng.Float64()*60), float32(170+rng.Float64()*60))
		}
		if rng.IntN(2) == 0 {
			c.blur(0.5 + rng.Float64()*1.0)
		}
		if rng.IntN(2) == 0 {
			c.noise(rng, 5+rng.Float64()*25)
		}
		if rng.IntN(8) == 0 {
			c.invert()
		}
		return want, nil
	}}
}
