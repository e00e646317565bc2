package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/font"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/share"
	"ticketbook/core/tickets"
)

// Receipt is one confirmed payment as printed for a buyer, an accountant or
// an employee who paid back a fine. It is Ticketbook's record, not the
// official receipt (the payment platform's electronic receipt).
type Receipt struct {
	PaymentID      int64
	Number         string // the provider's receipt number, when recorded
	ViolationID    int64
	DecisionNumber string
	Plate          string
	Driver         string
	OccurredAt     time.Time
	Place          string
	Offence        string
	FineFen        core.Fen
	LateFeeFen     core.Fen
	Method         core.PayMethod
	PaidAt         time.Time
}

func (r Receipt) TotalFen() core.Fen { return r.FineFen + r.LateFeeFen }

// ReceiptFrom joins a payment and the violation it paid; times are shown in
// loc (nil means time.Local).
func ReceiptFrom(p tickets.PaymentView, v tickets.View, loc *time.Location) Receipt {
	if loc == nil {
		loc = time.Local
	}
	r := Receipt{
		PaymentID: p.ID, Number: p.ReceiptNumber, ViolationID: p.ViolationID, DecisionNumber: p.DecisionNumber,
		Plate: p.Plate, Driver: v.Driver, OccurredAt: v.OccurredAt.In(loc), Place: v.Place,
		Offence: strings.TrimSpace(v.Code + " " + v.Description),
		FineFen: p.FineFen, LateFeeFen: p.LateFeeFen, Method: p.Method,
	}
	if p.PaidAt != nil {
		r.PaidAt = p.PaidAt.In(loc)
	}
	return r
}

// ReceiptScheme starts the text of a receipt's QR code.
const ReceiptScheme = "ticketbook:receipt?"

const receiptTime = "20060102T150405Z"

// Code is the text of the receipt's QR code: the numbers that identify the
// payment and the amounts, so a scan can be checked against the database.
// It is URL-encoded, which keeps the plate's Chinese character ASCII-safe.
func (r Receipt) Code() string {
	q := url.Values{}
	q.Set("v", "1")
	q.Set("pay", strconv.FormatInt(r.PaymentID, 10))
	q.Set("vio", strconv.FormatInt(r.ViolationID, 10))
	if r.Number != "" {
		q.Set("no", r.Number)
	}
	if r.DecisionNumber != "" {
		q.Set("dn", r.DecisionNumber)
	}
	q.Set("plate", r.Plate)
	q.Set("fine", strconv.FormatInt(int64(r.FineFen), 10))
	q.Set("late", strconv.FormatInt(int64(r.LateFeeFen), 10))
	q.Set("m", string(r.Method))
	if !r.PaidAt.IsZero() {
		q.Set("at", r.PaidAt.UTC().Format(receiptTime))
	}
	return ReceiptScheme + q.Encode()
}

// ParseReceiptCode reads back what Code wrote. The names, place and offence
// are not in the code; they come from the database when it is checked.
func ParseReceiptCode(s string) (Receipt, error) {
	bad := func(why string) (Receipt, error) {
		return Receipt{}, field.New("receipt_code", "receipt_code", "is not a Ticketbook receipt code: "+why, "不是 Ticketbook 缴款凭证二维码："+why)
	}
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, ReceiptScheme) {
		return bad("wrong prefix")
	}
	q, err := url.ParseQuery(strings.TrimPrefix(s, ReceiptScheme))
	if err != nil {
		return bad(err.Error())
	}
	if q.Get("v") != "1" {
		return bad("unknown version " + q.Get("v"))
	}
	num := func(k string) (int64, bool) {
		n, err := strconv.ParseInt(q.Get(k), 10, 64)
		return n, err == nil && n >= 0
	}
	r := Receipt{Number: q.Get("no"), DecisionNumber: q.Get("dn"), Plate: q.Get("plate"), Method: core.PayMethod(q.Get("m"))}
	var ok [4]bool
	r.PaymentID, ok[0] = num("pay")
	r.ViolationID, ok[1] = num("vio")
	var fine, late int64
	fine, ok[2] = num("fine")
	late, ok[3] = num("late")
	if ok != [4]bool{true, true, true, true} {
		return bad("missing or bad number")
	}
	r.FineFen, r.LateFeeFen = core.Fen(fine), core.Fen(late)
	if at := q.Get("at"); at != "" {
		if r.PaidAt, err = time.Parse(receiptTime, at); err != nil {
			return bad("bad time")
		}
	}
	return r, nil
}

