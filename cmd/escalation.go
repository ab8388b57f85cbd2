package cmd

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/trtcwatch/trtcwatch/alert"
	"github.com/trtcwatch/trtcwatch/export"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

// escalationFlags are the escalation workflow's flags: alert rules and where
// exports go (the hook flags are in hooks.go).
type escalationFlags struct {
	alerts    ruleList
	exportDir string
	// demoExports: the demo writes its exports into a directory of its
	// own under $TMPDIR (see exportDirs), not the user's state directory.
	demoExports bool
}

// ruleList is a repeatable --alert; each value is parsed as it is given,
// so a typo is a usage error naming the rule.
type ruleList []alert.Rule

func (l *ruleList) String() string {
	var s []string
	for _, r := range *l {
		s = append(s, r.String())
	}
	return strings.Join(s, ",")
}

func (l *ruleList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		r, err := alert.Parse(part)
		if err != nil {
			return err
		}
		*l = append(*l, r)
	}
	return nil
}

func (f *escalationFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.alerts, "alert", "flag tasks that meet RULE: "+strings.Join(alert.Examples(), ", ")+" (repeatable, or comma-separated)")
	fs.StringVar(&f.exportDir, "export-dir", "", "where x and :export write files (default $XDG_STATE_HOME/trtcwatch/exports)")
}

// demoRule is the alert rule --demo turns on when no --alert is given, so
// the demo shows a rule firing: its "robot in the room" task sits Idle.
const demoRule = "idle>30s"

// demoDefaults gives the demo its alert rule unless the user chose some,
// and its own export directory unless --export-dir names one.
func (f *escalationFlags) demoDefaults() {
	if len(f.alerts) == 0 {
		f.alerts.Set(demoRule) //nolint:errcheck // a constant that parses (TestDemoRule)
	}
	f.demoExports = f.exportDir == ""
}

// exportDirs says where each export goes: --export-dir, else the default
// state directory (export.WriteFile's ""), else for the demo a directory
// made under $TMPDIR at its first export and kept when the demo quits
// (unlike its watch list), so the file the message names can still be
// opened. Trying x in the demo never writes into ~/.local/state.
func (f *escalationFlags) exportDirs() func() (string, error) {
	if !f.demoExports {
		dir := f.exportDir
		return func() (string, error) { return dir, nil }
	}
	var mu sync.Mutex
	var dir string
	return func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if dir == "" {
			d, err := os.MkdirTemp("", "trtcwatch-demo-exports-")
			if err != nil {
				return "", fmt.Errorf("export: the demo's directory: %w", err)
			}
			dir = d
		}
		return dir, nil
	}
}

// apply wires exports and alert rules into the dashboard's options. The
// file is written by export.WriteFile inside the UI's command, never in
// Update.
func (f *escalationFlags) apply(o *ui.Options) {
	dirFor := f.exportDirs()
	o.Export = func(format string, tasks []watch.Task, loc *time.Location, now time.Time) (string, error) {
		fm, err := export.ParseFormat(format)
		if err != nil {
			return "", err
		}
		dir, err := dirFor()
		if err != nil {
			return "", err
		}
		return export.WriteFile(dir, fm, tasks, loc, now)
	}
	// Markdown first: x makes a table ready to paste into a ticket.
	o.ExportFormats = []string{string(export.Markdown), string(export.CSV), string(export.JSON), string(export.Table)}
	for _, r := range f.alerts {
		o.Alerts = append(o.Alerts, r)
	}
	o.ParseAlert = func(s string) (ui.AlertRule, error) {
		r, err := alert.Parse(s)
		if err != nil {
			return nil, err // not a nil Rule in a non-nil interface
		}
		return r, nil
	}
	o.AlertExamples = alert.Examples()
}
