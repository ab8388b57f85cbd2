package main

import (
	"log/slog"

	"github.com/trtcwatch/trtcwatch/eventlog"
	"github.com/trtcwatch/trtcwatch/watch"
)

// pastEventsShown is how many logged events the events pane starts with.
const pastEventsShown = 5000

// eventLogSource is the engine warning's source for log write trouble.
const eventLogSource = "event log"

// startEventLog opens the event log beside statePath, puts each watched
// task's history back from it into eng (so call it before eng.Run), and
// starts one goroutine (through spawn, the dashboard's guard) that appends
// everything eng reports from then on. It returns the newest logged events
// for the events pane and a stop function that logs what is left, closes
// the log and waits for the goroutine; call stop after the engine has
// stopped. Trouble with the log never stops the dashboard: a log that
// cannot be opened or read is a warning in the debug log, and write
// failures become the engine's banner until writing works again.
func startEventLog(eng *watch.Engine, statePath string, log *slog.Logger, spawn func(func())) (past []watch.Event, stop func()) {
	path, err := eventlog.DefaultPath(statePath)
	if err != nil {
		log.Warn("event log off", "err", err)
		return nil, func() {}
	}
	res, err := eventlog.Load(path, eventlog.Filter{})
	if err != nil {
		log.Warn("read event log", "err", err)
	}
	if res.Skipped > 0 {
		log.Warn("event log lines skipped (torn or garbled)", "path", path, "skipped", res.Skipped)
	}
	eng.RestoreHistory(eventlog.History(res.Records, 0))
	past = eventlog.Events(res.Records, pastEventsShown)

	w, err := eventlog.Open(path, eventlog.Options{OnError: func(err error) {
		if err != nil {
			log.Warn("event log write", "err", err)
			eng.SetWarning(eventLogSource, "event log not written ("+err.Error()+"); retrying")
			return
		}
		eng.SetWarning(eventLogSource, "")
	}})
	if err != nil {
		log.Warn("event log off", "err", err)
		eng.SetWarning(eventLogSource, "event log off: "+err.Error())
		return past, func() {}
	}
	sess := eng.Session("local")
	quit, done := make(chan struct{}), make(chan struct{})
	spawn(func() {
		defer close(done)
		for {
			select {
			case <-sess.Changed():
				appendEvents(w, sess.Collect(), log)
			case <-quit:
				appendEvents(w, sess.Collect(), log)
				return
			}
		}
	})
	return past, func() {
		close(quit)
		<-done
		sess.Close()
		if err := w.Close(); err != nil {
			log.Warn("event log at exit", "err", err)
		}
		if n := w.Dropped(); n > 0 {
			log.Warn("event log records dropped", "count", n)
		}
	}
}

// appendEvents queues one Collect's events for the log.
func appendEvents(w *eventlog.Writer, u watch.Update, log *slog.Logger) {
	for _, ev := range u.Events {
		w.Append(eventlog.FromEvent(ev, 0))
	}
	if u.EventsDropped > 0 {
		log.Warn("events missed by the event log (reader fell behind)", "count", u.EventsDropped)
	}
}
