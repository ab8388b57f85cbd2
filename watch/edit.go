package watch

import (
	"errors"
	"fmt"
	"slices"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// The edits a user makes to the watch list: applied in memory first, then
// merged into whatever is on disk (another dashboard may share the file).

func validRef(r taskref.Ref) error {
	if r.SdkAppID == 0 {
		return fmt.Errorf("task %q: %w", r.TaskID, taskref.ErrNoSdkAppID)
	}
	if err := taskref.ValidateTaskID(r.TaskID); err != nil {
		return fmt.Errorf("task %s: %w", r, err)
	}
	return nil
}

// Add starts watching refs and asks about them ahead of background polling.
// It returns the refs actually added (not already watched). Invalid refs are
// skipped and reported in the error, and so are refs past
// watchlist.MaxTasks (errors.Is(err, watchlist.ErrTooManyTasks)); a failure
// to save the list is not: the write happens after Add returns (see
// save.go) and its failure shows in Stats().WatchWarnings.
func (e *Engine) Add(refs []taskref.Ref) ([]taskref.Ref, error) { return e.add(refs, e.cfg.Actor) }

func (e *Engine) add(refs []taskref.Ref, by string) ([]taskref.Ref, error) {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	now := e.cfg.Now()
	var added, full []taskref.Ref
	var errs []error
	e.mu.Lock()
	for _, r := range refs {
		if err := validRef(r); err != nil {
			errs = append(errs, err)
			continue
		}
		if e.tasks[r] != nil {
			continue
		}
		if len(e.tasks) >= watchlist.MaxTasks {
			full = append(full, r)
			continue
		}
		e.addLocked(r, "", now, now, key{class: classAsk, due: now})
		e.eventLocked(Event{At: now, Kind: EventAdd, Ref: r, By: by})
		added = append(added, r)
	}
	if len(added) > 0 {
		e.wakeLocked()
		e.signal()
	}
	e.mu.Unlock()
	if len(full) > 0 {
		errs = append(errs, fmt.Errorf("%s not added, starting with %s: %w; remove some first",
			plural(len(full), "task"), full[0], watchlist.ErrTooManyTasks))
	}
	if len(added) > 0 {
		for _, r := range added {
			e.queueOp(op{kind: opAdd, ref: r, at: now})
		}
		e.kickLocked("adding tasks")
	}
	return added, errors.Join(errs...)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Remove stops watching ref, cancels its call in flight and drops any
// answer still on its way. The list is saved after it returns; a failure
// shows in Stats().WatchWarnings. The error is kept for callers that
// check it, and is always nil.
func (e *Engine) Remove(ref taskref.Ref) error {
	_, err := e.removeMany([]taskref.Ref{ref}, e.cfg.Actor)
	return err
}

// RemoveMany is Remove for any number of tasks at once, as the dashboard's
// bulk removal needs: one pass over the list in memory and one write of
// the file, however many are removed. It returns how many were watched;
// the error is always nil (see Remove).
func (e *Engine) RemoveMany(refs []taskref.Ref) (int, error) {
	return e.removeMany(refs, e.cfg.Actor)
}

func (e *Engine) removeMany(refs []taskref.Ref, by string) (int, error) {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	e.mu.Lock()
	now := e.cfg.Now()
	gone := make(map[*entry]bool, len(refs))
	for _, r := range refs {
		if ent := e.tasks[r]; ent != nil && !gone[ent] {
			gone[ent] = true
			e.dropLocked(ent)
			e.eventLocked(Event{At: now, Kind: EventRemove, Ref: r, By: by})
		}
	}
	if len(gone) == 0 {
		e.mu.Unlock()
		return 0, nil
	}
	e.order = slices.DeleteFunc(e.order, func(x *entry) bool { return gone[x] })
	e.wakeLocked()
	e.signal()
	e.mu.Unlock()
	what := ""
	for ent := range gone {
		e.queueOp(op{kind: opRemove, ref: ent.t.Ref})
		what = "removing " + ent.t.Ref.String()
	}
	if len(gone) > 1 {
		what = "removing " + plural(len(gone), "task")
	}
	e.kickLocked(what)
	return len(gone), nil
}

// SetNote attaches free text (a ticket number, say) to a watched task.
//
// The list is saved after SetNote returns; a failure shows in
// Stats().WatchWarnings. The error says only that ref is not watched.
//
// seq orders one caller's edits that may arrive out of order (the dashboard
// sends each from its own command): an edit older than one already applied
// to this task is dropped, so a late note never overwrites a newer one.
// 0 means unordered: always applied.
func (e *Engine) SetNote(ref taskref.Ref, note string, seq uint64) error {
	return e.setNote(ref, note, seq, e.cfg.Actor)
}

func (e *Engine) setNote(ref taskref.Ref, note string, seq uint64, by string) error {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	e.mu.Lock()
	ent := e.tasks[ref]
	if ent == nil {
		e.mu.Unlock()
		return fmt.Errorf("set note: task %s is not watched", ref)
	}
	if !inOrder(seq, &ent.noteSeq) {
		e.mu.Unlock()
		return nil // a newer edit is already in force
	}
	note = watchlist.CleanNote(note)
	changed := ent.t.Note != note
	ent.t.Note = note
	e.touchLocked(ref)
	if changed {
		e.eventLocked(Event{At: e.cfg.Now(), Kind: EventNote, Ref: ref, Note: note, By: by})
	}
	e.signal()
	e.mu.Unlock()
	e.queueOp(op{kind: opNote, ref: ref, note: note})
	e.kickLocked("setting the note of " + ref.String())
	return nil
}
