// Package watchlist keeps the list of watched recording tasks on disk, so a
// support engineer who restarts trtcwatch (or whose laptop dies) finds the
// same tasks and notes again.
//
// The file is JSON with a format version, one object per task, in the order
// the tasks were added:
//
//	{
//	  "version": 1,
//	  "tasks": [
//	    {
//	      "region": "ap-singapore",
//	      "sdk_app_id": 1400000001,
//	      "task_id": "aGVsbG8tdHJ0Yy1yZWNvcmRpbmctdGFzaw--",
//	      "note": "INC-123",
//	      "added_at": "2026-11-25T21:40:00Z"
//	    }
//	  ]
//	}
//
// "note" and "added_at" may be left out, and so may "adopted" and "room",
// which a task added because a recording callback named it carries
// (`"adopted": true, "room": "20015"`). Unknown fields are ignored, so a
// change that older readers must not drop needs a new version number; an
// older trtcwatch reads a list with adopted tasks and, when it saves,
// keeps the tasks but drops those two fields (nothing it polls depends on
// them, so the format stays version 1). The
// file never holds a secret: Entry has no field for one, and it must stay
// that way.
//
// Safety, in the order it matters:
//
//   - The place is checked before anything is read or written. The file
//     itself must not be a symbolic link and must belong to the user; its
//     directory (links on the way there are resolved once, and the resolved
//     directory is used from then on) must not be writable by other users,
//     sticky bit or not, and no directory above it may belong to another
//     user (root aside) or be writable by others without the sticky bit.
//     Otherwise the File is refused (unsafePathError): nothing is read,
//     created, renamed, replaced or chmodded, and the session is read-only.
//     Files are opened without following links (O_NOFOLLOW), the lock file
//     included, and temporary files are created with O_EXCL.
//   - Every write goes to a temporary file in the same directory, which is
//     synced, set to mode 0600 and renamed over the list; the directory is
//     then synced. A crash at any instant leaves the old list or the new one.
//     Temporary files left by a crash are removed by the next write.
//   - What is written can be read back: at most MaxTasks tasks, each within
//     a known size, so the file stays within maxSize, the read bound. Update
//     refuses more tasks (ErrTooManyTasks); Load keeps the first MaxTasks of
//     a longer file, after keeping a copy aside.
//   - A file that cannot be parsed is never overwritten. Not JSON, the wrong
//     shape, a version below 1, or larger than maxSize: it is renamed to
//     "<path>.corrupt-<UTC time>" and the list starts empty. Valid JSON with
//     some invalid entries, or too many: a copy of the file is written to
//     that name first, then the valid entries are kept and written back.
//     Either way the warning says what happened and where the copy is.
//   - A file from a newer trtcwatch (version above 1), an unreadable one, a
//     directory at the path, or one that cannot be locked or kept aside (a
//     read-only filesystem, a lock held past the timeout): nothing is moved,
//     the list starts with what could be read, and the File turns read-only:
//     Update returns an error and never touches the path, while the program
//     carries on in memory.
//   - Update holds an exclusive lock on "<path>.lock" (never deleted; the
//     holder writes its pid in it), reads the file as it is now and applies
//     its change to that, so two dashboards sharing the file keep each
//     other's changes. A held lock is waited for at most
//     Options.LockTimeout, and Options.OnLockWait hears about the wait.
//     Changed tells cheaply whether another process rewrote the file.
package watchlist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// version is the format version this package reads and writes.
const version = 1

// MaxNoteLen is the longest note CleanNote keeps, in runes: room for a ticket
// number and a few words, not for a pasted log.
const MaxNoteLen = 200

// Entry is one watched task as it is stored. Its order in the list is the
// order tasks were added, which the dashboard shows.
type Entry struct {
	Ref     taskref.Ref
	Note    string    // free text from the engineer; sanitise before display
	AddedAt time.Time // zero when the file did not say
	// Adopted says a recording callback named the task and trtcwatch
	// added it (--adopt), rather than a person.
	Adopted bool
	// Room is the task's RoomId as its callbacks gave it (CleanRoom), so
	// that adopted tasks can be told apart by room; sanitise before
	// display.
	Room string
}

// DefaultPath follows the XDG base directory spec, because the watch list is
// state (worth keeping, not worth backing up) rather than configuration.
func DefaultPath() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "trtcwatch", "watchlist.json"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("watch list location: %w", err)
	}
	return filepath.Join(home, ".local", "state", "trtcwatch", "watchlist.json"), nil
}

