package cmd

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

func TestEscalationFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		rules   string
		wantErr string
	}{
		{args: []string{"--alert", "idle>5m", "--alert", "vanished,auth"}, rules: "idle>5m,vanished,auth"},
		{args: nil, rules: ""},
		{args: []string{"--alert", "idle>soon"}, wantErr: "idle>soon"},
		{args: []string{"--alert", "bored>5m"}, wantErr: "bored>5m"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			var f escalationFlags
			f.register(fs)
			err := fs.Parse(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || f.alerts.String() != tc.rules {
				t.Fatalf("rules %q err %v, want %q", f.alerts.String(), err, tc.rules)
			}
			var o ui.Options
			f.apply(&o)
			if len(o.Alerts) != len(f.alerts) {
				t.Errorf("%d rules reach the dashboard, want %d", len(o.Alerts), len(f.alerts))
			}
		})
	}
}

// TestEscalationExportAndAlertWiring: the dashboard's export writes a real file
// in --export-dir, and a typed rule evaluates through package alert.
func TestEscalationExportAndAlertWiring(t *testing.T) {
	dir := t.TempDir()
	f := escalationFlags{exportDir: dir}
	var o ui.Options
	f.apply(&o)
	now := time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)
	task := watch.Task{Ref: taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-idle-1"},
		Phase: watch.Idle, Since: now.Add(-10 * time.Minute), Note: "T-1"}
	for _, format := range o.ExportFormats {
		path, err := o.Export(format, []watch.Task{task}, time.UTC, now)
		if err != nil {
			t.Fatalf("export %s: %v", format, err)
		}
		if filepath.Dir(path) != dir {
			t.Errorf("%s went to %s, want %s", format, path, dir)
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), "task-idle-1") {
			t.Errorf("%s: %q, %v", format, b, err)
		}
	}
	if _, err := o.Export("pdf", []watch.Task{task}, time.UTC, now); err == nil {
		t.Error("pdf export accepted")
	}
	r, err := o.ParseAlert("idle>5m")
	why, ok := r.Check(task, now)
	if _, early := r.Check(task, now.Add(-6*time.Minute)); err != nil || !ok || early || !strings.Contains(why, "Idle") {
		t.Errorf("idle>5m: err %v", err)
	}
	if _, err := o.ParseAlert("idle>"); err == nil {
		t.Error("idle> parsed")
	}
}

// TestDemoRule: --demo shows a rule firing unless the user chose rules.
func TestDemoRule(t *testing.T) {
	for _, tc := range []struct {
		given []string
		want  string
	}{
		{nil, demoRule},
		{[]string{"vanished"}, "vanished"},
	} {
		var f escalationFlags
		for _, g := range tc.given {
			if err := f.alerts.Set(g); err != nil {
				t.Fatal(err)
			}
		}
		f.demoDefaults()
		if got := f.alerts.String(); got != tc.want {
			t.Errorf("given %v: rules %q, want %q", tc.given, got, tc.want)
		}
	}
}

// TestDemoExportDir: the demo's exports go into a directory of its own
// under $TMPDIR, one for the run, never into the user's state directory;
// --export-dir still wins.
func TestDemoExportDir(t *testing.T) {
	state, tmp := t.TempDir(), t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("TMPDIR", tmp)
	now := time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)
	task := watch.Task{Ref: taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "demo-1"}, Phase: watch.Idle, Since: now}

	var f escalationFlags
	f.demoDefaults()
	var o ui.Options
	f.apply(&o)
	first, err := o.Export("md", []watch.Task{task}, time.UTC, now)
	if err != nil {
		t.Fatal(err)
	}
	second, err := o.Export("csv", []watch.Task{task}, time.UTC, now)
	if err != nil {
		t.Fatal(err)
	}
	if dir := filepath.Dir(first); filepath.Dir(dir) != tmp || !strings.HasPrefix(filepath.Base(dir), "trtcwatch-demo-exports-") || filepath.Dir(second) != dir {
		t.Errorf("demo exports went to %s and %s, want one trtcwatch-demo-exports-* directory in %s", first, second, tmp)
	}
	if entries, _ := os.ReadDir(state); len(entries) != 0 {
		t.Errorf("the demo wrote into the state directory: %v", entries)
	}

	given := t.TempDir()
	f = escalationFlags{exportDir: given}
	f.demoDefaults()
	o = ui.Options{}
	f.apply(&o)
	if path, err := o.Export("md", []watch.Task{task}, time.UTC, now); err != nil || filepath.Dir(path) != given {
		t.Errorf("--demo --export-dir %s: export went to %s (%v)", given, path, err)
	}
}
