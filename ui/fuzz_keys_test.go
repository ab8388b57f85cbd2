package ui

import (
	"cmp"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"image/color"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// TestKeyFuzz sends the real dashboard random key presses (letters,
// digits, punctuation, space, tab, enter, esc, arrows, ctrl and alt keys,
// Unicode and control characters), : commands, / filters, pastes (task
// lists, hostile escape sequences, invalid UTF-8, up to a megabyte),
// window sizes from 0x0 to 10000x10000, the engine's news and answers,
// mouse events and time passing, a fixed number of events, drawing a
// frame after every message as Bubble Tea does. Nothing may panic; every
// frame must fit the terminal and be safe to write to it; a read-only
// session must make no engine edit. It runs in a synctest bubble, so a
// seed replays exactly: the seed is logged, TRTCWATCH_FUZZ_SEED=<seed>
// replays it and TRTCWATCH_FUZZ_EVENTS=<n> runs longer. The normal suite
// sends 100 events a session and types at most the last 64 runes of a
// command line, pasting the rest (one line typed whole past the line's
// limit is two thousand frames, seconds under -race); -tags long, a CI
// step of its own, sends 300 and types every rune.
func TestKeyFuzz(t *testing.T) {
	seed := time.Now().UnixNano()
	if s := os.Getenv("TRTCWATCH_FUZZ_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("TRTCWATCH_FUZZ_SEED=%q: %v", s, err)
		}
		seed = n
	}
	events := fuzzEvents // 100 a session, 300 with -tags long (quick_test.go, long_test.go)
	if s := os.Getenv("TRTCWATCH_FUZZ_EVENTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("TRTCWATCH_FUZZ_EVENTS=%q: want a positive count", s)
		}
		events = n
	}
	t.Logf("seed %d, %d events a session; replay: TRTCWATCH_FUZZ_SEED=%d go test ./ui -run TestKeyFuzz", seed, events, seed)
	for _, readOnly := range []bool{false, true} {
		name := "read-write"
		if readOnly {
			name = "read-only"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) { fuzzKeys(t, seed, events, readOnly) })
		})
	}
}

// keyFuzzer is one session's random events and what they are checked
// against.
type keyFuzzer struct {
	t        *testing.T
	rng      *rand.Rand
	d        *driver
	eng      *countingEngine
	seed     int64
	readOnly bool
	w, h     int          // the size last sent
	recent   []string     // the last events, for a failure's message
	n        int          // events sent
	frames   hash.Hash64  // every frame drawn, to show a replay is the same run
	drawn    int          // frames drawn
	fx       []watch.Task // the fixture tasks, built once (each answer is deflated)
	passed   tea.View     // the last frame checked, and the size it was checked at
	passedW  int
	passedH  int
}

func fuzzKeys(t *testing.T, seed int64, events int, readOnly bool) {
	eng := newCountingEngine()
	opts := Options{Keys: DefaultKeyMap(), Endpoint: "https://trtc.intl.tencentcloudapi.com", Region: testRegion,
		SdkAppID: testApp, Now: time.Now, Location: time.UTC, Mouse: true, ReadOnly: readOnly,
		AlertExamples: []string{"idle>5m"}, CredentialSource: "env"}
	if !readOnly { // team mode has neither
		opts.ExportFormats = []string{"md", "csv", "json", "table"}
		opts.Export = func(format string, tasks []watch.Task, _ *time.Location, _ time.Time) (string, error) {
			return "/tmp/exports/trtcwatch-" + strconv.Itoa(len(tasks)) + "." + format, nil // no file: no I/O in a test of keys
		}
		opts.ParseAlert = parseIdle
	}
	f := &keyFuzzer{t: t, rng: rand.New(rand.NewPCG(uint64(seed), boolSeed(readOnly))), eng: eng, seed: seed, readOnly: readOnly,
		frames: fnv.New64a(), fx: fixtureTasks()}
	f.open(opts)
	defer func() { f.d.stop() }() // a failure too must let the bubble's goroutines end
	sessions := 1
	for range events {
		f.event()
		if f.d.quits > 0 { // q or ctrl+c: the viewer comes back in a new session
			f.d.stop()
			f.open(opts)
			sessions++
		}
	}
	t.Logf("%d events, %d sessions, %d frames drawn (hash %016x), engine calls %v", f.n, sessions, f.drawn, f.frames.Sum64(), eng.calls)
}