// File is the watch list at one path. Its methods are safe for concurrent
// use, and several Files (in one process or many) may share a path.
type File struct {
	path     string
	opts     Options
	mu       sync.Mutex
	readOnly error     // why Update must not write; set by Load
	seen     fileStamp // the file as this File last read or wrote it
	real     string    // the path with its directory resolved, once known
}

// Open names the file, with a lock timeout and a way to hear about lock
// waits (zero Options: the defaults); nothing is read or created until
// Load or Update.
func Open(path string, opts Options) *File {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = defaultLockTimeout
	}
	return &File{path: path, opts: opts}
}

func (f *File) lock(p place) (func(), error) {
	var waiting func(int)
	if f.opts.OnLockWait != nil {
		waiting = func(pid int) { f.opts.OnLockWait(LockWait{Path: f.path, Pid: pid, Timeout: f.opts.LockTimeout}) }
	}
	return lockFile(p.file, f.opts.LockTimeout, waiting)
}

// Load reads the list. It never fails: a missing file is an empty list, and
// every other problem becomes a warning (one line, meant for the user) while
// the list starts with whatever could be recovered. See the package doc for
// what is done with a damaged file, a symbolic link or an unsafe directory.
func (f *File) Load() (entries []Entry, warnings []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readOnly = nil
	p, exists, err := checkPlace(f.path)
	if isUnsafe(err) {
		return nil, f.refuse(err, "refused the watch list: %v; started with an empty list", err)
	}
	if err != nil {
		return nil, f.refuse(err, "cannot read watch list %s (%v); started with an empty list", f.path, cause(err))
	}
	if !exists {
		return nil, nil
	}
	f.real = p.file
	data, readErr := readFile(p.file)
	if errors.Is(readErr, errNotExist) {
		f.seen = f.stampNow()
		return nil, nil
	}
	if readErr != nil && !tooBig(readErr) {
		return nil, f.refuse(cause(readErr), "cannot read watch list %s (%v); started with an empty list", f.path, cause(readErr))
	}
	if bad := newerFormat(data, readErr); bad != nil {
		// Not ours to move, lock or rewrite.
		return nil, f.refuse(errors.New(bad.what), "watch list %s %s; left it untouched and started with an empty list", f.path, bad.what)
	}
	unlock, err := f.lock(p)
	if err != nil {
		// Without the lock the file may not be moved or rewritten, even if
		// it is damaged: read what we can and stay read-only.
		list, bad := parse(data, readErr)
		if bad == nil {
			return list, f.refuse(err, "watch list %s cannot be locked for writing (%v); loaded %s",
				f.path, cause(err), count(len(list), "task"))
		}
		return list, f.refuse(err, "watch list %s %s; could not lock it to keep a copy aside (%v), so left it untouched and %s",
			f.path, bad.what, cause(err), recovered(list))
	}
	defer unlock()
	list, _, warning, err := f.loadLocked(p, true)
	if err != nil {
		return list, f.refuse(err, "%v; %s", err, recovered(list))
	}
	f.seen = f.stampNow()
	if warning != "" {
		warnings = []string{warning + " and " + recovered(list)}
	}
	return list, warnings
}

// refuse puts the File in read-only mode and words the warning.
func (f *File) refuse(err error, format string, args ...any) []string {
	f.readOnly = err
	return []string{fmt.Sprintf(format, args...) + "; changes will not be saved this session"}
}

// Changed reports, cheaply (one lstat, no read, no lock), whether the file
// differs from what this File last read or wrote: another dashboard saved
// it. Call Update with a callback that changes nothing to read it. Always
// false while read-only.
func (f *File) Changed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readOnly != nil {
		return false
	}
	if f.real == "" { // no directory at Load: has another process made one?
		p, exists, err := checkPlace(f.path)
		if err != nil || !exists {
			return false
		}
		f.real = p.file
	}
	return f.stampNow() != f.seen
}

func (f *File) stampNow() fileStamp {
	fi, err := os.Lstat(f.real)
	if err != nil {
		return fileStamp{}
	}
	return stampOf(fi)
}

