package watch

import (
	"errors"
	"fmt"
	"slices"

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

// Flush waits until every edit made before it is on disk, or its write
// failed, and returns that failure (also kept in Stats().WatchWarnings).
// The dashboard calls it on the way out; Run calls it as it returns.
func (e *Engine) Flush() error {
	e.storeMu.Lock()
	if len(e.pending) > 0 {
		e.kickLocked("")
	}
	done := e.saver.done
	e.storeMu.Unlock()
	if done != nil {
		<-done
	}
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	return e.saver.err
}

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
	switch {
	case err != nil:
		err = fmt.Errorf("save watch list after %s: %w", what, err)
		e.writeWarn = err.Error() + " (changes kept in memory only)"
		e.log.Warn("watch list not saved", "err", err)
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
	return a.Ref == b.Ref && a.Note == b.Note && a.AddedAt.Equal(b.AddedAt)
}
