package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTrace prints the steps run on the files in $SCAN_TRACE (a glob), for
// tuning the strategy by hand.
func TestTrace(t *testing.T) {
	glob := os.Getenv("SCAN_TRACE")
	if glob == "" {
		t.Skip("set SCAN_TRACE to a glob of images")
	}
	files, _ := filepath.Glob(glob)
	for _, f := range files {
		var steps []string
		traceHook = func(step string, d time.Duration, qr, lin int) {
			steps = append(steps, step+"="+d.Round(time.Millisecond).String())
		}
		start := time.Now()
		res, err := DecodeFile(context.Background(), f, Options{})
		var texts []string
		for _, c := range res.Codes {
			texts = append(texts, c.Format+":"+c.Text)
		}
		t.Logf("%s %v err=%v %v\n    %s", filepath.Base(f), time.Since(start).Round(time.Millisecond), err, texts, strings.Join(steps, " "))
	}
	traceHook = nil
}
