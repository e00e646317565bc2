package share_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"ticketbook/core/scan"
	"ticketbook/core/share"
)

var now = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func signer(t *testing.T) share.Signer {
	t.Helper()
	key, err := share.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return share.Signer{Key: key, KeyID: "front-desk"}
}

func code(t *testing.T, err error) string {
	t.Helper()
	var se *share.Error
	if !errors.As(err, &se) {
		t.Fatalf("not a *share.Error: %v", err)
	}
	if se.En == "" || se.Zh == "" {
		t.Errorf("reason missing a language: %+v", se)
	}
	return se.Code
}

func TestRoundTrips(t *testing.T) {
	s := signer(t)
	exp := now.Add(7 * 24 * time.Hour)

	v, err := s.Vehicle(share.Vehicle{Plate: "粤b·12345", VIN: "lsvam4187c2184847", Engine6: "AB123456789", Owner: " 张三 "}, now, exp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "ticketbook:v1/vehicle?d=") {
		t.Fatalf("payload %q", v)
	}
	p, err := share.Parse(v, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := share.Vehicle{PlateType: "02", Plate: "粤B12345", VIN: "LSVAM4187C2184847", Engine6: "456789", Owner: "张三"}
	if p.Kind != share.KindVehicle || p.Vehicle == nil || *p.Vehicle != want {
		t.Fatalf("got %+v %+v", p, p.Vehicle)
	}
	if p.KeyID != "front-desk" || !p.Issued.Equal(now) || !p.Expires.Equal(exp) || p.Version != 1 {
		t.Errorf("envelope %+v", p)
	}
	if !bytes.Equal(p.PublicKey, s.Key.Public().(ed25519.PublicKey)) || p.Fingerprint() != share.Fingerprint(p.PublicKey) {
		t.Errorf("key not carried")
	}
	if fp := p.Fingerprint(); len(fp) != 19 || strings.Count(fp, "-") != 3 {
		t.Errorf("fingerprint %q", fp)
	}
	if k, ok := share.KindOf(v); !ok || k != share.KindVehicle {
		t.Errorf("KindOf %v %v", k, ok)
	}

	out := now.Add(-time.Hour).Truncate(time.Second)
	h, err := s.Handover(share.Handover{Plate: "京A12345", Person: "王五", TimeOut: out, Odometer: 12345, Purpose: "送修"}, now, exp)
	if err != nil {
		t.Fatal(err)
	}
	p, err = share.Parse(h, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Handover == nil || p.Handover.Person != "王五" || !p.Handover.TimeOut.Equal(out) || p.Handover.Odometer != 12345 || p.Handover.Purpose != "送修" {
		t.Fatalf("handover %+v", p.Handover)
	}

	i, err := s.Invite(share.Invite{Name: "赵六", Role: "driver", LicenceClass: "c1"}, now, exp)
	if err != nil {
		t.Fatal(err)
	}
	p, err = share.Parse(i, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Invite == nil || *p.Invite != (share.Invite{Name: "赵六", Role: "driver", LicenceClass: "C1"}) {
		t.Fatalf("invite %+v", p.Invite)
	}
}

func TestRefusals(t *testing.T) {
	s := signer(t)
	v, err := s.Vehicle(share.Vehicle{Plate: "京A12345"}, now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	d := strings.Index(v, "?d=") + 3
	sIdx := strings.Index(v, "&s=") + 3
	flip := func(i int) string {
		b := []byte(v)
		// swap to another base64url letter so the text still decodes
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	other := signer(t)
	forged, _ := other.Vehicle(share.Vehicle{Plate: "京A99999"}, now, now.Add(time.Hour))
	// the attacker's data under the victim's key and signature
	swapped := forged[:strings.Index(forged, "&k=")] + v[strings.Index(v, "&k="):]

	cases := []struct {
		name, text string
		at         time.Time
		want       string
	}{
		{"data byte flipped", flip(d + 5), now, "bad_signature"},
		{"signature byte flipped", flip(sIdx + 10), now, "bad_signature"},
		{"key swapped", swapped, now, "bad_signature"},
		{"kind changed", strings.Replace(v, "/vehicle?", "/invite?", 1), now, "bad_signature"},
		{"expired", v, now.Add(time.Hour), "expired"},
		{"long expired", v, now.Add(1000 * time.Hour), "expired"},
		{"from the future", v, now.Add(-3 * time.Hour), "not_yet_valid"},
		{"oversize", v + strings.Repeat("A", share.MaxPayload), now, "too_large"},
		{"newer version", strings.Replace(v, ":v1/", ":v2/", 1), now, "unknown_version"},
		{"unknown kind", strings.Replace(v, "/vehicle?", "/boat?", 1), now, "unknown_kind"},
		{"extra parameter", v + "&x=1", now, "malformed"},
		{"not base64", strings.Replace(v, "?d=", "?d=!!", 1), now, "malformed"},
		{"other scheme", "https://example.com", now, "malformed"},
		{"truncated", v[:len(v)-10], now, "malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := share.Parse(c.text, c.at)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := code(t, err); got != c.want {
				t.Fatalf("code %s, want %s (%v)", got, c.want, err)
			}
		})
	}
}

func TestSigningRefusals(t *testing.T) {
	s := signer(t)
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"bad plate", func() error { _, err := s.Vehicle(share.Vehicle{Plate: "ZZ123"}, now, now.Add(time.Hour)); return err }, "bad_plate"},
		{"expiry before issue", func() error { _, err := s.Vehicle(share.Vehicle{Plate: "京A12345"}, now, now); return err }, "bad_expiry"},
		{"too long", func() error {
			_, err := s.Vehicle(share.Vehicle{Plate: "京A12345"}, now, now.Add(400*24*time.Hour))
			return err
		}, "bad_expiry"},
		{"no key", func() error {
			_, err := (share.Signer{}).Vehicle(share.Vehicle{Plate: "京A12345"}, now, now.Add(time.Hour))
			return err
		}, "bad_key"},
		{"ID number in invite", func() error {
			_, err := s.Invite(share.Invite{Name: "赵六 11010519491231002X"}, now, now.Add(time.Hour))
			return err
		}, "id_number_in_code"},
		{"ID number in purpose", func() error {
			_, err := s.Handover(share.Handover{Plate: "京A12345", Person: "王五", TimeOut: now, Purpose: "id 110105194912310021"}, now, now.Add(time.Hour))
			return err
		}, "id_number_in_code"},
		{"no person", func() error {
			_, err := s.Handover(share.Handover{Plate: "京A12345", TimeOut: now}, now, now.Add(time.Hour))
			return err
		}, "person_empty"},
		{"oversize", func() error {
			_, err := s.Handover(share.Handover{Plate: "京A12345", Person: "王五", TimeOut: now, Purpose: strings.Repeat("很长", 101)}, now, now.Add(time.Hour))
			return err
		}, "purpose_too_long"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if err == nil {
				t.Fatal("accepted")
			}
			if got := code(t, err); got != c.want {
				t.Fatalf("code %s, want %s (%v)", got, c.want, err)
			}
		})
	}
}

