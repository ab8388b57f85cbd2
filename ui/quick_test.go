//go:build !long

package ui

// The sizes of the normal suite, which must stay quick under -race on two
// cores; long_test.go has the full ones (go test -race -tags long, a step of
// its own in CI).
const (
	// fuzzEvents is how many events TestKeyFuzz sends a session.
	fuzzEvents = 100
	// fuzzTyped: TestKeyFuzz types at most the last 64 runes of a
	// command line and pastes the rest (typeLine).
	fuzzTyped = 64
	// sweepEvery: TestWidthSweep draws the widths where the layout plan
	// changes and a sample of the rest (see sweepSizes).
	sweepEvery = false
)
