package share

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	qrcode "github.com/skip2/go-qrcode"
)

// qrLevel is Medium: it survives a fold or a smudge on a printed slip, and a
// 2 KiB payload still fits the largest QR version.
const qrLevel = qrcode.Medium

// modules returns the QR symbol of payload, quiet zone included.
func modules(payload string) ([][]bool, error) {
	if len(payload) > MaxPayload {
		return nil, newErr("too_large",
			fmt.Sprintf("the payload is %d bytes; at most %d go into a QR code", len(payload), MaxPayload),
			fmt.Sprintf("内容共%d字节，二维码最多容纳%d字节", len(payload), MaxPayload))
	}
	q, err := qrcode.New(payload, qrLevel)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}

// Image renders payload as a QR code in a size×size image. Every module gets
// the same whole number of pixels: go-qrcode's own scaling rounds module
// edges unevenly, which scanners read worse on paper.
func Image(payload string, size int) (*image.Gray, error) {
	bm, err := modules(payload)
	if err != nil {
		return nil, err
	}
	n := len(bm)
	px := size / n
	if px < 1 {
		return nil, newErr("too_small",
			fmt.Sprintf("a %d px image is too small for this code: it needs at least %d px", size, n),
			fmt.Sprintf("图像%d像素太小，此二维码至少需要%d像素", size, n))
	}
	img := image.NewGray(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	off := (size - px*n) / 2
	for y, row := range bm {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := 0; dy < px; dy++ {
				line := img.Pix[(off+y*px+dy)*img.Stride:]
				for dx := 0; dx < px; dx++ {
					line[off+x*px+dx] = 0
				}
			}
		}
	}
	return img, nil
}

// PNG renders payload as a QR code in a size×size PNG.
func PNG(payload string, size int) ([]byte, error) {
	img, err := Image(payload, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
