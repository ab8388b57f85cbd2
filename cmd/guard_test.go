package cmd

import (
	"os"
	"reflect"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// panicEnv names where a child run of the real program panics (see
// faultyModel): update, view, cmd, batch, sequence or goroutine.
const panicEnv = "TRTCWATCH_TEST_PANIC"

// installPanicHook makes the dashboard panic at the named place once the
// user presses "!". The panic value carries the secret key this process
// holds (the tests' canary), which must never reach the screen or the
// crash log.
func installPanicHook(kind string) {
	canaryKey := os.Getenv("TENCENTCLOUD_SECRET_KEY")
	armed := make(chan struct{})
	testHook = func(m tea.Model) tea.Model { return &faultyModel{inner: m, kind: kind, armed: armed} }
	if kind == "goroutine" {
		testSpawn = func(spawn func(func())) { spawn(func() { <-armed; panic("goroutine " + canaryKey) }) }
	}
}

type faultyModel struct {
	inner tea.Model
	kind  string
	armed chan struct{}
	fired bool
}

func (f *faultyModel) Init() tea.Cmd {
	if f.kind == "init" {
		panic("init " + os.Getenv("TENCENTCLOUD_SECRET_KEY"))
	}
	return f.inner.Init()
}

func (f *faultyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	canaryKey := os.Getenv("TENCENTCLOUD_SECRET_KEY")
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "!" && !f.fired {
		f.fired = true
		boom := func() tea.Msg { panic("cmd " + canaryKey) }
		switch f.kind {
		case "update":
			panic("update " + canaryKey)
		case "cmd":
			return f, boom
		case "batch":
			return f, tea.Batch(func() tea.Msg { return nil }, boom)
		case "sequence":
			return f, tea.Sequence(func() tea.Msg { return nil }, boom)
		case "goroutine":
			close(f.armed)
		}
		return f, nil
	}
	inner, cmd := f.inner.Update(msg)
	f.inner = inner
	return f, cmd
}

func (f *faultyModel) View() tea.View {
	if f.fired && f.kind == "view" {
		panic("view " + os.Getenv("TENCENTCLOUD_SECRET_KEY"))
	}
	return f.inner.View()
}

// TestGuardCatchesEveryPlace: a panic in Init, Update, View, a Cmd, a Cmd
// inside Batch or Sequence (run by Bubble Tea on its own goroutines) or a
// goroutine started with Go is caught and kept, and escapes nowhere.
func TestGuardCatchesEveryPlace(t *testing.T) {
	boom := func() tea.Msg { panic("boom") }
	// run runs a command as Bubble Tea does: the lists of commands that
	// Batch and Sequence return are run one by one, outside the command.
	run := func(g *guard, cmd tea.Cmd) {
		var exec func(tea.Cmd)
		exec = func(c tea.Cmd) {
			if c == nil {
				return
			}
			msg := c()
			if v := reflect.ValueOf(msg); msg != nil && v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
				for i := range v.Len() {
					c, _ := v.Index(i).Interface().(tea.Cmd)
					exec(c)
				}
			}
		}
		exec(g.wrap(cmd))
	}
	tests := []struct {
		name string
		do   func(g *guard)
	}{
		{"update", func(g *guard) {
			m := &guardedModel{inner: &faultyModel{kind: "update"}, g: g}
			if got, _ := m.Update(tea.KeyPressMsg{Code: '!', Text: "!"}); got != m {
				t.Errorf("Update after a panic returned %v, want the model itself", got)
			}
		}},
		{"view", func(g *guard) {
			m := &guardedModel{inner: &faultyModel{kind: "view", fired: true}, g: g, last: tea.NewView("last")}
			if v := m.View(); v.Content != tea.NewView("last").Content {
				t.Errorf("view after a panic = %v, want the last good one", v.Content)
			}
		}},
		{"init", func(g *guard) { (&guardedModel{inner: &faultyModel{kind: "init"}, g: g}).Init() }},
		{"cmd", func(g *guard) { run(g, boom) }},
		{"batch", func(g *guard) { run(g, tea.Batch(nil, func() tea.Msg { return nil }, boom)) }},
		{"sequence", func(g *guard) { run(g, tea.Sequence(func() tea.Msg { return nil }, boom)) }},
		{"goroutine", func(g *guard) { g.spawn(func() { panic("boom") }); <-g.panicked }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuard()
			tt.do(g)
			if !g.failed() || g.value == nil {
				t.Fatal("the panic was not caught and kept")
			}
		})
	}
}

// TestRedact: every secret, whole or either half of it (as when a value
// was cut), is gone from a crash report; short values are left alone.
func TestRedact(t *testing.T) {
	key := "CANARYKEY-5f2b9e41c7d04a8e"
	tests := []struct{ in, want string }{
		{"panic: " + key, "panic: [redacted]"},
		{"cut: " + key[:len(key)/2] + "…", "cut: [redacted]…"},
		{"tail: …" + key[len(key)/2:], "tail: …[redacted]"},
		{"short secret kept: abc", "short secret kept: abc"},
	}
	for _, tt := range tests {
		if got := redact(tt.in, []string{key, "", "abc"}); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
