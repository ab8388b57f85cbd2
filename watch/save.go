package watch

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// Watch-list writes are coalesced. An edit changes memory, queues its
// operation (queueOp) and returns; one writer goroutine at a time applies
// everything queued so far in one Store.Update, then takes whatever was
// queued meanwhile, until nothing is left. So the caller never waits for
// the disk, at most one write is in flight, the latest state wins, and N
// edits made while a write runs cost one more write, not N. Flush (and the
// end of Run) waits for the writer, so the last edit is on disk before the
// program exits. A failed write keeps its edits queued ahead of newer ones
// (the next edit, reload or Flush retries them) and is shown as a warning
// in Stats().WatchWarnings.

// saver is the writer's state; every field is under Engine.storeMu.
type saver struct {
	running bool          // a writer goroutine is live
	done    chan struct{} // closed when that writer ends
	reread  bool          // write even with nothing queued: the file changed behind us
	what    string        // the newest edit, for the warning's wording
	err     error         // the outcome of the last write
	logged  string        // the last failure logged, so a retried one is logged once

	// last is the list as the last write left it; only the writer
	// goroutine of the moment touches it. A write that finds the file so
	// has only this engine's edits in it, which memory already shows, and
	// skips reconciling (O(tasks) under the engine's locks, which an edit
	// would wait for).
	last []watchlist.Entry
}

// kickLocked makes sure a writer will pick up what is queued; storeMu must
// be held. what words the edit for a warning if the write fails.
func (e *Engine) kickLocked(what string) {
	if e.cfg.Store == nil {
		e.pending, e.pendingRefs = nil, map[taskref.Ref]int{}
		return
	}
	if what != "" {
		e.saver.what = what
	}
	if e.saver.running {
		return
	}
	e.saver.running = true
	done := make(chan struct{})
	e.saver.done = done
	go e.writeLoop(done)
}

// writeLoop writes until nothing is queued, or a write fails.
func (e *Engine) writeLoop(done chan struct{}) {
	defer close(done)
	for {
		e.storeMu.Lock()
		if len(e.pending) == 0 && !e.saver.reread {
			e.saver.running = false
			e.storeMu.Unlock()
			return
		}
		ops, what := e.pending, e.saver.what
		e.pending, e.pendingRefs, e.saver.reread = nil, map[taskref.Ref]int{}, false
		e.storeMu.Unlock()
		if e.write(ops, what) != nil {
			e.storeMu.Lock()
			e.saver.running = false
			e.storeMu.Unlock()
			return // kept queued; the next edit, reload or Flush retries
		}
	}
}

// Flush waits until every edit made before it is on disk, or the write
// failed. Then it returns an *UnsavedError naming the edits still only in
// memory (also in Stats().Unsaved), and they stay queued for a later try.
// A failed re-read of the file with no edit waiting is no loss: nil. The
// dashboard calls it on the way out; Run calls it as it returns.
func (e *Engine) Flush() error {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	if len(e.pending) > 0 {
		e.kickLocked("")
	}
	// An edit made meanwhile may start another writer: wait until none runs.
	for e.saver.running {
		done := e.saver.done
		e.storeMu.Unlock()
		<-done
		e.storeMu.Lock()
	}
	if len(e.pending) == 0 || e.saver.err == nil {
		return nil
	}
	return e.unsavedLocked()
}

// UnsavedError is Flush's answer while edits are only in memory: the last
// write failed (Err) and these edits wait for the next. Added are the tasks
// to add again after a restart; Removed and Noted the tasks whose removal
// or note would be lost.
type UnsavedError struct {
	Added, Removed, Noted []taskref.Ref
	Err                   error
}

func (u *UnsavedError) Error() string {
	return "watch list not saved: " + u.Err.Error() + "; kept only in memory: " + u.Edits(0)
}

func (u *UnsavedError) Unwrap() error { return u.Err }

// Edits words the unsaved edits, such as "added 1400000001:a, 1400000001:b;
// removed 1400000001:c; note on 1400000001:d", naming at most most tasks of
// each kind (all when most <= 0) and counting the rest.
func (u *UnsavedError) Edits(most int) string {
	var parts []string
	for _, k := range []struct {
		verb string
		refs []taskref.Ref
	}{{"added", u.Added}, {"removed", u.Removed}, {"note on", u.Noted}} {
		if len(k.refs) == 0 {
			continue
		}
		n := len(k.refs)
		if most > 0 {
			n = min(n, most)
		}
		names := make([]string, n, n+1)
		for i, r := range k.refs[:n] {
			names[i] = r.String()
		}
		if rest := len(k.refs) - n; rest > 0 {
			names = append(names, fmt.Sprintf("%d more", rest))
		}
		parts = append(parts, k.verb+" "+strings.Join(names, ", "))
	}
	return strings.Join(parts, "; ")
}

