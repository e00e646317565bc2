package core

import (
	"strings"

	"ticketbook/core/field"
)

// choice is one allowed value of a closed set (owner kind, status, ...): the
// stable code stored and printed in JSON, and what a user reads or may type.
type choice struct {
	code    string
	en, zh  string
	aliases []string
}

type choiceSet struct {
	field   string
	choices []choice
}

func (s choiceSet) parse(input string) (string, error) {
	in := strings.ToLower(strings.TrimSpace(input))
	in = strings.NewReplacer("-", "_", " ", "_").Replace(in)
	for _, c := range s.choices {
		if in == c.code || in == strings.ToLower(strings.ReplaceAll(c.en, " ", "_")) || in == c.zh {
			return c.code, nil
		}
		for _, a := range c.aliases {
			if in == a {
				return c.code, nil
			}
		}
	}
	codes := s.codes()
	return "", field.New(s.field, s.field+"_unknown",
		"\""+input+"\" is not one of: "+strings.Join(codes, ", "),
		"“"+input+"”不是可选值之一："+strings.Join(codes, "、"))
}

func (s choiceSet) codes() []string {
	out := make([]string, len(s.choices))
	for i, c := range s.choices {
		out[i] = c.code
	}
	return out
}

func (s choiceSet) name(code, lang string) string {
	for _, c := range s.choices {
		if c.code == code {
			if strings.HasPrefix(lang, "zh") {
				return c.zh
			}
			return c.en
		}
	}
	return code
}
