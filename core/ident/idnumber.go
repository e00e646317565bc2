package ident

import (
	"fmt"
	"time"
	"unicode/utf8"

	"ticketbook/core/field"
)

// IDNumber is a validated 18-character resident identity number (居民身份证号码),
// which is also the driving licence number.
type IDNumber string

// now is replaceable so tests can pin "today" around a birthday.
var now = time.Now

var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idChecks  = "10X98765432"
)

// ParseIDNumber normalises s (so a lower-case x is accepted) and validates the
// length, the digits, the birth date and the ISO 7064 MOD 11-2 check character.
func ParseIDNumber(s string) (IDNumber, error) {
	v := Normalize(s)
	if v == "" {
		return "", idErr("id_empty",
			"is empty; enter the 18-character number from the ID card or driving licence",
			"不能为空，请输入身份证或驾驶证上的18位号码")
	}
	if n := utf8.RuneCountInString(v); n != 18 {
		if n == 15 && allDigits(v) {
			return "", idErr("id_length",
				"has 15 digits, the old first-generation format; enter the 18-character number from the current ID card",
				"为15位旧式号码，请输入现行身份证上的18位号码")
		}
		return "", idErr("id_length",
			fmt.Sprintf("has %d characters; an ID number has 18 (17 digits and a final digit or X)", n),
			fmt.Sprintf("共%d个字符，身份证号码应为18位（17位数字加1位数字或X）", n))
	}
	for i, c := range []rune(v) {
		if isDigit(c) || (i == 17 && c == 'X') {
			continue
		}
		if i == 17 {
			return "", idErr("id_char",
				fmt.Sprintf("the last character is %s; it must be a digit or X", quoteEn(c)),
				fmt.Sprintf("最后一位是%s，应为数字或X", quoteZh(c)))
		}
		return "", idErr("id_char",
			fmt.Sprintf("the %s character is %s; the first 17 characters are all digits", ordinalEn(i+1), quoteEn(c)),
			fmt.Sprintf("第%d位是%s，前17位应全为数字", i+1, quoteZh(c)))
	}
	birth, ok := birthDate(v)
	today := now()
	todayDate := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if !ok || birth.Before(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) || birth.After(todayDate) {
		ds := v[6:10] + "-" + v[10:12] + "-" + v[12:14]
		return "", idErr("id_birth_date",
			fmt.Sprintf("characters 7 to 14 give the birth date %s, which is not a real date between 1900 and today; check for a typo", ds),
			fmt.Sprintf("第7至14位表示出生日期%s，这不是1900年至今的有效日期，请检查是否输错", ds))
	}
	if want := idCheckChar(v); v[17] != want {
		return "", idErr("id_check",
			fmt.Sprintf("the last character should be %c for the first 17 digits, not %c; check the number for a typo", want, v[17]),
			fmt.Sprintf("按前17位计算，最后一位应为%c而不是%c，请检查是否输错", want, v[17]))
	}
	return IDNumber(v), nil
}

// idCheckChar is the ISO 7064 MOD 11-2 check character of the first 17 digits.
func idCheckChar(v string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(v[i]-'0') * idWeights[i]
	}
	return idChecks[sum%11]
}

// birthDate reads digits 7-14 of a candidate whose first 17 characters are
// digits; ok is false when they do not name a real calendar day.
func birthDate(v string) (time.Time, bool) {
	if len(v) < 14 || !allDigits(v[6:14]) {
		return time.Time{}, false
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, m, d := num(v[6:10]), num(v[10:12]), num(v[12:14])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	// time.Date normalises Feb 30 to Mar 2; a round trip exposes that.
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// Masked shows the region and the last four characters only, which is what
// Chinese apps show and what a user recognises as theirs.
func (n IDNumber) Masked() string { return mask(string(n), 6, 4) }

// BirthDate is midnight UTC of the birth day; the zero time when n is not a
// parsed ID number.
func (n IDNumber) BirthDate() time.Time {
	t, _ := birthDate(string(n))
	return t
}

func idErr(code, en, zh string) *field.Error { return field.New("id_number", code, en, zh) }
