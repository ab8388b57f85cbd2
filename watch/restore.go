package watch

import (
	"slices"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// RestoreHistory puts back what earlier runs saw of each task (read from
// the event log), so a restart keeps each task's history. Call it once, at
// start, before Run. Tasks watched now get their history at once; the
// others keep theirs aside until they are added (the command line's tasks,
// the demo's, a task the user adds again later), then get it once. The
// restored transitions go before any the engine has recorded itself, the
// newest Config.HistoryLimit are kept, and transitions with no time are
// dropped.
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
		old := make([]Transition, 0, min(len(trs), e.cfg.HistoryLimit))
		for _, tr := range trs {
			if !tr.At.IsZero() {
				old = append(old, tr)
			}
		}
		if len(old) > e.cfg.HistoryLimit {
			old = slices.Clone(old[len(old)-e.cfg.HistoryLimit:])
		}
		if len(old) == 0 {
			continue
		}
		if ent := e.tasks[ref]; ent != nil {
			e.mergeHistoryLocked(ent, old)
			e.touchLocked(ref)
			n++
			continue
		}
		if e.past == nil {
			e.past = map[taskref.Ref][]Transition{}
		}
		e.past[ref] = old
	}
	e.mu.Unlock()
	if n > 0 {
		e.signal()
	}
}

// restorePastLocked gives a task being added the history RestoreHistory
// kept aside for it, once.
func (e *Engine) restorePastLocked(ent *entry) {
	if old, ok := e.past[ent.t.Ref]; ok {
		delete(e.past, ent.t.Ref)
		e.mergeHistoryLocked(ent, old)
	}
}

// mergeHistoryLocked puts old before ent's history, keeping the newest
// HistoryLimit.
func (e *Engine) mergeHistoryLocked(ent *entry, old []Transition) {
	merged := append(slices.Clip(old), ent.t.History...)
	if lim := e.cfg.HistoryLimit; len(merged) > lim {
		merged = slices.Clone(merged[len(merged)-lim:])
	}
	ent.t.History = merged
}
