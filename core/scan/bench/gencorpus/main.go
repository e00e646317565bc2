// Command gencorpus writes the scanner's test corpus and a manifest.json of
// the expected texts, for bench/compare.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"ticketbook/core/scan/corpus"
)

func main() {
	dir := flag.String("dir", "", "output directory (created)")
	seed := flag.Int64("seed", 1, "random seed")
	small := flag.Bool("small", true, "the everyday cases")
	large := flag.Bool("large", true, "12 MP photos")
	huge := flag.Bool("huge", true, "one 48 MP photo")
	stress := flag.Int("stress", 0, "randomised stress cases to add")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: gencorpus -dir DIR [-seed N] [-small] [-large] [-huge]")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cases, err := corpus.GenerateWith(*dir, *seed, corpus.Config{Small: *small, Large: *large, Huge: *huge, Stress: *stress})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	b, _ := json.MarshalIndent(cases, "", "  ")
	if err := os.WriteFile(filepath.Join(*dir, "manifest.json"), b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d images to %s\n", len(cases), *dir)
}
