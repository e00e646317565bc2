// Package field carries validation problems that name the field at fault and
// say, in English and Chinese, what is wrong with it. The CLI and the UI render
// them in the user's language; callers match on Field and Code, never on text.
package field

import (
	"errors"
	"strings"
)

// Error is one problem with one input field.
type Error struct {
	Field string // stable machine name, e.g. "plate"
	Code  string // stable reason, e.g. "plate_province"
	En    string // the sentence in English, without the field name
	Zh    string // the same sentence in Chinese
}

// New builds an Error; en and zh are already formatted.
func New(fieldName, code, en, zh string) *Error {
	return &Error{Field: fieldName, Code: code, En: en, Zh: zh}
}

func (e *Error) Error() string { return Label(e.Field, "en") + ": " + e.En }

// Message renders the problem in lang ("zh" or anything else for English).
func (e *Error) Message(lang string) string {
	if isZh(lang) && e.Zh != "" {
		return Label(e.Field, "zh") + "：" + e.Zh
	}
	return Label(e.Field, "en") + ": " + e.En
}

// Errors collects several field problems found in one input.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Message renders every problem in lang, separated so a one-line error stays one line.
func (es Errors) Message(lang string) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Message(lang)
	}
	sep := "; "
	if isZh(lang) {
		sep = "；"
	}
	return strings.Join(parts, sep)
}

// Unwrap lets errors.As find any single *Error inside.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Err returns nil for an empty collection so callers can `return errs.Err()`.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Add appends err when it is a field problem (or several); any other non-nil
// error is kept as a problem of the given field so nothing is silently lost.
func (es *Errors) Add(fieldName string, err error) {
	if err == nil {
		return
	}
	var many Errors
	if errors.As(err, &many) {
		*es = append(*es, many...)
		return
	}
	var one *Error
	if errors.As(err, &one) {
		*es = append(*es, one)
		return
	}
	*es = append(*es, New(fieldName, "invalid", err.Error(), err.Error()))
}

// Localize renders any error for a user: field problems in lang, others as they are.
func Localize(err error, lang string) string {
	if err == nil {
		return ""
	}
	var many Errors
	if errors.As(err, &many) {
		return many.Message(lang)
	}
	var one *Error
	if errors.As(err, &one) {
		return one.Message(lang)
	}
	var loc interface{ Message(string) string }
	if errors.As(err, &loc) {
		return loc.Message(lang)
	}
	return err.Error()
}

// Is reports whether err holds a field problem (bad input rather than a failure).
func Is(err error) bool {
	var one *Error
	return errors.As(err, &one)
}

func isZh(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "zh") }
