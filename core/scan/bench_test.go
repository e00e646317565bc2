package scan

import (
	"context"
	"os"
	"sync"
	"testing"

	"ticketbook/core/scan/corpus"
)

var (
	benchOnce  sync.Once
	benchDir   string
	benchCases []corpus.Case
	benchErr   error
)

// benchCorpus generates the small and 12 MP sets once per test binary run;
// the files go to a temporary directory removed by TestMain.
func benchCorpus(b *testing.B) []corpus.Case {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "scan-bench-")
		if benchErr == nil {
			benchCases, benchErr = corpus.GenerateWith(benchDir, 1, corpus.Config{Small: true, Large: true})
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchCases
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchFiles(b *testing.B, pick func(corpus.Case) bool) {
	var files []string
	for _, c := range benchCorpus(b) {
		if pick(c) {
			files = append(files, c.File)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			if _, err := DecodeFile(context.Background(), f, Options{}); err != nil {
				b.Fatal(f, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(files)), "ms/image")
}

// BenchmarkScanCorpus reads every everyday case once per iteration.
func BenchmarkScanCorpus(b *testing.B) {
	benchFiles(b, func(c corpus.Case) bool { return c.Megapixels < 4 })
}

// BenchmarkScan12MP reads the 12 MP photos (JPEG decode included, as a user
// waits for it too).
func BenchmarkScan12MP(b *testing.B) {
	benchFiles(b, func(c corpus.Case) bool { return c.Megapixels >= 4 })
}
