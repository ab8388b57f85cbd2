package ui

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// degradedStats puts a hostile error in the banner too.
func degradedStats() watch.Stats {
	st := okStats()
	st.Health = watch.HealthDegraded
	st.Limit = 12.5
	h := hostileTask()
	st.LastError = h.LastErr
	return st
}

// goldenSizes are the terminal sizes with goldens: the three widths the
// dashboard was first drawn at, plus the classic 80x24 and a wide 200x60.
var goldenSizes = [][2]int{{60, 30}, {100, 30}, {140, 30}, {80, 24}, {200, 60}}

func goldenModel(t *testing.T, w, h int, light bool) *Model {
	m := loaded(t, newCountingEngine(), w, h)
	if light {
		m.Update(tea.BackgroundColorMsg{Color: color.White})
	}
	m.Update(engineMsg{watch.Update{Stats: degradedStats()}})
	press(m, "G") // the hostile task, so its strings reach the detail pane
	return m
}

// TestGoldenView pins the styled screen, dark and light.
func TestGoldenView(t *testing.T) {
	for _, theme := range []string{"dark", "light"} {
		for _, sz := range goldenSizes {
			name := fmt.Sprintf("%s_%d", theme, sz[0])
			if sz[0] == 80 || sz[0] == 200 {
				name = fmt.Sprintf("%s_%dx%d", theme, sz[0], sz[1])
			}
			t.Run(name, func(t *testing.T) {
				golden.RequireEqual(t, content(goldenModel(t, sz[0], sz[1], theme == "light")))
			})
		}
	}
}

// TestGoldenLayout pins the same screens with the colour codes stripped,
// so a palette tweak changes TestGoldenView only and a layout change
// shows here as plain text.
func TestGoldenLayout(t *testing.T) {
	for _, sz := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			golden.RequireEqual(t, ansi.Strip(content(goldenModel(t, sz[0], sz[1], false))))
		})
	}
}

// sgrRE matches the styling sequences the dashboard itself emits.
var sgrRE = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// assertTerminalSafe fails on anything but plain text and SGR styling:
// no escape sequence, BEL, C1 control, bidi or zero-width format rune.
func assertTerminalSafe(t *testing.T, where, s string) {
	t.Helper()
	plain := sgrRE.ReplaceAllString(s, "")
	for i, r := range plain {
		if terminalUnsafe(r) || r == unicode.ReplacementChar {
			t.Fatalf("%s: unsafe rune %U at byte %d in %q", where, r, i, plain[max(0, i-20):min(len(plain), i+20)])
		}
	}
}

// terminalUnsafe are the runes that may drive a terminal or hide text:
// controls (ESC, BEL, C1), DEL and invisible format characters.
func terminalUnsafe(r rune) bool {
	return r == 0x1b || r == 0x07 || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) ||
		(r < 0x20 && r != '\n') || r == 0x7f
}

func TestHostileStringsThroughView(t *testing.T) {
	hostileID := hostileTask()
	hostileID.Ref.TaskID = "id" + hostile // as a corrupted watch list could hold
	for _, size := range [][2]int{{140, 40}, {80, 40}, {44, 20}} {
		for _, keys := range [][]string{{"G"}, {"G", "k"}, {"G", "enter", "G"}, {"G", "?"}, {"G", "d"}} {
			t.Run(fmt.Sprintf("%dx%d_%v", size[0], size[1], keys), func(t *testing.T) {
				t.Parallel()
				m := loaded(t, newCountingEngine(), size[0], size[1])
				m.Update(engineMsg{watch.Update{Changed: []watch.Task{hostileID}, Stats: degradedStats()}})
				press(m, keys...)
				v := m.View()
				out := v.Content
				assertTerminalSafe(t, "view", out)
				assertTerminalSafe(t, "title", v.WindowTitle)
				if keys[len(keys)-1] == "?" {
					return
				}
				if !strings.Contains(ansi.Strip(out), `\x1b]`) {
					t.Errorf("escaped form not visible:\n%s", ansi.Strip(out))
				}
			})
		}
	}
}

