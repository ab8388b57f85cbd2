package ui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// rowOf is the screen line (styled) that shows the task id.
func rowOf(t *testing.T, m *Model, id string) string {
	t.Helper()
	for _, l := range lines(content(m)) {
		if strings.Contains(ansi.Strip(l), " "+id+" ") {
			return l
		}
	}
	t.Fatalf("no row for %s:\n%s", id, ansi.Strip(content(m)))
	return ""
}

func TestRowKeepsLastStatusBesideTheFailure(t *testing.T) {
	failure := func(k client.Kind, code string) *watch.Failure {
		return &watch.Failure{Kind: k, Code: code, At: t0.Add(-3 * time.Second)}
	}
	answer := func(status string) *watch.Answer { return &watch.Answer{Status: status, At: t0.Add(-time.Minute)} }
	tests := []struct {
		name      string
		task      watch.Task
		state     string // the state cell
		badge     string // the failure beside it, "" for none
		marked    bool   // the '!' marker of a row in trouble
		throttled bool
	}{
		{"error keeps InProgress", watch.Task{Phase: watch.Error, Last: answer("InProgress"), Stale: true,
			LastErr: failure(client.KindTransient, "InternalError.CRInternalError")}, "● InProgress", "InternalError.CRInternalError 3s", true, false},
		{"throttled keeps Idle", watch.Task{Phase: watch.Throttled, Last: answer("Idle"), Stale: true,
			LastErr: failure(client.KindThrottled, "RequestLimitExceeded")}, "○ Idle", "RequestLimitExceeded 3s", true, true},
		{"network error without code", watch.Task{Phase: watch.Error, Last: answer("Exited"),
			LastErr: failure(client.KindTransient, "")}, "◐ Exited", "error 3s", true, false},
		{"never answered", watch.Task{Phase: watch.AuthError,
			LastErr: failure(client.KindAuth, "AuthFailure.SignatureFailure")}, "✗ auth error", "AuthFailure.SignatureFailure 3s", true, false},
		{"clean end", watch.Task{Phase: watch.Ended, Last: answer("Exited"), SeenLive: true,
			LastErr: failure(client.KindGone, "ResourceNotFound")}, "✓ ended", "", false, false},
		{"vanished", watch.Task{Phase: watch.Vanished, Last: answer("InProgress"), SeenLive: true,
			LastErr: failure(client.KindGone, "ResourceNotFound")}, "⊘ vanished", "", true, false},
		{"answer", watch.Task{Phase: watch.InProgress, Last: answer("InProgress")}, "● InProgress", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := tt.task
			task.Ref = ref("task-under-test")
			task.Since = t0.Add(-time.Minute)
			other := watch.Task{Ref: ref("task-other"), Phase: watch.Idle, Last: answer("Idle")}
			m := newTestModel(t, newCountingEngine(), 140, 30)
			m.Update(engineMsg{watch.Update{Changed: []watch.Task{other, task}, Stats: okStats()}})
			row := rowOf(t, m, "task-under-test")
			plain := ansi.Strip(row)
			if !strings.Contains(plain, tt.state) {
				t.Errorf("state %q not on the row %q", tt.state, plain)
			}
			if tt.badge != "" {
				badge := m.st.FailSGR(watch.Error)
				if tt.throttled {
					badge = m.st.FailSGR(watch.Throttled)
				}
				if !strings.Contains(row, badge+tt.badge) {
					t.Errorf("failure %q not drawn as a badge on %q", tt.badge, row)
				}
			} else if strings.Contains(plain, "ResourceNotFound") || strings.Contains(row, m.st.FailSGR(watch.Error)) {
				t.Errorf("a gone task is not a failed call: %q", plain)
			}
			if got := strings.HasPrefix(strings.TrimLeft(plain, "│| "), "!"); got != tt.marked {
				t.Errorf("marked = %v, want %v: %q", got, tt.marked, plain)
			}
			// A row in trouble is never faint; only a stale answer's age is.
			if before, _, _ := strings.Cut(row, "task-under-test"); strings.Contains(before, m.st.Dim) {
				t.Errorf("state drawn faint: %q", row)
			}
		})
	}
}

