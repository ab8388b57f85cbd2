//go:build long

package watch

import "time"

// The full sizes of the push tests, with -tags long: the flood of
// 10,000 callbacks a second for 10 s (TestPushFlood), and an hour of
// simulated polling of 2,000 tasks (TestPushCallsPerHour).
const (
	floodRate    = 10000
	floodFor     = 10 * time.Second
	quotaTasks   = 2000
	quotaRunTime = time.Hour
)
