package emulator

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

// lifecycleCfg makes timing visible in steps of whole seconds.
var lifecycleCfg = Config{RateLimit: -1, StreamDelay: time.Second, FileEvery: 2 * time.Second, ExitLinger: 3 * time.Second}

// TestLifecycle follows one API-created COS task from Create to gone.
func TestLifecycle(t *testing.T) {
	clk := newClock()
	s := startServer(t, lifecycleCfg, clk)
	c := demoClient(s)
	r := mustDo(t, c, "CreateCloudRecording", createParams("alice", "bob"))
	id := r.TaskId
	if len(id) != 76 || !strings.HasSuffix(id, ".") || strings.Contains(id, "/") {
		t.Fatalf("TaskId %q is not shaped like a real one", id)
	}
	if raw, err := base64.StdEncoding.DecodeString(strings.NewReplacer("-", "/", ".", "=").Replace(id)); err != nil || len(raw) != 56 {
		t.Fatalf("TaskId does not decode to 56 bytes: %v", err)
	}
	created := clk.Now()
	describe := func() *reply {
		t.Helper()
		return mustDo(t, c, "DescribeCloudRecording", describeParams(1400000001, id))
	}
	if d := describe(); d.Status != statusIdle || d.StorageFileList == nil || len(d.StorageFileList) != 0 {
		t.Fatalf("just created: %+v, want Idle with an empty (not null) list", d)
	}
	clk.Advance(time.Second) // StreamDelay is the longest wait
	d := describe()
	if d.Status != statusInProgress || len(d.StorageFileList) != 1 {
		t.Fatalf("after StreamDelay: %+v, want InProgress with 1 file", d)
	}
	f := d.StorageFileList[0]
	wantName := fmt.Sprintf("rec/day1/%s/1400000001_8888__UserId_s_%s__UserId_e_main_audio.m3u8", id, strings.NewReplacer("/", "-", "=", ".").Replace(base64.StdEncoding.EncodeToString([]byte("alice"))))
	if f.UserId != "alice" || f.TrackType != "audio" || f.FileName != wantName {
		t.Fatalf("first file %+v, want name %s", f, wantName)
	}
	if ms := int64(f.BeginTimeStamp); ms < created.UnixMilli() || ms > clk.Now().UnixMilli() {
		t.Fatalf("BeginTimeStamp %d is not milliseconds between create and now", ms)
	}
	for i, want := range []string{"alice/video", "bob/audio", "bob/video"} {
		clk.Advance(2 * time.Second)
		files := describe().StorageFileList
		if len(files) != i+2 {
			t.Fatalf("after %d file intervals: %d files, want %d", i+1, len(files), i+2)
		}
		if got := files[i+1].UserId + "/" + files[i+1].TrackType; got != want {
			t.Fatalf("file %d is %s, want %s", i+1, got, want)
		}
	}
	clk.Advance(10 * time.Second)
	if n := len(describe().StorageFileList); n != 4 {
		t.Fatalf("%d files, want one per user and track (4)", n)
	}
	// Modify replaces the subscriptions: carol streams, her files follow.
	mod := map[string]any{"SdkAppId": 1400000001, "TaskId": id, "SubscribeStreamUserIds": map[string]any{"SubscribeAudioUserIds": []string{"carol"}}}
	if r := mustDo(t, c, "ModifyCloudRecording", mod); r.TaskId != id {
		t.Fatalf("modify echoed %q", r.TaskId)
	}
	d = describe()
	if d.Status != statusInProgress || len(d.StorageFileList) != 5 || d.StorageFileList[4].UserId != "carol" || d.StorageFileList[4].TrackType != "audio" {
		t.Fatalf("after modify: %+v", d)
	}
	mustDo(t, c, "DeleteCloudRecording", describeParams(1400000001, id))
	clk.Advance(2900 * time.Millisecond)
	if d := describe(); d.Status != statusExited || len(d.StorageFileList) != 5 {
		t.Fatalf("during linger: %+v, want Exited keeping its 5 files", d)
	}
	_, err := do(t, c, "ModifyCloudRecording", mod)
	wantCode(t, err, "ResourceNotFound")
	mustDo(t, c, "DeleteCloudRecording", describeParams(1400000001, id)) // deleting an exiting task is harmless
	clk.Advance(100 * time.Millisecond)
	for _, action := range []string{"DescribeCloudRecording", "DeleteCloudRecording", "ModifyCloudRecording"} {
		_, err := do(t, c, action, describeParams(1400000001, id))
		wantCode(t, err, "ResourceNotFound")
	}
}

