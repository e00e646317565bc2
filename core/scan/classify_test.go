package scan

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"ticketbook/core/share"
)

func TestClassify(t *testing.T) {
	hosts := []string{"pay.bank.example.cn"}
	cases := []struct {
		text, kind string
		fields     map[string]string
	}{
		{"3201061234567896", KindDecisionNumber, map[string]string{"number": "3201061234567896", "check": "failed", "kind_digit": "1"}},
		{"320106123456789", KindDecisionNumber, map[string]string{"check": "none(15 digits)"}},
		{"3201062000000004", KindDecisionNumber, map[string]string{"check": "ok", "kind": "general-procedure penalty decision"}},
		{"3201 0620 0000 0005", KindDecisionNumber, map[string]string{"number": "3201062000000005"}},
		{"https://pay.bank.example.cn/fine?x=1", KindPaymentLink, map[string]string{"host": "pay.bank.example.cn", "scam_warning": "false"}},
		{"https://m.pay.bank.example.cn/fine", KindPaymentLink, map[string]string{"scam_warning": "false"}},
		{"https://evilpay.bank.example.cn.attacker.io/fine", KindPaymentLink, map[string]string{"scam_warning": "true", "warning": "possibly fraudulent: not the configured official provider"}},
		{"http://xpay.bank.example.cn/", KindPaymentLink, map[string]string{"scam_warning": "true"}},
		{"HTTPS://PAY.BANK.EXAMPLE.CN./a", KindPaymentLink, map[string]string{"scam_warning": "false"}},
		{"12123:vehicle:Zm9vYmFyYmF6cXV4", KindOfficialVehicle, nil},
		{"TMRI#A8F0C1E2D3B4", KindOfficialVehicle, nil},
		{"44030519000123456789", KindRecordNumber, map[string]string{"number": "44030519000123456789"}},
		{"110105199003071234", KindText, nil}, // an ID number is not a record number
		{"LSVAM4187C2184847", KindText, nil},  // a VIN neither
		{"00000000000000000", KindText, nil},  // nor a row of zeros
		{"hello world", KindText, nil},
		{"ticketbook:v1/vehicle?d=AAAA&k=BBBB&s=CCCC", KindVehicleShare, map[string]string{"reason_code": "malformed"}},
		{"ticketbook:v1/handover?d=x", KindHandoverSlip, nil},
		{"ticketbook:v1/invite?d=x", KindPersonInvite, nil},
	}
	for _, c := range cases {
		kind, fields := classifyAt(c.text, hosts, time.Now())
		if kind != c.kind {
			t.Errorf("%q: kind %s, want %s", c.text, kind, c.kind)
			continue
		}
		for k, v := range c.fields {
			if fields[k] != v {
				t.Errorf("%q: %s=%q, want %q (all: %v)", c.text, k, fields[k], v, fields)
			}
		}
	}
	if _, f := classifyAt("https://x.example/", nil, time.Now()); f["scam_warning"] != "true" {
		t.Errorf("no official host configured: every link must be flagged")
	}
	if _, f := classifyAt("12123:vehicle:opaque", nil, time.Now()); len(f) != 1 {
		t.Errorf("official code must not be parsed into fields: %v", f)
	}
}

func TestClassifyShares(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	s := share.Signer{Key: key, KeyID: "desk"}
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	v, err := s.Vehicle(share.Vehicle{Plate: "京A12345", Owner: "李四"}, now, now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	kind, f := classifyAt(v, nil, now.Add(time.Hour))
	if kind != KindVehicleShare || f["status"] != "valid" || f["plate"] != "京A12345" || f["fingerprint"] != share.Fingerprint(key.Public().(ed25519.PublicKey)) {
		t.Fatalf("%s %v", kind, f)
	}
	kind, f = classifyAt(v, nil, now.Add(48*time.Hour))
	if kind != KindVehicleShare || !strings.HasPrefix(f["status"], "invalid: ") || f["reason_code"] != "expired" {
		t.Fatalf("expired: %s %v", kind, f)
	}
	h, _ := s.Handover(share.Handover{Plate: "京A12345", Person: "王五", TimeOut: now}, now, now.Add(time.Hour))
	if kind, f := classifyAt(h, nil, now); kind != KindHandoverSlip || f["person"] != "王五" {
		t.Fatalf("%s %v", kind, f)
	}
	i, _ := s.Invite(share.Invite{Name: "赵六", Role: "driver"}, now, now.Add(time.Hour))
	if kind, f := classifyAt(i, nil, now); kind != KindPersonInvite || f["name"] != "赵六" {
		t.Fatalf("%s %v", kind, f)
	}
}

func TestValid1D(t *testing.T) {
	cases := map[[2]string]bool{
		{"ITF", "00012345600012"}:       true, // GTIN-14, check digit 2
		{"ITF", "00012345600013"}:       false,
		{"ITF", "3201061234567896"}:     true, // 16: decision number, check may fail (warned later)
		{"ITF", "123456"}:               false,
		{"ITF", "123456789012"}:         false,
		{"CODE_39", "AB1"}:              false, // too short to trust
		{"CODE_39", "3201061234567896"}: true,
		{"CODE_39", "TB-0001"}:          true,
		{"CODE_128", "WFBH44030519"}:    true,
		{"QR_CODE", "x"}:                false,
	}
	for in, want := range cases {
		if got := valid1D(in[0], in[1]); got != want {
			t.Errorf("%v: got %v", in, got)
		}
	}
}

// TestConfirmation: a 1D read is reported only once two lines agree, and a
// spot where lines disagree too much reports nothing.
func TestConfirmation(t *testing.T) {
	e := &engine{lin: map[[2]string]*linVote{}}
	seg := func(y float64) lineRead {
		return lineRead{format: "CODE_39", text: "3201061234567896", p0: [2]float64{10, y}, p1: [2]float64{300, y}}
	}
	e.addLine(seg(50), 1, 1, 0, 0)
	if len(e.confirmed()) != 0 {
		t.Fatal("one line confirmed a read")
	}
	if !e.pending() {
		t.Error("an unconfirmed valid read should keep the search going")
	}
	e.addLine(seg(50), 1, 1, 0, 0) // same line again: not independent
	if len(e.confirmed()) != 0 {
		t.Fatal("the same line counted twice")
	}
	e.addLine(seg(54), 2, 1, 0, 0)
	if len(e.confirmed()) != 1 {
		t.Fatal("two lines did not confirm")
	}
	// a different text on the same spot, twice: now contested
	bad := lineRead{format: "CODE_39", text: "3201061234567806", p0: [2]float64{12, 52}, p1: [2]float64{298, 52}}
	e.addLine(bad, 3, 1, 0, 0)
	e.addLine(bad, 4, 1, 0, 0)
	if n := len(e.confirmed()); n != 0 {
		t.Fatalf("contested spot reported %d codes", n)
	}
	// many more agreeing lines settle it for the majority
	for id := 5; id < 12; id++ {
		e.addLine(seg(50+float64(id)), id, 1, 0, 0)
	}
	c := e.confirmed()
	if len(c) != 1 || c[0].text != "3201061234567896" {
		t.Fatalf("got %v", c)
	}
	// a 1D read inside a QR code is QR modules, not bars
	e.addQR(hit{format: "QR_CODE", text: "q", corners: [][2]float64{{0, 0}, {400, 0}, {400, 400}, {0, 400}}}, 1, 0, 0)
	if len(e.confirmed()) != 0 {
		t.Fatal("a read inside a QR code was reported")
	}
}
