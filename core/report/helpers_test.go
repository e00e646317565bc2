package report

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"ticketbook/core"
	"ticketbook/core/tickets"
)

func init() { compress = false }

var shanghai = time.FixedZone("CST", 8*3600)

func ptr[T any](v T) *T { return &v }

// fixture is a small fleet as the caller would pass it: two cars, two
// drivers, tickets in March 2026 and before, one paid, one to charge back.
type fixture struct {
	views    []tickets.Assessed
	payments []tickets.PaymentView
	lk       Lookup
}

func newFixture() fixture {
	wang := core.Person{ID: 1, Name: "王建国", IDNumber: "11010519491231002X"}
	li := core.Person{ID: 2, Name: "李娜", IDNumber: "110101199003071233"}
	asOf := core.Date{Year: 2026, Month: 4, Day: 2}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 15, 0, 0, shanghai).UTC() }
	v := func(id int64, plate string, driver *core.Person, occurred time.Time, fine core.Fen, points int, status core.ViolationStatus) tickets.Assessed {
		a := tickets.Assessed{AsOf: asOf}
		a.ID, a.Plate, a.OccurredAt, a.FineFen, a.Points, a.Status = id, plate, occurred, fine, points, status
		a.Place, a.Code, a.Description = "深南大道", "1625", "闯红灯"
		if driver != nil {
			a.DriverID, a.Driver = &driver.ID, driver.Name
		}
		return a
	}
	v1 := v(1, "粤BD12345", &wang, at(3, 5, 8), 20000, 6, core.StatusPaid)
	v1.DecisionNumber, v1.DecidedOn = "4403001000870013", core.Date{Year: 2026, Month: 3, Day: 9}
	v2 := v(2, "沪A8K3M1", &li, at(3, 20, 23), 15050, 3, core.StatusDecided)
	v2.DecidedOn, v2.DueOn, v2.LateFeeFen, v2.TotalDueFen, v2.DaysLate = core.Date{Year: 2026, Month: 3, Day: 10}, core.Date{Year: 2026, Month: 3, Day: 28}, 3000, 18050, 5
	v2.ChargeBackTo = &li.ID
	v3 := v(3, "粤BD12345", nil, at(1, 12, 10), 10000, 0, core.StatusNew)
	v3.HandlingDeadline = core.Date{Year: 2026, Month: 4, Day: 20}
	v3.TotalDueFen = 10000
	v3.SuggestedDriver = ptr("李娜")
	v4 := v(4, "沪A8K3M1", &wang, at(2, 2, 9), 5000, 1, core.StatusPaid)
	v4.ChargeBackTo, v4.RecoveredOn = &wang.ID, core.Date{Year: 2026, Month: 3, Day: 15}
	paid := at(3, 12, 20)
	feb := at(2, 10, 11)
	return fixture{
		views: []tickets.Assessed{v1, v2, v3, v4},
		payments: []tickets.PaymentView{
			{Payment: core.Payment{ID: 7, ViolationID: 1, FineFen: 20000, LateFeeFen: 0, Method: core.PayAlipay, PaidAt: &paid, ReceiptNumber: "440300-2026-0012345", State: core.PayConfirmed},
				Plate: "粤BD12345", DecisionNumber: "4403001000870013"},
			{Payment: core.Payment{ID: 8, ViolationID: 4, FineFen: 5000, LateFeeFen: 250, Method: core.PayWeChat, PaidAt: &feb, State: core.PayConfirmed},
				Plate: "沪A8K3M1"},
		},
		lk: Lookup{People: map[int64]core.Person{1: wang, 2: li}, Loc: shanghai},
	}
}

var (
	streamRe = regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`)
	tjRe     = regexp.MustCompile(`(?s)\[([^\]]*)\]\s*TJ`)
	hexRe    = regexp.MustCompile(`<([0-9A-Fa-f]+)>`)
	rangeRe  = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
)

// pdfText is the text the PDF shows, one line per text operation: it
// inflates the streams, reads the font's ToUnicode map and maps the glyph
// codes of every TJ through it, as a text extractor would.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 20)])
	}
	var streams [][]byte
	for _, m := range streamRe.FindAllSubmatchIndex(pdf, -1) {
		body := pdf[m[2]:m[3]]
		dict := pdf[max(0, m[0]-300):m[0]]
		if i := bytes.LastIndex(dict, []byte("obj")); i >= 0 {
			dict = dict[i:]
		}
		if bytes.Contains(dict, []byte("FlateDecode")) {
			zr, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				continue
			}
			body, _ = io.ReadAll(zr)
		}
		streams = append(streams, body)
	}
	cmap := map[uint16][]rune{}
	for _, s := range streams {
		if !bytes.Contains(s, []byte("beginbfrange")) {
			continue
		}
		for _, m := range rangeRe.FindAllSubmatch(s, -1) {
			lo, _ := strconv.ParseUint(string(m[1]), 16, 16)
			hi, _ := strconv.ParseUint(string(m[2]), 16, 16)
			dst := decodeUTF16Hex(string(m[3]))
			for c := lo; c <= hi; c++ {
				r := append([]rune(nil), dst...)
				r[len(r)-1] += rune(c - lo)
				cmap[uint16(c)] = r
			}
		}
	}
	if len(cmap) == 0 {
		t.Fatal("no ToUnicode map in the PDF")
	}
	var out strings.Builder
	for _, s := range streams {
		for _, tj := range tjRe.FindAllSubmatch(s, -1) {
			for _, h := range hexRe.FindAllSubmatch(tj[1], -1) {
				hex := string(h[1])
				for i := 0; i+4 <= len(hex); i += 4 {
					g, _ := strconv.ParseUint(hex[i:i+4], 16, 16)
					out.WriteString(string(cmap[uint16(g)]))
				}
			}
			out.WriteByte('\n')
		}
	}
	return out.String()
}

func decodeUTF16Hex(h string) []rune {
	var units []uint16
	for i := 0; i+4 <= len(h); i += 4 {
		u, _ := strconv.ParseUint(h[i:i+4], 16, 16)
		units = append(units, uint16(u))
	}
	return utf16.Decode(units)
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not contain %q; it has:\n%s", what, w, text)
		}
	}
}
