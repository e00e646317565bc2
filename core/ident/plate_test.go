package ident

import (
	"slices"
	"strings"
	"testing"
)

func TestParsePlateValid(t *testing.T) {
	tests := []struct {
		in   string
		text string
		kind PlateKind
	}{
		{"粤B12345", "粤B12345", KindOrdinary},
		{"京A·F0236", "京AF0236", KindOrdinary},
		{"冀AA1234", "冀AA1234", KindOrdinary},
		{"琼E8888Z", "琼E8888Z", KindOrdinary},
		{"粤z12345", "粤Z12345", KindOrdinary},
		{" 粤 b 12345 ", "粤B12345", KindOrdinary},
		{"粤b12345", "粤B12345", KindOrdinary},
		{"粤B-12345", "粤B12345", KindOrdinary},
		{"粤B\u300012345", "粤B12345", KindOrdinary},
		{"粵B12345", "粤B12345", KindOrdinary},
		{"粤b·d12345", "粤BD12345", KindNEVSmall},
		{"粤ＢＤ１２３４５", "粤BD12345", KindNEVSmall},
		{"沪AD12345", "沪AD12345", KindNEVSmall},
		{"沪AF12345", "沪AF12345", KindNEVSmall},
		{"苏EDA1234", "苏EDA1234", KindNEVSmall},
		{"粤B12345D", "粤B12345D", KindNEVLarge},
		{"京A 12345 F", "京A12345F", KindNEVLarge},
		{"粤A1234挂", "粤A1234挂", KindTrailer},
		{"粤A·123A掛", "粤A123A挂", KindTrailer},
		{"京A1234学", "京A1234学", KindLearner},
		{"京A1234警", "京A1234警", KindPolice},
		{"京O1234警", "京O1234警", KindPolice},
		{"粤Z1234港", "粤Z1234港", KindHongKong},
		{"粤z·1234澳", "粤Z1234澳", KindMacau},
		{"使014578", "使014578", KindEmbassy},
		{"使014·578", "使014578", KindEmbassy},
		{"京A1234使", "京A1234使", KindEmbassy},
		{"沪A1234领", "沪A1234领", KindConsulate},
	}
	for _, tt := range tests {
		p, err := ParsePlate(tt.in)
		if err != nil {
			t.Errorf("ParsePlate(%q): %v", tt.in, err)
			continue
		}
		if p.Text != tt.text || p.Kind != tt.kind {
			t.Errorf("ParsePlate(%q) = %+v, want {%s %s}", tt.in, p, tt.text, tt.kind)
		}
		if p.String() != tt.text {
			t.Errorf("String() = %q, want %q", p.String(), tt.text)
		}
	}
}

func TestParsePlateAllProvinces(t *testing.T) {
	for _, prov := range provinces {
		if _, err := ParsePlate(string(prov) + "A12345"); err != nil {
			t.Errorf("%c: %v", prov, err)
		}
	}
	if n := len([]rune(provinces)); n != 31 {
		t.Errorf("%d provinces, want 31", n)
	}
}

func TestParsePlateInvalid(t *testing.T) {
	tests := []struct {
		in, code string
		mention  []string // what the English message must quote back to the user
	}{
		{"", "plate_empty", nil},
		{" · ", "plate_empty", nil},
		{"XB12345", "plate_province", []string{`"X"`}},
		{"B12345", "plate_province", []string{`"B"`}},
		{"12345", "plate_province", []string{`"1"`}},
		{"中B12345", "plate_province", []string{`"中"`}},
		{"粤I12345", "plate_authority", []string{`"I"`}},
		{"粤O12345", "plate_authority", []string{`"O"`}},
		{"粤112345", "plate_authority", []string{`"1"`}},
		{"粤粤12345", "plate_authority", nil},
		{"粤B1234O", "plate_serial_letter_io", []string{"7th", "O", "0"}},
		{"粤B1I345", "plate_serial_letter_io", []string{"4th", "I", "1"}},
		{"粤BDI1234", "plate_serial_letter_io", []string{"4th"}},
		{"粤A123O挂", "plate_serial_letter_io", []string{"6th"}},
		{"粤B12#45", "plate_serial_char", []string{`"#"`}},
		{"粤B12中45", "plate_serial_char", []string{`"中"`}},
		{"粤B1234中", "plate_suffix", []string{`"中"`}},
		{"粤", "plate_length", []string{"1 "}},
		{"粤B", "plate_length", []string{"2 "}},
		{"粤B1234", "plate_length", []string{"6 ", "7"}},
		{"粤B123456789", "plate_length", []string{"11 "}},
		{"粤B12345挂", "plate_length", []string{"8 ", "挂"}},
		{"粤B123挂", "plate_length", []string{"6 "}},
		{"粤B123456", "plate_nev", nil},
		{"粤BX12345", "plate_nev", nil},
		{"粤BD1234F", "plate_nev", nil},
		{"粤BDA123A", "plate_nev", nil},
		{"粤B1234DD", "plate_nev", nil},
		{"京A1234港", "plate_hk_macau", []string{"京A"}},
		{"粤B1234澳", "plate_hk_macau", []string{"粤B"}},
		{"使01457", "plate_embassy", nil},
		{"使0145789", "plate_embassy", nil},
		{"使01457A", "plate_embassy", nil},
		{"使", "plate_embassy", nil},
		{"使%d%s", "plate_embassy", []string{"使%D%S"}}, // echoed input is data, never a format
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePlate(tt.in)
			if err == nil {
				t.Fatalf("ParsePlate(%q) = %+v, want error %s", tt.in, p, tt.code)
			}
			if p != (Plate{}) {
				t.Errorf("ParsePlate(%q) returned %+v with an error", tt.in, p)
			}
			fe := checkFieldErr(t, err, "plate", tt.code)
			for _, m := range tt.mention {
				if !strings.Contains(fe.En, m) {
					t.Errorf("En %q does not mention %q", fe.En, m)
				}
			}
		})
	}
}