// TestEndedIsNotAProblem: f and the state sort treat a clean end as done,
// a vanished task as trouble.
func TestEndedIsNotAProblem(t *testing.T) {
	gone := &watch.Failure{Kind: client.KindGone, Code: "ResourceNotFound", At: t0}
	tasks := []watch.Task{
		{Ref: ref("t-ended"), Phase: watch.Ended, Last: &watch.Answer{Status: "Exited"}, LastErr: gone, SeenLive: true},
		{Ref: ref("t-live"), Phase: watch.InProgress, Last: &watch.Answer{Status: "InProgress"}},
		{Ref: ref("t-vanished"), Phase: watch.Vanished, Last: &watch.Answer{Status: "Idle"}, LastErr: gone, SeenLive: true},
	}
	m := newTestModel(t, newCountingEngine(), 120, 30)
	m.Update(engineMsg{watch.Update{Changed: tasks, Stats: okStats()}})
	press(m, "s")
	var order []string
	for _, r := range m.visible {
		order = append(order, r.t.Ref.TaskID)
	}
	if got := fmt.Sprint(order); got != "[t-vanished t-live t-ended]" {
		t.Errorf("state sort %s, want vanished first, ended last", got)
	}
	press(m, "f")
	if len(m.visible) != 1 || m.visible[0].t.Ref.TaskID != "t-vanished" {
		t.Errorf("problems only shows %d rows", len(m.visible))
	}
}

func TestColumnsByPriority(t *testing.T) {
	longID := "PvRgmGoZMQ21X+H2BFj8j+Y3cmLxhYHQDWOsnxbbuTsBszzX2eDydAthZnwfb+nA-xxxxxxxxxx." // 75
	mk := func(code string, apps int) []watch.Task {
		var ts []watch.Task
		for i := range 6 {
			r := ref(fmt.Sprintf("%s%d", longID[:len(longID)-1], i))
			r.SdkAppID = uint64(testApp + i%max(apps, 1))
			ts = append(ts, watch.Task{Ref: r, Note: "TICKET-4321 customer B", Phase: watch.Idle,
				Last: &watch.Answer{Status: "Idle", At: t0}})
		}
		if code != "" {
			ts[0].Phase = watch.Error
			ts[0].LastErr = &watch.Failure{Kind: client.KindTransient, Code: code, At: t0}
		}
		return ts
	}
	tests := []struct {
		name        string
		w           int
		tasks       []watch.Task
		noteMin     int
		wholeID     bool
		wantCode    string
		wantAppCol  bool
		wantAgesCol bool
	}{
		{"80, three apps", 80, mk("", 3), noteMinW, false, "", true, true},
		// No room for the code beside the note: the note column holds it
		// on the failing row, and FOR, ANSWER and FILES stay.
		{"80, a failure", 80, mk("InternalError.CRInternalError", 3), noteMinW, false, "InternalError.CRInternalError", false, true},
		{"100, a failure", 100, mk("InternalError.CRInternalError", 1), noteMinW, false, "InternalError.CRInternalError", false, true},
		{"120, three apps", 120, mk("", 3), noteMinW, false, "", true, true},
		{"120, a failure", 120, mk("InternalError.CRInternalError", 1), 20, false, "InternalError.CRInternalError", false, true},
		{"200, a failure and notes", 200, mk("InternalError.CRInternalError", 3), len("TICKET-4321 customer B"), true, "InternalError.CRInternalError", true, true},
		{"200, one app", 200, mk("", 1), noteMinW, true, "", false, true},
		{"240, three apps", 240, mk("", 3), len("TICKET-4321 customer B"), true, "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestModel(t, newCountingEngine(), tt.w, 30)
			m.Update(engineMsg{watch.Update{Changed: tt.tasks, Stats: okStats()}})
			c := m.columns(m.layout().listW).c
			if c.note < tt.noteMin {
				t.Errorf("note %d cells, want >= %d (%+v)", c.note, tt.noteMin, c)
			}
			out := ansi.Strip(content(m))
			if got := strings.Contains(out, tt.tasks[1].Ref.TaskID); got != tt.wholeID {
				t.Errorf("whole TaskId shown = %v, want %v:\n%s", got, tt.wholeID, out)
			}
			if tt.wantCode != "" && !strings.Contains(out, tt.wantCode) {
				t.Errorf("code %q not whole:\n%s", tt.wantCode, out)
			}
			if (c.app > 0) != tt.wantAppCol || c.ages != tt.wantAgesCol {
				t.Errorf("plan %+v: app %v ages %v", c, tt.wantAppCol, tt.wantAgesCol)
			}
			for _, l := range lines(out) {
				l, _, _ = strings.Cut(l, "││") // the list pane only
				if strings.Contains(l, longID[:10]) && !strings.Contains(l, "TaskId") && !strings.Contains(l, "TICKET-4321") {
					t.Errorf("row without its note: %q", l)
				}
			}
		})
	}
}