func TestHostileStringsInHeaderAndInputs(t *testing.T) {
	m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Endpoint: "https://x" + hostile, Region: "r" + hostile, Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 20})
	m.Update(engineMsg{watch.Update{Stats: watch.Stats{Health: watch.HealthAuth, HealthDetail: "fix " + hostile}}})
	press(m, "a")
	m.Update(tea.PasteMsg{Content: hostile})
	out := content(m)
	assertTerminalSafe(t, "view", out)
	if !strings.Contains(ansi.Strip(out), `r\x1b]0;pwned`) {
		t.Errorf("endpoint not shown escaped:\n%s", ansi.Strip(out))
	}
	press(m, "enter")
	assertTerminalSafe(t, "after add", content(m))
	m.Update(engineMsg{watch.Update{Stats: watch.Stats{Health: watch.HealthDown, HealthDetail: hostile}}})
	assertTerminalSafe(t, "down banner", content(m))
}

// TestWidthSweep: in every state, no line is wider than the terminal,
// the frame is no taller than it, and nothing panics. The widths drawn
// are every one where the layout plan changes (sweepBreaks: the panes,
// the list's columns, the help's two columns, the hook banner) with its
// neighbours, the edges (1 to 3, the "too small" text's end at 40, 80),
// and a random sample besides, chosen anew each run from a logged seed
// (sampleRand: TRTCWATCH_SWEEP_SEED replays it; text that wraps changes
// at every width, and the sample covers it over runs), at a short height (no borders) and a tall one (borders, the
// most lines of a box); then at a few widths every height to 16 (where
// borders, banners and the detail pane come and go) and a sample.
// -tags long draws every width from 1 to 240 at ten heights
// (sweepSizes). A failure names its size.
// (TestEveryRowNamesItsStateAndNote checks the rows' content from 80
// columns up.)
func TestWidthSweep(t *testing.T) {
	states := map[string]func(m *Model){
		"list":   func(m *Model) {},
		"help":   func(m *Model) { press(m, "?") },
		"detail": func(m *Model) { press(m, "G", "enter", "pgdown") },
		"add": func(m *Model) {
			press(m, "a")
			m.Update(tea.PasteMsg{Content: strings.Repeat("task-一二三-long ", 30)})
		},
		"confirm": func(m *Model) { press(m, "G", "d") },
		"banners": func(m *Model) {
			m.Update(engineMsg{watch.Update{Stats: watch.Stats{Health: watch.HealthAuth, HealthDetail: strings.Repeat("very long detail ", 20)}}})
			m.setFlash(strings.Repeat("flash ", 60), common.FlashWarn, common.FlashTTL)
		},
		"filter-none": func(m *Model) { press(m, "/", "z", "z") },
		"report": func(m *Model) {
			press(m, "a")
			m.Update(tea.PasteMsg{Content: strings.Repeat("bad!一二三-long ", 30)})
			press(m, "enter")
		},
		"copied": func(m *Model) {
			m.Update(copiedMsg{what: "task details", text: strings.Repeat("一二三 RequestId-0123456789abcdef ", 20) + "\n  x\n", err: errBoom})
			press(m, "v")
		},
		"empty": func(m *Model) { m.Update(engineMsg{watch.Update{Removed: refsOf(m), Stats: okStats()}}) },
	}
	sizes := sweepSizes(t)
	for name, setup := range states {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := loaded(t, newCountingEngine(), 200, 24)
			setup(m)
			for _, sz := range sizes {
				w, h := sz[0], sz[1]
				m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				ls := lines(content(m))
				if len(ls) > h {
					t.Fatalf("%dx%d: %d lines", w, h, len(ls))
				}
				checkWidth(t, fmt.Sprintf("%dx%d", w, h), ls, w)
			}
		})
	}
}

