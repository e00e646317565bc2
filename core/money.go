package core

import (
	"encoding/json"
	"fmt"
	"strings"

	"ticketbook/core/field"
)

// Fen is an amount of money in fen (0.01 yuan). Money never touches a float.
type Fen int64

// maxFen bounds amounts to something a traffic fine could be (10 million yuan)
// so a typo cannot overflow sums.
const maxFen Fen = 10_000_000_00

// ParseYuan reads what a user types for an amount in yuan: "200", "200.5",
// "¥200.50", "200元", with full-width digits. At most two decimals, not negative.
func ParseYuan(fieldName, s string) (Fen, error) {
	in := strings.TrimSpace(toHalfWidth(s))
	in = strings.TrimPrefix(in, "¥")
	in = strings.TrimPrefix(in, "￥")
	in = strings.TrimSuffix(in, "元")
	in = strings.ReplaceAll(in, ",", "")
	in = strings.TrimSpace(in)
	bad := func(en, zh string) (Fen, error) {
		return 0, field.New(fieldName, "money_format", en, zh)
	}
	if in == "" {
		return bad("is empty; give an amount in yuan such as 200 or 150.50", "为空；请填写金额（元），如 200 或 150.50")
	}
	if strings.HasPrefix(in, "-") {
		return bad("cannot be negative", "不能为负数")
	}
	whole, frac, hasDot := strings.Cut(in, ".")
	if whole == "" && hasDot {
		whole = "0"
	}
	if !allDigits(whole) || (hasDot && !allDigits(frac)) {
		return bad(fmt.Sprintf("%q is not an amount in yuan such as 200 or 150.50", s), fmt.Sprintf("“%s”不是金额，应填写如 200 或 150.50", s))
	}
	if len(frac) > 2 {
		return bad("has more than two decimals (the smallest unit is 0.01 yuan)", "小数超过两位（最小单位为 0.01 元）")
	}
	if len(whole) > 9 {
		return bad("is too large", "金额过大")
	}
	var v Fen
	for _, r := range whole {
		v = v*10 + Fen(r-'0')
	}
	frac = (frac + "00")[:2]
	v = v*100 + Fen(frac[0]-'0')*10 + Fen(frac[1]-'0')
	if v > maxFen {
		return bad("is too large", "金额过大")
	}
	return v, nil
}

// Yuan renders the amount as "200.00".
func (f Fen) Yuan() string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	return fmt.Sprintf("%s%d.%02d", sign, f/100, f%100)
}

func (f Fen) String() string { return f.Yuan() }

// MarshalJSON keeps JSON money an integer count of fen.
func (f Fen) MarshalJSON() ([]byte, error) { return json.Marshal(int64(f)) }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// toHalfWidth maps full-width ASCII (what Chinese input methods type) to ASCII.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x3000:
			return ' '
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		}
		return r
	}, s)
}
