package watch

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// Integration: the engine through the real client, over loopback HTTP with
// real signatures, against the emulator.

const app = 1400000001

func realClient(t testing.TB, url, key string, rate float64) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Region: "ap-singapore", Endpoint: url, Rate: rate, Timeout: time.Second,
		Credential: common.NewCredential(emulator.DemoSecretID, key)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sref(id string) taskref.Ref {
	return taskref.Ref{Region: "ap-singapore", SdkAppID: app, TaskID: id}
}

func path(task Task) []Phase {
	var p []Phase
	for _, h := range task.History {
		p = append(p, h.To)
	}
	return p
}

func TestEmulatorLifecycleFaultsAndGone(t *testing.T) {
	t.Parallel() // its own emulator and engine; waits on the emulator's timeline
	sc, err := emulator.ParseScenario([]byte(`{
	  "tasks": [
	    {"task_id": "life-0001", "users": ["alice"], "timeline": [
	      {"at": "600ms", "status": "InProgress"}, {"at": "1600ms", "status": "Exited"}, {"at": "2200ms", "status": "gone"}]},
	    {"task_id": "faulty-0001", "timeline": [{"at": "0s", "status": "InProgress"}]},
	    {"task_id": "vod-0001", "storage": "vod", "timeline": [{"at": "0s", "status": "InProgress"}]}
	  ],
	  "faults": [{"task_id": "faulty-0001", "at": "800ms", "for": "700ms", "code": "InternalError"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	s := emutest.Start(t, emulator.Config{Scenario: sc, FileEvery: 200 * time.Millisecond, Seed: 1}, "")
	e := New(realClient(t, s.URL(), emulator.DemoSecretKey, 20), Config{Interval: 100 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	life, faulty, vod, ghost := sref("life-0001"), sref("faulty-0001"), sref("vod-0001"), sref("ghost-0001")
	if _, err := e.Add([]taskref.Ref{life, faulty, vod, ghost}); err != nil {
		t.Fatal(err)
	}
	start(t, e)
	eventually(t, "life ended", phaseIs(e, life, Ended))
	eventually(t, "fault over", func() bool {
		task, _ := taskOf(e, faulty)
		return slices.Contains(path(task), Error) && task.Phase == InProgress
	})
	lt, _ := taskOf(e, life)
	if got, want := path(lt), []Phase{Idle, InProgress, Exited, Ended}; !slices.Equal(got, want) {
		t.Errorf("life went %v, want %v", got, want)
	}
	if lt.Last == nil || lt.Last.FileCount == 0 || lt.EndedAt.IsZero() || lt.LastErr.Code != "ResourceNotFound" {
		t.Errorf("ended task keeps its last files and end time: %+v", lt)
	}
	ft, _ := taskOf(e, faulty)
	if got, want := path(ft), []Phase{InProgress, Error, InProgress}; !slices.Equal(got, want) {
		t.Errorf("faulty went %v, want %v", got, want)
	}
	if vt, _ := taskOf(e, vod); vt.Phase != InProgress || vt.Last.FileCount != 0 {
		t.Errorf("vod task %+v", vt)
	}
	if gt, _ := taskOf(e, ghost); gt.Phase != NotFound {
		t.Errorf("ghost %q", gt.Phase)
	}
	if th := s.Stats().Total().Throttled; th != 0 {
		t.Errorf("%d throttled", th)
	}
}

func TestEmulatorWrongKeyStopsTheStorm(t *testing.T) {
	t.Parallel() // its own emulator and engine; waits half a second
	s := emutest.Start(t, emulator.Config{Seed: 2}, "")
	e := New(realClient(t, s.URL(), "not-the-key", 20), Config{Interval: 10 * time.Millisecond, ProbeInterval: time.Hour})
	e.Add([]taskref.Ref{sref("a-1"), sref("a-2"), sref("a-3"), sref("a-4"), sref("a-5"), sref("a-6")})
	start(t, e)
	eventually(t, "auth health", func() bool { return e.Stats().Health == HealthAuth })
	time.Sleep(500 * time.Millisecond) // fifty intervals
	st := e.Stats()
	// Only the calls already dispatched when the first failure came back
	// (at most one per worker) plus one probe; the probe interval is an hour.
	if n := s.Stats().Requests(); n > 16+1 {
		t.Errorf("%d requests reached the server with a wrong key", n)
	}
	if !strings.Contains(st.HealthDetail, "AuthFailure.SignatureFailure") || strings.Contains(st.HealthDetail, "not-the-key") {
		t.Errorf("detail %q", st.HealthDetail)
	}
	for _, task := range e.Tasks() {
		if task.Phase != AuthError && task.Phase != Pending {
			t.Errorf("%s: %q", task.Ref, task.Phase)
		}
	}
}

func TestEmulatorKilledAndRestarted(t *testing.T) {
	sc, err := emulator.ParseScenario([]byte(`{"tasks": [
	  {"task_id": "up-0001", "timeline": [{"at": "0s", "status": "InProgress"}]},
	  {"task_id": "up-0002", "timeline": [{"at": "0s", "status": "InProgress"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := emulator.New(emulator.Config{Scenario: sc, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(s.URL(), "http://")
	e := New(realClient(t, s.URL(), emulator.DemoSecretKey, 20), Config{Interval: 50 * time.Millisecond, MaxBackoff: time.Hour})
	refs := []taskref.Ref{sref("up-0001"), sref("up-0002")}
	e.Add(refs)
	start(t, e)
	for _, r := range refs {
		eventually(t, "answered", phaseIs(e, r, InProgress))
	}
	s.Close()
	eventually(t, "down", func() bool { return e.Stats().Health == HealthDown })
	for _, task := range e.Tasks() {
		if task.Last == nil || task.Last.Status != "InProgress" || task.Phase == Error && !task.Stale {
			t.Errorf("down: %s lost its last answer: %+v", task.Ref, task)
		}
	}
	s2, err := emulator.New(emulator.Config{Scenario: sc, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Start(addr); err != nil { // the same address, as a restart would
		t.Fatalf("restart on %s: %v", addr, err)
	}
	t.Cleanup(func() { s2.Close() })
	// MaxBackoff is an hour: only the engine's own recovery brings rows back.
	eventually(t, "recovered", func() bool {
		for _, task := range e.Tasks() {
			if task.Phase != InProgress || task.Stale {
				return false
			}
		}
		return e.Stats().Health != HealthDown
	})
}
