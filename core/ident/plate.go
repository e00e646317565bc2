package ident

import (
	"fmt"
	"strings"

	"ticketbook/core/field"
)

// PlateKind is the format family of a plate, read from its shape alone.
type PlateKind string

const (
	KindOrdinary  PlateKind = "ordinary"
	KindNEVSmall  PlateKind = "nev_small"
	KindNEVLarge  PlateKind = "nev_large"
	KindTrailer   PlateKind = "trailer"
	KindLearner   PlateKind = "learner"
	KindPolice    PlateKind = "police"
	KindHongKong  PlateKind = "hongkong"
	KindMacau     PlateKind = "macau"
	KindEmbassy   PlateKind = "embassy"
	KindConsulate PlateKind = "consulate"
)

// Plate is a validated plate number (号牌号码) in canonical form.
type Plate struct {
	Text string // canonical, e.g. "粤BD12345"
	Kind PlateKind
}

func (p Plate) String() string { return p.Text }

const provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// traditional maps the traditional forms of plate characters to the
// simplified ones printed on plates: users in Hong Kong, Macau and Taiwan, or
// with a traditional input method, type them and mean the same plate.
var traditional = map[rune]rune{
	'粵': '粤', '滬': '沪', '遼': '辽', '魯': '鲁', '蘇': '苏', '贛': '赣',
	'貴': '贵', '寧': '宁', '瓊': '琼', '閩': '闽', '陝': '陕', '晉': '晋',
	'雲': '云', '掛': '挂', '學': '学', '領': '领',
}

var suffixKinds = map[rune]PlateKind{
	'挂': KindTrailer, '学': KindLearner, '警': KindPolice, '港': KindHongKong,
	'澳': KindMacau, '领': KindConsulate, '使': KindEmbassy,
}

// suffixExamples give a user a plate of the right shape to compare with.
var suffixExamples = map[rune]string{
	'挂': "粤A1234挂", '学': "京A1234学", '警': "京A1234警", '港': "粤Z1234港",
	'澳': "粤Z1234澳", '领': "沪A1234领", '使': "京A1234使",
}

var kindTypes = map[PlateKind]PlateType{
	KindOrdinary: PlateSmallCar, KindNEVSmall: PlateSmallNEV, KindNEVLarge: PlateLargeNEV,
	KindTrailer: PlateTrailer, KindLearner: PlateLearner, KindPolice: PlatePolice,
	KindHongKong: PlateHongKong, KindMacau: PlateMacau, KindEmbassy: PlateEmbassy,
	KindConsulate: PlateConsulate,
}

var kindNames = map[PlateKind][2]string{
	KindOrdinary:  {"an ordinary plate", "普通号牌"},
	KindNEVSmall:  {"a small new-energy plate", "小型新能源号牌"},
	KindNEVLarge:  {"a large new-energy plate", "大型新能源号牌"},
	KindTrailer:   {"a trailer plate (挂)", "挂车号牌"},
	KindLearner:   {"a learner plate (学)", "教练车号牌"},
	KindPolice:    {"a police plate (警)", "警用号牌"},
	KindHongKong:  {"a Hong Kong cross-border plate (港)", "香港入出境号牌"},
	KindMacau:     {"a Macau cross-border plate (澳)", "澳门入出境号牌"},
	KindEmbassy:   {"an embassy plate (使)", "使馆号牌"},
	KindConsulate: {"a consulate plate (领)", "领馆号牌"},
}