func TestHeaderAndPosition(t *testing.T) {
	m := newTestModel(t, newCountingEngine(), 100, 30)
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: watch.Stats{Health: watch.HealthOK, Quota: 20}}})
	if out := ansi.Strip(content(m)); strings.Contains(out, "API ok") || !strings.Contains(out, "API: no calls yet") {
		t.Errorf("before any call the header claims:\n%s", lines(out)[0])
	}
	m.Update(engineMsg{watch.Update{Stats: okStats()}})
	press(m, "j", "j")
	out := ansi.Strip(content(m))
	if !strings.Contains(lines(out)[0], "API ok") || !strings.Contains(out, "Tasks 3/9") {
		t.Errorf("no API ok after calls or no position:\n%s", out)
	}
	// Region and SdkAppId never vanish, whole or short, in any health,
	// with the demo mark or a pause taking room before them.
	m.opts.Demo = true
	for w := 60; w <= 240; w++ { // below 60 the health and the pause come first
		st := okStats()
		st.Paused = true // the header shows the pause the engine publishes
		st.Health = []watch.Health{watch.HealthOK, watch.HealthDegraded, watch.HealthDown, watch.HealthAuth}[w%4]
		m.Update(engineMsg{watch.Update{Stats: st}})
		m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
		head := ansi.Strip(lines(content(m))[0])
		if !strings.Contains(head, "PAUSED") || !strings.Contains(head, "API") && !strings.Contains(head, "degraded") && !strings.Contains(head, "DOWN") && !strings.Contains(head, "AUTH FAILED") {
			t.Fatalf("%d: header lost the API health: %q", w, head)
		}
		if !strings.Contains(head, "1400000001") {
			t.Fatalf("%d: header lost the SdkAppId: %q", w, head)
		}
		if !strings.Contains(head, "ap-singapore") && !strings.Contains(head, "sin") {
			t.Fatalf("%d: header lost the region: %q", w, head)
		}
	}
}

