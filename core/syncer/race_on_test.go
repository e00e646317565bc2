//go:build race

package syncer_test

// The race detector slows each run about sixfold; make test runs the full
// thousand without it and a sample with it.
const raceEnabled = true
