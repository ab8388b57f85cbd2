package watch

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
)

func ans(status string) *Answer { return &Answer{Status: status, RequestID: "req-" + status} }
func fail(k client.Kind) *Failure {
	return &Failure{Kind: k, Code: "Code." + k.String(), RequestID: "req-" + k.String()}
}

func TestDeriveFailureDecides(t *testing.T) {
	// When the latest call failed, the failure decides, whatever was answered before.
	lasts := []*Answer{nil, ans("Idle"), ans("InProgress"), ans("Exited"), ans("Weird")}
	tests := []struct {
		kind client.Kind
		seen bool
		want Phase
	}{
		{client.KindGone, true, Vanished},
		{client.KindGone, false, NotFound},
		{client.KindThrottled, true, Throttled},
		{client.KindThrottled, false, Throttled},
		{client.KindAuth, true, AuthError},
		{client.KindAuth, false, AuthError},
		{client.KindTransient, true, Error},
		{client.KindTransient, false, Error},
		{client.KindBadRequest, true, Error},
		{client.KindBadRequest, false, Error},
		{client.KindUnknown, true, Error},
		{client.KindUnknown, false, Error},
	}
	for _, tt := range tests {
		for _, last := range lasts {
			name := fmt.Sprintf("%s/seen=%v/last=%v", tt.kind, tt.seen, last)
			want := tt.want
			if want == Vanished && last != nil && last.Status == "Exited" {
				want = Ended // gone after Exited is a clean stop
			}
			if got := Derive(last, fail(tt.kind), tt.seen, false); got != want {
				t.Errorf("%s: derive = %q, want %q", name, got, tt.want)
			}
		}
	}
}

func TestDeriveAnswerDecides(t *testing.T) {
	tests := []struct {
		last *Answer
		want Phase
	}{
		{nil, Pending},
		{ans("Idle"), Idle},
		{ans("InProgress"), InProgress},
		{ans("Exited"), Exited},
		{ans("inprogress"), Error}, // statuses are exact
		{ans(""), Error},
		{ans("Paused"), Error},
	}
	for _, tt := range tests {
		for _, seen := range []bool{false, true} {
			if got := Derive(tt.last, nil, seen, false); got != tt.want {
				t.Errorf("Derive(%v, nil, %v) = %q, want %q", tt.last, seen, got, tt.want)
			}
		}
	}
}

func TestAnswerFrom(t *testing.T) {
	s := func(v string) *string { return &v }
	ms := uint64(1_700_000_000_123)
	huge := uint64(1 << 63)
	resp := &client.DescribeCloudRecordingResponse{
		Status: s("InProgress"), RequestId: s("r1"),
		StorageFileList: []*client.StorageFile{
			{UserId: s("u1"), FileName: s("a.m3u8"), TrackType: s("audio_video"), BeginTimeStamp: &ms},
			nil,
			{FileName: s("b.m3u8"), BeginTimeStamp: &huge},
		},
	}
	at := time.Unix(100, 0)
	a := AnswerFrom(resp, at)
	files := a.Files()
	if a.Status != "InProgress" || a.RequestID != "r1" || !a.At.Equal(at) || len(files) != 2 || a.FileCount != 2 {
		t.Fatalf("answerFrom = %+v", a)
	}
	if !files[0].Begin.Equal(time.UnixMilli(int64(ms))) || files[0].UserID != "u1" || !a.LastBegin.Equal(files[0].Begin) {
		t.Errorf("file 0 = %+v, LastBegin %v", files[0], a.LastBegin)
	}
	if !files[1].Begin.IsZero() {
		t.Errorf("absurd timestamp should give zero Begin, got %v", files[1].Begin)
	}
	if got := AnswerFrom(nil, at); got.Status != "" || got.Files() != nil || got.FileCount != 0 {
		t.Errorf("AnswerFrom(nil) = %+v", got)
	}
}

