// Package scan reads barcodes and QR codes from photos and scans of traffic
// documents, and says what each one is: a penalty decision number, a
// Ticketbook share, a payment link, the official app's vehicle code, ...
//
// It is built on gozxing, which has no all-formats reader: QR codes go
// through its (multi) QR detector on a pyramid of binarised images, and
// Code 39, Code 128 and ITF through its row decoders fed by our own scan
// lines at any angle. A read is only reported once it is validated, and a 1D
// read only once two separate scan lines agree: a wrong number on a fine is
// worse than no number.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Options bounds the work done on one image. Zero values take the defaults.
type Options struct {
	MaxBytes  int64         // file size limit; default 64 MiB
	MaxPixels int64         // width×height limit; default 60 million (phone photos reach 50 MP)
	Timeout   time.Duration // per image; default 10 s
	// OfficialHosts are the payment provider hosts the user configured; a
	// payment link to any other host is flagged as a possible scam.
	OfficialHosts []string
}

const (
	defaultMaxBytes  = 64 << 20
	defaultMaxPixels = 60_000_000
	defaultTimeout   = 10 * time.Second
)

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultMaxBytes
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = defaultMaxPixels
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	return o
}

// Result is everything read from one image.
type Result struct {
	Width, Height int // after EXIF orientation
	Codes         []Code
	Elapsed       time.Duration
}

// Code is one validated symbol.
type Code struct {
	Format string `json:"format"` // QR_CODE, CODE_39, CODE_128 or ITF
	Text   string `json:"text"`
	// Corners outline the symbol in image pixels (after EXIF orientation),
	// clockwise from the symbol's own top left where known.
	Corners [][2]float64      `json:"corners"`
	Kind    string            `json:"kind"` // see Classify
	Fields  map[string]string `json:"fields,omitempty"`
}

// stepHook, when set by a test, runs before every strategy step; a panic in
// it stands for a panic inside gozxing.
var stepHook func(step string)

// traceHook, when set by a test, reports each step's time and the QR and
// confirmed 1D counts after it.
var traceHook func(step string, d time.Duration, qr, linear int)

var errPanic = errors.New("decoder panic")

// DecodeFile opens path and calls Decode.
func DecodeFile(ctx context.Context, path string, opts Options) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, newErr("io", "could not open the file: "+err.Error(), "无法打开文件："+err.Error(), err)
	}
	defer f.Close()
	return Decode(ctx, f, opts)
}

// Decode reads every code it can find in the image in r.
//
// Errors are *Error values (match with errors.Is against ErrEmpty,
// ErrTruncated, ...). On ErrTimeout or ErrCanceled the Result still holds
// whatever was validated before time ran out.
func Decode(ctx context.Context, r io.Reader, opts Options) (Result, error) {
	start := time.Now()
	opts = opts.withDefaults()
	deadline := start.Add(opts.Timeout)
	check := func() error {
		if err := ctx.Err(); err != nil {
			return newErr("canceled", "scanning was cancelled", "识别已取消", err)
		}
		if time.Now().After(deadline) {
			return newErr("timeout",
				fmt.Sprintf("scanning took longer than %s; try a sharper or smaller photo", opts.Timeout),
				fmt.Sprintf("识别超过%s，请换一张更清晰或更小的照片", opts.Timeout), context.DeadlineExceeded)
		}
		return nil
	}
	var res Result
	done := func(err error) (Result, error) {
		res.Elapsed = time.Since(start)
		return res, err
	}

	data, err := readAll(r, opts.MaxBytes)
	if err != nil {
		return done(err)
	}
	img, format, err := decodeImage(data, opts.MaxPixels)
	if err != nil {
		return done(err)
	}
	if err := check(); err != nil {
		return done(err)
	}
	o := 1
	if format == "jpeg" {
		o = jpegOrientation(data)
	}
	data = nil // let the file bytes go before the big allocations

	e := newEngine(img, o, check)
	res.Width, res.Height = e.full.w, e.full.h
	err = e.run()
	res.Codes = e.codes(opts.OfficialHosts)
	if err == nil && len(res.Codes) == 0 && e.panicked != nil {
		err = newErr("internal", "the decoder crashed on this image: "+e.panicked.Error(),
			"解码器处理此图像时崩溃："+e.panicked.Error(), e.panicked)
	}
	return done(err)
}
