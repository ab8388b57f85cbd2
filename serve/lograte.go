package serve

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// logPeriod is how often one kind of event may write a line.
const logPeriod = 10 * time.Second

// logLimiter keeps what a client can make happen (a refused connection, a
// failed login) from flooding the log: the first event of a kind is
// written at once, with its details; the rest in that period are counted
// and written as one summary line ("more": how many, with the last one's
// details) when the period ends, which starts the next period. So a flood
// writes one line per kind per logPeriod, however fast it comes. Kinds
// are the server's own constant messages, never text from a client.
type logLimiter struct {
	log    *slog.Logger
	period time.Duration

	mu    sync.Mutex
	kinds map[string]*logKind
}

type logKind struct {
	level slog.Level
	more  int
	last  []any
}

func newLogLimiter(log *slog.Logger, period time.Duration) *logLimiter {
	return &logLimiter{log: log, period: period, kinds: map[string]*logKind{}}
}

func (l *logLimiter) warn(msg string, args ...any) { l.note(slog.LevelWarn, msg, args) }
func (l *logLimiter) info(msg string, args ...any) { l.note(slog.LevelInfo, msg, args) }

func (l *logLimiter) note(level slog.Level, msg string, args []any) {
	l.mu.Lock()
	k := l.kinds[msg]
	if k != nil {
		k.more++
		k.last = args
		l.mu.Unlock()
		return
	}
	l.kinds[msg] = &logKind{level: level}
	l.mu.Unlock()
	l.log.Log(context.Background(), level, msg, args...)
	time.AfterFunc(l.period, func() { l.flush(msg) })
}

// flush ends a period: a summary if more came, and a new period after it;
// else the next event is written at once again.
func (l *logLimiter) flush(msg string) {
	l.mu.Lock()
	k := l.kinds[msg]
	if k.more == 0 {
		delete(l.kinds, msg)
		l.mu.Unlock()
		return
	}
	more, last := k.more, k.last
	k.more, k.last = 0, nil
	l.mu.Unlock()
	l.log.Log(context.Background(), k.level, msg, append([]any{"more", more, "in", l.period}, last...)...)
	time.AfterFunc(l.period, func() { l.flush(msg) })
}