func TestFailureFrom(t *testing.T) {
	at := time.Unix(5, 0)
	ce := &client.Error{Kind: client.KindAuth, Code: "AuthFailure.SignatureFailure", Message: "bad sig", RequestID: "r9",
		Action: "DescribeCloudRecording", Err: errors.New("cause")}
	f := FailureFrom(fmt.Errorf("describe: %w", ce), at)
	want := client.Error{Kind: client.KindAuth, Code: ce.Code, Message: "bad sig", RequestID: "r9", Action: ce.Action, At: at}
	if *f != want {
		t.Errorf("wrapped client error: %+v, want the client's own error with At set and no cause", f)
	}
	if f == ce || !ce.At.IsZero() {
		t.Error("the engine must keep its own copy, not change the client's")
	}
	f = FailureFrom(errors.New("boom"), at)
	if f.Kind != client.KindTransient || f.Message != "boom" {
		t.Errorf("foreign error: %+v", f)
	}
	f = FailureFrom(&client.Error{Code: "X"}, at)
	if f.Kind != client.KindTransient {
		t.Errorf("unknown kind should be retried as transient, got %v", f.Kind)
	}
}

// step is one call outcome fed to apply.
type step struct {
	a *Answer
	f *Failure
}

func TestApplyTransitions(t *testing.T) {
	t0 := time.Unix(1000, 0)
	files := NewAnswer("InProgress", "r-files", time.Time{}, []File{{FileName: "x.m3u8"}}, nil)
	tests := []struct {
		name      string
		steps     []step
		phase     Phase
		path      []Phase // History as From of the first, then every To
		stale     bool
		failures  int
		seenLive  bool
		ended     bool // EndedAt set
		lastFiles int
	}{
		{"first answer", []step{{a: ans("Idle")}}, Idle, []Phase{Pending, Idle}, false, 0, true, false, 0},
		{"full life", []step{{a: ans("Idle")}, {a: files}, {a: ans("Exited")}, {f: fail(client.KindGone)}},
			Ended, []Phase{Pending, Idle, InProgress, Exited, Ended}, false, 0, true, true, 0},
		{"vanished while InProgress keeps last files", []step{{a: files}, {f: fail(client.KindGone)}},
			Vanished, []Phase{Pending, InProgress, Vanished}, false, 0, true, true, 1},
		{"vanished while Idle", []step{{a: ans("Idle")}, {f: fail(client.KindGone)}},
			Vanished, []Phase{Pending, Idle, Vanished}, false, 0, true, true, 0},
		{"Exited, error, gone: still a clean end", []step{{a: ans("Exited")}, {f: fail(client.KindTransient)}, {f: fail(client.KindGone)}},
			Ended, []Phase{Pending, Exited, Error, Ended}, false, 0, true, true, 0},
		{"never alive", []step{{f: fail(client.KindGone)}}, NotFound, []Phase{Pending, NotFound}, false, 0, false, false, 0},
		{"same answer twice: one transition", []step{{a: ans("Idle")}, {a: ans("Idle")}}, Idle, []Phase{Pending, Idle}, false, 0, true, false, 0},
		{"transient keeps last, stale", []step{{a: files}, {f: fail(client.KindTransient)}},
			Error, []Phase{Pending, InProgress, Error}, true, 1, true, false, 1},
		{"failures count, one transition", []step{{a: files}, {f: fail(client.KindTransient)}, {f: fail(client.KindTransient)}, {f: fail(client.KindBadRequest)}},
			Error, []Phase{Pending, InProgress, Error}, true, 3, true, false, 1},
		{"recovers at once", []step{{a: files}, {f: fail(client.KindTransient)}, {a: files}},
			InProgress, []Phase{Pending, InProgress, Error, InProgress}, false, 0, true, false, 1},
		{"error before any answer is not stale", []step{{f: fail(client.KindTransient)}}, Error, []Phase{Pending, Error}, false, 1, false, false, 0},
		{"throttled", []step{{a: ans("Idle")}, {f: fail(client.KindThrottled)}}, Throttled, []Phase{Pending, Idle, Throttled}, true, 1, true, false, 0},
		{"auth", []step{{f: fail(client.KindAuth)}, {a: ans("Exited")}}, Exited, []Phase{Pending, AuthError, Exited}, false, 0, true, false, 0},
		{"error then gone after alive", []step{{a: ans("Idle")}, {f: fail(client.KindTransient)}, {f: fail(client.KindGone)}},
			Vanished, []Phase{Pending, Idle, Error, Vanished}, false, 0, true, true, 0},
		{"ended, refreshed, error: still knows the end", []step{{a: ans("Exited")}, {f: fail(client.KindGone)}, {f: fail(client.KindTransient)}},
			Error, []Phase{Pending, Exited, Ended, Error}, true, 1, true, true, 0},
		{"alive again clears the end", []step{{a: ans("Idle")}, {f: fail(client.KindGone)}, {a: ans("Idle")}},
			Idle, []Phase{Pending, Idle, Vanished, Idle}, false, 0, true, false, 0},
		{"unknown status", []step{{a: ans("Weird")}}, Error, []Phase{Pending, Error}, false, 0, false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := Task{Phase: Pending}
			for i, s := range tt.steps {
				now := t0.Add(time.Duration(i) * time.Second)
				if s.f != nil {
					f := *s.f
					f.At = now
					s.f = &f
				}
				before := task.Phase
				tr, ok := apply(&task, s.a, s.f, now, false, 50)
				if ok != (before != task.Phase) {
					t.Fatalf("step %d: changed=%v but phase %q -> %q", i, ok, before, task.Phase)
				}
				if ok && (tr.From != before || tr.To != task.Phase || !tr.At.Equal(now) || tr.RequestID == "") { // Since: TestApplySince
					t.Fatalf("step %d: transition %+v, since %v", i, tr, task.Since)
				}
				// A change into a failure, or to not found, names the
				// failed call's code, exactly; any other change none.
				wantCode := ""
				if s.f != nil && (task.Phase.Failed() || task.Phase == NotFound) {
					wantCode = s.f.Code
				}
				if ok && (tr.Code != wantCode || task.History[len(task.History)-1] != tr) {
					t.Fatalf("step %d: transition %+v has code %q, want %q (history %+v)", i, tr, tr.Code, wantCode, task.History)
				}
			}
			if task.Phase != tt.phase || task.Stale != tt.stale || task.Failures != tt.failures || task.SeenLive != tt.seenLive {
				t.Errorf("got phase=%q stale=%v failures=%d seen=%v", task.Phase, task.Stale, task.Failures, task.SeenLive)
			}
			if task.EndedAt.IsZero() == tt.ended {
				t.Errorf("EndedAt = %v, want set=%v", task.EndedAt, tt.ended)
			}
			if n := 0; task.Last != nil {
				n = task.Last.FileCount
				if n != tt.lastFiles {
					t.Errorf("last files = %d, want %d", n, tt.lastFiles)
				}
			}
			var path []Phase
			for i, h := range task.History {
				if i == 0 {
					path = append(path, h.From)
				}
				path = append(path, h.To)
			}
			if fmt.Sprint(path) != fmt.Sprint(tt.path) {
				t.Errorf("history %v, want %v", path, tt.path)
			}
		})
	}
}

