//go:build !long

package watchlist

// The sizes of the normal suite, which must stay quick under -race on two
// cores; long_test.go has the full ones (go test -race -tags long, a step of
// its own in CI).
const (
	crashKills = 25  // TestCrash: SIGKILLs of a writer at random moments
	bigLists   = 100 // TestMaxListRoundTrips: largest-entry tasks in one file (the per-entry bound; 1,000 cost 0.8 s of CPU under -race)
)
