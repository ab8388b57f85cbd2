package soak

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

const (
	region = "ap-singapore"
	app    = 1400000001
)

// knownLabel are the state words the task list shows (ui/styles.go): the
// API's own three and the dashboard's plain ones. A rename there fails
// these tests with a clear diff rather than silently.
var knownLabel = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range watch.Phases {
		m[string(p)] = true
	}
	return m
}()

// faint is the SGR the list draws a stale answer's age with.
var faint = ansi.NewStyle().Faint().String()

func refOf(id string) taskref.Ref { return taskref.Ref{Region: region, SdkAppID: app, TaskID: id} }

func startEmulator(t testing.TB, cfg emulator.Config, addr string) *emulator.Server {
	t.Helper()
	srv, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(addr); err != nil {
		t.Fatal(err)
	}
	return srv
}

func newClient(t testing.TB, endpoint, secretKey string, rate float64, timeout time.Duration) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Region: region, Endpoint: endpoint, Rate: rate, Timeout: timeout,
		Credential: common.NewCredential(emulator.DemoSecretID, secretKey)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dash is the dashboard as a user runs it, minus the terminal: the real
// ui.Model in a real tea.Program (input off, frames rendered and thrown
// away, fixed size, at the program's frame rate ui.FPS) over a real
// engine.
type dash struct {
	eng      *watch.Engine
	prog     *tea.Program
	cancel   context.CancelFunc
	engDone  chan struct{}
	progDone chan struct{}
	progErr  error
}

// probeMsg asks the event loop for the screen; the filter answers it
// between two Updates, so reading the model never races with it.
type probeMsg struct{ reply chan string }

func startDash(t testing.TB, c *client.Client, cfg watch.Config, refs []taskref.Ref, w, h int) *dash {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &dash{eng: watch.New(c, cfg), cancel: cancel, engDone: make(chan struct{}), progDone: make(chan struct{})}
	go func() { d.eng.Run(ctx); close(d.engDone) }()
	if _, err := d.eng.Add(refs); err != nil {
		t.Fatal(err)
	}
	m := ui.New(d.eng, ui.Options{Keys: ui.KeyMap{Quit: key.NewBinding(key.WithKeys("q"))},
		Endpoint: c.Endpoint(), Region: region, SdkAppID: app, Context: ctx})
	filter := func(mod tea.Model, msg tea.Msg) tea.Msg {
		if p, ok := msg.(probeMsg); ok {
			p.reply <- mod.(*ui.Model).View().Content
			return nil
		}
		return msg
	}
	d.prog = tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(w, h),
		tea.WithFilter(filter), tea.WithoutSignalHandler(), tea.WithColorProfile(colorprofile.Ascii), tea.WithFPS(ui.FPS),
		tea.WithEnvironment([]string{"TERM=xterm-256color", "TERM_PROGRAM=Apple_Terminal"}))
	go func() { _, d.progErr = d.prog.Run(); close(d.progDone) }()
	return d
}

// screen is what the model draws now (raw, with SGR).
func (d *dash) screen(t testing.TB) string {
	t.Helper()
	reply := make(chan string, 1)
	go d.prog.Send(probeMsg{reply})
	select {
	case s := <-reply:
		return s
	case <-d.progDone:
		t.Fatalf("dashboard exited: %v", d.progErr)
	case <-time.After(10 * time.Second):
		t.Fatal("dashboard did not answer a screen probe within 10s")
	}
	return ""
}

// stop quits the program, then the engine, and checks neither failed.
func (d *dash) stop(t testing.TB) {
	t.Helper()
	d.prog.Quit()
	select {
	case <-d.progDone:
	case <-time.After(10 * time.Second):
		t.Error("dashboard did not quit within 10s")
	}
	d.cancel()
	<-d.engDone
	if d.progErr != nil {
		t.Errorf("dashboard: %v", d.progErr)
	}
}

// rowView is one task row as drawn.
type rowView struct {
	label, code, files string
	faint              bool // the answer's age is dimmed: stale
}

// screenView is a parsed screen.
type screenView struct {
	lines []string // stripped
	rows  map[string]rowView
}

func (s screenView) text() string { return strings.Join(s.lines, "\n") }

