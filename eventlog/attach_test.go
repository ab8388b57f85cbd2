package eventlog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

var attachRef = taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-a"}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

func goSpawn(f func()) { go f() }

// writeBeside puts records in the event log beside state.
func writeBeside(t *testing.T, state string, recs ...Record) {
	t.Helper()
	w, err := openWriter(filepath.Join(filepath.Dir(state), fileName), options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		w.append(r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestAttach: history comes back from the log, edits made after start are
// logged with who made them, and a log that cannot be written becomes the
// engine's warning.
func TestAttach(t *testing.T) {
	state := filepath.Join(t.TempDir(), "w.json")
	a := attachRef
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	writeBeside(t, state, fromEvent(watch.Event{At: at, Kind: watch.EventTransition, Ref: a, From: watch.Idle, To: watch.InProgress, RequestID: "req-old"}, 1))
	if err := watchlist.Open(state, watchlist.Options{}).Update(func(es []watchlist.Entry) []watchlist.Entry {
		return append(es, watchlist.Entry{Ref: a})
	}); err != nil {
		t.Fatal(err)
	}
	eng := watch.New(noAPI{}, watch.Config{Store: watchlist.Open(state, watchlist.Options{})})
	t.Cleanup(func() { eng.Flush() }) // note edits are saved after SetNote returns
	past, older, stop := Attach(eng, state, discardLog(), goSpawn)
	if len(past) != 1 || past[0].RequestID != "req-old" || older != "" {
		t.Errorf("past events %+v, older %q", past, older)
	}
	if h := eng.Tasks()[0].History; len(h) != 1 || h[0].RequestID != "req-old" || !h[0].At.Equal(at) {
		t.Errorf("history not restored: %+v", h)
	}
	if err := eng.SetNote(a, "INC-42", 0); err != nil {
		t.Fatal(err)
	}
	stop()
	var recs []Record
	_, err := Read(context.Background(), filepath.Join(filepath.Dir(state), fileName), Filter{}, 0,
		func(r Record) error { recs = append(recs, r); return nil })
	if err != nil || len(recs) != 2 || recs[1].Note != "INC-42" || recs[1].By != "local" || recs[1].PID != os.Getpid() {
		t.Fatalf("log after an edit: %+v, %v", recs, err)
	}

	// The log turns into a directory: the next write fails, and says so.
	logPath := filepath.Join(filepath.Dir(state), fileName)
	_, _, stop = Attach(eng, state, discardLog(), goSpawn)
	os.Rename(logPath, logPath+".1")
	os.Mkdir(logPath, 0o700)
	eng.SetNote(a, "INC-43", 0)
	stop()
	found := false
	for _, w := range eng.Stats().WatchWarnings {
		found = found || strings.Contains(w, "event log not written")
	}
	if !found {
		t.Errorf("no warning for a log that cannot be written: %q", eng.Stats().WatchWarnings)
	}
}

// TestAttachReadsOnlyTheNewest: a log larger than what start-up reads
// costs the start only its newest part: the events pane gets the newest
// events and a line saying how much older log was not read. The bounds
// are Attach's restoreNewest and pastEventsShown made small (64 KiB, 50
// events), since their size proves nothing here.
func TestAttachReadsOnlyTheNewest(t *testing.T) {
	const newest, shown = 64 << 10, 50
	dir := t.TempDir()
	state := filepath.Join(dir, "w.json")
	line, err := json.Marshal(fromEvent(watch.Event{At: time.Now(), Kind: watch.EventTransition, Ref: attachRef, From: watch.Idle, To: watch.InProgress, RequestID: "req-old"}, 1))
	if err != nil {
		t.Fatal(err)
	}
	old := bytes.Repeat(append(line, '\n'), (newest+32<<10)/(len(line)+1)+1) // 32 KiB and a bit over the bound
	if err := os.WriteFile(filepath.Join(dir, fileName), old, 0o600); err != nil {
		t.Fatal(err)
	}
	eng := watch.New(noAPI{}, watch.Config{})
	past, older, stop := attach(eng, state, discardLog(), goSpawn, newest, shown)
	stop()
	if len(past) != shown {
		t.Errorf("%d past events, want %d", len(past), shown)
	}
	if !strings.Contains(older, "older events not read at start: 32 KB of the event log; trtcwatch events prints them all") {
		t.Errorf("older = %q", older)
	}
}
