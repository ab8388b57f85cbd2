package emulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

const cbKey = "emulatorCallbackKey01"

// cbReceiver is a real receiver keyed with cbKey that watches the demo app.
func cbReceiver(t testing.TB) *callback.Receiver {
	t.Helper()
	r, err := callback.New(callback.Options{Key: cbKey, Watched: func(app uint64) bool { return app == DemoSdkAppID }})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCallbackConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"key without URL", Config{CallbackKey: cbKey}, "a callback key without a callback URL"},
		{"not a URL", Config{CallbackURL: "127.0.0.1:9000"}, "is not an http:// or https:// URL"},
		{"ftp", Config{CallbackURL: "ftp://host/"}, "is not an http:// or https:// URL"},
		{"bad key", Config{CallbackURL: "http://127.0.0.1:1/", CallbackKey: "has space"}, "callback key: character 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestCallbacksEndToEnd: the emulator posts every change of a scripted COS
// task (files, a failover, MP4, the end with its LeaveCode), a VOD task
// (its commits) and a task created and deleted through the SDK into a
// real receiver over loopback; every callback's signature is checked there
// and each arrives once, in event-time order per task, with the documented
// payloads.
func TestCallbacksEndToEnd(t *testing.T) {
	t.Parallel() // its own server and receiver; it waits out a 1.5 s scenario
	rcv := cbReceiver(t)
	rs, err := rcv.Bind("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	go rs.Serve() //nolint:errcheck // nil once closed
	defer rs.Close()
	const ms = time.Millisecond
	sc := &Scenario{Tasks: []ScenarioTask{
		{TaskID: demoIDs[0], Users: []string{"alice"}, Failovers: []time.Duration{600 * ms}, LeaveCode: 99, MP4: true,
			Timeline: []Step{{0, statusInProgress}, {1200 * ms, statusExited}, {1500 * ms, statusGone}}},
		{TaskID: demoIDs[1], Storage: storageVOD, Users: []string{"dave", "erin"},
			Timeline: []Step{{0, statusInProgress}, {1000 * ms, statusExited}}},
	}}
	s := startServer(t, Config{RateLimit: -1, FileEvery: 200 * ms, StreamDelay: 100 * ms, ExitLinger: 300 * ms,
		Scenario: sc, CallbackURL: rs.URL(), CallbackKey: cbKey}, nil)
	c := demoClient(s)
	created := mustDo(t, c, "CreateCloudRecording", createParams("carol")).TaskId
	mustDo(t, c, "DeleteCloudRecording", describeParams(DemoSdkAppID, created))

	byTask := map[string][]callback.Event{}
	done := func() bool {
		return len(byTask[demoIDs[0]]) >= 14 && len(byTask[demoIDs[1]]) >= 5 && slices.ContainsFunc(byTask[created], func(e callback.Event) bool { return e.Type == callback.UploadStop })
	}
	deadline := time.After(20 * time.Second)
	var batch []callback.Event
	for !done() {
		select {
		case <-rcv.Ready():
		case <-deadline:
			t.Fatalf("callbacks missing after 20 s: %v", types(byTask))
		}
		batch = rcv.Drain(batch)
		for _, e := range batch {
			byTask[e.TaskID] = append(byTask[e.TaskID], e)
		}
	}

	if st := rcv.Stats(); st.RefusedTotal() != 0 || st.Duplicates != 0 {
		t.Fatalf("receiver refused or deduplicated some: %+v", st)
	}
	want := map[string][]callback.EventType{
		demoIDs[0]: {301, 303, 307, 304, 307, 304, 306, 307, 304, 307, 304, 302, 305, 310},
		demoIDs[1]: {301, 302, 311, 311, 312},
	}
	for id, w := range want {
		if got := typeList(byTask[id]); !slices.Equal(got, w) {
			t.Errorf("task %.8s: callbacks %v, want %v", id, got, w)
		}
	}
	for id, evs := range byTask {
		for i, e := range evs {
			if i > 0 && e.At.Before(evs[i-1].At) {
				t.Errorf("task %.8s: %v arrived after the later %v", id, e.Type, evs[i-1].Type)
			}
			if e.SdkAppID != DemoSdkAppID {
				t.Errorf("SdkAppId header %d", e.SdkAppID)
			}
		}
	}

	a := byTask[demoIDs[0]]
	if a[0].RoomID != (callback.RoomID{ID: "10001", Numeric: true}) || a[0].RobotID != "recorder_10001" {
		t.Errorf("room %+v robot %q", a[0].RoomID, a[0].RobotID)
	}
	var names []string
	for _, e := range a {
		if d, _ := e.Read(); e.Type == callback.FileSlice {
			f := d.(*callback.FileStarted)
			if f.UserId != "alice" || int64(f.BeginTimeStamp) != e.At.UnixMilli() {
				t.Errorf("307 %+v at %v", f, e.At)
			}
			names = append(names, f.FileName[strings.LastIndex(f.FileName, "/")+1:])
		}
	}
	audio, video := "1400000001_10001__UserId_s_YWxpY2U.__UserId_e_main_audio.m3u8", "1400000001_10001__UserId_s_YWxpY2U.__UserId_e_main_video.m3u8"
	if !slices.Equal(names, []string{audio, video, "ha1_" + audio, "ha1_" + video}) {
		t.Errorf("307 files %v", names)
	}
	if a[6].At.Sub(a[0].At) != 600*ms || a[11].At.Sub(a[0].At) != 1200*ms {
		t.Errorf("failover at +%v, stop at +%v; want 600ms and 1.2s", a[6].At.Sub(a[0].At), a[11].At.Sub(a[0].At))
	}
	if _, s := a[11].Read(); !strings.Contains(s, "LeaveCode 99") {
		t.Errorf("302: %s", s)
	}
	if d, _ := a[13].Read(); len(d.(*callback.MP4Stopped).FileMessage) != 2 {
		t.Errorf("310: %+v", d)
	}
	b := byTask[demoIDs[1]]
	for i, user := range []string{"dave", "erin"} {
		d, _ := b[2+i].Read()
		v := d.(*callback.VODCommitted).TencentVod
		if v.UserId != user || v.TrackType != "audio_video" || v.FileId == "" || !strings.HasPrefix(v.VideoUrl, "https://vod.example.com/") ||
			int64(v.EndTimeStamp) != b[1].At.UnixMilli() {
			t.Errorf("311 %d: %+v", i, v)
		}
	}
	cr := byTask[created]
	if cr[0].Type != callback.RecorderStart || cr[1].Type != callback.UploadStart || cr[0].RoomID != (callback.RoomID{ID: "8888", Numeric: true}) || cr[0].RobotID != "recorder_bot" {
		t.Errorf("created task: %v %+v", typeList(cr), cr[0])
	}
	stop := cr[slices.IndexFunc(cr, func(e callback.Event) bool { return e.Type == callback.RecorderStop })]
	if _, s := stop.Read(); !strings.Contains(s, "LeaveCode 0") {
		t.Errorf("deleted task's 302: %s", s)
	}
	// Every message went out once (no retry was needed); the last
	// answers may still be on their way back, so Delivered is not compared.
	if st := s.callbackStats(); st.GaveUp != 0 || st.Dropped != 0 || st.Attempts != st.Queued || st.Queued != rcv.Stats().Accepted {
		t.Errorf("sender stats %+v, receiver accepted %d", st, rcv.Stats().Accepted)
	}
}

func typeList(evs []callback.Event) []callback.EventType {
	var out []callback.EventType
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func types(m map[string][]callback.Event) string {
	var b strings.Builder
	for id, evs := range m {
		fmt.Fprintf(&b, "%.8s: %v; ", id, typeList(evs))
	}
	return b.String()
}

// TestDemoCallbacks: with callbacks on, the demo scenario sends within
// four minutes every kind of callback the emulator knows, signed, some of
// them twice (its chaos option), and the receiver refuses none.
func TestDemoCallbacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rcv := cbReceiver(t)
		srv, err := New(Config{Scenario: DemoScenario(), CallbackURL: "http://receiver.invalid/", CallbackKey: cbKey, Seed: 1,
			cbTransport: &script{answer: func(int) int { return 0 }, rcv: rcv}})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		time.Sleep(4 * time.Minute)
		synctest.Wait()
		seen := map[callback.EventType]int{}
		hostile := false
		for _, e := range rcv.Drain(nil) {
			seen[e.Type]++
			if d, _ := e.Read(); e.Type == callback.FileSlice {
				hostile = hostile || d.(*callback.FileStarted).UserId == demoHostileUser
			}
		}
		for _, typ := range []callback.EventType{301, 302, 303, 304, 305, 306, 307, 310, 311, 312} {
			if seen[typ] == 0 {
				t.Errorf("no %v in the demo (saw %v)", typ, seen)
			}
		}
		if st := rcv.Stats(); st.RefusedTotal() != 0 || st.Duplicates == 0 || !hostile {
			t.Errorf("receiver %+v; hostile user's file seen: %v", st, hostile)
		}
	})
}
