package share

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// PDF writes a one-page A4 PDF of a verified payload: its QR code and a
// bilingual caption, ready to print and hand over.
//
// It is written by hand (one image XObject, one font) to keep core free of a
// PDF library. The text uses STSong-Light, one of the standard Chinese fonts
// every conforming reader provides without embedding (Acrobat, pdf.js,
// Chrome, Preview; poppler with poppler-data), which keeps the file tiny.
func PDF(payload string, now time.Time) ([]byte, error) {
	p, err := Parse(payload, now)
	if err != nil {
		return nil, err
	}
	bm, err := modules(payload)
	if err != nil {
		return nil, err
	}
	title, lines := caption(p)

	// One image pixel per module; the page scales it up without smoothing.
	n := len(bm)
	raw := make([]byte, n*n)
	for y, row := range bm {
		for x, dark := range row {
			if !dark {
				raw[y*n+x] = 0xff
			}
		}
	}
	var img bytes.Buffer
	zw := zlib.NewWriter(&img)
	zw.Write(raw)
	zw.Close()

	const pageW, pageH = 595.28, 841.89 // A4 in points
	const qrSide = 340.0
	var c strings.Builder
	fmt.Fprintf(&c, "q %.2f 0 0 %.2f %.2f %.2f cm /Im1 Do Q\n", qrSide, qrSide, (pageW-qrSide)/2, pageH-90-qrSide)
	y := pageH - 60.0
	textLine(&c, 18, 60, y, title)
	y = pageH - 90 - qrSide - 30
	for _, l := range lines {
		textLine(&c, 11, 60, y, l)
		y -= 18
	}
	textLine(&c, 9, 60, 60, "用 Ticketbook 扫描。此码不是交管12123的官方车辆二维码。")
	textLine(&c, 9, 60, 46, "Scan with Ticketbook. This is not the official 12123 vehicle code.")

	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im1 4 0 R >> /Font << /F1 6 0 R >> >> /Contents 5 0 R >>", pageW, pageH),
		fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Interpolate false /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", n, n, img.Len(), img.String()),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len(), c.String()),
		"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [7 0 R] >>",
		"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 8 0 R /DW 1000 /W [1 95 500] >>",
		"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return out.Bytes(), nil
}

// textLine shows s with UniGB-UCS2-H, which takes UTF-16BE code units;
// characters outside the BMP have no glyph there and print as "?".
func textLine(c *strings.Builder, size, x, y float64, s string) {
	fmt.Fprintf(c, "BT /F1 %.1f Tf %.2f %.2f Td <", size, x, y)
	for _, r := range s {
		if r > 0xffff {
			r = '?'
		}
		for _, u := range utf16.Encode([]rune{r}) {
			fmt.Fprintf(c, "%04X", u)
		}
	}
	c.WriteString("> Tj ET\n")
}

func caption(p Payload) (string, []string) {
	when := func(t time.Time) string { return t.Local().Format("2006-01-02 15:04") }
	var title string
	var lines []string
	switch {
	case p.Vehicle != nil:
		v := p.Vehicle
		title = "Ticketbook 车辆分享 / Vehicle share"
		lines = append(lines, "号牌 Plate: "+v.Plate+"  (号牌种类 type "+v.PlateType+")")
		if v.Owner != "" {
			lines = append(lines, "所有人 Owner: "+v.Owner)
		}
		if v.VIN != "" {
			lines = append(lines, "车辆识别代号 VIN: "+v.VIN)
		}
		if v.Engine6 != "" {
			lines = append(lines, "发动机号后6位 Engine (last 6): "+v.Engine6)
		}
	case p.Handover != nil:
		h := p.Handover
		title = "Ticketbook 车辆交接单 / Handover slip"
		lines = append(lines, "号牌 Plate: "+h.Plate, "人员 Person: "+h.Person, "出车时间 Time out: "+when(h.TimeOut))
		if h.Odometer > 0 {
			lines = append(lines, fmt.Sprintf("里程 Odometer: %d km", h.Odometer))
		}
		if h.Purpose != "" {
			lines = append(lines, "用途 Purpose: "+h.Purpose)
		}
	case p.Invite != nil:
		i := p.Invite
		title = "Ticketbook 人员邀请 / Person invite"
		lines = append(lines, "姓名 Name: "+i.Name)
		if i.Role != "" {
			lines = append(lines, "身份 Role: "+i.Role)
		}
		if i.LicenceClass != "" {
			lines = append(lines, "准驾车型 Licence class: "+i.LicenceClass)
		}
	}
	lines = append(lines,
		"签发 Issued: "+when(p.Issued),
		"有效期至 Valid until: "+when(p.Expires),
		"密钥指纹 Key fingerprint: "+p.Fingerprint()+keyLabel(p.KeyID))
	return title, lines
}

func keyLabel(id string) string {
	if id == "" {
		return ""
	}
	return "  (" + id + ")"
}
