package ui

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/watch"
)

// fakeExport records what the dashboard asked to write.
type fakeExport struct {
	mu     sync.Mutex
	format []string
	ids    [][]string
	err    error
}

func (f *fakeExport) write(format string, tasks []watchTask, _ *time.Location, _ time.Time) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, t := range tasks {
		ids = append(ids, t.Ref.TaskID)
	}
	f.format = append(f.format, format)
	f.ids = append(f.ids, ids)
	return "/tmp/exports/trtcwatch-1." + format, f.err
}

func exportModel(t *testing.T, fe *fakeExport) (*Model, *countingEngine) {
	eng := newCountingEngine()
	m := newTestModel(t, eng, 120, 30)
	m.opts.ExportFormats = []string{"md", "csv", "json", "table"}
	if fe != nil {
		m.opts.Export = fe.write
	}
	m.Update(engineMsg{watchUpdate(fixtureTasks())})
	return m, eng
}

func TestExport(t *testing.T) {
	for _, tc := range []struct {
		name    string
		keys    []string
		line    string // a command after the keys
		err     error
		formats []string
		ids     []string // of the last export
		flash   string
	}{
		{name: "x writes the shown tasks as md", keys: []string{"f", "x"}, formats: []string{"md"},
			ids: []string{"task-missing-06", "task-error-0007", "task-hostile-9"}, flash: "exported 3 tasks (md) to /tmp/exports/trtcwatch-1.md"},
		{name: "x writes the marked tasks", keys: []string{"j", "space", "space", "x"}, formats: []string{"md"},
			ids: []string{"task-idle-0002", "task-vod-0003"}, flash: "exported 2 tasks (md)"},
		{name: ":export csv then x keeps csv", keys: []string{"/", "i", "d", "l", "e", "enter"}, line: "export csv", formats: []string{"csv"},
			ids: []string{"task-idle-0002"}, flash: "exported 1 task (csv) to /tmp/exports/trtcwatch-1.csv"},
		{name: "markdown is md", line: "export markdown", formats: []string{"md"}, flash: "exported 9 tasks (md)"},
		{name: "unknown format", line: "export pdf", flash: ":export: pdf is not one of md, csv, json, table"},
		{name: "no format", line: "export", flash: ":export takes one format: md, csv, json, table"},
		{name: "a failed write says so", keys: []string{"x"}, err: errors.New("open /ro/x.md: read-only file system"), formats: []string{"md"},
			flash: "export failed: open /ro/x.md: read-only file system"},
		{name: "nothing shown", keys: []string{"/", "z", "z", "z", "enter", "x"}, flash: "nothing to export"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fe := &fakeExport{err: tc.err}
			m, eng := exportModel(t, fe)
			cmd := pressFlow(m, tc.keys...)
			if tc.line != "" {
				cmd = runLine(m, tc.line)
			}
			fe.mu.Lock()
			if len(fe.format) != 0 || eng.total() != 0 {
				t.Fatal("Update wrote the file or called the engine itself")
			}
			fe.mu.Unlock()
			for _, msg := range runCmd(cmd) {
				m.Update(msg)
			}
			if !slices.Equal(fe.format, tc.formats) {
				t.Errorf("formats %q, want %q", fe.format, tc.formats)
			}
			if tc.ids != nil && !slices.Equal(fe.ids[len(fe.ids)-1], tc.ids) {
				t.Errorf("exported %q, want %q", fe.ids[len(fe.ids)-1], tc.ids)
			}
			if !strings.Contains(m.flash.text, tc.flash) {
				t.Errorf("flash %q, want %q", m.flash.text, tc.flash)
			}
			if tc.line == "export csv" {
				runCmd(pressFlow(m, "x"))
				if fe.format[len(fe.format)-1] != "csv" {
					t.Errorf("x after :export csv wrote %q", fe.format[len(fe.format)-1])
				}
			}
		})
	}
}

func TestExportUnavailable(t *testing.T) {
	m, _ := exportModel(t, nil)
	pressFlow(m, "x")
	if !strings.Contains(m.flash.text, "export is off in team mode") {
		t.Errorf("flash %q", m.flash.text)
	}
}

type watchTask = watch.Task

func watchUpdate(ts []watch.Task) watch.Update { return watch.Update{Changed: ts, Stats: okStats()} }

// TestExportPathWholeWhenNarrow: on a narrow screen the message keeps the
// path whole and drops the words around it.
func TestExportPathWholeWhenNarrow(t *testing.T) {
	fe := &fakeExport{}
	m, _ := exportModel(t, fe)
	m.Update(tea.WindowSizeMsg{Width: 50, Height: 20})
	for _, msg := range runCmd(pressFlow(m, "x")) {
		m.Update(msg)
	}
	if m.flash.text != "exported to /tmp/exports/trtcwatch-1.md" {
		t.Errorf("flash %q", m.flash.text)
	}
	m.Update(tea.WindowSizeMsg{Width: 38, Height: 20})
	for _, msg := range runCmd(pressFlow(m, "x")) {
		m.Update(msg)
	}
	if m.flash.text != "/tmp/exports/trtcwatch-1.md" {
		t.Errorf("flash %q", m.flash.text)
	}
}