// receiptLines are the label and value pairs both the PDF and the PNG show.
func receiptLines(r Receipt, lang string, loc *time.Location) [][2]string {
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	return [][2]string{
		{tr(lang, "Receipt number", "票据号"), orDash(r.Number)},
		{tr(lang, "Paid at", "缴款时间"), at(r.PaidAt)},
		{tr(lang, "Method", "缴款方式"), r.Method.Name(lang)},
		{tr(lang, "Plate", "号牌"), r.Plate},
		{tr(lang, "Decision number", "决定书编号"), orDash(r.DecisionNumber)},
		{tr(lang, "Violation", "违法记录"), fmt.Sprintf("#%d  %s", r.ViolationID, at(r.OccurredAt))},
		{tr(lang, "Place", "地点"), orDash(r.Place)},
		{tr(lang, "Offence", "违法行为"), orDash(r.Offence)},
		{tr(lang, "Driver", "驾驶人"), orDash(r.Driver)},
		{tr(lang, "Fine", "罚款"), money(r.FineFen)},
		{tr(lang, "Late fee", "滞纳金"), money(r.LateFeeFen)},
		{tr(lang, "Total", "合计"), money(r.TotalFen())},
	}
}

func receiptTitle(lang string) string { return tr(lang, "Payment record", "缴款凭证") }

func receiptNote(lang string) string {
	return tr(lang, "Kept by Ticketbook from the payment record. It is not an official receipt: that is the electronic receipt issued by the payment platform.",
		"本凭证由 Ticketbook 根据缴款记录生成，不是财政票据；正式票据以缴款平台出具的电子票据为准。")
}

func scanHint(lang string) string {
	return tr(lang, "Scan with Ticketbook to check this record", "用 Ticketbook 扫码核对本凭证")
}

// ReceiptPDF writes one receipt as an A4 page with its QR code. font is a
// TrueType font; nil uses Font. Times are shown in the PaidAt's zone.
func ReceiptPDF(w io.Writer, r Receipt, lang string, font []byte) error {
	d, err := newDoc(font, lang, receiptTitle(lang)+" "+r.Number, r.PaidAt)
	if err != nil {
		return err
	}
	return receiptPage(d, w, r)
}

func receiptPage(d *doc, w io.Writer, r Receipt) error {
	lang := d.lang
	if err := d.newPage(); err != nil {
		return err
	}
	if err := d.textAt(margin, d.y, 20, black, receiptTitle(lang)); err != nil {
		return err
	}
	const qrSide = 150.0
	qr, err := share.PNG(r.Code(), 600)
	if err != nil {
		return err
	}
	if err := d.image(qr, pageW-margin-qrSide, margin, qrSide, qrSide); err != nil {
		return err
	}
	if err := d.font(8, gray); err != nil {
		return err
	}
	hint := scanHint(lang)
	hw, err := d.pdf.MeasureTextWidth(hint)
	if err != nil {
		return err
	}
	if err := d.textAt(pageW-margin-qrSide/2-hw/2, margin+qrSide+2, 8, gray, hint); err != nil {
		return err
	}
	d.y += 40
	loc := r.PaidAt.Location()
	lines := receiptLines(r, lang, loc)
	for i, kv := range lines {
		size, c := 11.0, black
		if i == len(lines)-1 { // the total stands out
			size = 14
			d.y += 6
		}
		if err := d.textAt(margin, d.y, size, gray, kv[0]); err != nil {
			return err
		}
		valueW := pageW - 2*margin - 110
		if d.y < margin+qrSide+16 {
			valueW -= qrSide + 10 // keep clear of the QR code
		}
		if err := d.font(size, c); err != nil {
			return err
		}
		v, err := d.fit(kv[1], valueW)
		if err != nil {
			return err
		}
		if err := d.textAt(margin+110, d.y, size, c, v); err != nil {
			return err
		}
		d.y += size * 1.9
	}
	d.y += 20
	if err := d.para(8.5, gray, receiptNote(lang)); err != nil {
		return err
	}
	return d.write(w)
}