// open starts a session on the engine, as a viewer connecting does: the
// model's first Collect holds every task, and the size is the last one.
func (f *keyFuzzer) open(opts Options) {
	f.d = &driver{m: New(f.eng, opts), after: f.check}
	f.do("open a session", func() {
		f.eng.push(watch.Update{Changed: slices.Clone(f.fx), Stats: okStats()}) // a session's first news: the tasks
		f.d.start(f.d.m.Init())
		f.resize(cmp.Or(f.w, 120), cmp.Or(f.h, 30))
	})
}

func boolSeed(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// do runs one event, turning a panic into a failure that names the seed,
// the event and the ones before it.
func (f *keyFuzzer) do(what string, fn func()) {
	f.n++
	f.recent = append(f.recent, what)
	if len(f.recent) > 12 {
		f.recent = f.recent[1:]
	}
	defer func() {
		if r := recover(); r != nil {
			f.t.Fatalf("seed %d, event %d: panic %v\nlast events:\n  %s\n%s", f.seed, f.n, r, strings.Join(f.recent, "\n  "), debug.Stack())
		}
	}()
	fn()
	if f.readOnly {
		if made := editsMade(f.eng); len(made) > 0 {
			f.t.Fatalf("seed %d, event %d: a read-only session made edits %v\nlast events:\n  %s", f.seed, f.n, made, strings.Join(f.recent, "\n  "))
		}
	}
}

// check is run after every Update: the frame fits the size last sent and
// holds nothing that would drive the terminal. A frame the same as the
// one checked before it at the same size (most are: a key that changes
// nothing, news that moves no row) passes again without being measured.
func (f *keyFuzzer) check(msg tea.Msg) {
	v := f.d.m.View()
	f.frames.Write([]byte(v.Content))
	f.drawn++
	if v.Content == f.passed.Content && v.WindowTitle == f.passed.WindowTitle && f.w == f.passedW && f.h == f.passedH {
		return
	}
	ls := strings.Split(v.Content, "\n")
	if len(ls) > max(f.h, 1) {
		f.fail(msg, "the frame has %d lines for a %dx%d terminal", len(ls), f.w, f.h)
	}
	for i, l := range ls {
		if w := ansi.StringWidth(l); w > f.w {
			f.fail(msg, "line %d is %d wide on a %d-wide terminal: %q", i, w, f.w, ansi.Strip(l))
		}
	}
	// U+FFFD may show: the user typed it, or pasted bytes that are not
	// UTF-8. Nothing else that drives a terminal may.
	for where, s := range map[string]string{"frame": v.Content, "title": v.WindowTitle} {
		if i := firstUnsafe(s); i >= 0 {
			f.fail(msg, "the %s holds %q at byte %d: %q", where, []rune(s[i:])[0], i, s[max(0, i-30):min(len(s), i+30)])
		}
	}
	f.passed, f.passedW, f.passedH = v, f.w, f.h
}

// firstUnsafe is where s first holds something that would drive the
// terminal other than a colour (SGR: ESC [ digits and ; m), or -1:
// assertTerminalSafe's rule, without a regexp, as it runs on every frame.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := i + 2
			if j > len(s) || s[i+1] != '[' {
				return i
			}
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j == len(s) || s[j] != 'm' {
				return i
			}
			i = j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if terminalUnsafe(r) {
			return i
		}
		i += size
	}
	return -1
}

func (f *keyFuzzer) fail(msg tea.Msg, format string, args ...any) {
	f.t.Helper()
	f.t.Fatalf("seed %d, event %d (%s), after %T: %s\nlast events:\n  %s", f.seed, f.n, f.recent[len(f.recent)-1], msg,
		fmt.Sprintf(format, args...), strings.Join(f.recent, "\n  "))
}

func (f *keyFuzzer) resize(w, h int) {
	f.w, f.h = w, h
	f.d.send(tea.WindowSizeMsg{Width: w, Height: h})
}