// TestApplySince: Since is when the phase began, but a failed call
// between two answers of the same status does not restart that status:
// a task recording since 18:56:40 still says so after a 15 s
// InternalError window. Any other answer (another status, gone) does.
func TestApplySince(t *testing.T) {
	t0 := time.Unix(1000, 0)
	rec, idle := ans("InProgress"), ans("Idle")
	transient, throttled, gone, auth := fail(client.KindTransient), fail(client.KindThrottled), fail(client.KindGone), fail(client.KindAuth)
	tests := []struct {
		name  string
		steps []step
		since int // the step whose time Since must be
		path  int // transitions in History
	}{
		{"error between two InProgress", []step{{a: rec}, {f: transient}, {a: rec}}, 0, 3},
		{"a long failing streak", []step{{a: rec}, {f: transient}, {f: throttled}, {f: transient}, {a: rec}}, 0, 5},
		{"two windows", []step{{a: rec}, {f: transient}, {a: rec}, {f: throttled}, {a: rec}}, 0, 5},
		{"while failing: since the failure", []step{{a: rec}, {f: transient}}, 1, 2},
		{"failure then another status", []step{{a: rec}, {f: transient}, {a: idle}}, 2, 3},
		{"Idle then InProgress then a failure", []step{{a: idle}, {a: rec}, {f: transient}, {a: rec}}, 1, 4},
		{"gone in between restarts it", []step{{a: rec}, {f: gone}, {a: rec}}, 2, 3},
		{"gone then a failure restarts it", []step{{a: rec}, {f: gone}, {f: transient}, {a: rec}}, 3, 4},
		{"the same answer again", []step{{a: idle}, {a: idle}}, 0, 1},
		{"failure before any answer", []step{{f: auth}, {a: rec}}, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := Task{Phase: Pending}
			for i, s := range tt.steps {
				now := t0.Add(time.Duration(i) * time.Second)
				if s.f != nil {
					f := *s.f
					f.At = now
					s.f = &f
				}
				apply(&task, s.a, s.f, now, false, 50)
			}
			if want := t0.Add(time.Duration(tt.since) * time.Second); !task.Since.Equal(want) {
				t.Errorf("Since = step %v, want step %d", task.Since.Sub(t0).Seconds(), tt.since)
			}
			if len(task.History) != tt.path {
				t.Errorf("history %d transitions, want %d (the failures stay in it)", len(task.History), tt.path)
			}
		})
	}
}

