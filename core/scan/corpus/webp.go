package corpus

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"
)

// encodeWebPBilevel writes a lossless WebP (VP8L) of a pure black-and-white
// image. x/image only decodes WebP, and a bilevel image needs so little of
// the format that writing it by hand is shorter than any dependency: every
// channel is a two-symbol prefix code (one bit per pixel), alpha and
// distance codes have one symbol and cost nothing.
func encodeWebPBilevel(w io.Writer, img *image.Gray) error {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	if W > 1<<14 || H > 1<<14 {
		return fmt.Errorf("webp: %dx%d is too large", W, H)
	}
	var bw bitWriter
	bw.bits(0x2f, 8)
	bw.bits(uint32(W-1), 14)
	bw.bits(uint32(H-1), 14)
	bw.bits(0, 1)          // no alpha
	bw.bits(0, 3)          // version 0
	bw.bits(0, 1)          // no transform
	bw.bits(0, 1)          // no colour cache
	bw.bits(0, 1)          // no meta prefix codes
	twoSymbols := func() { // symbols 0 and 255, one bit each
		bw.bits(1, 1) // simple code
		bw.bits(1, 1) // two symbols
		bw.bits(0, 1) // first symbol has 1 bit
		bw.bits(0, 1) // first symbol: 0
		bw.bits(255, 8)
	}
	twoSymbols()  // green
	twoSymbols()  // red
	twoSymbols()  // blue
	bw.bits(1, 1) // alpha: simple, one symbol, 8-bit, 255
	bw.bits(0, 1)
	bw.bits(1, 1)
	bw.bits(255, 8)
	bw.bits(1, 1) // distance: simple, one symbol, 1-bit, 0
	bw.bits(0, 1)
	bw.bits(0, 1)
	bw.bits(0, 1)
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			v := uint32(0)
			if img.GrayAt(b.Min.X+x, b.Min.Y+y).Y >= 128 {
				v = 1
			}
			bw.bits(v, 1) // green
			bw.bits(v, 1) // red
			bw.bits(v, 1) // blue
		}
	}
	data := bw.flush()
	pad := len(data) & 1
	hdr := make([]byte, 20)
	copy(hdr[0:], "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(4+8+len(data)+pad))
	copy(hdr[8:], "WEBPVP8L")
	binary.LittleEndian.PutUint32(hdr[16:], uint32(len(data)))
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if pad == 1 {
		_, err := w.Write([]byte{0})
		return err
	}
	return nil
}

// bitWriter packs bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf  []byte
	acc  uint64
	nacc uint
}

func (b *bitWriter) bits(v uint32, n uint) {
	b.acc |= uint64(v) << b.nacc
	b.nacc += n
	for b.nacc >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.nacc -= 8
	}
}

func (b *bitWriter) flush() []byte {
	if b.nacc > 0 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc, b.nacc = 0, 0
	}
	return b.buf
}
