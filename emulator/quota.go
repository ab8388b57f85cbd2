package emulator

import (
	"fmt"
	"sync"
	"time"
)

// quota is the API frequency limit: at most limit requests per (Action,
// SecretId) within any sliding one-second window, by server arrival time.
//
// Every arrival counts toward the window, rejected ones included. That is
// what the real service appears to do (its message reports the request
// count "in a second", which keeps climbing past the limit under a flood),
// and it means a client that ignores RequestLimitExceeded and keeps firing
// stays throttled instead of slipping requests through.
type quota struct {
	limit int // <0: unlimited
	mu    sync.Mutex
	win   map[quotaKey][]time.Time
}

type quotaKey struct{ action, secretID string }

func newQuota(limit int) *quota {
	return &quota{limit: limit, win: map[quotaKey][]time.Time{}}
}

// arrive records a request at now and reports how many requests the window
// holds with it and whether it is within the limit.
func (q *quota) arrive(action, secretID string, now time.Time) (count int, ok bool) {
	if q.limit < 0 {
		return 0, true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	k := quotaKey{action, secretID}
	w := q.win[k]
	cut := now.Add(-time.Second)
	i := 0
	for i < len(w) && !w[i].After(cut) {
		i++
	}
	if i > 0 {
		w = append(w[:0], w[i:]...)
	}
	w = append(w, now)
	q.win[k] = w
	return len(w), len(w) <= q.limit
}

// limitMessage is the real service's RequestLimitExceeded message.
func limitMessage(count, limit int) string {
	return fmt.Sprintf("Your current request times equals to `%d` in a second, which exceeds the frequency limit `%d` for a second. Please reduce the frequency of calls.", count, limit)
}
