package ident

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"粤B12345", "粤B12345"},
		{"粤b·d12345", "粤BD12345"},
		{" 京 A · F0236 ", "京AF0236"},
		{"粤ＢＤ１２３４５", "粤BD12345"},
		{"粤ｂｄ１２３４５", "粤BD12345"},
		{"粤B\u300012345", "粤B12345"},
		{"粤B\t1-2_3.4．5", "粤B12345"},
		{"粤B・1•2‧345", "粤B12345"},
		{"粤B－12345", "粤B12345"},
		{"粤B＿12345", "粤B12345"},
		{"粤B\u201312345\u200b", "粤B12345"},
		{"\ufeff粤B12345\r\n", "粤B12345"},
		{"11010519491231002x", "11010519491231002X"},
		{"ＬＳＧＪＡ５２Ｕ６ＤＨ００００００", "LSGJA52U6DH000000"},
		{"中文保留", "中文保留"},
		{"！～", "!~"},
		{"\xff粤", "\uFFFD粤"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	for _, s := range []string{
		"粤b·d12345", "粤ＢＤ１２３４５", "ａ－ｂ＿ｃ．ｄ　ｅ", "\xff\xfe", "a\u00a0b", "x\u0085y",
		"％", "ＡＢＣ", "ß", "ｉ", "\x00\x01", "使０１４５７８",
	} {
		once := Normalize(s)
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize not idempotent on %q: %q then %q", s, once, twice)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"粤b·d12345", "粤ＢＤ１２３４５", "\xff", "ａ－ｂ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Normalize(s)
		if twice := Normalize(once); twice != once {
			t.Fatalf("Normalize not idempotent on %q: %q then %q", s, once, twice)
		}
	})
}
