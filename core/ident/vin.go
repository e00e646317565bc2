package ident

import (
	"fmt"
	"unicode/utf8"

	"ticketbook/core/field"
)

// VIN is a validated vehicle identification number (车辆识别代号).
type VIN string

// vinWeights are the ISO 3779 position weights; position 9 holds the check
// digit itself and so weighs nothing.
var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinValue transliterates a VIN character; -1 marks characters a VIN may not
// contain. I, O and Q are excluded because they read as 1, 0 and 0.
func vinValue(c rune) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return -1
}

// VINCheckDigit computes the check digit of a canonical 17-character VIN
// candidate. The character at position 9 is ignored, so a caller may pass
// any placeholder there to compute the digit for a new VIN.
func VINCheckDigit(v string) (byte, bool) {
	if len(v) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if i == 8 {
			continue
		}
		val := vinValue(rune(v[i]))
		if val < 0 {
			return 0, false
		}
		sum += val * vinWeights[i]
	}
	r := sum % 11
	if r == 10 {
		return 'X', true
	}
	return byte('0' + r), true
}

// ParseVIN normalises s and validates it. allowBadCheck accepts a wrong check
// digit, since not every vehicle sold in China is guaranteed to carry a valid
// one; the user decides after seeing the warning.
func ParseVIN(s string, allowBadCheck bool) (VIN, error) {
	v := Normalize(s)
	if v == "" {
		return "", field.New("vin", "vin_empty",
			"is empty; enter the 17-character VIN from the registration certificate",
			"不能为空，请输入行驶证上的17位车辆识别代号")
	}
	if n := utf8.RuneCountInString(v); n != 17 {
		return "", field.New("vin", "vin_length",
			fmt.Sprintf("has %d characters; a VIN has exactly 17", n),
			fmt.Sprintf("共%d个字符，车辆识别代号应为17位", n))
	}
	for i, c := range []rune(v) {
		if vinValue(c) >= 0 {
			continue
		}
		pos := i + 1
		if c == 'I' || c == 'O' || c == 'Q' {
			hint := map[rune]rune{'I': '1', 'O': '0', 'Q': '0'}[c]
			return "", field.New("vin", "vin_char",
				fmt.Sprintf("the %s character is the letter %c, which VINs never use; did you mean the digit %c?", ordinalEn(pos), c, hint),
				fmt.Sprintf("第%d位是字母“%c”，车辆识别代号不使用I、O、Q，是否应为数字%c？", pos, c, hint))
		}
		return "", field.New("vin", "vin_char",
			fmt.Sprintf("the %s character %s is not allowed; a VIN has only digits and letters (no I, O or Q)", ordinalEn(pos), quoteEn(c)),
			fmt.Sprintf("第%d位%s无效，车辆识别代号只含数字和字母（不含I、O、Q）", pos, quoteZh(c)))
	}
	want, _ := VINCheckDigit(v)
	if v[8] != want && !allowBadCheck {
		return "", field.New("vin", "vin_check",
			fmt.Sprintf("the 9th character is the check digit and should be %c for this VIN, not %c; check the VIN for a typo", want, v[8]),
			fmt.Sprintf("第9位是校验位，按此代号应为%c而不是%c，请检查是否输错", want, v[8]))
	}
	return VIN(v), nil
}