// sweepSizes are the sizes TestWidthSweep draws: with -tags long every
// width from 1 to 240 at ten heights; else the widths of sweepWidths at a
// short height and a tall one; at 40 and 121 (the narrowest frame, and
// the panes side by side) every height to 16; at those and 80 and 200,
// 24, 80 and four heights from the seed.
func sweepSizes(t *testing.T) [][2]int {
	var sizes [][2]int
	if sweepEvery {
		for _, h := range []int{1, 5, 7, 8, 9, 12, 24, 40, 60, 80} {
			for w := 1; w <= 240; w++ {
				sizes = append(sizes, [2]int{w, h})
			}
		}
		return sizes
	}
	rng := sampleRand(t)
	for _, h := range []int{8, 40} {
		for _, w := range sweepWidths(t, h, rng) {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, w := range []int{40, 80, 121, 200} {
		hs := []int{24, 80}
		for h := 1; h <= 16 && (w == 40 || w == 121); h++ { // the narrowest, stacked and side by side
			hs = append(hs, h)
		}
		for range 4 {
			hs = append(hs, 1+rng.IntN(80))
		}
		for _, h := range hs {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	return sizes
}

// sweepWidths are the widths TestWidthSweep draws at height h: the
// layout's breakpoints (sweepBreaks) with their neighbours, 1 to 3, the
// neighbours of 40 (minWidth: below it the "too small" text) and of 80,
// and twelve more from rng.
func sweepWidths(t *testing.T, h int, rng *rand.Rand) []int {
	want := map[int]bool{}
	for _, b := range append(sweepBreaks(loaded(t, newCountingEngine(), 200, h)), 2, minWidth, 80) {
		for w := b - 1; w <= b+1; w++ {
			want[w] = true
		}
	}
	for range 12 {
		want[1+rng.IntN(240)] = true
	}
	out := make([]int, 0, len(want))
	for w := range want {
		if w >= 1 && w <= 240 {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// sweepBreaks are the widths from 40 up at which m's layout plan changes
// at its height and with its tasks: where the panes sit and how wide they are, the list's
// columns (with and without marks), and the fixed thresholds of the help
// and the hook banner. They are computed from the plan itself, which is
// cheap, so a new threshold is swept without being listed here.
func sweepBreaks(m *Model) []int {
	defer func(w int) { m.w = w }(m.w)
	// What is drawn, not how wide: the panes' arrangement, and for each
	// column whether it shows and whether it has grown to what its rows
	// want (between those, a column only widens).
	shape := func(c cols, wt want) string {
		return fmt.Sprint(c.id > 0, c.id >= wt.id, c.note > 0, c.note >= wt.note, c.code > 0, c.files > 0, c.app > 0, c.ages, c.merged)
	}
	sig := func(w int) string {
		m.w = w
		l := m.layout()
		wt := m.wants()
		return fmt.Sprint(l.tooSmall, l.side, l.border, l.detH > 0, shape(planCols(l.listW, wt), wt), shape(planCols(l.listW-markW, wt), wt))
	}
	breaks := []int{twoColumnHelp + 4, hookBannerWide, sideBySide}
	prev := sig(minWidth)
	for w := minWidth + 1; w <= 240; w++ {
		if p := sig(w); p != prev {
			breaks = append(breaks, w)
			prev = p
		}
	}
	return breaks
}

func TestStatesReadableWithoutColour(t *testing.T) {
	tests := []struct {
		ascii bool
		want  []string
	}{
		{false, []string{"● InProgress", "○ Idle", "◐ Exited", "✓ ended", "? not found", "✗ error", "◌ pending", "◔ throttled"}},
		{true, []string{"* InProgress", "o Idle", "v Exited", "= ended", "? not found", "x error", "~ pending", "% throttled"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("ascii=", tt.ascii), func(t *testing.T) {
			m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Now: fixedNow, Location: time.UTC, ASCII: tt.ascii})
			m.Update(tea.WindowSizeMsg{Width: 200, Height: 30}) // wide enough for every count in the header
			m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}})
			out := ansi.Strip(content(m))
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("state %q not in the plain text:\n%s", want, out)
				}
			}
			if !tt.ascii {
				return
			}
			// The whole frame: our own marks are ASCII; only the API's
			// letters (日本é in the fixture) are not.
			for _, r := range out {
				if r > 0x7f && !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
					t.Errorf("non-ASCII glyph %q in ASCII mode", r)
				}
			}
		})
	}
}