// unsavedLocked is the queued edits and the last write's failure;
// storeMu must be held.
func (e *Engine) unsavedLocked() *UnsavedError {
	u := &UnsavedError{Err: e.saver.err}
	for _, o := range e.pending {
		switch o.kind {
		case opAdd:
			u.Added = append(u.Added, o.ref)
		case opRemove:
			u.Removed = append(u.Removed, o.ref)
		case opNote:
			u.Noted = append(u.Noted, o.ref)
		}
	}
	return u
}

// retrySave starts a writer for edits a failed write left queued, so a
// disk that has room again is written without waiting for the next edit;
// Run calls it every ReloadInterval.
func (e *Engine) retrySave() {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	if len(e.pending) > 0 && e.saver.err != nil && !e.saver.running {
		e.kickLocked("")
	}
}

// unsavedBannerMost is how many tasks of each kind the banner names.
const unsavedBannerMost = 3

// write applies ops to the file and then shows what the file holds, with
// the edits queued meanwhile on top. storeMu must not be held: edits go on
// while the file is written.
func (e *Engine) write(ops []op, what string) error {
	var result []watchlist.Entry
	ours := false // the file was as this engine last left it
	err := e.cfg.Store.Update(func(disk []watchlist.Entry) []watchlist.Entry {
		ours = e.saver.last != nil && slices.EqualFunc(disk, e.saver.last, sameEntry)
		result = applyOps(disk, ops)
		return result
	})
	var aside *watchlist.KeptAsideError
	kept := errors.As(err, &aside)
	e.saver.last = nil
	if err == nil {
		e.saver.last = result
	}
	if kept {
		// A damaged file was kept aside and the list on disk restarted from
		// what could be read: this dashboard's tasks are the best copy, so
		// write them back rather than drop them from the screen.
		err = e.cfg.Store.Update(func(disk []watchlist.Entry) []watchlist.Entry {
			result = e.mergeMemory(disk)
			return result
		})
		if errors.As(err, &aside) {
			err = nil
		}
	}
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	if err != nil && !kept {
		e.requeueLocked(ops)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.unsaved = ""
	switch {
	case err != nil && len(e.pending) > 0:
		e.writeWarn = ""
		e.unsaved = "WATCH LIST NOT SAVED: " + e.unsavedLocked().Edits(unsavedBannerMost) +
			" | kept in memory, retrying; quitting lists the tasks to add again | " + err.Error()
		if msg := err.Error(); msg != e.saver.logged {
			e.saver.logged = msg
			e.log.Warn("watch list not saved", "err", err)
		}
	case err != nil:
		// A re-read that failed: nothing of ours is lost.
		err = fmt.Errorf("save watch list after %s: %w", what, err)
		e.writeWarn = err.Error()
		e.log.Warn("watch list not read again", "err", err)
	case kept:
		e.writeWarn = aside.Warning
		e.log.Warn("watch list kept aside", "warning", aside.Warning)
		e.reconcileLocked(e.withPendingLocked(result))
	case ours:
		e.writeWarn = ""
	default:
		e.writeWarn = ""
		e.reconcileLocked(e.withPendingLocked(result))
	}
	if err == nil {
		e.saver.logged = ""
	}
	e.saver.err = err
	e.signal()
	return err
}

// requeueLocked puts ops from a failed write back ahead of the edits queued
// since; storeMu must be held. queueOp keeps the queue at most two per task.
func (e *Engine) requeueLocked(ops []op) {
	newer := e.pending
	e.pending, e.pendingRefs = nil, map[taskref.Ref]int{}
	for _, o := range ops {
		e.queueOp(o)
	}
	for _, o := range newer {
		e.queueOp(o)
	}
}

// withPendingLocked is the list as written with the edits queued since
// applied on top: what memory must show, or an add made during the write
// would vanish from the screen until the next one. storeMu must be held.
func (e *Engine) withPendingLocked(written []watchlist.Entry) []watchlist.Entry {
	if len(e.pending) == 0 {
		return written
	}
	return applyOps(append([]watchlist.Entry(nil), written...), e.pending)
}

// sameEntry compares entries as the file keeps them.
func sameEntry(a, b watchlist.Entry) bool {
	return a.Ref == b.Ref && a.Note == b.Note && a.AddedAt.Equal(b.AddedAt) && a.Adopted == b.Adopted && a.Room == b.Room
}
