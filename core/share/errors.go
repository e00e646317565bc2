package share

import (
	"errors"
	"strings"

	"ticketbook/core/field"
)

// Error is why a payload was refused, in English and Chinese. Callers match
// on Code; the sentences are for people.
type Error struct {
	Code string
	En   string
	Zh   string
	Err  error // the field problem behind it, if any
}

func (e *Error) Error() string { return "share: " + e.En }
func (e *Error) Unwrap() error { return e.Err }

// Message renders the reason in lang ("zh..." for Chinese, else English).
func (e *Error) Message(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") && e.Zh != "" {
		return e.Zh
	}
	return e.En
}

func newErr(code, en, zh string) *Error { return &Error{Code: code, En: en, Zh: zh} }

func malformed(why string) *Error {
	return &Error{Code: "malformed", En: "not a valid Ticketbook code: " + why, Zh: "不是有效的 Ticketbook 二维码：格式错误"}
}

// fieldErr keeps the field's own bilingual sentence so the user learns
// which value is wrong, not just that something is.
func fieldErr(name string, err error) *Error {
	var fe *field.Error
	if errors.As(err, &fe) {
		return &Error{Code: "bad_" + name, En: fe.Message("en"), Zh: fe.Message("zh"), Err: err}
	}
	return &Error{Code: "bad_" + name, En: name + ": " + err.Error(), Zh: name + "：" + err.Error(), Err: err}
}
