// Package assets embeds what the binary carries with it: translations, the
// CJK font subset and icons.
package assets

import (
	"embed"
	_ "embed"

	"ticketbook/core/i18n"
)

//go:embed translations/*.json
var translations embed.FS

//go:embed fonts/NotoSansSC-Regular-subset.otf
var FontRegular []byte

//go:embed fonts/NotoSansSC-Bold-subset.otf
var FontBold []byte

//go:embed icon.png
var Icon []byte

// Catalog loads the embedded translations; it panics only if the embedded
// files are broken, which a test catches before release.
func Catalog() *i18n.Catalog {
	docs := map[i18n.Lang][]byte{}
	for _, l := range []i18n.Lang{i18n.EN, i18n.ZH} {
		b, err := translations.ReadFile("translations/" + string(l) + ".json")
		if err != nil {
			panic(err)
		}
		docs[l] = b
	}
	c, err := i18n.Load(docs)
	if err != nil {
		panic(err)
	}
	return c
}
