package ident

import (
	"fmt"
	"unicode/utf8"

	"ticketbook/core/field"
)

// LicenceFile is a validated 12-digit driving licence file number (档案编号).
type LicenceFile string

// ParseLicenceFile normalises s and requires exactly 12 digits.
func ParseLicenceFile(s string) (LicenceFile, error) {
	v := Normalize(s)
	if v == "" {
		return "", field.New("licence_file", "licence_file_empty",
			"is empty; enter the 12-digit file number printed on the driving licence",
			"不能为空，请输入驾驶证上的12位档案编号")
	}
	for i, c := range []rune(v) {
		if !isDigit(c) {
			return "", field.New("licence_file", "licence_file_format",
				fmt.Sprintf("the %s character is %s; the file number has only digits", ordinalEn(i+1), quoteEn(c)),
				fmt.Sprintf("第%d位是%s，档案编号只含数字", i+1, quoteZh(c)))
		}
	}
	if n := utf8.RuneCountInString(v); n != 12 {
		return "", field.New("licence_file", "licence_file_format",
			fmt.Sprintf("has %d digits; the file number has exactly 12", n),
			fmt.Sprintf("共%d位数字，档案编号应为12位", n))
	}
	return LicenceFile(v), nil
}

// Masked shows only the first and last two digits: enough to tell licences
// apart on screen without exposing the number.
func (l LicenceFile) Masked() string { return mask(string(l), 2, 2) }
