//go:build long

package ui

// The full sizes (-tags long); quick_test.go has the normal suite's.
const (
	// fuzzEvents: at 300 events a session the ": then space then tab"
	// panic of issue 19 failed 6 seeds of 10 (1 to 10).
	fuzzEvents = 300
	// typedMost: TestKeyFuzz types every rune of a command line, the
	// 2,000 of its longest one too; TestTypingStopsAtEachBoxsLimit types
	// every rune up to a box's limit.
	typedMost = 1 << 30
	// sweepEvery: TestWidthSweep draws every width from 1 to 240 at ten
	// heights from 1 to 80.
	sweepEvery = true
	// orderSeeds: TestIncrementalOrderMatchesFullSort runs seeds 0 to 39.
	orderSeeds uint64 = 40
)