// ParsePlate normalises s and checks it against the plate formats. Errors
// name the first thing wrong, in reading order, so the user can fix the
// plate from left to right.
func ParsePlate(s string) (Plate, error) {
	rs := []rune(Normalize(s))
	for i, r := range rs {
		if t, ok := traditional[r]; ok {
			rs[i] = t
		}
	}
	if len(rs) == 0 {
		return Plate{}, plateErr("plate_empty",
			"is empty; enter the plate number, such as 粤B12345",
			"不能为空，请输入号牌号码，如粤B12345")
	}
	if rs[0] == '使' {
		return parseEmbassyPlate(rs)
	}
	if !strings.ContainsRune(provinces, rs[0]) {
		return Plate{}, plateErr("plate_province",
			fmt.Sprintf("must start with a province character such as 粤 or 京, not %s", quoteEn(rs[0])),
			fmt.Sprintf("应以省份简称开头，如粤、京，而不是%s", quoteZh(rs[0])))
	}
	if len(rs) < 2 {
		return Plate{}, plateLengthErr(len(rs))
	}
	last := rs[len(rs)-1]
	suffixKind, hasSuffix := suffixKinds[last]

	// Province-level police offices use O as their authority letter; no
	// other plate does.
	if auth := rs[1]; !isUpper(auth) || auth == 'I' || (auth == 'O' && suffixKind != KindPolice) {
		return Plate{}, plateErr("plate_authority",
			fmt.Sprintf("the character after %c must be the letter of the issuing office (A to Z except I and O), not %s", rs[0], quoteEn(auth)),
			fmt.Sprintf("“%c”后应为发牌机关代号字母（A至Z，不含I、O），而不是%s", rs[0], quoteZh(auth)))
	}

	serial := rs[2:]
	if hasSuffix {
		if len(rs) != 7 {
			ex := suffixExamples[last]
			return Plate{}, plateErr("plate_length",
				fmt.Sprintf("has %d characters; a plate ending in %c has 7, such as %s", len(rs), last, ex),
				fmt.Sprintf("共%d个字符，以“%c”结尾的号牌应为7位，如%s", len(rs), last, ex))
		}
		serial = rs[2:6]
	} else if len(rs) != 7 && len(rs) != 8 {
		return Plate{}, plateLengthErr(len(rs))
	}
	for i, r := range serial {
		if err := checkSerialChar(r, i+3, i+3 == len(rs)); err != nil {
			return Plate{}, err
		}
	}

	p := Plate{Text: string(rs), Kind: KindOrdinary}
	switch {
	case hasSuffix:
		p.Kind = suffixKind
		if (p.Kind == KindHongKong || p.Kind == KindMacau) && (rs[0] != '粤' || rs[1] != 'Z') {
			return Plate{}, plateErr("plate_hk_macau",
				fmt.Sprintf("Hong Kong and Macau cross-border plates are issued by 粤Z, such as 粤Z1234%c; this one starts with %s", last, string(rs[:2])),
				fmt.Sprintf("港澳入出境号牌由粤Z核发，如粤Z1234%c，而此号牌以“%s”开头", last, string(rs[:2])))
		}
	case len(rs) == 8:
		kind, ok := nevKind(serial)
		if !ok {
			return Plate{}, plateErr("plate_nev",
				"has 8 characters, so it must be a new-energy plate: D or F, then a letter or digit, then 4 digits (粤BD12345), or 5 digits followed by D or F (粤B12345D)",
				"8位号牌应为新能源号牌：D或F后接1位字母或数字再接4位数字（如粤BD12345），或5位数字后接D或F（如粤B12345D）")
		}
		p.Kind = kind
	}
	return p, nil
}

// nevKind tells the two new-energy layouts apart: small ones carry D (battery)
// or F (other) first, large ones last.
func nevKind(s []rune) (PlateKind, bool) {
	if len(s) != 6 {
		return "", false
	}
	digits := func(rs []rune) bool {
		for _, r := range rs {
			if !isDigit(r) {
				return false
			}
		}
		return true
	}
	if (s[0] == 'D' || s[0] == 'F') && isAlnumASCII(s[1]) && digits(s[2:]) {
		return KindNEVSmall, true
	}
	if digits(s[:5]) && (s[5] == 'D' || s[5] == 'F') {
		return KindNEVLarge, true
	}
	return "", false
}