// ReceiptPNG draws the receipt as an 800 px wide image with its QR code,
// for a chat message or the window. All text, Chinese included, is drawn
// with the built-in font. Times are shown in the PaidAt's zone.
func ReceiptPNG(r Receipt, lang string) ([]byte, error) {
	const w, h, pad = 800, 1220, 48
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	title, err := face(40)
	if err != nil {
		return nil, err
	}
	defer title.Close()
	body, err := face(24)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	small, err := face(18)
	if err != nil {
		return nil, err
	}
	defer small.Close()

	ink, grayInk := chartInk, color.RGBA{0x77, 0x77, 0x77, 0xff}
	drawText(img, title, pad, pad+40, receiptTitle(lang), ink)
	y := pad + 100
	for _, kv := range receiptLines(r, lang, r.PaidAt.Location()) {
		drawText(img, body, pad, y, kv[0], grayInk)
		drawText(img, body, pad+220, y, clip(body, kv[1], w-pad*2-220), ink)
		y += 40
	}
	qr, err := share.Image(r.Code(), 440)
	if err != nil {
		return nil, err
	}
	at := image.Pt((w-440)/2, y+10)
	draw.Draw(img, image.Rectangle{Min: at, Max: at.Add(image.Pt(440, 440))}, qr, image.Point{}, draw.Src)
	y += 470
	hint := scanHint(lang)
	drawText(img, small, (w-textWidth(small, hint))/2, y, hint, grayInk)
	y += 50
	for _, l := range wrap(small, receiptNote(lang), w-2*pad) {
		drawText(img, small, pad, y, l, grayInk)
		y += 26
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// clip cuts s with an ellipsis to at most w pixels.
func clip(f font.Face, s string, w int) string {
	if textWidth(f, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && textWidth(f, string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// wrap breaks s into lines of at most w pixels: between any two Chinese
// characters, at spaces in Latin text.
func wrap(f font.Face, s string, w int) []string {
	var lines []string
	var cur []rune
	lastSpace := -1
	for _, r := range s {
		cur = append(cur, r)
		if r == ' ' {
			lastSpace = len(cur) - 1
		}
		if textWidth(f, string(cur)) <= w {
			continue
		}
		cut := len(cur) - 1
		if r < 0x2E80 && lastSpace > 0 {
			cut = lastSpace + 1
		}
		lines = append(lines, strings.TrimSpace(string(cur[:cut])))
		cur = append([]rune(nil), cur[cut:]...)
		lastSpace = -1
	}
	if len(cur) > 0 {
		lines = append(lines, strings.TrimSpace(string(cur)))
	}
	return lines
}

// ReceiptsZIP writes one PDF per receipt and an index.csv listing them (with
// a BOM, for Excel): everything a buyer of the car, or an auditor, asks for.
// progress, when not nil, is called after each receipt.
func ReceiptsZIP(w io.Writer, receipts []Receipt, lang string, font []byte, progress func(done, total int)) error {
	if _, err := pickFont(font); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	idx := Table{
		Name: "index",
		lang: lang,
		Columns: []Column{
			col(lang, "file", "File", "文件", KindText, false),
			col(lang, "receipt_number", "Receipt number", "票据号", KindText, false),
			col(lang, "payment_id", "Payment", "缴款编号", KindInt, false),
			col(lang, "violation_id", "Violation", "违法记录", KindInt, false),
			col(lang, "decision_number", "Decision number", "决定书编号", KindText, false),
			col(lang, "plate", "Plate", "号牌", KindText, false),
			col(lang, "paid_at", "Paid at", "缴款时间", KindTime, false),
			col(lang, "method", "Method", "缴款方式", KindText, false),
			col(lang, "fine_fen", "Fine", "罚款", KindMoney, true),
			col(lang, "late_fee_fen", "Late fee", "滞纳金", KindMoney, true),
			col(lang, "total_fen", "Total", "合计", KindMoney, true),
		},
	}
	used := map[string]bool{}
	for i, r := range receipts {
		name := receiptFileName(r, used)
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: r.PaidAt})
		if err != nil {
			return err
		}
		if err := ReceiptPDF(f, r, lang, font); err != nil {
			return fmt.Errorf("receipt of payment #%d: %w", r.PaymentID, err)
		}
		idx.Rows = append(idx.Rows, []any{name, r.Number, r.PaymentID, r.ViolationID, r.DecisionNumber, r.Plate, r.PaidAt,
			Coded{string(r.Method), r.Method.Name(lang)}, r.FineFen, r.LateFeeFen, r.TotalFen()})
		if progress != nil {
			progress(i+1, len(receipts))
		}
	}
	idx.sum()
	f, err := zw.Create("index.csv")
	if err != nil {
		return err
	}
	if err := WriteCSV(f, idx); err != nil {
		return err
	}
	return zw.Close()
}

// receiptFileName is ASCII only: old unzip tools and some Windows versions
// garble UTF-8 names. The plate is in index.csv.
func receiptFileName(r Receipt, used map[string]bool) string {
	id := r.Number
	if id == "" {
		id = fmt.Sprintf("payment-%d", r.PaymentID)
	}
	id = strings.Map(func(c rune) rune {
		if c < 128 && (c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return c
		}
		return '_'
	}, id)
	day := "undated"
	if !r.PaidAt.IsZero() {
		day = r.PaidAt.Format("2006-01-02")
	}
	name := fmt.Sprintf("receipt-%s-%s.pdf", day, id)
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("receipt-%s-%s-%d.pdf", day, id, n)
	}
	used[name] = true
	return name
}
