package hook

import (
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// Feed is where the hooks read the engine's news: a session of their own
// (watch.Engine.Session), so the dashboard's reader is never slowed or
// starved.
type Feed interface {
	Changed() <-chan struct{}
	Collect() watch.Update
	Close()
}

// Follow fires the hook events of everything feed reports (see
// fromUpdate), on one goroutine started through spawn (the caller's panic
// guard), until the stop it returns is called; stop waits for that
// goroutine and closes feed. Fire never blocks, so neither does the feed.
func (r *Runner) Follow(feed Feed, spawn func(func())) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	spawn(func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			case <-feed.Changed():
			}
			for _, ev := range fromUpdate(feed.Collect()) {
				r.Fire(ev)
			}
		}
	})
	return func() {
		close(quit)
		<-done
		feed.Close()
	}
}

// fromUpdate is the events a hook hears about in one update: a change of
// state ("transition", into a failed state too: From and To say which),
// a call failure that starts or changes its code ("error"), and a
// recording callback that reports a failure or an abnormal end
// ("callback": ErrorCode says what went wrong, Text what the callback
// said, To the phase the API last gave). Adds, removes and notes are the
// user's own doing and stay out of the chat, and so does a task's first
// answer (pending to its state), so a start-up with 500 tasks stays quiet.
// So do routine callbacks: a room of ten users sends twenty as its files
// start, and the change of state they announce arrives as a transition
// once the API confirms it; a callback not about a watched task (not
// watched) is a list for the events pane, not news of a task. Note is the
// task's note.
func fromUpdate(up watch.Update) []Event {
	notes := make(map[string]string, len(up.Changed))
	phases := make(map[string]watch.Phase, len(up.Changed))
	for _, t := range up.Changed {
		notes[t.Ref.String()] = t.Note
		phases[t.Ref.String()] = t.Phase
	}
	var out []Event
	for _, ev := range up.Events {
		he := Event{Time: ev.At, SdkAppID: ev.Ref.SdkAppID, TaskID: ev.Ref.TaskID, Region: ev.Ref.Region,
			From: string(ev.From), To: string(ev.To), RequestID: ev.RequestID, Note: notes[ev.Ref.String()]}
		switch {
		case ev.Kind == watch.EventTransition && ev.From == watch.Pending:
			continue
		case ev.Kind == watch.EventTransition:
			he.Kind = transitionKind
		case ev.Kind == watch.EventError && ev.Code != "":
			he.Kind, he.ErrorCode, he.From = errorKind, ev.Code, ""
		case ev.Kind == watch.EventCallback && ev.Code != "":
			he.Kind, he.ErrorCode, he.Text, he.To = callbackKind, ev.Code, ev.Text, string(phases[ev.Ref.String()])
		default:
			continue
		}
		out = append(out, he)
	}
	return out
}

// FromAlert is a rule that task t began to meet at at, as a hook event:
// the rule as typed, the task's current state and last RequestId, the
// code of its last failure, and the firing's plain reason in Note.
func FromAlert(t watch.Task, rule, reason string, at time.Time) Event {
	ev := Event{Time: at, SdkAppID: t.Ref.SdkAppID, TaskID: t.Ref.TaskID, Region: t.Ref.Region,
		Kind: alertKind, To: string(t.Phase), Rule: rule, Note: reason}
	if t.Last != nil {
		ev.RequestID = t.Last.RequestID
	}
	if t.LastErr != nil {
		ev.ErrorCode = t.LastErr.Code
	}
	return ev
}
