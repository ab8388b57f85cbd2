package watch

import (
	"container/heap"
	"context"
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
	// opAdd of a task a callback made the engine adopt: its mark and room.
	adopted bool
	room    string
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
				disk = append(disk, watchlist.Entry{Ref: o.ref, AddedAt: o.at, Adopted: o.adopted, Room: o.room})
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

// mergeMemory adds every watched task (with its note) missing from disk.
func (e *Engine) mergeMemory(disk []watchlist.Entry) []watchlist.Entry {
	e.mu.Lock()
	defer e.mu.Unlock()
	ops := make([]op, 0, 2*len(e.order))
	for _, ent := range e.order {
		add := op{kind: opAdd, ref: ent.t.Ref, at: ent.t.AddedAt}
		if p := ent.t.Pushed; p != nil && p.Adopted {
			add.adopted, add.room = true, watchlist.CleanRoom(p.RoomID)
		}
		ops = append(ops, add, op{kind: opNote, ref: ent.t.Ref, note: ent.t.Note})
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
			if d.Adopted {
				e.markAdoptedLocked(e.tasks[d.Ref], d.Room)
			}
			e.eventLocked(Event{At: now, Kind: EventAdd, Ref: d.Ref, By: otherDashboard})
			changed = true
		case ent.t.Note != d.Note:
			ent.t.Note = d.Note
			e.touchLocked(d.Ref)
			e.eventLocked(Event{At: now, Kind: EventNote, Ref: d.Ref, Note: d.Note, By: otherDashboard})
			changed = true
		}
	}
	n := len(e.order)
	e.order = slices.DeleteFunc(e.order, func(ent *entry) bool {
		if onDisk[ent.t.Ref] {
			return false
		}
		e.dropLocked(ent)
		e.eventLocked(Event{At: now, Kind: EventRemove, Ref: ent.t.Ref, By: otherDashboard})
		return true
	})
	changed = changed || len(e.order) != n
	if changed {
		e.wakeLocked()
		e.signal()
	}
}

// dropLocked stops watching ent, cancels its call in flight and drops any
// answer still on its way. The caller takes ent out of e.order (once for
// many: RemoveMany and reload).
func (e *Engine) dropLocked(ent *entry) {
	ref := ent.t.Ref
	delete(e.tasks, ref)
	e.unindexLocked(ent)
	if ent.idx >= 0 {
		heap.Remove(&e.queue, ent.idx)
	}
	if ent.cancel != nil {
		ent.cancel()
	}
	e.goneLocked(ref)
}

// reloadLoop checks every ReloadInterval whether another dashboard changed
// the file, and if so has the writer read it (with whatever is pending).
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
			e.retrySave()
		}
	}
}

// reload takes in the file as another dashboard left it, through the
// writer (see save.go), so it never runs beside a write.
func (e *Engine) reload() {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	e.saver.reread = true
	e.kickLocked("reloading it") // a failure is kept as a warning
}
