package watch

import (
	"errors"
	"fmt"

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
// to save the list is reported too, but the tasks are watched anyway.
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
		errs = append(errs, e.save("adding tasks"))
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
// answer still on its way.
func (e *Engine) Remove(ref taskref.Ref) error {
	_, err := e.removeMany([]taskref.Ref{ref}, e.cfg.Actor)
	return err
}

// RemoveMany is Remove for many tasks with one save of the watch list, so
// clearing a thousand ended tasks costs one write, not a thousand. It
// returns how many were watched.
func (e *Engine) RemoveMany(refs []taskref.Ref) (int, error) {
	return e.removeMany(refs, e.cfg.Actor)
}

func (e *Engine) removeMany(refs []taskref.Ref, by string) (int, error) {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	e.mu.Lock()
	now := e.cfg.Now()
	var gone []taskref.Ref
	for _, ref := range refs {
		if ent := e.tasks[ref]; ent != nil {
			e.removeLocked(ent)
			e.eventLocked(Event{At: now, Kind: EventRemove, Ref: ref, By: by})
			gone = append(gone, ref)
		}
	}
	if len(gone) > 0 {
		e.wakeLocked()
		e.signal()
	}
	e.mu.Unlock()
	if len(gone) == 0 {
		return 0, nil
	}
	for _, ref := range gone {
		e.queueOp(op{kind: opRemove, ref: ref})
	}
	what := "removing " + gone[0].String()
	if len(gone) > 1 {
		what = "removing " + plural(len(gone), "task")
	}
	return len(gone), e.save(what)
}

// SetNote attaches free text (a ticket number, say) to a watched task.
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
	if seq != 0 {
		if seq <= ent.noteSeq {
			e.mu.Unlock()
			return nil // a newer edit is already in force
		}
		ent.noteSeq = seq
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
	return e.save("setting the note of " + ref.String())
}
