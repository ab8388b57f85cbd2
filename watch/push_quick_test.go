//go:build !long

package watch

import "time"

// The push tests' quick sizes; -tags long runs the full ones.
const (
	floodRate = 2000
	floodFor  = time.Second
	// TestPushCallsPerHour: 500 tasks need 12 times the quota, which
	// binds as it does at 2,000, and their first sweep takes 25 s, not
	// 100, so the run can be shorter.
	quotaTasks   = 500
	quotaRunTime = 3 * time.Minute
)
