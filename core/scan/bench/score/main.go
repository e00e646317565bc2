// Command score compares barcode readers on the generated corpus for
// bench/compare.sh: it reads the manifest of expected texts and, for each
// reader, a TSV of "file<TAB>microseconds" plus one output file per image,
// and prints one table.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

type kase struct {
	Name       string   `json:"name"`
	File       string   `json:"file"`
	Want       []string `json:"want"`
	Megapixels float64  `json:"megapixels"`
}

func main() {
	manifest := flag.String("manifest", "", "manifest.json from gencorpus")
	results := flag.String("results", "", "directory with <reader>.tsv and <reader>/<image>.out")
	verbose := flag.Bool("v", false, "list every image a reader got wrong")
	flag.Parse()
	var cases []kase
	b, err := os.ReadFile(*manifest)
	if err == nil {
		err = json.Unmarshal(b, &cases)
	}
	if err != nil {
		fail(err)
	}
	byFile := map[string]kase{}
	for _, c := range cases {
		byFile[filepath.Base(c.File)] = c
	}
	fmt.Printf("%-22s %14s %12s %16s %18s\n", "reader", "read fully", "wrong reads", "median ms/image", "median ms/12MP")
	var notes []string
	for _, reader := range flag.Args() {
		tsv, err := os.Open(filepath.Join(*results, reader+".tsv"))
		if err != nil {
			fmt.Printf("%-22s %s\n", reader, "not run")
			continue
		}
		var all, big []float64
		full, n, wrong := 0, 0, 0
		sc := bufio.NewScanner(tsv)
		for sc.Scan() {
			f := strings.Split(sc.Text(), "\t")
			if len(f) != 2 {
				continue
			}
			c, ok := byFile[f[0]]
			if !ok {
				continue
			}
			us, _ := strconv.ParseFloat(f[1], 64)
			ms := us / 1000
			all = append(all, ms)
			if c.Megapixels > 10 && c.Megapixels < 14 {
				big = append(big, ms)
			}
			out, _ := os.ReadFile(filepath.Join(*results, reader, f[0]+".out"))
			got := parse(reader, string(out))
			n++
			var bad, missed []string
			for _, g := range got {
				if !slices.Contains(c.Want, g) {
					bad = append(bad, g)
				}
			}
			for _, w := range c.Want {
				if !slices.Contains(got, w) {
					missed = append(missed, w)
				}
			}
			wrong += len(bad)
			if len(bad) == 0 && len(missed) == 0 {
				full++
			} else if *verbose {
				notes = append(notes, fmt.Sprintf("  %s %s: missed %q wrong %q", reader, c.Name, short(missed), short(bad)))
			}
		}
		tsv.Close()
		fmt.Printf("%-22s %6s %5.1f%% %12d %16s %18s\n", reader, fmt.Sprintf("%d/%d", full, n), pct(full, n), wrong, median(all), median(big))
	}
	for _, l := range notes {
		fmt.Println(l)
	}
}

func short(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if r := []rune(s); len(r) > 40 {
			s = string(r[:40]) + "…"
		}
		out[i] = s
	}
	return out
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func median(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	sort.Float64s(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return fmt.Sprintf("%.0f", m)
}

var zxingLine = regexp.MustCompile(`^\S+ (\S+) "(.*)"$`)
var zxingEsc = regexp.MustCompile(`<U\+([0-9A-Fa-f]+)>`)

// parse turns one reader's output for one image into the texts it read.
func parse(reader, out string) []string {
	var texts []string
	switch {
	case strings.HasPrefix(reader, "ticketbook"):
		var r struct {
			Codes []struct {
				Text string `json:"text"`
			} `json:"codes"`
		}
		if json.Unmarshal([]byte(strings.TrimSpace(out)), &r) == nil {
			for _, c := range r.Codes {
				texts = append(texts, c.Text)
			}
		}
	case strings.HasPrefix(reader, "zbar"):
		for _, l := range strings.Split(out, "\n") {
			if l != "" {
				texts = append(texts, l)
			}
		}
	case strings.HasPrefix(reader, "zxing"):
		for _, l := range strings.Split(out, "\n") {
			m := zxingLine.FindStringSubmatch(l)
			if m == nil || m[1] == "None" {
				continue
			}
			// -1 output escapes everything outside printable ASCII as <U+XXXX>
			t := zxingEsc.ReplaceAllStringFunc(m[2], func(s string) string {
				v, _ := strconv.ParseUint(s[3:len(s)-1], 16, 32)
				return string(rune(v))
			})
			texts = append(texts, t)
		}
	}
	return texts
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