// count is how many lines contain sub.
func (s screenView) count(sub string) int {
	n := 0
	for _, l := range s.lines {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

// parseScreen finds the task rows under the column header by the header's
// positions, in runes (the list pane's border and the state glyphs are one
// rune each; the test's IDs and codes are single-cell text). A row is
// "│", a marker, the state cell (glyph, space, word), then the columns.
func parseScreen(raw string) screenView {
	rawLines := strings.Split(raw, "\n")
	sv := screenView{rows: map[string]rowView{}}
	var idAt, errAt, errEnd, filesAt int
	found := false
	for i, rl := range rawLines {
		line := ansi.Strip(rl)
		sv.lines = append(sv.lines, line)
		if !found {
			if strings.Contains(line, "STATE") && strings.Contains(line, "TASK ID") {
				found = true
				idAt, errAt = runeIndex(line, "TASK ID"), runeIndex(line, "LAST ERROR")
				errEnd = -1
				if f := runeIndex(line, "FOR"); f >= 0 {
					errEnd = f + len("FOR") - 6 - 1 // FOR is right-aligned in 6 cells
				}
				filesAt = runeIndex(line, "FILES")
			}
			continue
		}
		r := []rune(line)
		if len(r) < idAt+1 || idAt < 14 {
			continue
		}
		label := strings.TrimSpace(string(r[4:14]))
		f := strings.Fields(string(r[idAt:]))
		if len(f) == 0 || !knownLabel[label] {
			continue // not a task row: the hint bar, a flash, a border
		}
		rv := rowView{label: label, faint: strings.Contains(listPart(rawLines[i]), faint)}
		if errAt >= 0 && errEnd > errAt && len(r) >= errEnd {
			if c := strings.Fields(string(r[errAt:errEnd])); len(c) > 0 {
				rv.code = c[0]
			}
		}
		if filesAt >= 0 && len(r) >= filesAt+5 {
			rv.files = strings.TrimSpace(string(r[filesAt : filesAt+5]))
		}
		sv.rows[f[0]] = rv
	}
	return sv
}

// listPart is a raw screen line up to the list pane's right border, so the
// detail pane beside it (its labels are faint) does not count.
func listPart(raw string) string {
	const bar = "│"
	i := strings.Index(raw, bar)
	if i < 0 {
		return raw
	}
	if j := strings.Index(raw[i+len(bar):], bar); j >= 0 {
		return raw[:i+len(bar)+j]
	}
	return raw
}

// runeIndex is strings.Index counted in runes, -1 when absent.
func runeIndex(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		return -1
	}
	return utf8.RuneCountInString(s[:i])
}

// waitScreen probes the screen until cond holds or the deadline passes.
func (d *dash) waitScreen(t testing.TB, what string, within time.Duration, cond func(screenView) bool) screenView {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		sv := parseScreen(d.screen(t))
		if cond(sv) {
			return sv
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s; screen:\n%s", within, what, sv.text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shownLabel is the state a row names for a task: a failed call keeps the
// last API status on the row (the failure is a badge beside it).
func shownLabel(t watch.Task) string {
	if t.Phase.Failed() && t.Last != nil && watch.Live(t.Last.Status) {
		return t.Last.Status
	}
	return string(t.Phase)
}

// codeCell is what the LAST ERROR column shows for a task: the failed
// call's code (our word when it has none); nothing for an answer, "gone"
// included.
func codeCell(t watch.Task) string {
	if !t.Phase.Failed() || t.LastErr == nil {
		return ""
	}
	if t.LastErr.Code == "" {
		return string(t.Phase)
	}
	return t.LastErr.Code
}

// mismatches compares the drawn rows with the engine's tasks: every task
// has a row, with its phase's badge and its last error's code.
func mismatches(tasks []watch.Task, sv screenView) []string {
	var out []string
	if len(sv.rows) != len(tasks) {
		out = append(out, fmt.Sprintf("%d rows drawn, engine has %d tasks", len(sv.rows), len(tasks)))
	}
	for _, tk := range tasks {
		r, ok := sv.rows[tk.Ref.TaskID]
		switch {
		case !ok:
			out = append(out, tk.Ref.TaskID+": no row")
		case r.label != shownLabel(tk) || r.code != codeCell(tk):
			out = append(out, fmt.Sprintf("%s: row shows %s %q, engine has %s %q", tk.Ref.TaskID, r.label, r.code, shownLabel(tk), codeCell(tk)))
		}
	}
	return out
}

// settle pauses polling, waits for calls in flight to end, then waits for
// the screen to show exactly what the engine holds, and resumes. It
// returns the engine's tasks and the matching screen.
func (d *dash) settle(t testing.TB) ([]watch.Task, screenView) {
	t.Helper()
	d.eng.SetPaused(true, 0)
	defer d.eng.SetPaused(false, 0)
	tasks := waitTasks(t, d.eng, "calls in flight to end", func(ts []watch.Task) bool {
		for _, tk := range ts {
			if tk.InFlight {
				return false
			}
		}
		return true
	})
	var sv screenView
	var bad []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		sv = parseScreen(d.screen(t))
		if bad = mismatches(tasks, sv); len(bad) == 0 {
			return tasks, sv
		}
	}
	t.Fatalf("screen does not match the engine 5s after polling paused (%d differences), first: %v\nscreen:\n%s",
		len(bad), bad[:min(len(bad), 5)], sv.text())
	return nil, sv
}

// waitTasks polls the engine's tasks until cond holds (at most 60s).
func waitTasks(t testing.TB, eng *watch.Engine, what string, cond func([]watch.Task) bool) []watch.Task {
	t.Helper()
	// A wait for behaviour, not a speed check: on a loaded 2-core machine
	// under -race the first sweep of 200 tasks at 30% faults took over 10 s.
	deadline := time.Now().Add(60 * time.Second)
	for {
		ts := eng.Tasks()
		if cond(ts) {
			return ts
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