// TestPNGScansBack closes the loop: what PNG writes, core/scan reads and
// classifies as a valid vehicle share.
func TestPNGScansBack(t *testing.T) {
	s := signer(t)
	issued := time.Now()
	v, err := s.Vehicle(share.Vehicle{Plate: "沪AD12345", PlateType: "52", Owner: "上海某某汽车租赁有限公司"}, issued, issued.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	png, err := share.PNG(v, 600)
	if err != nil {
		t.Fatal(err)
	}
	res, err := scan.Decode(context.Background(), bytes.NewReader(png), scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Codes) != 1 || res.Codes[0].Text != v {
		t.Fatalf("read back %+v", res.Codes)
	}
	c := res.Codes[0]
	if c.Kind != scan.KindVehicleShare || c.Fields["status"] != "valid" || c.Fields["plate"] != "沪AD12345" || c.Fields["plate_type"] != "52" {
		t.Fatalf("classified %s %v", c.Kind, c.Fields)
	}
	if _, err := share.PNG(v, 20); err == nil {
		t.Error("a 20 px QR code was accepted")
	}
}

func TestPDF(t *testing.T) {
	s := signer(t)
	v, _ := s.Vehicle(share.Vehicle{Plate: "京A12345", Owner: "张三"}, now, now.Add(time.Hour))
	pdf, err := share.PDF(v, now)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) || !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Fatalf("not a PDF with an image")
	}
	// the xref offsets must point at the objects
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	var off int
	if _, err := fmtSscan(string(pdf[i+10:]), &off); err != nil || !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		t.Fatalf("startxref %d wrong", off)
	}
	if _, err := share.PDF(v, now.Add(2*time.Hour)); err == nil {
		t.Error("PDF of an expired share was written")
	}
}
