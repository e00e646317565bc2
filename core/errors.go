package core

import (
	"errors"
	"strings"
)

// Sentinels for the kinds of refusal the CLI and UI treat as the user's to fix
// (exit code 2), as opposed to failures of the machine (exit code 1).
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrInUse     = errors.New("in use")
	ErrAmbiguous = errors.New("ambiguous")
)

// Problem is a refusal with a sentence in both languages; errors.Is matches it
// against its Kind sentinel.
type Problem struct {
	Kind  error
	Field string
	En    string
	Zh    string
}

func (p *Problem) Error() string        { return p.En }
func (p *Problem) Is(target error) bool { return target == p.Kind }
func (p *Problem) Unwrap() error        { return p.Kind }
func (p *Problem) Message(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") && p.Zh != "" {
		return p.Zh
	}
	return p.En
}

func NotFound(fieldName, en, zh string) error {
	return &Problem{Kind: ErrNotFound, Field: fieldName, En: en, Zh: zh}
}

func Conflict(fieldName, en, zh string) error {
	return &Problem{Kind: ErrConflict, Field: fieldName, En: en, Zh: zh}
}

func InUse(fieldName, en, zh string) error {
	return &Problem{Kind: ErrInUse, Field: fieldName, En: en, Zh: zh}
}

func Ambiguous(fieldName, en, zh string) error {
	return &Problem{Kind: ErrAmbiguous, Field: fieldName, En: en, Zh: zh}
}

// IsUserError reports whether err is the user's to fix rather than a failure.
func IsUserError(err error) bool {
	var p *Problem
	var f interface{ Message(string) string }
	return errors.As(err, &p) || errors.As(err, &f)
}