// Update changes the list under an exclusive lock: it reads the file as it
// is now, hands fn a fresh copy of its entries, and writes back what fn
// returns (duplicates dropped, the first one kept, notes cleaned),
// atomically. An invalid entry from fn, or more than MaxTasks entries, is an
// error and nothing is written. fn runs once, with the lock held: it should
// be quick and must not call back into the File.
//
// If the file on disk is damaged, it is kept aside as Load would, fn gets the
// valid entries, the result is saved, and the returned error is a
// *KeptAsideError: a warning to show, the change itself was saved.
func (f *File) Update(fn func([]Entry) []Entry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readOnly != nil {
		return fmt.Errorf("not saved: watch list %s is read-only for this session (%w)", f.path, f.readOnly)
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return fmt.Errorf("save watch list %s: %w", f.path, err)
	}
	p, _, err := checkPlace(f.path)
	if isUnsafe(err) {
		f.readOnly = err
		return fmt.Errorf("not saved: refused the watch list: %w", err)
	}
	if err != nil {
		return fmt.Errorf("save watch list %s: %w", f.path, err)
	}
	f.real = p.file
	unlock, err := f.lock(p)
	if err != nil {
		return fmt.Errorf("save watch list %s: lock: %w", f.path, err)
	}
	defer unlock()
	list, current, warning, err := f.loadLocked(p, false)
	if err != nil {
		return fmt.Errorf("%w; nothing was written", err)
	}
	next, err := normalize(fn(append([]Entry(nil), list...)))
	if err != nil && warning != "" {
		return fmt.Errorf("%s; then could not save the change: %w", warning, err)
	}
	if err != nil {
		return fmt.Errorf("save watch list %s: %w", f.path, err)
	}
	data, err := encode(next)
	if err != nil {
		return fmt.Errorf("save watch list %s: %w", f.path, err)
	}
	if warning == "" && string(data) == string(current) {
		f.seen = f.stampNow()
		return nil
	}
	if err := writeAtomic(p.file, p.file, data); err != nil {
		return fmt.Errorf("save watch list %s: %w", f.path, err)
	}
	f.seen = f.stampNow()
	if warning != "" {
		return &KeptAsideError{Warning: warning + " and saved the change on " + onTopOf(list)}
	}
	return nil
}

// KeptAsideError is what Update returns when the file on disk was damaged:
// it was kept aside and the change was saved anyway. Show it as a warning.
type KeptAsideError struct{ Warning string }

func (e *KeptAsideError) Error() string { return e.Warning }

// loadLocked reads the file under the lock and keeps a damaged one aside.
// It returns the entries to build on, the bytes on disk, and a warning when
// something was kept aside; err means the file must be left alone. With
// rewrite, a file with some invalid entries is rewritten with the valid ones
// (Update skips that: it writes right after).
func (f *File) loadLocked(p place, rewrite bool) (list []Entry, data []byte, warning string, err error) {
	target := p.file
	removeStaleTemps(target)
	data, err = readFile(target)
	if errors.Is(err, errNotExist) {
		return nil, nil, "", nil
	}
	if err != nil && !tooBig(err) {
		return nil, nil, "", fmt.Errorf("cannot read watch list %s (%v)", f.path, cause(err))
	}
	list, bad := parse(data, err)
	if bad == nil {
		return list, data, "", nil
	}
	if bad.newer {
		return nil, nil, "", fmt.Errorf("watch list %s %s; left it untouched", f.path, bad.what)
	}
	aside, err := keepAside(target, data, bad.whole)
	if err != nil {
		return list, nil, "", fmt.Errorf("watch list %s %s; could not keep a copy aside (%v), so left it untouched",
			f.path, bad.what, cause(err))
	}
	if bad.whole {
		return nil, nil, fmt.Sprintf("watch list %s %s; moved it to %s", f.path, bad.what, aside), nil
	}
	warning = fmt.Sprintf("watch list %s %s; kept a copy of it at %s", f.path, bad.what, aside)
	if rewrite {
		out, err := encode(list)
		if err == nil {
			err = writeAtomic(target, target, out)
		}
		if err != nil {
			warning += fmt.Sprintf(" (rewriting it failed: %v)", cause(err))
		}
	}
	return list, nil, warning, nil
}

func recovered(list []Entry) string {
	if len(list) == 0 {
		return "started with an empty list"
	}
	return "loaded the " + count(len(list), "valid task")
}

func onTopOf(list []Entry) string {
	if len(list) == 0 {
		return "a new list"
	}
	return "the " + count(len(list), "valid task")
}

// count is n of what, plural when n is not 1: "1 task", "3 valid tasks".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