// event sends one random event.
func (f *keyFuzzer) event() {
	r := f.rng
	switch p := r.IntN(100); {
	case p < 40:
		k := f.key()
		f.do("key "+k.String(), func() { f.d.send(k) })
	case p < 48:
		s := f.text(1 + r.IntN(20))
		f.do(fmt.Sprintf("type %q", s), func() { f.d.typeText(s) })
	case p < 58: // the command line parses what is typed: it gets more
		line, end := f.commandLine(), pick(r, []string{"enter", "tab", "tab enter", "tab tab", "esc", ""})
		f.do(fmt.Sprintf(": %q %s", line, end), func() {
			f.d.keys("esc", "esc", "esc", ":") // from wherever the last event left it
			f.typeLine(line)
			f.d.keys(strings.Fields(end)...)
		})
	case p < 62:
		s, end := f.text(r.IntN(12)), pick(r, []string{"enter", "esc", ""})
		f.do(fmt.Sprintf("/ %q %s", s, end), func() {
			f.d.keys("/")
			f.d.typeText(s)
			f.d.keys(strings.Fields(end)...)
		})
	case p < 67:
		s := f.paste()
		f.do(fmt.Sprintf("paste %d bytes %q…", len(s), s[:min(len(s), 40)]), func() { f.d.send(tea.PasteMsg{Content: s}) })
	case p < 72:
		w, h := f.size()
		f.do(fmt.Sprintf("resize %dx%d", w, h), func() {
			f.resize(w, h)
			if w > 1000 || h > 500 { // a frame that large costs; one is enough
				f.resize(40+r.IntN(160), 10+r.IntN(50))
			}
		})
	case p < 77:
		u := f.update()
		f.do(fmt.Sprintf("engine: %d changed, %d removed", len(u.Changed), len(u.Removed)), func() {
			f.eng.push(u) // through the model's own wait, as the engine's news comes
			f.d.settle()
		})
	case p < 85:
		msg := f.answer()
		f.do(fmt.Sprintf("answer %T", msg), func() { f.d.send(msg) })
	case p < 91:
		msg := f.mouse()
		f.do(fmt.Sprintf("mouse %v", msg), func() { f.d.send(msg) })
	default:
		d := pick(r, []time.Duration{time.Millisecond, 100 * time.Millisecond, 600 * time.Millisecond, time.Second,
			5 * time.Second, 13 * time.Second, 2 * time.Minute, time.Hour})
		f.do("wait "+d.String(), func() {
			time.Sleep(d)
			f.d.settle()
		})
	}
}

