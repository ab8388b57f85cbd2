package watch

import (
	"container/heap"
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
// skipped and reported in the error; a failure to save the list is reported
// too, but the tasks are watched anyway.
func (e *Engine) Add(refs []taskref.Ref) ([]taskref.Ref, error) {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	now := e.cfg.Now()
	var added []taskref.Ref
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
		e.addLocked(r, "", now, now, key{class: classAsk, due: now})
		added = append(added, r)
	}
	if len(added) > 0 {
		e.wakeLocked()
		e.signal()
	}
	e.mu.Unlock()
	if len(added) > 0 {
		errs = append(errs, e.persist("adding tasks", func(disk []watchlist.Entry) []watchlist.Entry {
			for _, r := range added {
				if !slices.ContainsFunc(disk, func(x watchlist.Entry) bool { return x.Ref == r }) {
					disk = append(disk, watchlist.Entry{Ref: r, AddedAt: now})
				}
			}
			return disk
		}))
	}
	return added, errors.Join(errs...)
}

// Remove stops watching ref, cancels its call in flight and drops any
// answer still on its way.
func (e *Engine) Remove(ref taskref.Ref) error {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	e.mu.Lock()
	ent := e.tasks[ref]
	if ent == nil {
		e.mu.Unlock()
		return nil
	}
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
	e.wakeLocked()
	e.signal()
	e.mu.Unlock()
	return e.persist("removing "+ref.String(), func(disk []watchlist.Entry) []watchlist.Entry {
		return slices.DeleteFunc(disk, func(x watchlist.Entry) bool { return x.Ref == ref })
	})
}

// SetNote attaches free text (a ticket number, say) to a watched task.
func (e *Engine) SetNote(ref taskref.Ref, note string) error {
	e.storeMu.Lock()
	defer e.storeMu.Unlock()
	e.mu.Lock()
	ent := e.tasks[ref]
	if ent == nil {
		e.mu.Unlock()
		return fmt.Errorf("set note: task %s is not watched", ref)
	}
	note = watchlist.CleanNote(note)
	ent.t.Note = note
	addedAt := ent.t.AddedAt
	e.dirty[ref] = struct{}{}
	e.signal()
	e.mu.Unlock()
	return e.persist("setting the note of "+ref.String(), func(disk []watchlist.Entry) []watchlist.Entry {
		for i := range disk {
			if disk[i].Ref == ref {
				disk[i].Note = note
				return disk
			}
		}
		return append(disk, watchlist.Entry{Ref: ref, Note: note, AddedAt: addedAt})
	})
}

// persist applies fn to the list on disk. A failure is kept as a warning
// (until a later write succeeds) so the header says the list is not saved.
func (e *Engine) persist(what string, fn func([]watchlist.Entry) []watchlist.Entry) error {
	if e.cfg.Store == nil {
		return nil
	}
	err := e.cfg.Store.Update(fn)
	e.mu.Lock()
	defer e.mu.Unlock()
	var aside *watchlist.KeptAsideError
	switch {
	case errors.As(err, &aside):
		// Saved, but a damaged file found on disk was kept aside first:
		// tell the user where, and report success to the caller.
		e.writeWarn = aside.Warning
		e.log.Warn("watch list kept aside", "warning", aside.Warning)
		err = nil
	case err != nil:
		err = fmt.Errorf("save watch list after %s: %w", what, err)
		e.writeWarn = err.Error() + " (changes kept in memory only)"
		e.log.Warn("watch list not saved", "err", err)
	default:
		e.writeWarn = ""
	}
	e.signal()
	return err
}
