//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/eventlog"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

var taskA = taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-a"}

// TestEventsJSONEscapesInvisible: what a hostile server put in a string
// (a one-rune C1 CSI, a bidi override, a zero-width space) leaves
// `events --json` escaped as \uXXXX, as export writes it, and reads back
// as the same string.
func TestEventsJSONEscapesInvisible(t *testing.T) {
	state := filepath.Join(t.TempDir(), "w.json")
	hostile := "InternalError\u009b31m\u202eevil\u200b\u2066x"
	writeLog(t, state, eventlog.Record{Time: time.Now(), SdkAppID: taskA.SdkAppID, TaskID: taskA.TaskID, Region: taskA.Region, Kind: string(watch.EventError),
		ErrorCode: hostile, RequestID: "req\u009b2J", PID: 1})
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"events", "--state", state, "--json"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, r := range []rune{'\u009b', '\u202e', '\u200b', '\u2066'} {
		if strings.ContainsRune(out, r) {
			t.Errorf("U+%04X printed raw: %q", r, out)
		}
	}
	if !strings.Contains(out, `\u009b31m\u202eevil\u200b\u2066x`) {
		t.Errorf("not escaped as export does: %s", out)
	}
	var back eventlog.Record
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &back); err != nil || back.ErrorCode != hostile || back.RequestID != "req\u009b2J" {
		t.Errorf("read back %+v, %v", back, err)
	}
}

// TestEventsWithAFIFO: a named pipe at events.jsonl.2 (nobody writes to
// it) neither hangs `trtcwatch events` nor the dashboard's start: it is
// named and skipped, the rest is read.
func TestEventsWithAFIFO(t *testing.T) {
	state := filepath.Join(t.TempDir(), "w.json")
	logPath := writeLog(t, state, eventlog.Record{Time: time.Now(), SdkAppID: taskA.SdkAppID, TaskID: taskA.TaskID, Region: taskA.Region, Kind: string(watch.EventTransition),
		From: string(watch.Idle), To: string(watch.InProgress), RequestID: "req-1", PID: 1})
	if err := syscall.Mkfifo(logPath+".2", 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"events", "--state", state}, nil, &stdout, &stderr)
		if code != 0 || !strings.Contains(stdout.String(), "req-1") || !strings.Contains(stderr.String(), logPath+".2 is not a regular file") {
			t.Errorf("events with a FIFO: exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		eng := watch.New(idleAPI{}, watch.Config{})
		past, _, stop := eventlog.Attach(eng, state, discardLog(), func(f func()) { go f() })
		stop()
		if len(past) != 1 || past[0].RequestID != "req-1" {
			t.Errorf("the dashboard restored %+v", past)
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // a hang, not a speed limit
		t.Fatal("a named pipe in the event log hangs events or the dashboard's start")
	}
}

// TestForgedEventLogRefused: an event log another user may write (or
// that belongs to another user) is refused by `events` and by the
// dashboard, which neither shows its lines (a forged "by alice@oncall")
// nor appends to it, and says why.
func TestForgedEventLogRefused(t *testing.T) {
	spoil := map[string]func(t *testing.T, file string){
		"writable by every user": func(t *testing.T, file string) { os.Chmod(file, 0o666) },
	}
	if os.Geteuid() == 0 { // only root can give a file away; the suite runs as root
		spoil["belongs to another user"] = func(t *testing.T, file string) {
			if err := os.Chown(file, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
	}
	for want, fn := range spoil {
		t.Run(want, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "w.json")
			logPath := writeLog(t, state, eventlog.Record{Time: time.Now(), SdkAppID: taskA.SdkAppID, TaskID: taskA.TaskID, Region: taskA.Region, Kind: string(watch.EventRemove),
				By: "alice@oncall", PID: 1})
			fn(t, logPath)
			before, _ := os.ReadFile(logPath)

			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"events", "--state", state}, nil, &stdout, &stderr)
			if code != 1 || strings.Contains(stdout.String(), "alice") || !strings.Contains(stderr.String(), "refused the event log") || !strings.Contains(stderr.String(), want) {
				t.Errorf("events: exit %d\n%s%s", code, stdout.String(), stderr.String())
			}

			eng := watch.New(idleAPI{}, watch.Config{Store: watchlist.Open(state, watchlist.Options{})})
			past, _, stop := eventlog.Attach(eng, state, discardLog(), func(f func()) { go f() })
			if _, err := eng.Add([]taskref.Ref{taskA}); err != nil {
				t.Fatal(err)
			}
			eng.Flush()
			stop()
			if len(past) != 0 {
				t.Errorf("the dashboard shows the forged lines: %+v", past)
			}
			if after, _ := os.ReadFile(logPath); !bytes.Equal(after, before) {
				t.Errorf("the dashboard appended to a log others could have written:\n%s", after)
			}
			if w := strings.Join(eng.Stats().WatchWarnings, "\n"); !strings.Contains(w, "event log off: refused the event log") || !strings.Contains(w, want) {
				t.Errorf("no warning saying why: %q", w)
			}
		})
	}
}

// TestEventsStopsOnASignal: a signal ends a long `events` with the
// shell's code for it, saying so.
func TestEventsStopsOnASignal(t *testing.T) {
	state := filepath.Join(t.TempDir(), "w.json")
	writeLog(t, state, eventlog.Record{Time: time.Now(), SdkAppID: taskA.SdkAppID, TaskID: taskA.TaskID, Region: taskA.Region, Kind: string(watch.EventAdd), PID: 1})
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(signalCause{syscall.SIGINT})
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"events", "--state", state}, nil, &stdout, &stderr); code != 130 || !strings.Contains(stderr.String(), "stopped by SIGINT") {
		t.Errorf("exit %d, %q", code, stderr.String())
	}
}
