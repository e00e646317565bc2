// Package assets embeds what the binary carries with it: translations, the
// CJK font subset and icons.
package assets

import (
	"embed"
	_ "embed"
	"io/fs"
	"path"

	"ticketbook/core/i18n"
)

// Each screen keeps its strings in its own file per language
// (translations/en/violations.json, ...); they are merged at load.
//
//go:embed translations
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
	docs := map[i18n.Lang][][]byte{}
	for _, l := range []i18n.Lang{i18n.EN, i18n.ZH} {
		dir := "translations/" + string(l)
		entries, err := fs.ReadDir(translations, dir)
		if err != nil {
			panic(err)
		}
		for _, e := range entries {
			b, err := translations.ReadFile(path.Join(dir, e.Name()))
			if err != nil {
				panic(err)
			}
			docs[l] = append(docs[l], b)
		}
	}
	c, err := i18n.Load(docs)
	if err != nil {
		panic(err)
	}
	return c
}
