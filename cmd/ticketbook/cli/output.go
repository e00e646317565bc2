package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
)

// table prints aligned columns; widths count a CJK character as two cells so
// Chinese plates and names line up in a terminal (text/tabwriter counts runes).
type table struct {
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) print(w io.Writer) {
	if len(t.rows) == 0 {
		return
	}
	widths := map[int]int{}
	for _, r := range t.rows {
		for i, c := range r {
			if n := runewidth.StringWidth(c); n > widths[i] {
				widths[i] = n
			}
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func (e *env) localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(e.loc).Format("2006-01-02 15:04")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// jsonList makes an empty result print as [] rather than null: scripts
// iterate over it.
func jsonList[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
