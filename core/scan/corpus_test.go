package scan

import (
	"context"
	"slices"
	"testing"
	"time"

	"ticketbook/core/scan/corpus"
)

// TestCorpus reads every everyday case: each expected text must be found
// and nothing else may be reported.
func TestCorpus(t *testing.T) {
	dir := t.TempDir()
	cases, err := corpus.Generate(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("corpus has %d cases; expected the full set", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			res, err := DecodeFile(context.Background(), c.File, Options{Timeout: 30 * time.Second})
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			var got []string
			for _, code := range res.Codes {
				got = append(got, code.Text)
				if !slices.Contains(c.Want, code.Text) {
					t.Errorf("WRONG READ %s %q (want only %q)", code.Format, code.Text, c.Want)
				}
			}
			for _, w := range c.Want {
				if !slices.Contains(got, w) {
					t.Errorf("missed %q (got %q)", w, got)
				}
			}
		})
	}
}
