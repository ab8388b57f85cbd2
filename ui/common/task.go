package common

import (
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// What a task's history and state say, the same in the detail pane, the
// describe view and a copied ticket.

// Change is a transition as history lines say it: "InProgress -> error
// (InternalError.CRInternalError)", naming the failed call's code when the
// change was into a failure (watch.Transition.Code).
func Change(h watch.Transition) string {
	s := Word(h.From) + " -> " + Word(h.To)
	if h.Code != "" {
		s += " (" + Clean(h.Code) + ")"
	}
	return s
}

// HistoryNewestFirst is the one order history is shown and copied in.
func HistoryNewestFirst(hs []watch.Transition) []watch.Transition {
	out := make([]watch.Transition, len(hs))
	for i, h := range hs {
		out[len(hs)-1-i] = h
	}
	return out
}

// HistoryLine writes one transition, its time as ts says: its RequestId
// (in dim) goes on the next line when it does not fit whole beside the
// change. A change to a failure names its code (see Change).
func HistoryLine(d *Doc, dim string, h watch.Transition, indent int, ts func(time.Time) string) {
	s := Spaces(indent) + ts(h.At) + "  " + Change(h)
	rid := Clean(h.RequestID)
	plain := s
	if rid != "" {
		plain += "  " + rid
	}
	d.Plain = append(d.Plain, plain)
	if rid != "" && Width(s)+2+Width(rid) <= d.W {
		d.Lines = append(d.Lines, s+"  "+dim+rid+SGRReset)
		return
	}
	d.Lines = append(d.Lines, Cut(s, d.W))
	if rid != "" {
		x := min(indent+10, max(d.W-Width(rid), 0))
		d.Hang(x, x, dim, rid, ID)
	}
}

// PhaseExplain says what a gone task's phase means, honestly: the API
// forgets a task a few seconds after Exited, and polls are seconds apart,
// so a clean stop can look like a task that vanished. The last good answer
// tells which was last seen.
func PhaseExplain(t watch.Task) string {
	last := ""
	if t.Last != nil {
		last = t.Last.Status
	}
	if t.EndUnseen && t.Phase == watch.Ended {
		return "gone while last seen " + Clean(last) + ", but this program could not poll for a while before " +
			"(stopped, starved or asleep): its end was not seen; the recording callbacks (302 LeaveCode) tell how it stopped."
	}
	switch string(t.Phase) {
	case "ended", "vanished":
		switch last {
		case "Exited":
			return "seen Exited, then the API stopped knowing it: a clean stop."
		case "":
			return "gone. Exited lasts only seconds and can fall between two polls, " +
				"so it may have stopped cleanly; the recording callbacks (302 LeaveCode) tell for sure."
		}
		return "gone while last seen " + Clean(last) + ". Exited lasts only seconds and can fall between two polls, " +
			"so it may still have stopped cleanly; the recording callbacks (302 LeaveCode) tell for sure."
	case "not found":
		return "the API answered that it has no such task here: check the TaskId, SdkAppId and region; " +
			"a task that ended before it was watched, or whose ResourceExpiredHour has passed, answers the same."
	}
	return ""
}

// NextPoll says when t is asked about next: now, never, or in how long
// (through c, so it moves).
func NextPoll(c *Clock, t watch.Task, paused bool) string {
	switch {
	case t.InFlight:
		return "asking now"
	case paused:
		return "paused (p resumes)"
	case t.Phase.Final():
		return "not polled any more (r asks once)"
	case t.NextPoll.IsZero():
		return "not scheduled"
	}
	return c.Ago(t.NextPoll)
}