// TestTaskVariants covers storage, modes and idle expiry, each on its own task.
func TestTaskVariants(t *testing.T) {
	type check struct {
		after  time.Duration // since create
		status string        // "" = gone
		files  []string      // "user/track" of each file
	}
	unsubAll := map[string]any{"UnSubscribeAudioUserIds": []string{".*$"}, "UnSubscribeVideoUserIds": []string{".*$"}}
	tests := []struct {
		name   string
		mutate func(p map[string]any)
		checks []check
	}{
		{"default users", func(p map[string]any) { delete(p["RecordParams"].(map[string]any), "SubscribeStreamUserIds") },
			[]check{{0, statusIdle, nil}, {time.Second, statusInProgress, []string{"anchor_1001/audio"}},
				{7 * time.Second, statusInProgress, []string{"anchor_1001/audio", "anchor_1001/video", "anchor_1002/audio", "anchor_1002/video"}}}},
		{"VOD lists no files", func(p map[string]any) {
			p["StorageParams"] = map[string]any{"CloudVod": map[string]any{"TencentVod": map[string]any{}}}
		}, []check{{time.Second, statusInProgress, nil}, {60 * time.Second, statusInProgress, nil}}},
		{"audio only", func(p map[string]any) { p["RecordParams"].(map[string]any)["StreamType"] = 1 },
			[]check{{10 * time.Second, statusInProgress, []string{"alice/audio", "bob/audio"}}}},
		{"black list by name", func(p map[string]any) {
			p["RecordParams"].(map[string]any)["SubscribeStreamUserIds"] = map[string]any{"UnSubscribeVideoUserIds": []string{"anchor_1001"}}
		}, []check{{10 * time.Second, statusInProgress, []string{"anchor_1001/audio", "anchor_1002/audio", "anchor_1002/video"}}}},
		{"mixed mode", func(p map[string]any) { p["RecordParams"].(map[string]any)["RecordMode"] = 2 },
			[]check{{10 * time.Second, statusInProgress, []string{"/audio_video"}}}},
		{"nobody streams: MaxIdleTime expiry", func(p map[string]any) {
			p["RecordParams"].(map[string]any)["SubscribeStreamUserIds"] = unsubAll
			p["RecordParams"].(map[string]any)["MaxIdleTime"] = 5
		}, []check{{4900 * time.Millisecond, statusIdle, nil}, {5 * time.Second, statusExited, nil}, {7900 * time.Millisecond, statusExited, nil}, {8 * time.Second, "", nil}}},
		{"default MaxIdleTime is 30s", func(p map[string]any) { p["RecordParams"].(map[string]any)["SubscribeStreamUserIds"] = unsubAll },
			[]check{{29 * time.Second, statusIdle, nil}, {30 * time.Second, statusExited, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			s := startServer(t, lifecycleCfg, clk)
			c := demoClient(s)
			p := createParams("alice", "bob")
			tt.mutate(p)
			id := mustDo(t, c, "CreateCloudRecording", p).TaskId
			start := clk.Now()
			for _, ck := range tt.checks {
				clk.Advance(start.Add(ck.after).Sub(clk.Now()))
				r, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, id))
				if ck.status == "" {
					wantCode(t, err, "ResourceNotFound")
					continue
				}
				mustOK(t, r, err)
				var files []string
				for _, f := range r.StorageFileList {
					files = append(files, f.UserId+"/"+f.TrackType)
				}
				if r.Status != ck.status || strings.Join(files, ",") != strings.Join(ck.files, ",") {
					t.Fatalf("at +%v: %s %v, want %s %v", ck.after, r.Status, files, ck.status, ck.files)
				}
			}
		})
	}
}

