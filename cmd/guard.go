package cmd

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
)

// exitPanic is the exit code after a recovered panic (a bug): not 1, which
// a failed start-up uses, so a wrapper script can tell them apart.
const exitPanic = 3

// guard catches a panic in any code the dashboard runs (the model's Init,
// Update and View, every Cmd, every goroutine the dashboard starts) so the
// program can give the terminal back and say where the details are,
// instead of dying with the terminal raw and a stack on the screen.
type guard struct {
	once     sync.Once
	panicked chan struct{} // closed at the first panic
	value    any
	stack    []byte
}

func newGuard() *guard { return &guard{panicked: make(chan struct{})} }

// catch is deferred: it keeps the first panic and stops it there.
func (g *guard) catch() {
	if r := recover(); r != nil {
		g.record(r, debug.Stack())
	}
}

func (g *guard) record(r any, stack []byte) {
	g.once.Do(func() {
		g.value, g.stack = r, stack
		close(g.panicked)
	})
}

// failed reports whether a panic was caught.
func (g *guard) failed() bool {
	select {
	case <-g.panicked:
		return true
	default:
		return false
	}
}

// spawn starts fn on a goroutine whose panic is caught.
func (g *guard) spawn(fn func()) {
	go func() {
		defer g.catch()
		fn()
	}()
}

// exitInfo is what a panic report (and the list of unsaved edits) names:
// what stopped, the log the details go to, the watch list, and the
// secrets to redact.
type exitInfo struct {
	stopped            string // what stopped, for the panic report: "the server stopped"
	logFile, statePath string
	secrets            []string
}

// report writes the panic (value redacted of every secret in
// info.secrets, and its stack) to the log and prints a short note on
// stderr: no stack and no value there, since either could carry something
// the user should not paste. It returns exitPanic.
func (g *guard) report(stderr io.Writer, info exitInfo) int {
	text := fmt.Sprintf("%s trtcwatch panic: %v\n\n%s\n", time.Now().UTC().Format(time.RFC3339), g.value, g.stack)
	text = redact(text, info.secrets)
	where, err := writeCrashLog(info.logFile, text)
	if err != nil {
		where = "nowhere (" + err.Error() + ")"
	}
	fmt.Fprintf(stderr, "trtcwatch: internal error, %s.\r\n"+
		"trtcwatch: the watch list %s is intact (every save replaces it whole).\r\n"+
		"trtcwatch: details for a bug report are in %s\r\n", info.stopped, info.statePath, where)
	return exitPanic
}

// writeCrashLog appends text to the --log-file if there is one, else to a
// new private file in the temporary directory, and returns its path.
func writeCrashLog(logPath, text string) (string, error) {
	var f *os.File
	var err error
	if logPath != "" {
		f, err = os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	} else {
		f, err = os.CreateTemp("", "trtcwatch-panic-*.log") // mode 0600
	}
	if err != nil {
		return "", fmt.Errorf("crash log: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		return "", fmt.Errorf("crash log %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// redact replaces every secret value (and its halves, in case one was cut
// in two) with a marker.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) < 8 {
			continue // too short to match without eating ordinary text
		}
		for _, part := range []string{sec, sec[:len(sec)/2], sec[len(sec)/2:]} {
			s = strings.ReplaceAll(s, part, "[redacted]")
		}
	}
	return s
}

// guardedModel runs a model under the guard. After a panic it stops
// calling the model (whose state may be half changed) and keeps showing
// the last view, while the program is stopped from outside.
type guardedModel struct {
	inner tea.Model
	g     *guard
	last  tea.View
}

func (m *guardedModel) Init() (cmd tea.Cmd) {
	defer m.g.catch()
	return m.g.wrap(m.inner.Init())
}

func (m *guardedModel) Update(msg tea.Msg) (self tea.Model, cmd tea.Cmd) {
	self = m // also what a recovered panic returns: never a nil model
	if m.g.failed() {
		return m, nil
	}
	defer m.g.catch()
	inner, cmd := m.inner.Update(msg)
	m.inner = inner
	return m, m.g.wrap(cmd)
}

func (m *guardedModel) View() (v tea.View) {
	if m.g.failed() {
		return m.last
	}
	v = m.last
	defer m.g.catch()
	v = m.inner.View()
	m.last = v
	return v
}

// cmdType is the type of tea.Cmd, to find the command lists inside the
// messages Batch and Sequence return.
var cmdType = reflect.TypeFor[tea.Cmd]()

// wrap returns cmd running under the guard. A command that returns a
// list of commands (tea.Batch, tea.Sequence; Bubble Tea runs them on its
// own goroutines) gets each of them wrapped too.
func (g *guard) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer g.catch()
		return g.wrapList(cmd())
	}
}

func (g *guard) wrapList(msg tea.Msg) tea.Msg {
	if msg == nil {
		return nil
	}
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != cmdType {
		return msg
	}
	out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	for i := range v.Len() {
		c, _ := v.Index(i).Interface().(tea.Cmd)
		out.Index(i).Set(reflect.ValueOf(g.wrap(c)))
	}
	return out.Interface()
}
