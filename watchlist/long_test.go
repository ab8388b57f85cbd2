//go:build long

package watchlist

// The full sizes (-tags long); quick_test.go has the normal suite's.
const (
	crashKills = 200      // TestCrash: SIGKILLs of a writer at random moments
	bigLists   = MaxTasks // TestMaxListRoundTrips: the largest file trtcwatch writes
)