// typeLine types s into the command line. In the normal suite a line
// longer than typedMost runes has the rest pasted first and only its
// last typedMost runes typed, so a line past the line's limit is still
// typed past it but costs 64 frames, not two thousand (seconds under
// -race); -tags long types every rune.
func (f *keyFuzzer) typeLine(s string) {
	if rs := []rune(s); len(rs) > typedMost {
		f.d.send(tea.PasteMsg{Content: string(rs[:len(rs)-typedMost])})
		s = string(rs[len(rs)-typedMost:])
	}
	f.d.typeText(s)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// The keys the dashboard uses, typed most often so the fuzzer gets deep.
var dashboardKeys = []string{"j", "k", "g", "G", "/", "a", "d", "n", "r", "R", "p", "y", "Y", "v", "z", "e", "t", "i",
	"?", "x", ":", "space", "*", "u", "D", "s", "f", "q", "enter", "esc", "tab", "up", "down", "pgup", "pgdown", "backspace", "alt+esc", "ctrl+c"}

var fuzzRunes = []string{"日", "é", "e\u0301", "😀", "\u202e", "\u200b", "\ufeff", "\u00a0", "\u3000", "ｚ", "\x1b", "\x9b",
	"\x07", "\x7f", "\x00", "\r", "\n", "\t", "\ufffd", "ß", "İ", "a\u0300\u0301\u0302"}

func (f *keyFuzzer) key() tea.KeyPressMsg {
	r := f.rng
	switch p := r.IntN(100); {
	case p < 55:
		return flowKey(pick(r, dashboardKeys))
	case p < 75:
		c := rune(0x20 + r.IntN(0x5f))
		return tea.KeyPressMsg{Code: c, Text: string(c)}
	case p < 85:
		c := rune('a' + r.IntN(26))
		return tea.KeyPressMsg{Code: c, Mod: pick(r, []tea.KeyMod{tea.ModCtrl, tea.ModAlt, tea.ModCtrl | tea.ModShift})}
	case p < 93:
		return tea.KeyPressMsg{Code: pick(r, []rune{tea.KeyHome, tea.KeyEnd, tea.KeyLeft, tea.KeyRight, tea.KeyDelete,
			tea.KeyInsert, tea.KeyF1, tea.KeyF12, tea.KeyTab, tea.KeyEscape, tea.KeyEnter, tea.KeyBackspace, tea.KeySpace})}
	default:
		s := pick(r, fuzzRunes)
		return tea.KeyPressMsg{Code: tea.KeyExtended, Text: s}
	}
}

// text is n runes a user or a hostile client might type.
func (f *keyFuzzer) text(n int) string {
	var b strings.Builder
	for range n {
		switch p := f.rng.IntN(10); {
		case p < 6:
			b.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789-_: "[f.rng.IntN(40)])
		case p < 8:
			b.WriteByte(byte(0x20 + f.rng.IntN(0x5f)))
		default:
			b.WriteString(pick(f.rng, fuzzRunes))
		}
	}
	return b.String()
}

func (f *keyFuzzer) commandLine() string {
	if f.rng.IntN(4) == 0 {
		return f.text(f.rng.IntN(20))
	}
	return pick(f.rng, []string{"sdkappid 1400000002", "sdkappid x", "sdkappid 1 2", "sdkappid", "region ap-mumbai",
		"region", "region mars", "export md", "export csv", "export", "export nope", "export md csv", "alert idle>1s",
		"alert", "alert clear", "alert bogus", "events", "q", "quit", " ", "  ", "", ":", " ex", "re", "alert id",
		"EXPORT MD", "region ap-", strings.Repeat("x", 2000)})
}

func (f *keyFuzzer) paste() string {
	r := f.rng
	switch p := r.IntN(100); {
	case p < 35:
		var ids []string
		for range 1 + r.IntN(20) {
			id := fmt.Sprintf("task-%04d", r.IntN(50))
			if r.IntN(3) == 0 {
				id = "1400000002:" + id
			}
			if r.IntN(8) == 0 {
				id += "!bad"
			}
			ids = append(ids, id)
		}
		return strings.Join(ids, pick(r, []string{" ", ",", "\n", ";", "\r\n"}))
	case p < 55:
		return hostile
	case p < 75:
		b := make([]byte, r.IntN(200))
		for i := range b {
			b[i] = byte(r.IntN(256)) // invalid UTF-8 and controls too
		}
		return string(b)
	case p < 85:
		return "\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 \x1bP+q\x1b\\ \x9b2J \x1b[?1049l"
	case p < 90:
		return ""
	case p < 96:
		return f.text(500 + r.IntN(5000))
	default: // a megabyte at most: a list longer than the add box takes
		return strings.Repeat(fmt.Sprintf("1400000001:bulk-%d ", r.IntN(10)), 10000+r.IntN(40000))
	}
}

func (f *keyFuzzer) size() (int, int) {
	r := f.rng
	switch p := r.IntN(100); {
	case p < 80:
		return r.IntN(160), r.IntN(50)
	case p < 97:
		s := pick(r, [][2]int{{0, 0}, {1, 1}, {1, 200}, {400, 1}, {20, 5}, {60, 20}, {80, 24}, {2, 2}})
		return s[0], s[1]
	default:
		s := pick(r, [][2]int{{10000, 10000}, {1200, 40}, {80, 900}, {65535, 65535}})
		return s[0], s[1]
	}
}

// update is the engine's news: tasks changing state, new and hostile
// tasks, removals and new figures.
func (f *keyFuzzer) update() watch.Update {
	r := f.rng
	var u watch.Update
	fx := f.fx
	now := time.Now()
	for range r.IntN(6) {
		tk := fx[r.IntN(len(fx))]
		if r.IntN(3) == 0 {
			tk.Ref = taskref.Ref{Region: testRegion, SdkAppID: testApp + uint64(r.IntN(3)), TaskID: fmt.Sprintf("task-%04d", r.IntN(50))}
		}
		tk.Phase = pick(r, watch.Phases)
		tk.Since = now.Add(-time.Duration(r.IntN(100000)) * time.Second)
		switch r.IntN(4) {
		case 0:
			tk.Note = f.text(r.IntN(40))
		case 1:
			tk.LastErr = &watch.Failure{Kind: pick(r, []client.Kind{client.KindTransient, client.KindThrottled, client.KindGone, client.KindAuth}),
				Code: pick(r, []string{"InternalError", "RequestLimitExceeded", hostile, f.text(10)}), RequestID: f.text(8), At: now}
		}
		u.Changed = append(u.Changed, tk)
	}
	if refs := f.refs(); r.IntN(4) == 0 && len(refs) > 0 {
		u.Removed = refs[:1+r.IntN(len(refs))]
	}
	u.Stats = okStats()
	u.Stats.Health = pick(r, []watch.Health{watch.HealthOK, watch.HealthDegraded, watch.HealthDown, watch.HealthAuth})
	u.Stats.HealthDetail = pick(r, []string{"", hostile, f.text(80)})
	u.Stats.Paused = r.IntN(5) == 0
	u.Stats.Viewers = r.IntN(4)
	if r.IntN(6) == 0 {
		u.Events = []watch.Event{{At: now, Kind: watch.EventNote, Ref: fx[0].Ref, Note: f.text(20), By: f.text(6)}}
	}
	return u
}

// answer is an answer to a command, as the engine or the system could
// give it (errors included, a read-only refusal among them).
func (f *keyFuzzer) answer() tea.Msg {
	r := f.rng
	err := pick(r, []error{nil, nil, errBoom, fmt.Errorf("add 2 tasks: %w", watch.ErrReadOnly), errors.New(hostile)})
	refs := f.refs()
	someRef := ref("task-0001")
	if len(refs) > 0 {
		someRef = refs[r.IntN(len(refs))]
	}
	return pick(r, []tea.Msg{
		addedMsg{asked: 2, added: []taskref.Ref{someRef}, err: err},
		removedMsg{ref: someRef, err: err},
		removedManyMsg{refs: refs, n: len(refs), err: err},
		noteMsg{ref: someRef, note: "x", old: f.text(5), err: err},
		editFailedMsg{what: "pausing polling", failed: "pause failed", err: fmt.Errorf("pause: %w", watch.ErrReadOnly), pause: true},
		exportedMsg{format: "md", n: 3, path: "/tmp/" + f.text(30), err: err},
		copiedMsg{what: "TaskId", text: common.Clean(f.text(60)), err: err}, // copies are of what the screen shows
		hookFailMsg{text: hostile},
		flashClearMsg{seq: r.IntN(5)},
		tickMsg{at: time.Now(), seq: r.IntN(5)},
		eventsMsg{},
		tea.BackgroundColorMsg{Color: pick(r, []color.Color{color.White, color.Black})},
		tea.ResumeMsg{},
		tea.FocusMsg{},
		tea.BlurMsg{},
	})
}

// refs are the session's tasks in a fixed order (a map's is random, and a
// seed must replay).
func (f *keyFuzzer) refs() []taskref.Ref {
	refs := refsOf(f.d.m)
	slices.SortFunc(refs, func(a, b taskref.Ref) int { return strings.Compare(a.String(), b.String()) })
	return refs
}

func (f *keyFuzzer) mouse() tea.Msg {
	r := f.rng
	x, y := r.IntN(f.w+10)-5, r.IntN(f.h+10)-5
	if r.IntN(2) == 0 {
		return tea.MouseClickMsg{X: x, Y: y, Button: pick(r, []tea.MouseButton{tea.MouseLeft, tea.MouseRight, tea.MouseMiddle})}
	}
	return tea.MouseWheelMsg{X: x, Y: y, Button: pick(r, []tea.MouseButton{tea.MouseWheelUp, tea.MouseWheelDown, tea.MouseWheelLeft})}
}
