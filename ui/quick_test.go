//go:build !long

package ui

// The sizes of the normal suite, which must stay quick under -race on two
// cores; long_test.go has the full ones (go test -race -tags long, a step of
// its own in CI).
const (
	// fuzzEvents is how many events TestKeyFuzz sends a session.
	fuzzEvents = 100
	// typedMost: TestKeyFuzz types at most the last 64 runes of a
	// command line and pastes the rest (typeLine);
	// TestTypingStopsAtEachBoxsLimit types the last 64 runes before a
	// box's limit and puts the rest in at once.
	typedMost = 64
	// sweepEvery: TestWidthSweep draws the widths where the layout plan
	// changes and a sample of the rest (see sweepSizes).
	sweepEvery = false
	// orderSeeds: TestIncrementalOrderMatchesFullSort runs seeds 0 to 15
	// (odd ones with an alert rule).
	orderSeeds uint64 = 16
)
