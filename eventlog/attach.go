package eventlog

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/trtcwatch/trtcwatch/watch"
)

// pastEventsShown is how many logged events the events pane starts with.
const pastEventsShown = 5000

// restoreNewest bounds what start-up reads of the event log: its newest
// 8 MiB, about 30,000 lines of some 280 bytes. That is six times the
// events pane's pastEventsShown and most of a full live file (the writer
// rotates at 10 MB), so each task's recent history comes back, while a
// log of any size costs start-up about 0.2 s and 28 MB peak RSS on a
// 2-core machine (BenchmarkEventLog200MB; a 200 MB log read whole took
// 9-11 s and 570-640 MB). `trtcwatch events` still reads all of it.
const restoreNewest = 8 << 20

// warningSource is the engine warning's source for log write trouble.
const warningSource = "event log"

// Attach is the event log beside a running engine, as the dashboard and
// serve both run it: it opens the log beside statePath, puts each watched
// task's history back from its newest part (restoreNewest) into eng (so
// call it before eng.Run), and starts one goroutine (through spawn, the
// caller's panic guard) that appends everything eng reports from then on.
// It returns the newest logged events for the events pane, what was left
// unread before them ("" when nothing), and a stop function that logs what
// is left, closes the log and waits for the goroutine; call stop after the
// engine has stopped. Trouble with the log never stops the dashboard: a
// log that cannot be opened or read is a warning in the debug log, and
// write failures become the engine's banner until writing works again.
func Attach(eng *watch.Engine, statePath string, log *slog.Logger, spawn func(func())) (past []watch.Event, older string, stop func()) {
	return attach(eng, statePath, log, spawn, restoreNewest, pastEventsShown)
}

// attach is Attach reading at most the newest bytes of the log and
// keeping shown events for the pane.
func attach(eng *watch.Engine, statePath string, log *slog.Logger, spawn func(func()), newest int64, shown int) (past []watch.Event, older string, stop func()) {
	path, err := DefaultPath(statePath)
	if err != nil {
		log.Warn("event log off", "err", err)
		return nil, "", func() {}
	}
	hist, past, sum, err := recent(context.Background(), path, newest, shown)
	if err != nil {
		log.Warn("read event log", "err", err)
	}
	for _, w := range sum.Warnings {
		log.Warn("event log file skipped", "why", w)
	}
	if sum.Skipped > 0 {
		log.Warn("event log lines skipped (torn or garbled)", "path", path, "skipped", sum.Skipped)
	}
	if sum.Older > 0 {
		older = fmt.Sprintf("… older events not read at start: %s of the event log; trtcwatch events prints them all", mib(sum.Older))
		log.Info("event log: older part not read at start", "path", path, "bytes", sum.Older)
	}
	eng.RestoreHistory(hist)

	w, err := openWriter(path, options{OnError: func(err error) {
		if err != nil {
			log.Warn("event log write", "err", err)
			eng.SetWarning(warningSource, "event log not written ("+err.Error()+"); retrying")
			return
		}
		eng.SetWarning(warningSource, "")
	}})
	if err != nil {
		log.Warn("event log off", "err", err)
		eng.SetWarning(warningSource, "event log off: "+err.Error())
		return past, older, func() {}
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
	return past, older, func() {
		close(quit)
		<-done
		sess.Close()
		if err := w.Close(); err != nil {
			log.Warn("event log at exit", "err", err)
		}
		if n := w.droppedCount(); n > 0 {
			log.Warn("event log records dropped", "count", n)
		}
	}
}

// mib is a size for people: "180 MB".
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", max(n>>10, 1))
	}
	return fmt.Sprintf("%d MB", n>>20)
}

// appendEvents queues one Collect's events for the log.
func appendEvents(w *writer, u watch.Update, log *slog.Logger) {
	for _, ev := range u.Events {
		w.append(fromEvent(ev, 0))
	}
	if u.EventsDropped > 0 {
		log.Warn("events missed by the event log (reader fell behind)", "count", u.EventsDropped)
	}
}
