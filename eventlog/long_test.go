//go:build long

package eventlog

// The full sizes (-tags long); quick_test.go has the normal suite's.
const crashKills = 200 // TestKilledWriterLeavesLoadableLog: SIGKILLs of a writer at random points
