package scan

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // registered for image.Decode
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// plane is an 8-bit luminance image with stride == width, the layout
// gozxing's planar source reads without copying.
type plane struct {
	w, h int
	pix  []byte
}

func newPlane(w, h int) *plane { return &plane{w: w, h: h, pix: make([]byte, w*h)} }

// readAll reads at most max bytes; one byte more means the file is too big,
// and we stop reading before holding it all in memory.
func readAll(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, newErr("io", "could not read the image: "+err.Error(), "无法读取图像："+err.Error(), err)
	}
	if int64(len(data)) > max {
		return nil, newErr("too_large",
			fmt.Sprintf("the file is larger than %s; photos larger than that are not read", sizeText(max)),
			fmt.Sprintf("文件超过%s，不予识别", sizeText(max)), nil)
	}
	if len(data) == 0 {
		return nil, newErr("empty", "the file is empty", "文件为空", nil)
	}
	return data, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// decodeImage checks the header before decoding so that a small file that
// claims huge dimensions (an image bomb) is refused before any allocation.
func decodeImage(data []byte, maxPixels int64) (image.Image, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", decodeErr(err, "")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, format, newErr("corrupt", "the image has no pixels", "图像没有像素", nil)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > maxPixels {
		return nil, format, newErr("too_large",
			fmt.Sprintf("the image is %d×%d (%.0f megapixels); at most %.0f megapixels are read", cfg.Width, cfg.Height, float64(px)/1e6, float64(maxPixels)/1e6),
			fmt.Sprintf("图像为%d×%d（%.0f百万像素），最多识别%.0f百万像素", cfg.Width, cfg.Height, float64(px)/1e6, float64(maxPixels)/1e6), nil)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, format, decodeErr(err, format)
	}
	return img, format, nil
}

func decodeErr(err error, format string) error {
	switch {
	case errors.Is(err, image.ErrFormat):
		return newErr("not_image", "not an image in a format Ticketbook reads (PNG, JPEG, GIF, BMP, WebP, TIFF)",
			"不是可识别的图像格式（支持 PNG、JPEG、GIF、BMP、WebP、TIFF）", err)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "unexpected EOF") ||
		strings.Contains(err.Error(), "short") || strings.Contains(err.Error(), "not enough pixel data"):
		return newErr("truncated", "the image file is cut off (incomplete download or copy?)",
			"图像文件不完整（下载或复制中断？）", err)
	}
	name := strings.ToUpper(format)
	if name == "" {
		name = "image"
	}
	return newErr("corrupt", fmt.Sprintf("the %s file is damaged: %v", name, err),
		fmt.Sprintf("%s 文件已损坏：%v", name, err), err)
}

// toGray flattens img to luminance, compositing transparency over white: a
// QR code saved with a transparent background is black on nothing, and on
// black it would vanish.
func toGray(img image.Image) *plane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p := newPlane(w, h)
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			copy(p.pix[y*w:(y+1)*w], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(p.pix[y*w:(y+1)*w], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := p.pix[y*w : (y+1)*w]
			for x := range dst {
				s := src[4*x : 4*x+4 : 4*x+4]
				bg := 255 - uint32(s[3]) // premultiplied: add white times (1-alpha)
				dst[x] = byte((77*(uint32(s[0])+bg) + 150*(uint32(s[1])+bg) + 29*(uint32(s[2])+bg)) >> 8)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := p.pix[y*w : (y+1)*w]
			for x := range dst {
				s := src[4*x : 4*x+4 : 4*x+4]
				l := (77*uint32(s[0]) + 150*uint32(s[1]) + 29*uint32(s[2])) >> 8
				a := uint32(s[3])
				dst[x] = byte((l*a + 255*(255-a)) / 255)
			}
		}
	case *image.Paletted:
		var lut [256]byte
		for i, c := range m.Palette {
			lut[i] = grayOverWhite(c)
		}
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := p.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = lut[src[x]]
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p.pix[y*w+x] = grayOverWhite(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return p
}

func grayOverWhite(c color.Color) byte {
	r, g, b, a := c.RGBA() // premultiplied, 16-bit
	bg := 0xffff - a
	return byte((19595*(r+bg) + 38470*(g+bg) + 7471*(b+bg) + 1<<15) >> 24)
}

// redPlane takes the red channel (over white). Seals on Chinese notices are
// red: in luminance a red stroke is as dark as a bar, in the red channel it
// is as light as the paper, while black bars stay black.
func redPlane(img image.Image) *plane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	p := newPlane(w, h)
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			dst := p.pix[y*w : (y+1)*w]
			for x := range dst {
				yy := int32(m.Y[m.YOffset(b.Min.X+x, b.Min.Y+y)])
				cr := int32(m.Cr[m.COffset(b.Min.X+x, b.Min.Y+y)]) - 128
				r := yy + (91881*cr+1<<15)>>16 // 1.402 in 16.16 fixed point
				dst[x] = byte(min(255, max(0, r)))
			}
		}
	case *image.Gray:
		return toGray(img)
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, _, _, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				p.pix[y*w+x] = byte((r + 0xffff - a) >> 8)
			}
		}
	}
	return p
}

