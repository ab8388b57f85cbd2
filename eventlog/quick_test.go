//go:build !long

package eventlog

// The sizes of the normal suite, which must stay quick under -race on two
// cores; long_test.go has the full ones (go test -race -tags long, a step of
// its own in CI). Each kill starts the race-built test binary afresh
// (~150 ms), so 200 of them took 30 s.
const crashKills = 25 // TestKilledWriterLeavesLoadableLog: SIGKILLs of a writer at random points
