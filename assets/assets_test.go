package assets

import (
	"sort"
	"strings"
	"testing"

	"ticketbook/core/i18n"
)

// Every UI string must exist in both languages, or a user sees a raw key.
func TestTranslationsHaveTheSameKeys(t *testing.T) {
	c := Catalog()
	en, zh := c.Keys(i18n.EN), c.Keys(i18n.ZH)
	sort.Strings(en)
	sort.Strings(zh)
	if strings.Join(en, ",") != strings.Join(zh, ",") {
		for _, k := range en {
			if !c.Has(i18n.ZH, k) {
				t.Errorf("zh lacks %q", k)
			}
		}
		for _, k := range zh {
			if !c.Has(i18n.EN, k) {
				t.Errorf("en lacks %q", k)
			}
		}
	}
	if len(en) == 0 {
		t.Fatal("no translations embedded")
	}
}

func TestFontsAreEmbedded(t *testing.T) {
	for name, b := range map[string][]byte{"regular": FontRegular, "bold": FontBold} {
		// An OpenType font with CFF outlines starts with "OTTO".
		if len(b) < 1<<20 || string(b[:4]) != "OTTO" {
			t.Errorf("%s font missing or not a single OpenType font (%d bytes)", name, len(b))
		}
	}
}
