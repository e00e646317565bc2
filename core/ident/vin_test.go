package ident

import (
	"strings"
	"testing"
)

// Check digits below were computed independently of this package.
func TestParseVIN(t *testing.T) {
	valid := []struct{ in, want string }{
		{"1M8GDM9AXKP042788", "1M8GDM9AXKP042788"}, // the ISO 3779 example, check digit X
		{"11111111111111111", "11111111111111111"},
		{"1HGCM82633A004352", "1HGCM82633A004352"},
		{"JHMCM56557C404453", "JHMCM56557C404453"},
		{"LSGJA52U6DH000000", "LSGJA52U6DH000000"},
		{"lfv2a21k5a4000001", "LFV2A21K5A4000001"},
		{"LFV 2A21K 5A4 000001", "LFV2A21K5A4000001"},
		{"ＬＳＧＪＡ５２Ｕ６ＤＨ００００００", "LSGJA52U6DH000000"},
	}
	for _, tt := range valid {
		for _, allow := range []bool{false, true} {
			got, err := ParseVIN(tt.in, allow)
			if err != nil || string(got) != tt.want {
				t.Errorf("ParseVIN(%q, %v) = %q, %v; want %q", tt.in, allow, got, err, tt.want)
			}
		}
	}

	invalid := []struct {
		in, code string
		mention  []string
	}{
		{"", "vin_empty", nil},
		{"LSGJA52U6DH00000", "vin_length", []string{"16"}},
		{"LSGJA52U6DH0000000", "vin_length", []string{"18"}},
		{"LSGJA52U6DH00000O", "vin_char", []string{"17th", "O", "0"}},
		{"ISGJA52U6DH000000", "vin_char", []string{"1st", "I"}},
		{"LSGJA52U6DHQ00000", "vin_char", []string{"12th", "Q"}},
		{"LSGJA52U6DH00000中", "vin_char", []string{`"中"`}},
		{"LSGJA52U6DH00000#", "vin_char", []string{`"#"`}},
		{"LSGJA52U5DH000000", "vin_check", []string{"6", "5"}},
		{"1M8GDM9A1KP042788", "vin_check", []string{"X"}},
		{"LSGJA52UADH000000", "vin_check", []string{"6"}},
	}
	for _, tt := range invalid {
		got, err := ParseVIN(tt.in, false)
		if err == nil {
			t.Errorf("ParseVIN(%q) = %q, want %s", tt.in, got, tt.code)
			continue
		}
		fe := checkFieldErr(t, err, "vin", tt.code)
		for _, m := range tt.mention {
			if !strings.Contains(fe.En, m) {
				t.Errorf("ParseVIN(%q): En %q does not mention %q", tt.in, fe.En, m)
			}
		}
		// The override waives the check digit and nothing else.
		_, err = ParseVIN(tt.in, true)
		if (err == nil) != (tt.code == "vin_check") {
			t.Errorf("ParseVIN(%q, true) error = %v", tt.in, err)
		}
	}
}

func TestVINCheckDigit(t *testing.T) {
	tests := []struct {
		in   string
		want byte
		ok   bool
	}{
		{"1M8GDM9AXKP042788", 'X', true},
		{"1M8GDM9A?KP042788", 'X', true}, // position 9 is ignored
		{"LSGJA52U5DH000000", '6', true},
		{"11111111111111111", '1', true},
		{"WVWZZZ1JZXW000001", '0', true},
		{"LSGJA52U6DH00000", 0, false},
		{"LSGJA52U6DH00000O", 0, false},
		{"lsgja52u6dh000000", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := VINCheckDigit(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("VINCheckDigit(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseVIN(f *testing.F) {
	for _, s := range []string{"1M8GDM9AXKP042788", "LSGJA52U5DH000000", "lsgja52u6dh000000", "ＬＳＧ", "I"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		strict, err := ParseVIN(s, false)
		loose, errLoose := ParseVIN(s, true)
		if err != nil {
			fieldErrOK(t, err, "vin", s)
		} else if errLoose != nil || loose != strict {
			t.Fatalf("strict accepted %q as %q but the override gives %q, %v", s, strict, loose, errLoose)
		}
		if errLoose != nil {
			fieldErrOK(t, errLoose, "vin", s)
			return
		}
		if again, err := ParseVIN(string(loose), true); err != nil || again != loose {
			t.Fatalf("%q does not re-parse: %q, %v", loose, again, err)
		}
		d, ok := VINCheckDigit(string(loose))
		if !ok || (err == nil) != (d == loose[8]) {
			t.Fatalf("VINCheckDigit(%q) = %q, %v; strict error %v", loose, d, ok, err)
		}
	})
}
