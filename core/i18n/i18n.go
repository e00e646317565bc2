// Package i18n is Ticketbook's own translation layer: Fyne follows the OS
// language only, while users must be able to pick Chinese or English in the
// app and on the command line. Catalogs are flat JSON objects of key to
// fmt-style text, loaded once at start.
package i18n

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Lang is "en" or "zh".
type Lang string

const (
	EN Lang = "en"
	ZH Lang = "zh"
)

// ParseLang accepts zh, zh_CN.UTF-8, en, en-US and the like; ok is false for anything else.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "zh"):
		return ZH, true
	case strings.HasPrefix(s, "en"), s == "c", s == "posix":
		return EN, true
	}
	return "", false
}

// FromEnv follows the locale the way gettext does (LC_ALL, LC_MESSAGES, LANG),
// falling back to English.
func FromEnv() Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		if v := os.Getenv(k); v != "" {
			if l, ok := ParseLang(v); ok {
				return l
			}
		}
	}
	return EN
}

// Catalog holds the texts of every language; a missing key falls back to
// English, then to the key itself, so a gap shows rather than blanks.
type Catalog struct {
	texts map[Lang]map[string]string
}

// Load builds a catalog from JSON documents by language; several documents of
// one language are merged, and a key defined twice is an error (two screens
// would silently fight over it).
func Load(docs map[Lang][][]byte) (*Catalog, error) {
	c := &Catalog{texts: map[Lang]map[string]string{}}
	for lang, ds := range docs {
		m := map[string]string{}
		for i, doc := range ds {
			part := map[string]string{}
			if err := json.Unmarshal(doc, &part); err != nil {
				return nil, fmt.Errorf("translations %s #%d: %w", lang, i+1, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("translations %s: key %q is defined twice", lang, k)
				}
				m[k] = v
			}
		}
		c.texts[lang] = m
	}
	return c, nil
}

// Keys lists the keys of one language, for tests that keep catalogs in step.
func (c *Catalog) Keys(lang Lang) []string {
	out := make([]string, 0, len(c.texts[lang]))
	for k := range c.texts[lang] {
		out = append(out, k)
	}
	return out
}

// T translates key into lang, formatting args fmt-style.
func (c *Catalog) T(lang Lang, key string, args ...any) string {
	s, ok := c.texts[lang][key]
	if !ok {
		if s, ok = c.texts[EN][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang Lang, key string) bool {
	_, ok := c.texts[lang][key]
	return ok
}
