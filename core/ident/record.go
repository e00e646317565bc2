package ident

import (
	"fmt"
	"unicode/utf8"

	"ticketbook/core/field"
)

// recordMaxLen bounds a violation record number; real ones are far shorter,
// so anything longer is a paste of something else.
const recordMaxLen = 32

// ParseRecordNumber normalises a violation record number (违法编号), the
// identifier a camera record has before any decision exists: 1 to 32 digits
// and ASCII letters.
func ParseRecordNumber(s string) (string, error) {
	v := Normalize(s)
	if v == "" {
		return "", field.New("record_number", "record_empty",
			"is empty; enter the violation record number shown with the camera record",
			"不能为空，请输入违法记录上的违法编号")
	}
	for i, c := range []rune(v) {
		if !isAlnumASCII(c) {
			return "", field.New("record_number", "record_char",
				fmt.Sprintf("the %s character is %s; a record number has only digits and letters", ordinalEn(i+1), quoteEn(c)),
				fmt.Sprintf("第%d位是%s，违法编号只含数字和字母", i+1, quoteZh(c)))
		}
	}
	if n := utf8.RuneCountInString(v); n > recordMaxLen {
		return "", field.New("record_number", "record_length",
			fmt.Sprintf("has %d characters; a record number has at most %d", n, recordMaxLen),
			fmt.Sprintf("共%d个字符，违法编号最多%d位", n, recordMaxLen))
	}
	return v, nil
}