func TestApplyHistoryBounded(t *testing.T) {
	task := Task{Phase: Pending}
	now := time.Unix(0, 0)
	for i := range 10 {
		st := "Idle"
		if i%2 == 1 {
			st = "InProgress"
		}
		apply(&task, ans(st), nil, now.Add(time.Duration(i)*time.Second), false, 3)
	}
	if len(task.History) != 3 {
		t.Fatalf("history len %d, want 3", len(task.History))
	}
	if got := task.History[2].At; !got.Equal(now.Add(9 * time.Second)) {
		t.Errorf("newest kept should be the last, got %v", got)
	}
	c := task.clone()
	c.History[0].To = "mutated"
	if task.History[0].To == "mutated" {
		t.Error("clone shares History with the engine")
	}
}

func TestPhaseClasses(t *testing.T) {
	tests := []struct {
		p                      Phase
		problem, final, failed bool
		note                   string // a word GoneNote must contain, "" for none
	}{
		{Pending, false, false, false, ""},
		{Idle, false, false, false, ""},
		{InProgress, false, false, false, ""},
		{Exited, false, false, false, ""},
		{Ended, false, true, false, "clean stop"},
		{Vanished, true, true, false, "between two polls"},
		{NotFound, true, true, false, "TaskId"},
		{Throttled, true, false, true, ""},
		{AuthError, true, false, true, ""},
		{Error, true, false, true, ""},
	}
	if len(tests) != len(Phases) {
		t.Fatalf("table covers %d phases, Phases has %d", len(tests), len(Phases))
	}
	for _, tt := range tests {
		if tt.p.Problem() != tt.problem || tt.p.Final() != tt.final || tt.p.Failed() != tt.failed {
			t.Errorf("%s: problem=%v final=%v failed=%v", tt.p, tt.p.Problem(), tt.p.Final(), tt.p.Failed())
		}
		if got := GoneNote(tt.p); (tt.note == "") != (got == "") || !strings.Contains(got, tt.note) {
			t.Errorf("%s: GoneNote = %q, want it to mention %q", tt.p, got, tt.note)
		}
	}
	// Worst first: a clean end sorts below everything live, a vanished
	// task above every live one, failures on top.
	order := []Phase{Ended, Pending, Idle, InProgress, Exited, NotFound, Vanished, Throttled, AuthError, Error}
	for i := 1; i < len(order); i++ {
		if order[i-1].Severity() >= order[i].Severity() {
			t.Errorf("Severity(%s) = %d, not below Severity(%s) = %d", order[i-1], order[i-1].Severity(), order[i], order[i].Severity())
		}
	}
	if Phase("Weird").Severity() < Error.Severity() {
		t.Error("an unknown phase must rank with errors")
	}
}

// TestBeginTime: one decoder for the dashboard and snapshot. Milliseconds
// as documented, seconds for the old callback form, nothing for 0, nil or
// values past any real time.
func TestBeginTime(t *testing.T) {
	u := func(v uint64) *uint64 { return &v }
	tests := []struct {
		ts   *uint64
		want time.Time
		ok   bool
	}{
		{u(1622186279144), time.UnixMilli(1622186279144), true},
		{u(1622186279), time.Unix(1622186279, 0), true},
		{nil, time.Time{}, false},
		{u(0), time.Time{}, false},
		{u(1 << 62), time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := beginTime(tt.ts)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("beginTime(%v) = %v, %v; want %v, %v", tt.ts, got, ok, tt.want, tt.ok)
		}
	}
	// answerFrom reads the same way: a seconds value is not 1970.
	a := AnswerFrom(&client.DescribeCloudRecordingResponse{StorageFileList: []*client.StorageFile{{BeginTimeStamp: u(1622186279)}}}, time.Now())
	if f := a.Files(); len(f) != 1 || f[0].Begin.Year() != 2021 {
		t.Errorf("answerFrom read seconds as %v", f)
	}
}