func checkSerialChar(r rune, pos int, isLast bool) *field.Error {
	switch {
	case r == 'I' || r == 'O':
		digit := map[rune]rune{'I': '1', 'O': '0'}[r]
		return plateErr("plate_serial_letter_io",
			fmt.Sprintf("the %s character is the letter %c, which plates never use; did you mean the digit %c?", ordinalEn(pos), r, digit),
			fmt.Sprintf("第%d位是字母“%c”，号牌不使用该字母，是否应为数字%c？", pos, r, digit))
	case isAlnumASCII(r):
		return nil
	case isLast && r > 0x7F:
		return plateErr("plate_suffix",
			fmt.Sprintf("ends with %s, which no plate ends with; the last character is a letter, a digit, or one of 挂 学 警 港 澳 领 使", quoteEn(r)),
			fmt.Sprintf("号牌不会以%s结尾，最后一位应为字母、数字或挂、学、警、港、澳、领、使之一", quoteZh(r)))
	default:
		return plateErr("plate_serial_char",
			fmt.Sprintf("the %s character %s is not allowed; after the office letter a plate has only digits and letters", ordinalEn(pos), quoteEn(r)),
			fmt.Sprintf("第%d位%s无效，发牌机关字母之后只能是数字和字母", pos, quoteZh(r)))
	}
}

func parseEmbassyPlate(rs []rune) (Plate, error) {
	ok := len(rs) == 7
	for _, r := range rs[1:] {
		ok = ok && isDigit(r)
	}
	if !ok {
		return Plate{}, plateErr("plate_embassy",
			fmt.Sprintf("an embassy plate is 使 followed by 6 digits, such as 使014578; this one is %s", clip(string(rs))),
			fmt.Sprintf("使馆号牌应为“使”加6位数字，如使014578，而不是“%s”", clip(string(rs))))
	}
	return Plate{Text: string(rs), Kind: KindEmbassy}, nil
}

func plateLengthErr(n int) *field.Error {
	return plateErr("plate_length",
		fmt.Sprintf("has %d characters; a plate has 7, or 8 for a new-energy plate (such as 粤B12345 or 粤BD12345)", n),
		fmt.Sprintf("共%d个字符，号牌应为7位，新能源号牌为8位（如粤B12345、粤BD12345）", n))
}

func plateErr(code, en, zh string) *field.Error { return field.New("plate", code, en, zh) }

// DefaultType is the plate type to assume when the user gave none: the one
// the plate's shape implies, or small car for an ordinary plate because most
// private cars are small cars. A zero Plate has no default.
func (p Plate) DefaultType() PlateType { return kindTypes[p.Kind] }

// reservedTypes are the codes that belong to one plate shape only, so an
// ordinary plate claiming one of them is a mistake.
var reservedTypes = func() map[PlateType]bool {
	m := make(map[PlateType]bool)
	for k, t := range kindTypes {
		if k != KindOrdinary {
			m[t] = true
		}
	}
	return m
}()

// CheckPlateType reports a plate_type error when t contradicts the plate's
// shape. An empty type contradicts nothing: the caller then uses DefaultType.
// Ordinary plates accept every code not reserved for another shape, because
// GA 24.7 has many more (motorcycles, tractors, ...) than this package names.
func CheckPlateType(p Plate, t PlateType) error {
	if t == "" || p.Kind == "" {
		return nil
	}
	want, known := kindTypes[p.Kind]
	if !known {
		return nil
	}
	if p.Kind == KindOrdinary {
		if !reservedTypes[t] {
			return nil
		}
	} else if t == want {
		return nil
	}
	kn := kindNames[p.Kind]
	useEn, useZh := want.label("en"), want.label("zh")
	if p.Kind == KindOrdinary {
		useEn = PlateSmallCar.label("en") + " or " + PlateLargeCar.label("en")
		useZh = PlateSmallCar.label("zh") + "或" + PlateLargeCar.label("zh")
	}
	return field.New("plate_type", "plate_type_mismatch",
		fmt.Sprintf("%s does not match %s, which is %s; use %s", t.label("en"), p.Text, kn[0], useEn),
		fmt.Sprintf("%s与%s（%s）不符，应为%s", t.label("zh"), p.Text, kn[1], useZh))
}