// TestModifyToNobodyStartsIdleClock: once Modify leaves nobody subscribed,
// the task goes Idle and exits MaxIdleTime later; subscribing again in time
// keeps it alive.
func TestModifyToNobodyStartsIdleClock(t *testing.T) {
	clk := newClock()
	s := startServer(t, lifecycleCfg, clk)
	c := demoClient(s)
	p := createParams("alice")
	p["RecordParams"].(map[string]any)["MaxIdleTime"] = 10
	id := mustDo(t, c, "CreateCloudRecording", p).TaskId
	status := func() string {
		r, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, id))
		if err != nil {
			return sdkCode(err)
		}
		return r.Status
	}
	modify := func(sub map[string]any) {
		mustDo(t, c, "ModifyCloudRecording", map[string]any{"SdkAppId": 1400000001, "TaskId": id, "SubscribeStreamUserIds": sub})
	}
	nobody := map[string]any{"UnSubscribeAudioUserIds": []string{".*"}, "UnSubscribeVideoUserIds": []string{".*"}}
	steps := []struct {
		do      func()
		advance time.Duration
		want    string
	}{
		{nil, time.Second, statusInProgress},
		{func() { modify(nobody) }, 0, statusIdle},
		{nil, 8 * time.Second, statusIdle},
		// bob starts within StreamDelay (1s), before the 10s idle limit
		{func() { modify(map[string]any{"SubscribeAudioUserIds": []string{"bob"}}) }, time.Second, statusInProgress},
		{func() { modify(nobody) }, 9999 * time.Millisecond, statusIdle},
		{nil, time.Millisecond, statusExited},
		{nil, 3 * time.Second, "ResourceNotFound"},
	}
	for i, st := range steps {
		if st.do != nil {
			st.do()
		}
		clk.Advance(st.advance)
		if got := status(); got != st.want {
			t.Fatalf("step %d: %s, want %s", i, got, st.want)
		}
	}
}

// TestConcurrencyCap: the 101st running task of an app is refused; ended
// tasks and other apps do not count.
func TestConcurrencyCap(t *testing.T) {
	s := startServer(t, lifecycleCfg, nil)
	c := demoClient(s)
	var first string
	for i := 0; i < maxConcurrentTasks; i++ {
		r := mustDo(t, c, "CreateCloudRecording", createParams("alice"))
		if i == 0 {
			first = r.TaskId
		}
	}
	_, err := do(t, c, "CreateCloudRecording", createParams("alice"))
	wantCode(t, err, "FailedOperation.RestrictedConcurrency")
	other := createParams("alice")
	other["SdkAppId"] = 1400000002
	mustDo(t, c, "CreateCloudRecording", other)
	mustDo(t, c, "DeleteCloudRecording", describeParams(1400000001, first))
	mustDo(t, c, "CreateCloudRecording", createParams("alice"))
}

// TestRealTimeLifecycle runs the same path on the real clock with short
// durations, to show that lazily derived state needs no timers.
func TestRealTimeLifecycle(t *testing.T) {
	t.Parallel() // its own server; it waits on the real clock
	s := startServer(t, Config{StreamDelay: 20 * time.Millisecond, FileEvery: 30 * time.Millisecond, ExitLinger: 150 * time.Millisecond}, nil)
	c := demoClient(s)
	id := mustDo(t, c, "CreateCloudRecording", createParams("alice", "bob")).TaskId
	waitFor := func(what string, ok func(*reply, error) bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			r, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, id))
			if ok(r, err) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("never saw %s (last %+v, %v)", what, r, err)
			}
			time.Sleep(60 * time.Millisecond) // under the 20/s quota
		}
	}
	waitFor("4 files while InProgress", func(r *reply, err error) bool {
		return err == nil && r.Status == statusInProgress && len(r.StorageFileList) == 4
	})
	mustDo(t, c, "DeleteCloudRecording", describeParams(1400000001, id))
	waitFor("gone", func(r *reply, err error) bool { return sdkCode(err) == "ResourceNotFound" })
}
