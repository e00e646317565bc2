package ident

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"ticketbook/core/field"
)

// checkFieldErr asserts that err is a user-presentable field error: the right
// field and code, and sentences in both languages that were fully formatted.
func checkFieldErr(t *testing.T, err error, fieldName, code string) *field.Error {
	t.Helper()
	var fe *field.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *field.Error", err, err)
	}
	if fe.Field != fieldName {
		t.Errorf("Field = %q, want %q", fe.Field, fieldName)
	}
	if code != "" && fe.Code != code {
		t.Errorf("Code = %q, want %q (en: %s)", fe.Code, code, fe.En)
	}
	checkSentences(t, fe, "")
	return fe
}

// checkSentences also looks for fmt's "%!" mark of a wrong verb or argument
// count, unless the user's own input, echoed in the message, could hold it.
func checkSentences(t *testing.T, fe *field.Error, input string) {
	t.Helper()
	if fe.Code == "" || fe.En == "" || fe.Zh == "" {
		t.Errorf("incomplete error %+v", *fe)
	}
	if !strings.Contains(Normalize(input), "%") {
		for _, s := range []string{fe.En, fe.Zh} {
			if strings.Contains(s, "%!") {
				t.Errorf("badly formatted message %q", s)
			}
		}
	}
	if !strings.ContainsFunc(fe.Zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Errorf("Zh %q has no Chinese in it", fe.Zh)
	}
}

// fieldErrOK is checkFieldErr for fuzz targets, where the code is unknown
// and the input arbitrary.
func fieldErrOK(t *testing.T, err error, fieldName, input string) {
	t.Helper()
	var fe *field.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *field.Error", err, err)
	}
	if fe.Field != fieldName {
		t.Errorf("Field = %q, want %q", fe.Field, fieldName)
	}
	checkSentences(t, fe, input)
}