func TestPlateDefaultType(t *testing.T) {
	tests := []struct {
		plate string
		want  PlateType
	}{
		{"粤B12345", PlateSmallCar},
		{"粤BD12345", PlateSmallNEV},
		{"粤B12345D", PlateLargeNEV},
		{"粤A1234挂", PlateTrailer},
		{"京A1234学", PlateLearner},
		{"京A1234警", PlatePolice},
		{"粤Z1234港", PlateHongKong},
		{"粤Z1234澳", PlateMacau},
		{"使014578", PlateEmbassy},
		{"沪A1234领", PlateConsulate},
	}
	for _, tt := range tests {
		p := mustPlate(t, tt.plate)
		if got := p.DefaultType(); got != tt.want {
			t.Errorf("%s.DefaultType() = %q, want %q", tt.plate, got, tt.want)
		}
		if err := CheckPlateType(p, p.DefaultType()); err != nil {
			t.Errorf("%s contradicts its own default type: %v", tt.plate, err)
		}
	}
	if got := (Plate{}).DefaultType(); got != "" {
		t.Errorf("zero Plate DefaultType = %q, want empty", got)
	}
}

func TestCheckPlateType(t *testing.T) {
	tests := []struct {
		plate string
		typ   PlateType
		ok    bool
	}{
		{"粤B12345", PlateSmallCar, true},
		{"粤B12345", PlateLargeCar, true},
		{"粤B12345", "07", true}, // motorcycle and other codes this package does not name
		{"粤B12345", "", true},
		{"粤B12345", PlateSmallNEV, false},
		{"粤B12345", PlateLargeNEV, false},
		{"粤B12345", PlateTrailer, false},
		{"粤B12345", PlatePolice, false},
		{"粤BD12345", PlateSmallNEV, true},
		{"粤BD12345", PlateLargeNEV, false},
		{"粤BD12345", PlateSmallCar, false},
		{"粤B12345D", PlateLargeNEV, true},
		{"粤B12345D", PlateSmallNEV, false},
		{"粤B12345D", PlateLargeCar, false},
		{"粤A1234挂", PlateTrailer, true},
		{"粤A1234挂", PlateLargeCar, false},
		{"京A1234学", PlateLearner, true},
		{"京A1234学", PlateSmallCar, false},
		{"京A1234警", PlatePolice, true},
		{"京A1234警", PlateSmallCar, false},
		{"粤Z1234港", PlateHongKong, true},
		{"粤Z1234港", PlateMacau, false},
		{"粤Z1234澳", PlateMacau, true},
		{"使014578", PlateEmbassy, true},
		{"使014578", PlateConsulate, false},
		{"沪A1234领", PlateConsulate, true},
	}
	for _, tt := range tests {
		err := CheckPlateType(mustPlate(t, tt.plate), tt.typ)
		if tt.ok {
			if err != nil {
				t.Errorf("CheckPlateType(%s, %q): %v", tt.plate, tt.typ, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckPlateType(%s, %q) = nil, want plate_type_mismatch", tt.plate, tt.typ)
			continue
		}
		fe := checkFieldErr(t, err, "plate_type", "plate_type_mismatch")
		if !strings.Contains(fe.En, string(tt.typ)) || !strings.Contains(fe.Zh, tt.plate) {
			t.Errorf("message does not name the type and the plate: %q / %q", fe.En, fe.Zh)
		}
	}
	if err := CheckPlateType(Plate{}, PlateSmallCar); err != nil {
		t.Errorf("zero Plate: %v", err)
	}
}

func TestParsePlateType(t *testing.T) {
	tests := []struct {
		in   string
		want PlateType
	}{
		{"2", PlateSmallCar}, {"02", PlateSmallCar}, {" 02 ", PlateSmallCar}, {"０２", PlateSmallCar},
		{"1", PlateLargeCar}, {"52", PlateSmallNEV}, {"51", PlateLargeNEV}, {"15", PlateTrailer},
		{"小型汽车", PlateSmallCar}, {"小型汽车号牌", PlateSmallCar}, {"small car", PlateSmallCar},
		{"Small Car", PlateSmallCar}, {"small car plate", PlateSmallCar}, {"大型汽车", PlateLargeCar},
		{"小型新能源汽车", PlateSmallNEV}, {"small nev", PlateSmallNEV}, {"Small NEV", PlateSmallNEV},
		{"small new-energy car", PlateSmallNEV}, {"large NEV", PlateLargeNEV}, {"挂车", PlateTrailer},
		{"教练车", PlateLearner}, {"警车", PlatePolice}, {"Hong Kong", PlateHongKong}, {"macao", PlateMacau},
	}
	for _, tt := range tests {
		got, err := ParsePlateType(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePlateType(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, typ := range PlateTypes() {
		for _, lang := range []string{"zh", "en"} {
			if got, err := ParsePlateType(typ.Name(lang)); err != nil || got != typ {
				t.Errorf("ParsePlateType(%q) = %q, %v; want %q", typ.Name(lang), got, err, typ)
			}
		}
	}

	bad := []struct{ in, code string }{
		{"", "plate_type_empty"}, {" ", "plate_type_empty"}, {"99", "plate_type_unknown"},
		{"5", "plate_type_unknown"}, {"123", "plate_type_unknown"}, {"bicycle", "plate_type_unknown"},
		{"号牌", "plate_type_unknown"}, {"2a", "plate_type_unknown"},
	}
	for _, tt := range bad {
		got, err := ParsePlateType(tt.in)
		if err == nil {
			t.Errorf("ParsePlateType(%q) = %q, want error", tt.in, got)
			continue
		}
		checkFieldErr(t, err, "plate_type", tt.code)
	}
}

func TestPlateTypes(t *testing.T) {
	want := []PlateType{PlateLargeCar, PlateSmallCar, PlateEmbassy, PlateConsulate, PlateTrailer,
		PlateLearner, PlatePolice, PlateHongKong, PlateMacau, PlateLargeNEV, PlateSmallNEV}
	if got := PlateTypes(); !slices.Equal(got, want) {
		t.Errorf("PlateTypes() = %v, want %v", got, want)
	}
	if got := PlateSmallCar.Name("zh-CN"); got != "小型汽车" {
		t.Errorf("Name(zh-CN) = %q", got)
	}
	if got := PlateSmallNEV.Name("ZH"); got != "小型新能源汽车" {
		t.Errorf("Name(ZH) = %q", got)
	}
	if got := PlateSmallCar.Name("en"); got != "small car" {
		t.Errorf("Name(en) = %q", got)
	}
	if got := PlateSmallCar.Name(""); got != "small car" {
		t.Errorf("Name(\"\") = %q", got)
	}
	if got := PlateType("07").Name("zh"); got != "07" {
		t.Errorf("unknown Name = %q, want the code", got)
	}
}

func mustPlate(t *testing.T, s string) Plate {
	t.Helper()
	p, err := ParsePlate(s)
	if err != nil {
		t.Fatalf("ParsePlate(%q): %v", s, err)
	}
	return p
}

func FuzzParsePlate(f *testing.F) {
	for _, s := range []string{"粤B12345", "粤b·d12345", "粤B12345D", "粤A1234挂", "粤Z1234港", "使014578",
		"京O1234警", "粤ＢＤ１２３４５", "粵B12345", "XB12345", "粤I12345", "", "粤B1234O", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlate(Normalize(s))
		if err != nil {
			fieldErrOK(t, err, "plate", s)
			return
		}
		if p.Kind == "" || p.Text == "" {
			t.Fatalf("ParsePlate(%q) = %+v", s, p)
		}
		again, err := ParsePlate(p.Text)
		if err != nil || again != p {
			t.Fatalf("%q parsed to %+v, which re-parses to %+v, %v", s, p, again, err)
		}
		if q, err := ParsePlate(s); err != nil || q != p {
			t.Fatalf("ParsePlate(%q) = %+v, %v but of its normal form %+v", s, q, err, p)
		}
		if err := CheckPlateType(p, p.DefaultType()); err != nil {
			t.Fatalf("%s contradicts its default type: %v", p, err)
		}
		for _, typ := range PlateTypes() {
			if err := CheckPlateType(p, typ); err != nil {
				fieldErrOK(t, err, "plate_type", s)
			}
		}
	})
}

func FuzzPlateType(f *testing.F) {
	for _, s := range []string{"2", "02", "小型汽车", "small nev", "号牌", "99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := ParsePlateType(s)
		if err != nil {
			fieldErrOK(t, err, "plate_type", s)
			return
		}
		if !slices.Contains(PlateTypes(), typ) {
			t.Fatalf("ParsePlateType(%q) = %q, not a known type", s, typ)
		}
		if again, err := ParsePlateType(string(typ)); err != nil || again != typ {
			t.Fatalf("%q does not re-parse: %q, %v", typ, again, err)
		}
	})
}
