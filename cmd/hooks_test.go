package cmd

import (
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/hook"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

var hookRef = taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-1"}

func TestHookFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{args: nil},
		{args: []string{"--hook-max", "0"}, err: "--hook-max must be between 1 and 32"},
		{args: []string{"--hook-timeout", "10ms"}, err: "--hook-timeout must be between 1s"},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var f hookFlags
		f.register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := f.validate()
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%v: err %v, want %q", tc.args, err, tc.err)
		}
	}
}

// fakeFeed hands out updates; Changed is unbuffered, so a second send
// returns only once the wiring has fired the first update's events.
type fakeFeed struct {
	ch     chan struct{}
	next   chan watch.Update
	closed chan struct{}
}

func (f *fakeFeed) Changed() <-chan struct{} { return f.ch }
func (f *fakeFeed) Collect() watch.Update    { return <-f.next }
func (f *fakeFeed) Close()                   { close(f.closed) }

func (f *fakeFeed) push(up watch.Update) {
	f.ch <- struct{}{}
	f.next <- up
	f.ch <- struct{}{} // back in its select: the events are fired
	f.next <- watch.Update{}
}

// TestStartHooks runs real hooks: one that records its stdin and env, one
// that fails; the failure reaches the dashboard's channel, the transition
// and an alert reach the hook, and stop closes the session.
func TestStartHooks(t *testing.T) {
	// The hooks' supervisor is this binary, built with -race: without this
	// the race runtime waits a second at each of its exits.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	for _, tc := range []struct {
		name, cmd string
		check     func(t *testing.T, dir string, o *ui.Options)
		logged    string // what stop logs
	}{
		{name: "records", logged: "started=2 failed=0 dropped=0", cmd: `cat >> "$OUT/$TRTCWATCH_EVENT.json"; echo "$TRTCWATCH_TO" >> "$OUT/env.txt"`,
			check: func(t *testing.T, dir string, _ *ui.Options) {
				tr, err := os.ReadFile(filepath.Join(dir, "transition.json"))
				if err != nil || !strings.Contains(string(tr), `"from":"InProgress"`) || !strings.Contains(string(tr), `"task_id":"task-1"`) {
					t.Errorf("transition on stdin: %s %v", tr, err)
				}
				al, err := os.ReadFile(filepath.Join(dir, "alert.json"))
				var ev struct{ Rule, Kind string }
				if err != nil || json.Unmarshal(al, &ev) != nil || ev.Rule != "idle>5m" || ev.Kind != "alert" {
					t.Errorf("alert on stdin: %s %v", al, err)
				}
				env, _ := os.ReadFile(filepath.Join(dir, "env.txt"))
				if !strings.Contains(string(env), "Exited") {
					t.Errorf("env TO: %q", env)
				}
			}},
		{name: "fails", logged: "started=2 failed=2 dropped=0", cmd: `echo "webhook said no" >&2; exit 3`,
			check: func(t *testing.T, _ string, o *ui.Options) {
				select {
				case s := <-o.HookFailures:
					if !strings.Contains(s, "task-1") || !strings.Contains(s, "webhook said no") {
						t.Errorf("failure line %q", s)
					}
				default:
					t.Error("no failure reached the dashboard")
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("OUT", dir)
			feed := &fakeFeed{ch: make(chan struct{}), next: make(chan watch.Update), closed: make(chan struct{})}
			f := hookFlags{onChange: tc.cmd, max: 2, timeout: 5 * time.Second}
			var o ui.Options
			var logged lockedBuffer
			stop, drain, err := f.startHooks(func() hook.Feed { return feed }, func(fn func()) { go fn() }, &o, slog.New(slog.NewTextHandler(&logged, nil)))
			if err != nil {
				t.Fatal(err)
			}
			at := time.Now()
			feed.push(watch.Update{Events: []watch.Event{{At: at, Kind: watch.EventTransition, Ref: hookRef, From: watch.InProgress, To: watch.Exited}}})
			o.OnAlert(ui.Firing{Rule: "idle>5m", At: at, Task: watch.Task{Ref: hookRef, Phase: watch.Idle}})
			drain()
			tc.check(t, dir, &o)
			stop()
			select {
			case <-feed.closed:
			default:
				t.Error("stop left the session open")
			}
			if !strings.Contains(logged.String(), `msg="on-change hooks stopped" `+tc.logged) {
				t.Errorf("the log does not say %q at stop:\n%s", tc.logged, logged.String())
			}
		})
	}
}

func TestNoHooksNoSession(t *testing.T) {
	var f hookFlags
	var o ui.Options
	opened := false
	stop, _, err := f.startHooks(func() hook.Feed { opened = true; return nil }, func(fn func()) { go fn() }, &o, slog.New(slog.DiscardHandler))
	if err != nil || opened || o.OnAlert != nil || o.HookFailures != nil {
		t.Errorf("without --on-change: err %v, session opened %v, wired %v", err, opened, o.OnAlert != nil)
	}
	stop()
}
