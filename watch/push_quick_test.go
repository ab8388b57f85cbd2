//go:build !long

package watch

import "time"

// The push tests' quick sizes; -tags long runs the full ones.
const (
	floodRate    = 2000
	floodFor     = time.Second
	quotaRunTime = 6 * time.Minute
)
