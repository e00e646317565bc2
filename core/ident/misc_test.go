package ident

import (
	"strings"
	"testing"
)

func TestParseLicenceFile(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"440300123456", "440300123456"},
		{"4403 0012 3456", "440300123456"},
		{"４４０３００１２３４５６", "440300123456"},
	} {
		got, err := ParseLicenceFile(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("ParseLicenceFile(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, tt := range []struct{ in, code, mention string }{
		{"", "licence_file_empty", ""},
		{"44030012345", "licence_file_format", "11"},
		{"4403001234567", "licence_file_format", "13"},
		{"44030012345A", "licence_file_format", `"A"`},
	} {
		got, err := ParseLicenceFile(tt.in)
		if err == nil {
			t.Errorf("ParseLicenceFile(%q) = %q, want %s", tt.in, got, tt.code)
			continue
		}
		if fe := checkFieldErr(t, err, "licence_file", tt.code); !strings.Contains(fe.En, tt.mention) {
			t.Errorf("En %q does not mention %q", fe.En, tt.mention)
		}
	}
	if got := LicenceFile("440300123456").Masked(); got != "44********56" {
		t.Errorf("Masked() = %q", got)
	}
	if got := LicenceFile("1234").Masked(); got != "****" {
		t.Errorf("short Masked() = %q", got)
	}
}

// Check digits below were computed independently: digit 16 = digits 7-15 mod 7.
func TestParseDecisionNumber(t *testing.T) {
	tests := []struct {
		in                string
		digits, region    string
		kind              DocKind
		hasCheck, checkOK bool
		warning           string
	}{
		{"4403041000012344", "4403041000012344", "440304", DocSimpleDecision, true, true, ""},
		{"4403 0410 0001 2344", "4403041000012344", "440304", DocSimpleDecision, true, true, ""},
		{"4403041000012345", "4403041000012345", "440304", DocSimpleDecision, true, false, "decision_check"},
		{"440304100001234", "440304100001234", "440304", DocSimpleDecision, false, false, "decision_no_check"},
		{"1101012000000015", "1101012000000015", "110101", DocGeneralDecision, true, true, ""},
		{"3101153001234563", "3101153001234563", "310115", DocCompulsoryMeasure, true, true, ""},
		{"4403046000000075", "4403046000000075", "440304", DocHandlingNotice, true, true, ""},
		{"4403049000000070", "4403049000000070", "440304", DocUnknown, true, false, "decision_check"},
	}
	for _, tt := range tests {
		d, err := ParseDecisionNumber(tt.in)
		if err != nil {
			t.Errorf("ParseDecisionNumber(%q): %v", tt.in, err)
			continue
		}
		want := DecisionNumber{tt.digits, tt.region, tt.kind, tt.hasCheck, tt.checkOK}
		if d != want {
			t.Errorf("ParseDecisionNumber(%q) = %+v, want %+v", tt.in, d, want)
		}
		if d.String() != tt.digits {
			t.Errorf("String() = %q", d.String())
		}
		w := d.Warning()
		switch {
		case tt.warning == "" && w != nil:
			t.Errorf("%s: unexpected warning %v", tt.in, w)
		case tt.warning != "" && w == nil:
			t.Errorf("%s: no warning, want %s", tt.in, tt.warning)
		case w != nil:
			checkFieldErr(t, w, "decision_number", tt.warning)
		}
	}
	if w := (DecisionNumber{}).Warning(); w != nil {
		t.Errorf("zero DecisionNumber warns %v", w)
	}

	for _, tt := range []struct{ in, code, mention string }{
		{"", "decision_length", "0"},
		{"44030410000123", "decision_length", "14"},
		{"44030410000123445", "decision_length", "17"},
		{"440304100001234A", "decision_digits", `"A"`},
		{"粤4403041000012344", "decision_digits", `"粤"`},
	} {
		d, err := ParseDecisionNumber(tt.in)
		if err == nil {
			t.Errorf("ParseDecisionNumber(%q) = %+v, want %s", tt.in, d, tt.code)
			continue
		}
		if fe := checkFieldErr(t, err, "decision_number", tt.code); !strings.Contains(fe.En, tt.mention) {
			t.Errorf("En %q does not mention %q", fe.En, tt.mention)
		}
	}
}

func TestDocKindName(t *testing.T) {
	for _, tt := range []struct {
		k      DocKind
		zh, en string
	}{
		{DocSimpleDecision, "简易程序处罚决定书", "simple-procedure penalty decision"},
		{DocGeneralDecision, "一般程序处罚决定书", "general-procedure penalty decision"},
		{DocCompulsoryMeasure, "行政强制措施凭证", "compulsory-measure voucher"},
		{DocHandlingNotice, "违法处理通知书", "violation handling notice"},
		{DocUnknown, "未知文书", "unknown document"},
		{DocKind(9), "未知文书", "unknown document"},
	} {
		if got := tt.k.Name("zh-Hans"); got != tt.zh {
			t.Errorf("%d.Name(zh) = %q", tt.k, got)
		}
		if got := tt.k.Name("en-GB"); got != tt.en {
			t.Errorf("%d.Name(en) = %q", tt.k, got)
		}
	}
}

func TestParseRecordNumber(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"4403041234567890", "4403041234567890"},
		{"ab12-cd34", "AB12CD34"},
		{"Ｘ１", "X1"},
		{strings.Repeat("9", 32), strings.Repeat("9", 32)},
	} {
		got, err := ParseRecordNumber(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseRecordNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, tt := range []struct{ in, code, mention string }{
		{"", "record_empty", ""},
		{" - ", "record_empty", ""},
		{strings.Repeat("9", 33), "record_length", "33"},
		{"1234/5678", "record_char", `"/"`},
		{"违法1234", "record_char", `"违"`},
	} {
		got, err := ParseRecordNumber(tt.in)
		if err == nil {
			t.Errorf("ParseRecordNumber(%q) = %q, want %s", tt.in, got, tt.code)
			continue
		}
		if fe := checkFieldErr(t, err, "record_number", tt.code); !strings.Contains(fe.En, tt.mention) {
			t.Errorf("En %q does not mention %q", fe.En, tt.mention)
		}
	}
}

func FuzzParseLicenceFile(f *testing.F) {
	f.Add("440300123456")
	f.Add("４４０３")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLicenceFile(s)
		if err != nil {
			fieldErrOK(t, err, "licence_file", s)
			return
		}
		if again, err := ParseLicenceFile(string(l)); err != nil || again != l || len(l.Masked()) != 12 {
			t.Fatalf("%q: re-parse %q, %v; Masked %q", l, again, err, l.Masked())
		}
	})
}

func FuzzParseDecisionNumber(f *testing.F) {
	for _, s := range []string{"4403041000012344", "440304100001234", "4403041000012345", "A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecisionNumber(s)
		if err != nil {
			fieldErrOK(t, err, "decision_number", s)
			return
		}
		if again, err := ParseDecisionNumber(d.String()); err != nil || again != d {
			t.Fatalf("%+v does not re-parse: %+v, %v", d, again, err)
		}
		if w := d.Warning(); w != nil {
			checkSentences(t, w, s)
		} else if !d.HasCheck || !d.CheckOK {
			t.Fatalf("%+v needs a warning", d)
		}
		_ = d.Kind.Name("zh")
	})
}

func FuzzParseRecordNumber(f *testing.F) {
	f.Add("4403041234567890")
	f.Add("ab-12")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRecordNumber(s)
		if err != nil {
			fieldErrOK(t, err, "record_number", s)
			return
		}
		if again, err := ParseRecordNumber(r); err != nil || again != r {
			t.Fatalf("%q does not re-parse: %q, %v", r, again, err)
		}
	})
}
