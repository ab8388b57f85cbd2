package watch

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// Several dashboards may share one watch list. Each keeps the edits its user
// made (add, remove, note) as operations, and every save applies the ones
// not yet saved to the file as it is now, under the file's lock; the result
// is then what the engine watches. So a note on a task another dashboard
// removed does not bring it back, and what the others added shows up at the
// next save, or at the next reload when the file changes (defaultReloadInterval).

// defaultReloadInterval is how often Run checks whether another dashboard
// changed the watch list (one lstat; the file is read only when it changed).
const defaultReloadInterval = 2 * time.Second

// changeWatcher is the optional part of a Store that tells whether the file
// changed behind the engine; *watchlist.File has it.
type changeWatcher interface{ Changed() bool }

type opKind uint8

const (
	opAdd opKind = iota
	opRemove
	opNote
)

// op is one edit not yet saved.
type op struct {
	kind opKind
	ref  taskref.Ref
	note string    // opNote
	at   time.Time // opAdd
}

// queueOp records an edit; storeMu must be held. Edits a later one makes
// moot are dropped, so the queue stays at most two per task however long
// saving fails: a removal replaces everything before it, a note the earlier
// note, an add an earlier removal.
func (e *Engine) queueOp(o op) {
	if e.pendingRefs[o.ref] > 0 {
		e.pending = slices.DeleteFunc(e.pending, func(p op) bool {
			drop := p.ref == o.ref && (o.kind == opRemove || p.kind == o.kind || o.kind == opAdd && p.kind == opRemove)
			if drop {
				e.pendingRefs[p.ref]--
			}
			return drop
		})
	}
	e.pending = append(e.pending, o)
	e.pendingRefs[o.ref]++
}

// applyOps replays ops onto the list read from disk.
func applyOps(disk []watchlist.Entry, ops []op) []watchlist.Entry {
	at := make(map[taskref.Ref]int, len(disk))
	for i, d := range disk {
		at[d.Ref] = i
	}
	gone := false
	for _, o := range ops {
		i, ok := at[o.ref]
		switch o.kind {
		case opAdd:
			if !ok {
				at[o.ref] = len(disk)
				disk = append(disk, watchlist.Entry{Ref: o.ref, AddedAt: o.at})
			}
		case opRemove:
			if ok {
				disk[i].Ref = taskref.Ref{} // compacted below
				delete(at, o.ref)
				gone = true
			}
		case opNote:
			if ok { // a task removed elsewhere stays removed
				disk[i].Note = o.note
			}
		}
	}
	if gone {
		disk = slices.DeleteFunc(disk, func(d watchlist.Entry) bool { return d.Ref == (taskref.Ref{}) })
	}
	return disk
}

// save applies the pending edits to the file and then shows what the file
// holds. storeMu must be held. A failure keeps the edits pending (the next
// save retries them) and is kept as a warning until a save succeeds.
func (e *Engine) save(what string) error {
	if e.cfg.Store == nil {
		e.pending, e.pendingRefs = nil, map[taskref.Ref]int{}
		return nil
	}
	ops := e.pending
	var result []watchlist.Entry
	err := e.cfg.Store.Update(func(disk []watchlist.Entry) []watchlist.Entry {
		result = applyOps(disk, ops)
		return result
	})
	var aside *watchlist.KeptAsideError
	kept := errors.As(err, &aside)
	if err == nil || kept {
		e.pending, e.pendingRefs = nil, map[taskref.Ref]int{}
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
		e.reconcileLocked(result)
	default:
		e.writeWarn = ""
		e.reconcileLocked(result)
	}
	e.signal()
	return err
}

// mergeMemory adds every watched task (with its note) missing from disk.
func (e *Engine) mergeMemory(disk []watchlist.Entry) []watchlist.Entry {
	e.mu.Lock()
	defer e.mu.Unlock()
	ops := make([]op, 0, 2*len(e.order))
	for _, ent := range e.order {
		ops = append(ops, op{kind: opAdd, ref: ent.t.Ref, at: ent.t.AddedAt}, op{kind: opNote, ref: ent.t.Ref, note: ent.t.Note})
	}
	return applyOps(disk, ops)
}

// reconcileLocked makes the watched tasks what the file holds: tasks added
// elsewhere are watched (and asked about at once), tasks removed elsewhere
// are dropped, notes follow the file. Changes go out through Collect.
func (e *Engine) reconcileLocked(list []watchlist.Entry) {
	now := e.cfg.Now()
	onDisk := make(map[taskref.Ref]bool, len(list))
	changed := false
	for _, d := range list {
		onDisk[d.Ref] = true
		ent := e.tasks[d.Ref]
		switch {
		case ent == nil:
			added := d.AddedAt
			if added.IsZero() {
				added = now
			}
			e.addLocked(d.Ref, d.Note, added, now, key{class: classAsk, due: now})
			changed = true
		case ent.t.Note != d.Note:
			ent.t.Note = d.Note
			e.dirty[d.Ref] = struct{}{}
			changed = true
		}
	}
	for _, ent := range slices.Clone(e.order) {
		if !onDisk[ent.t.Ref] {
			e.removeLocked(ent)
			changed = true
		}
	}
	if changed {
		e.wakeLocked()
		e.signal()
	}
}

// removeLocked stops watching ent, cancels its call in flight and drops any
// answer still on its way.
func (e *Engine) removeLocked(ent *entry) {
	ref := ent.t.Ref
	delete(e.tasks, ref)
	e.order = slices.DeleteFunc(e.order, func(x *entry) bool { return x == ent })
	if ent.idx >= 0 {
		heap.Remove(&e.queue, ent.idx)
	}
	if ent.cancel != nil {
		ent.cancel()
	}
	delete(e.dirty, ref)
	e.removed = append(e.removed, ref)
}

// reloadLoop checks every ReloadInterval whether another dashboard changed
// the file, and if so saves (with whatever is pending) to take it in.
func (e *Engine) reloadLoop(ctx context.Context, w changeWatcher) {
	tick := time.NewTicker(e.cfg.ReloadInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if w.Changed() {
				e.reload()
			}
		}
	}
}

// reload takes in the file as another dashboard left it.
func (e *Engine) reload() {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	e.save("reloading it") // a failure is kept as a warning
}