func TestBannersSayWhatToFix(t *testing.T) {
	m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Now: fixedNow,
		Endpoint: "https://trtc.intl.tencentcloudapi.com", CredentialSource: "credentials file /home/u/.tencentcloud/credentials (profile default)"})
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	m.Update(engineMsg{watch.Update{Stats: watch.Stats{Health: watch.HealthAuth,
		HealthDetail: "AuthFailure.SecretIdNotFound: the SecretId is unknown or disabled: check TENCENTCLOUD_SECRET_ID (or your credentials profile); polling paused, one probe every 30s"}}})
	out := ansi.Strip(content(m))
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"credentials file /home/u/.tencentcloud/credentials (profile default)", "--cvm-role", "TENCENTCLOUD_SECRET_KEY", "one probe every 30s"} {
		if !strings.Contains(flat, want) {
			t.Errorf("auth banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "--profile") {
		t.Error("the banner points at a flag that does not exist")
	}
	for _, l := range lines(content(m)) {
		if ansi.StringWidth(l) > 140 {
			t.Errorf("line wider than the terminal: %q", ansi.Strip(l))
		}
	}
	m.Update(engineMsg{watch.Update{Stats: watch.Stats{Health: watch.HealthDown, HealthDetail: "ClientError.NetworkError; one probe every 2s",
		DownSince: t0.Add(-time.Minute),
		LastError: &watch.Failure{Kind: client.KindTransient, Code: "ClientError.NetworkError", Message: "dial tcp: lookup trtc.intl.tencentcloudapi.con: no such host"}}}})
	flat = strings.Join(strings.Fields(ansi.Strip(content(m))), " ")
	if !strings.Contains(flat, "no such host") {
		t.Errorf("down banner hides the cause:\n%s", ansi.Strip(content(m)))
	}
	// The time it went down is written in the chosen zone, with the zone.
	if want := "no answer since " + t0.Add(-time.Minute).UTC().Format("15:04:05") + " UTC"; !strings.Contains(flat, want) {
		t.Errorf("down banner lacks %q:\n%s", want, flat)
	}
	// A RequestId is quoted to the service team: whole, on one line, at
	// any width, even when the message is too long for the banner.
	rid := "6b8a2f8d-75b2-4561-9ac3-8fa0f9267c65"
	m.Update(engineMsg{watch.Update{Stats: watch.Stats{Health: watch.HealthDegraded, LastError: &watch.Failure{
		Code: "InternalError.CRInternalError", RequestID: rid, At: t0, Message: strings.Repeat("On-cloud recording internal error. ", 20)}}}})
	for w := 60; w <= 240; w += 7 {
		m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
		if !strings.Contains(ansi.Strip(content(m)), rid) {
			t.Fatalf("%d: RequestId cut or split:\n%s", w, ansi.Strip(content(m)))
		}
	}
}

// TestEveryRowNamesItsStateAndNote is the sweep's promise for the list:
// from 80 columns up, every task row shows its state word and its note,
// or, where the note column holds the error codes (NOTE / LAST ERROR),
// a failing row its code. The normal suite draws the widths where the
// columns change and a sample (rowWidths); -tags long every width.
func TestEveryRowNamesItsStateAndNote(t *testing.T) {
	t.Parallel()
	tasks := fixtureTasks()
	for i := range tasks {
		tasks[i].Note = fmt.Sprintf("TCK-%02d", i)
	}
	other := taskref.Ref{Region: testRegion, SdkAppID: 1400000003, TaskID: "task-app-3"}
	tasks = append(tasks, watch.Task{Ref: other, Note: "TCK-99", Phase: watch.Vanished, Last: &watch.Answer{Status: "Idle"}})
	rng := sampleRand(t)
	for _, h := range []int{24, 40, 80} {
		m := newTestModel(t, newCountingEngine(), 80, h)
		m.Update(engineMsg{watch.Update{Changed: tasks, Stats: okStats()}})
		for _, w := range rowWidths(m, rng) {
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			seen := 0
			merged := m.columns(m.layout().listW).c.merged
			for _, l := range lines(ansi.Strip(content(m))) {
				l, _, _ = strings.Cut(l, "││") // the list pane only
				for _, r := range m.visible {  // every note is unique: it finds the row
					if code, failed := failCell(r); merged && failed {
						// Each failing row's code is its own here.
						if strings.Contains(l, " "+code[:min(len(code), 20)]) {
							seen++
						}
						continue
					}
					if !strings.Contains(l, " "+r.note+" ") || strings.Contains(l, " Note ") {
						continue
					}
					seen++
					if !strings.Contains(l, " "+string(shownPhase(&r.t))) && !strings.Contains(l, "Idle\\x1b") {
						t.Fatalf("%dx%d: row %q lacks its state %q", w, h, l, shownPhase(&r.t))
					}
				}
			}
			if want := min(len(m.visible), m.layout().listH); seen < want {
				t.Fatalf("%dx%d: %d rows show their note, want %d:\n%s", w, h, seen, want, ansi.Strip(content(m)))
			}
		}
	}
}

// rowWidths are the widths TestEveryRowNamesItsStateAndNote draws m at:
// with -tags long (sweepEvery) every one from 80 to 240; else those
// where the list's columns change (sweepBreaks) with their neighbours,
// 80, 240 and twelve from rng (between breaks a column only
// widens).
func rowWidths(m *Model, rng *rand.Rand) []int {
	var out []int
	if sweepEvery {
		for w := 80; w <= 240; w++ {
			out = append(out, w)
		}
		return out
	}
	want := map[int]bool{80: true, 240: true}
	for _, b := range sweepBreaks(m) {
		for w := b - 1; w <= b+1; w++ {
			want[w] = true
		}
	}
	for range 12 {
		want[80+rng.IntN(161)] = true
	}
	for w := 80; w <= 240; w++ {
		if want[w] {
			out = append(out, w)
		}
	}
	return out
}

// TestLegendCoversEveryState: the help's legend draws every state as the
// rows do and says what it means.
func TestLegendCoversEveryState(t *testing.T) {
	m := loaded(t, newCountingEngine(), 100, 30)
	st := m.st
	legend := ansi.Strip(strings.Join(m.legendLines(200), "\n"))
	flat := strings.Join(strings.Fields(legend), " ")
	for _, p := range watch.Phases {
		if !strings.Contains(legend, st.StateText(p)+" ") || !strings.Contains(flat, strings.Join(strings.Fields(common.Legend(p)), " ")) {
			t.Errorf("legend lacks %s", p)
		}
	}
	for _, want := range []string{"between two polls", "clean stop", "LAST ERROR"} {
		if !strings.Contains(legend, want) {
			t.Errorf("legend lacks %q", want)
		}
	}
}

// TestHeaderKeepsProblemCounts: the per-state counts go worst first and a
// problem keeps at least its glyph and count, so a narrow header never
// hides that something is wrong.
func TestHeaderKeepsProblemCounts(t *testing.T) {
	t0 := fixedNow()
	var ts []watch.Task
	for i := range 12 {
		ts = append(ts, watch.Task{Ref: ref(fmt.Sprintf("task-live-%02d", i)), Phase: watch.InProgress,
			Last: &watch.Answer{Status: "InProgress", At: t0}})
	}
	ts = append(ts,
		watch.Task{Ref: ref("task-idle-1"), Phase: watch.Idle, Last: &watch.Answer{Status: "Idle", At: t0}},
		watch.Task{Ref: ref("task-gone-1"), Phase: watch.NotFound},
		watch.Task{Ref: ref("task-fail-1"), Phase: watch.Error, Last: &watch.Answer{Status: "InProgress", At: t0},
			LastErr: &watch.Failure{Kind: client.KindTransient, Code: "InternalError", At: t0}})
	for _, w := range []int{40, 50, 60, 80, 120} {
		m := newTestModel(t, newCountingEngine(), w, 24)
		m.Update(engineMsg{watch.Update{Changed: ts, Stats: okStats()}})
		counts := lines(ansi.Strip(content(m)))[1]
		for _, want := range []string{"✗", "?"} {
			if !strings.Contains(counts, want+" ") {
				t.Errorf("%d columns: counts line %q lacks %q", w, counts, want)
			}
		}
		if e, i := strings.Index(counts, "✗"), strings.Index(counts, "○"); i >= 0 && e > i {
			t.Errorf("%d columns: the error count comes after the calm ones: %q", w, counts)
		}
	}
}
