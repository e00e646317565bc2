// Package ident parses, normalises and validates the identifiers of Chinese
// traffic administration: plates and plate types, VINs, resident ID numbers,
// licence file numbers, penalty decision numbers and violation record numbers.
//
// Every parser first runs Normalize, so callers may pass what the user typed.
// Every refusal is a *field.Error whose Field and Code are stable; its En and
// Zh sentences are meant to be shown to the user as they are.
package ident

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize turns what people type into canonical form: full-width ASCII
// becomes half-width, whitespace and separators disappear, ASCII letters are
// upper-cased. CJK characters are kept as they are.
//
// Besides the separators people type on purpose, zero-width characters and
// dash look-alikes are removed too: they arrive invisibly with text pasted
// from web pages and chat apps, and a user cannot see why the paste fails.
// Invalid UTF-8 becomes U+FFFD so that the result is always valid UTF-8 and
// Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - 0x21
		case r == 0x3000:
			r = ' '
		}
		if unicode.IsSpace(r) || isSeparator(r) {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isSeparator(r rune) bool {
	switch r {
	case '·', '・', '•', '‧', '.', '-', '_', // '．' and '－' arrive here half-width
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212', // dash look-alikes
		'\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF': // invisible
		return true
	}
	return false
}

// quoteEn and quoteZh show a character to a user. Control characters and the
// like would be invisible or break the line, so they appear as U+XXXX.
func quoteEn(r rune) string { return `"` + showRune(r) + `"` }
func quoteZh(r rune) string { return "“" + showRune(r) + "”" }

func showRune(r rune) string {
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

// ordinalEn is "1st", "2nd", ... for positions a user counts from one.
func ordinalEn(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

func isDigit(r rune) bool      { return r >= '0' && r <= '9' }
func isUpper(r rune) bool      { return r >= 'A' && r <= 'Z' }
func isAlnumASCII(r rune) bool { return isDigit(r) || isUpper(r) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// mask keeps the first head and last tail runes of s and stars the rest. A
// value too short to hide anything that way is starred completely, because
// showing all of it would defeat the mask.
func mask(s string, head, tail int) string {
	rs := []rune(s)
	if len(rs) <= head+tail {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:head]) + strings.Repeat("*", len(rs)-head-tail) + string(rs[len(rs)-tail:])
}

func isZh(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "zh") }

// clip shortens what the user typed before it is echoed in a message, so a
// pasted paragraph does not become a paragraph-long error.
func clip(s string) string {
	const limit = 24
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "…"
}
