package ident

import (
	"fmt"
	"strconv"

	"ticketbook/core/field"
)

// DocKind is the document kind in digit 7 of a decision number.
type DocKind int

const (
	DocUnknown           DocKind = 0
	DocSimpleDecision    DocKind = 1 // 简易程序处罚决定书
	DocGeneralDecision   DocKind = 2 // 一般程序（行政）处罚决定书
	DocCompulsoryMeasure DocKind = 3 // 行政强制措施凭证
	DocHandlingNotice    DocKind = 6 // 违法处理通知书
)

var docKindNames = map[DocKind][2]string{
	DocUnknown:           {"unknown document", "未知文书"},
	DocSimpleDecision:    {"simple-procedure penalty decision", "简易程序处罚决定书"},
	DocGeneralDecision:   {"general-procedure penalty decision", "一般程序处罚决定书"},
	DocCompulsoryMeasure: {"compulsory-measure voucher", "行政强制措施凭证"},
	DocHandlingNotice:    {"violation handling notice", "违法处理通知书"},
}

// Name is the document kind in lang ("zh..." for Chinese, else English).
func (k DocKind) Name(lang string) string {
	n, ok := docKindNames[k]
	if !ok {
		n = docKindNames[DocUnknown]
	}
	if isZh(lang) {
		return n[1]
	}
	return n[0]
}

// DecisionNumber is a penalty decision number (决定书编号), read as far as its
// digits tell. Its layout is known from practice, not from a published
// standard, so a failed check is a warning, never a refusal.
type DecisionNumber struct {
	Digits   string // 15 or 16 digits
	Region   string // digits 1-6: the issuing unit's region code
	Kind     DocKind
	HasCheck bool // 16 digits
	CheckOK  bool // when HasCheck: digit 16 == (digits 7-15 as integer) mod 7
}

func (d DecisionNumber) String() string { return d.Digits }

// ParseDecisionNumber normalises s and requires 15 or 16 digits.
func ParseDecisionNumber(s string) (DecisionNumber, error) {
	v := Normalize(s)
	for i, c := range []rune(v) {
		if !isDigit(c) {
			return DecisionNumber{}, field.New("decision_number", "decision_digits",
				fmt.Sprintf("the %s character is %s; a decision number has only digits", ordinalEn(i+1), quoteEn(c)),
				fmt.Sprintf("第%d位是%s，决定书编号只含数字", i+1, quoteZh(c)))
		}
	}
	if len(v) != 15 && len(v) != 16 {
		return DecisionNumber{}, field.New("decision_number", "decision_length",
			fmt.Sprintf("has %d digits; the decision number printed on the notice has 16 (older ones 15)", len(v)),
			fmt.Sprintf("共%d位数字，决定书上的编号应为16位（旧式为15位）", len(v)))
	}
	d := DecisionNumber{Digits: v, Region: v[:6]}
	switch k := DocKind(v[6] - '0'); k {
	case DocSimpleDecision, DocGeneralDecision, DocCompulsoryMeasure, DocHandlingNotice:
		d.Kind = k
	}
	if len(v) == 16 {
		d.HasCheck = true
		d.CheckOK = v[15] == decisionCheck(v)
	}
	return d, nil
}

// decisionCheck is the check digit one province's handheld printers append.
func decisionCheck(v string) byte {
	n, _ := strconv.ParseUint(v[6:15], 10, 64) // nine digits always fit
	return byte('0' + n%7)
}

// Warning says what the user should double-check before paying; nil when
// nothing. A 15-digit number is warned about because banks reject it, and a
// payment attempt would fail only after the user has committed to it.
func (d DecisionNumber) Warning() *field.Error {
	switch {
	case d.Digits == "":
		return nil
	case !d.HasCheck:
		return field.New("decision_number", "decision_no_check",
			"has only 15 digits and banks reject a 15-digit number; check the 16th digit on the notice",
			"只有15位，银行不受理15位编号，请核对决定书上的第16位数字")
	case !d.CheckOK && len(d.Digits) == 16:
		want := decisionCheck(d.Digits)
		return field.New("decision_number", "decision_check",
			fmt.Sprintf("the last digit is %c but the digits before it suggest %c; compare the number with the notice before paying", d.Digits[15], want),
			fmt.Sprintf("最后一位是%c，但按前面的数字应为%c，缴款前请与决定书核对", d.Digits[15], want))
	}
	return nil
}