func TestASCIIWanted(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"TERM": "xterm-256color"}, false},
		{map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"}, true},
		{map[string]string{"TERM": "dumb"}, true},
		{map[string]string{}, false},
	}
	for _, tt := range tests {
		if got := ASCIIWanted(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: ASCIIWanted = %v", tt.env, got)
		}
	}
}

func TestDetailPane(t *testing.T) {
	m := loaded(t, newCountingEngine(), 160, 50)
	out := ansi.Strip(content(m))
	for _, want := range []string{
		"1-rJp4NqIK2FYuJD8RvXoKlGAu0e/AQYZQNSjkI9Ozf0qzAGl12", "tcQUcyDWkPmw0MXwU_q_8qHLkLn", // full id, wrapped
		"region ap-singapore", "(API status InProgress)", "09:18:53 UTC (8m00s ago)", "RequestId req-InProgress",
		"Files (3)", "USER", "user_01", "09:24:53 UTC", "Idle -> InProgress  req-b", "Next poll in 1s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	press(m, "j", "j") // the VOD-like task
	if out := ansi.Strip(content(m)); !strings.Contains(out, "no files listed (COS tasks list them") {
		t.Errorf("no VOD hint:\n%s", out)
	}
	press(m, "j", "j", "j", "j") // the failing task
	out = ansi.Strip(content(m))
	for _, want := range []string{"InternalError (transient)", "backend timed out", "RequestId req-err", "3 failures in a row", "in 4s"} {
		if !strings.Contains(out, want) {
			t.Errorf("error detail lacks %q:\n%s", want, out)
		}
	}
}

func TestMouse(t *testing.T) {
	m := loaded(t, newCountingEngine(), 160, 40)
	m.Update(tea.MouseClickMsg{X: 5, Y: 5, Button: tea.MouseLeft})
	if m.cursor != 0 {
		t.Fatal("a click selected with mouse off")
	}
	if m.View().MouseMode != tea.MouseModeNone {
		t.Error("mouse captured by default")
	}
	m.opts.Mouse = true
	l := m.layout()
	m.Update(tea.MouseClickMsg{X: 5, Y: l.listY + 3, Button: tea.MouseLeft})
	if m.sel.TaskID != "task-exit-0004" {
		t.Errorf("click selected %q", m.sel.TaskID)
	}
	m.Update(tea.MouseWheelMsg{X: 5, Y: l.listY, Button: tea.MouseWheelDown})
	if m.sel.TaskID != "task-error-0007" {
		t.Errorf("wheel selected %q", m.sel.TaskID)
	}
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("mouse mode not on")
	}
}

func refsOf(m *Model) (out []taskref.Ref) {
	for r := range m.rows {
		out = append(out, r)
	}
	return out
}

// TestSdkAppIdColumn: the column shows when it tells rows apart (a task in
// another application than the one the header names) or when the note
// keeps room beside it.
func TestSdkAppIdColumn(t *testing.T) {
	other := taskref.Ref{Region: testRegion, SdkAppID: 1400000002, TaskID: "task-pending-8"}
	tests := []struct {
		name    string
		width   int
		header  uint64 // the SdkAppId the header names (0: none)
		drop    bool   // remove the one task in the other application
		wantCol bool
	}{
		{"two applications", 240, testApp, false, true},
		{"all in the header's application", 240, testApp, true, false},
		{"header names none", 240, 0, true, true},
		{"header names another", 240, 1400000009, true, true},
		{"redundant: the header says it", 240, testApp, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestModel(t, newCountingEngine(), tt.width, 30)
			m.opts.SdkAppID = tt.header
			m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}})
			if tt.drop {
				m.Update(engineMsg{watch.Update{Removed: []taskref.Ref{other}, Stats: okStats()}})
			}
			if got := strings.Contains(ansi.Strip(content(m)), "SDKAPPID"); got != tt.wantCol {
				t.Errorf("SDKAPPID column shown = %v, want %v:\n%s", got, tt.wantCol, ansi.Strip(content(m)))
			}
		})
	}
}
