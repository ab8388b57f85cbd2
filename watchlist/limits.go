package watchlist

import (
	"errors"
	"fmt"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// MaxTasks is the most tasks one watch list holds. It is the one limit on
// tasks: the engine refuses to add past it, Update refuses to write past it,
// and Load keeps the first MaxTasks of a longer file (a copy of the whole
// file is kept aside first). At the 20 calls/s quota, 10,000 tasks already
// take over eight minutes to refresh once, so a longer list would not be
// watched, only stored.
const MaxTasks = 10000

// maxRegionLen is the longest region name validate accepts.
const maxRegionLen = 64

// maxEntryBytes is the most one task can take in the file as encode writes
// it: indentation, field names and punctuation (under 128 bytes), a region,
// a 20-digit sdk_app_id, a task ID, a note whose every rune is escaped as
// \u00XX (6 bytes; CleanNote keeps at most MaxNoteLen runes), a UTC
// added_at with nanoseconds (30 bytes), and an adopted task's "adopted"
// and "room" (under 48 bytes of names and punctuation, and a room of
// maxRoomLen bytes each escaped as at most 2: CleanRoom leaves no control
// character, and U+2028/U+2029, which encoding/json writes as 6 bytes,
// take 3 raw).
const maxEntryBytes = 128 + maxRegionLen + 20 + taskref.MaxTaskIDLen + 6*MaxNoteLen + 30 + 48 + 2*maxRoomLen

// maxSize caps how much of the file is read: the most encode can write for
// MaxTasks tasks (about 17 MB; a typical task takes about 200 bytes), so
// that whatever trtcwatch writes it reads back, and a stray file cannot
// exhaust memory.
const maxSize = MaxTasks*maxEntryBytes + 64

// ErrTooManyTasks is the reason a task is not added: the list is full. The
// engine wraps it with the counts so the dashboard can show it.
var ErrTooManyTasks = fmt.Errorf("the watch list holds at most %d tasks", MaxTasks)

// defaultLockTimeout is how long Load and Update wait for another trtcwatch
// to release the watch list's lock. The lock is only held for the moment a
// save takes, so waiting longer means the holder is stuck or suspended.
const defaultLockTimeout = 10 * time.Second

// Options tune a File; the zero value takes the defaults.
type Options struct {
	// LockTimeout bounds the wait for the lock (default defaultLockTimeout).
	LockTimeout time.Duration
	// OnLockWait is called once per wait, as soon as the lock turns out to
	// be held, so a program starting up can say what it waits for instead
	// of hanging silently. It runs on the caller's goroutine.
	OnLockWait func(LockWait)
}

// LockWait describes a wait for the lock held by another process.
type LockWait struct {
	Path    string        // the watch list
	Pid     int           // the holder as it recorded itself; 0 if unknown
	Timeout time.Duration // how long the wait may last
}

func (w LockWait) String() string {
	return fmt.Sprintf("waiting for the watch list lock on %s, held by %s (giving up after %v)…", w.Path, holder(w.Pid), w.Timeout)
}

// lockTimeoutError is returned (or, from Load, put in the warning) when the
// lock stayed held past the timeout.
type lockTimeoutError struct {
	Lock   string // the lock file
	Pid    int    // last recorded holder; 0 if unknown
	Waited time.Duration
}

func (e *lockTimeoutError) Error() string {
	return fmt.Sprintf("the lock %s was held by %s for %v; gave up waiting (if that process is stuck or suspended, end or resume it)",
		e.Lock, holder(e.Pid), e.Waited)
}

func holder(pid int) string {
	if pid <= 0 {
		return "another trtcwatch"
	}
	return fmt.Sprintf("another trtcwatch (pid %d)", pid)
}

func isUnsafe(err error) bool {
	var u *unsafePathError
	return errors.As(err, &u)
}