// isColor samples the image to tell whether a colour-only strategy (the red
// channel) can help at all.
func isColor(img image.Image) bool {
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return false
	case *image.YCbCr:
		for i := 0; i < len(m.Cr); i += 97 {
			if d := int(m.Cr[i]) - 128; d > 12 || d < -12 {
				return true
			}
		}
		return false
	}
	b := img.Bounds()
	stepX, stepY := max(1, b.Dx()/64), max(1, b.Dy()/64)
	for y := b.Min.Y; y < b.Max.Y; y += stepY {
		for x := b.Min.X; x < b.Max.X; x += stepX {
			r, g, bb, _ := img.At(x, y).RGBA()
			if absDiff(r, g) > 0x1800 || absDiff(g, bb) > 0x1800 {
				return true
			}
		}
	}
	return false
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// orient turns a stored plane into its display orientation (EXIF values
// 1-8), so corners are reported where the user sees the code.
func orient(p *plane, o int) *plane {
	if o <= 1 || o > 8 {
		return p
	}
	W, H := p.w, p.h
	dw, dh := W, H
	if o >= 5 {
		dw, dh = H, W
	}
	out := newPlane(dw, dh)
	for yd := 0; yd < dh; yd++ {
		row := out.pix[yd*dw : (yd+1)*dw]
		for xd := range row {
			var x, y int
			switch o {
			case 2:
				x, y = W-1-xd, yd
			case 3:
				x, y = W-1-xd, H-1-yd
			case 4:
				x, y = xd, H-1-yd
			case 5:
				x, y = yd, xd
			case 6:
				x, y = yd, H-1-xd
			case 7:
				x, y = W-1-yd, H-1-xd
			case 8:
				x, y = W-1-yd, xd
			}
			row[xd] = p.pix[y*W+x]
		}
	}
	return out
}

// half averages 2×2 blocks: downscaling by averaging also averages out
// sensor noise, which is why noisy photos decode better smaller.
func half(p *plane) *plane {
	w, h := p.w/2, p.h/2
	out := newPlane(w, h)
	for y := 0; y < h; y++ {
		a := p.pix[2*y*p.w:]
		b := p.pix[(2*y+1)*p.w:]
		row := out.pix[y*w : (y+1)*w]
		for x := range row {
			row[x] = byte((uint32(a[2*x]) + uint32(a[2*x+1]) + uint32(b[2*x]) + uint32(b[2*x+1]) + 2) >> 2)
		}
	}
	return out
}

func invert(p *plane) *plane {
	out := newPlane(p.w, p.h)
	for i, v := range p.pix {
		out.pix[i] = 255 - v
	}
	return out
}

// stretch maps the 1st..99th percentile to the full range, for faint codes
// that the global-histogram binarizer otherwise merges into the paper.
func stretch(p *plane) *plane {
	var hist [256]int
	for _, v := range p.pix {
		hist[v]++
	}
	n := len(p.pix)
	lo, hi, acc := 0, 255, 0
	for i := 0; i < 256; i++ {
		acc += hist[i]
		if acc > n/100 {
			lo = i
			break
		}
	}
	acc = 0
	for i := 255; i >= 0; i-- {
		acc += hist[i]
		if acc > n/100 {
			hi = i
			break
		}
	}
	if hi-lo < 8 {
		return p
	}
	var lut [256]byte
	for i := range lut {
		v := (i - lo) * 255 / (hi - lo)
		lut[i] = byte(min(255, max(0, v)))
	}
	out := newPlane(p.w, p.h)
	for i, v := range p.pix {
		out.pix[i] = lut[v]
	}
	return out
}

// crop copies a rectangle out of p.
func crop(p *plane, r image.Rectangle) *plane {
	r = r.Intersect(image.Rect(0, 0, p.w, p.h))
	out := newPlane(r.Dx(), r.Dy())
	for y := 0; y < r.Dy(); y++ {
		copy(out.pix[y*out.w:(y+1)*out.w], p.pix[(r.Min.Y+y)*p.w+r.Min.X:])
	}
	return out
}
