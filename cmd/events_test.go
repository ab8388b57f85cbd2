package cmd

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

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/eventlog"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// writeLog writes recs as the event log beside state, one JSON object a
// line in a file only its owner may read and write, the way the dashboard
// leaves it; it returns the log's path.
func writeLog(t *testing.T, state string, recs ...eventlog.Record) string {
	t.Helper()
	path, err := eventlog.DefaultPath(state)
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b = append(append(b, line...), '\n')
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEventsCommand(t *testing.T) {
	state := filepath.Join(t.TempDir(), "w.json")
	now := time.Now().Truncate(time.Second)
	a := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-a"}
	b := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-b"}
	writeLog(t, state,
		eventlog.Record{Time: now.Add(-3 * time.Hour), SdkAppID: a.SdkAppID, TaskID: a.TaskID, Region: a.Region, Kind: string(watch.EventAdd), By: "local", PID: 7},
		eventlog.Record{Time: now.Add(-time.Hour), SdkAppID: a.SdkAppID, TaskID: a.TaskID, Region: a.Region, Kind: string(watch.EventTransition),
			From: string(watch.Idle), To: string(watch.InProgress), RequestID: "req-1", PID: 7},
		eventlog.Record{Time: now.Add(-time.Minute), SdkAppID: b.SdkAppID, TaskID: b.TaskID, Region: b.Region, Kind: string(watch.EventNote),
			Note: "INC-9 \x1b[2J", By: "another dashboard", PID: 8},
		eventlog.Record{Time: now.Add(-time.Second), SdkAppID: b.SdkAppID, TaskID: b.TaskID, Region: b.Region, Kind: string(watch.EventCallback),
			By: "callback", ErrorCode: "recorder failover", Text: "306 recorder failed over \x1b]0;x", PID: 8},
	)
	tests := []struct {
		name  string
		args  []string
		lines int      // output lines (a header in the table)
		want  []string // in the output
		not   []string
	}{
		{"all as columns", []string{"--state", state}, 5, []string{"TIME", "1400000001:task-a", "Idle→InProgress", "req-1", now.Add(-time.Hour).Format(time.RFC3339), `INC-9 \x1b[2J`, "another dashboard",
			"TEXT", "callback    -                recorder failover", `306 recorder failed over \x1b]0;x`}, []string{"\x1b"}},
		{"since", []string{"--state", state, "--since", "2h"}, 4, []string{"req-1", "INC-9"}, []string{"add "}},
		{"one task by id", []string{"--state", state, "--task", "task-b"}, 3, []string{"task-b", "306 recorder failed over"}, []string{"task-a"}},
		{"one task by app and id", []string{"--state", state, "--task", "1400000001:task-a"}, 3, []string{"task-a"}, []string{"task-b"}},
		{"json lines", []string{"--state", state, "--json", "--task", "task-a"}, 2, []string{`"kind":"transition"`, `"request_id":"req-1"`, `"pid":7`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), append([]string{"events"}, tc.args...), strings.NewReader(""), &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			out := stdout.String()
			if n := strings.Count(out, "\n"); n != tc.lines {
				t.Errorf("%d lines, want %d:\n%s", n, tc.lines, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			if strings.Contains(tc.name, "json") {
				for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
					var r eventlog.Record
					if err := json.Unmarshal([]byte(l), &r); err != nil || r.TaskID != "task-a" {
						t.Errorf("line %q: %v", l, err)
					}
				}
			}
		})
	}
}

func TestEventsCommandErrors(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "w.json")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad since", []string{"--since", "yesterday"}, exitUsage, "-since"},
		{"negative since", []string{"--since", "-2h"}, exitUsage, "--since must be a positive duration"},
		{"empty task", []string{"--task", " "}, exitUsage, "--task needs"},
		{"argument", []string{"task-a"}, exitUsage, "no arguments"},
		{"unknown flag", []string{"--nope"}, exitUsage, "-nope"},
		{"no log yet", []string{"--state", state}, 0, "no event log at " + filepath.Join(dir, "events.jsonl")},
		{"no log after a demo", []string{"--state", state}, 0, "a --demo run without --state logs in a temporary directory, removed when it exits"},
		{"task no TaskId can be", []string{"--state", state, "--task", "bad#"}, exitUsage, `--task bad# is not a TaskId: '#' at position 4`},
		{"task with a bad app", []string{"--state", state, "--task", "14x:abc"}, exitUsage, "--task 14x:abc is not SDKAPPID:TASKID"},
		{"task with an escape", []string{"--state", state, "--task", "a\x1b[2J"}, exitUsage, `--task a\x1b[2J is not a TaskId`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"events"}, tc.args...), strings.NewReader(""), &stdout, &stderr)
			if code != tc.code || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and one line with %q", code, stderr.String(), tc.code, tc.want)
			}
		})
	}
	// A symbolic link where the log goes is an error, exit 1.
	os.Symlink(state, filepath.Join(dir, "events.jsonl"))
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"events", "--state", state}, strings.NewReader(""), &stdout, &stderr); code != 1 {
		t.Errorf("symlinked log: exit %d, %s", code, stderr.String())
	}
}

// idleAPI answers Idle to every lookup.
type idleAPI struct{}

func (idleAPI) Describe(ctx context.Context, ref taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	s := "Idle"
	return &client.DescribeCloudRecordingResponse{TaskId: &ref.TaskID, Status: &s}, nil
}
func (idleAPI) SetRate(float64) {}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }
