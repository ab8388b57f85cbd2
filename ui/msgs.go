package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// engineMsg carries one Collect: the tasks that changed and the figures.
type engineMsg struct{ up watch.Update }

// tickMsg looks at the clock when a text on screen may read differently
// (repaint.go); seq names the tick armed last.
type tickMsg struct {
	at  time.Time
	seq int
}

// flashClearMsg clears the flash only if it is still the one numbered seq.
type flashClearMsg struct{ seq int }

// addedMsg is the engine's answer to an add.
type addedMsg struct {
	asked    int // valid refs sent
	dups     int // already watched or repeated in the paste
	rejected int
	added    []taskref.Ref
	err      error
}

// removedMsg is the engine's answer to a removal.
type removedMsg struct {
	ref taskref.Ref
	err error
}

// noteMsg is the engine's answer to a note edit: the note shown at once
// and the one it replaced, put back if the engine did not take it.
type noteMsg struct {
	ref       taskref.Ref
	note, old string
	err       error
}

// copiedMsg reports a native clipboard write; err means fall back to OSC 52.
type copiedMsg struct {
	what string
	text string
	err  error
}

// The commands below are the only places the engine is called. Each takes
// its inputs as arguments so that nothing reads the model from the
// command's goroutine.

// collectCmd takes what the engine holds now, without waiting.
func collectCmd(eng Engine) tea.Cmd {
	return func() tea.Msg { return engineMsg{eng.Collect()} }
}

// waitCmd blocks until the engine has news (or the dashboard stops), then
// collects it. Update re-issues it after each engineMsg, so exactly one
// wait is outstanding.
func waitCmd(ctx context.Context, eng Engine) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-ctx.Done():
			return nil
		case <-eng.Changed():
			return engineMsg{eng.Collect()}
		}
	}
}

func addCmd(eng Engine, refs []taskref.Ref, dups, rejected int) tea.Cmd {
	return func() tea.Msg {
		added, err := eng.Add(refs)
		return addedMsg{asked: len(refs), dups: dups, rejected: rejected, added: added, err: err}
	}
}

func removeCmd(eng Engine, ref taskref.Ref) tea.Cmd {
	return func() tea.Msg { return removedMsg{ref: ref, err: eng.Remove(ref)} }
}

func noteCmd(eng Engine, ref taskref.Ref, note, old string, seq uint64) tea.Cmd {
	return func() tea.Msg { return noteMsg{ref: ref, note: note, old: old, err: eng.SetNote(ref, note, seq)} }
}

func refreshCmd(eng Engine, ref taskref.Ref) tea.Cmd {
	return func() tea.Msg { eng.Refresh(ref); return nil }
}

// refreshAllCmd and pauseCmd answer only when the engine refused or
// failed; what they did shows in the engine's next update.
func refreshAllCmd(eng Engine) tea.Cmd {
	return func() tea.Msg {
		if err := eng.RefreshAll(); err != nil {
			return editFailedMsg{what: "refreshing all tasks", failed: "refresh failed", err: err}
		}
		return nil
	}
}

func pauseCmd(eng Engine, paused bool, seq uint64) tea.Cmd {
	return func() tea.Msg {
		if err := eng.SetPaused(paused, seq); err != nil {
			return editFailedMsg{what: "pausing polling", failed: "pause failed", err: err, pause: true}
		}
		return nil
	}
}
