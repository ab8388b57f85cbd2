package watch

import (
	"slices"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// RestoreHistory puts back what an earlier run saw of each task (read from
// the event log), so a restart keeps each task's history. Call it before
// Run: the restored transitions are put before any the engine has already
// recorded, and the newest Config.HistoryLimit are kept. Tasks not watched
// are ignored, and so are transitions with no time.
//
// Only History changes. Phase and Since are left alone on purpose: what the
// task was when the last run ended is history, not its state now, and the
// row must not claim "InProgress since yesterday" for a task that may have
// ended meanwhile. The task stays pending until the next poll answers, and
// that answer records a transition of its own (pending → whatever it is).
func (e *Engine) RestoreHistory(h map[taskref.Ref][]Transition) {
	e.mu.Lock()
	n := 0
	for ref, trs := range h {
		ent := e.tasks[ref]
		if ent == nil || len(trs) == 0 {
			continue
		}
		old := make([]Transition, 0, len(trs))
		for _, tr := range trs {
			if !tr.At.IsZero() {
				old = append(old, tr)
			}
		}
		merged := append(old, ent.t.History...)
		if lim := e.cfg.HistoryLimit; len(merged) > lim {
			merged = slices.Clone(merged[len(merged)-lim:])
		}
		ent.t.History = merged
		e.touchLocked(ref)
		n++
	}
	e.mu.Unlock()
	if n > 0 {
		e.signal()
	}
}
