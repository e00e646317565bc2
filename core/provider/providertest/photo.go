package providertest

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// cameraPhoto draws a plausible enforcement-camera frame: a street, a car
// with its plate, and the overlay text cameras burn in. basicfont has ASCII
// only, so the plate shows its serial without the province character.
func cameraPhoto(lines []string, plateText string, nev bool, variant int) []byte {
	const w, h = 640, 360
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		var c color.RGBA
		if y < 150 { // sky, lighter toward the horizon
			c = color.RGBA{uint8(120 + y/3), uint8(150 + y/3), uint8(190 + y/5), 255}
		} else { // asphalt, darker toward the camera
			g := uint8(110 - (y-150)/4)
			c = color.RGBA{g, g, g + 4, 255}
		}
		draw.Draw(img, image.Rect(0, y, w, y+1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		draw.Draw(img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	for i := 0; i < 6; i++ { // buildings
		x := i*110 + variant*17%40
		top := 40 + (i*37+variant*13)%70
		fill(x, top, x+90, 150, color.RGBA{uint8(90 + i*12), uint8(95 + i*8), 110, 255})
	}
	for x := 0; x < w; x += 80 { // lane markings
		fill(x+variant*10%80, 250, x+variant*10%80+45, 256, color.RGBA{235, 235, 225, 255})
	}
	cx := 200 + variant*60%160 // the car
	fill(cx, 190, cx+240, 300, color.RGBA{uint8(40 + variant*50%150), 50, 70, 255})
	fill(cx+30, 160, cx+210, 200, color.RGBA{60, 70, 90, 255})
	fill(cx+40, 166, cx+200, 196, color.RGBA{150, 180, 200, 255})
	plate := color.RGBA{20, 60, 170, 255}
	ink := color.RGBA{250, 250, 250, 255}
	if nev {
		plate, ink = color.RGBA{120, 200, 120, 255}, color.RGBA{10, 10, 10, 255}
	}
	fill(cx+70, 262, cx+170, 286, plate)
	text(img, cx+78, 279, plateText, ink)

	fill(0, 0, w, 18+14*len(lines), color.RGBA{0, 0, 0, 255})
	for i, l := range lines {
		text(img, 8, 14+14*i, l, color.RGBA{255, 255, 255, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70}); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	return buf.Bytes()
}

func text(img draw.Image, x, y int, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
