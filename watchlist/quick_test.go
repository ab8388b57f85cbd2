//go:build !long

package watchlist

// The sizes of the normal suite, which must stay quick under -race on two
// cores; long_test.go has the full ones (go test -race -tags long, a step of
// its own in CI).
const (
	crashKills = 25   // TestCrash: SIGKILLs of a writer at random moments
	bigLists   = 1000 // TestMaxListRoundTrips: largest-entry tasks in one file
)
