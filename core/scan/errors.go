package scan

import (
	"strings"
)

// Error is why an image could not be scanned, as one line in English and
// Chinese. Callers match with errors.Is against the Err* sentinels (same
// Code) or read Code directly; the sentences are for people.
type Error struct {
	Code string
	En   string
	Zh   string
	Err  error // underlying cause, if any
}

func (e *Error) Error() string { return e.En }
func (e *Error) Unwrap() error { return e.Err }

// Is matches any *Error with the same Code, so errors.Is(err, ErrTruncated)
// works whatever the details in the sentence.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Message renders the error in lang ("zh..." for Chinese, else English).
func (e *Error) Message(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") && e.Zh != "" {
		return e.Zh
	}
	return e.En
}

// Sentinels for errors.Is; only Code matters.
var (
	ErrEmpty     = &Error{Code: "empty"}
	ErrTooLarge  = &Error{Code: "too_large"} // more bytes or pixels than allowed
	ErrNotImage  = &Error{Code: "not_image"} // not a format we read
	ErrTruncated = &Error{Code: "truncated"} // the file ends too early
	ErrCorrupt   = &Error{Code: "corrupt"}   // a known format, but broken
	ErrTimeout   = &Error{Code: "timeout"}   // the per-image time ran out
	ErrCanceled  = &Error{Code: "canceled"}  // the caller's context ended
	ErrInternal  = &Error{Code: "internal"}  // a decoder crashed; recovered
	ErrIO        = &Error{Code: "io"}        // the file could not be read
)

func newErr(code, en, zh string, cause error) *Error {
	return &Error{Code: code, En: en, Zh: zh, Err: cause}
}
