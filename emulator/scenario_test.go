package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/recfile"
)

const exampleScenario = "../examples/scenario.json"

func TestParseScenarioErrors(t *testing.T) {
	id := demoIDs[0]
	task := func(body string) string { return `{"tasks":[` + body + `]}` }
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", `{`, "scenario: unexpected EOF"},
		{"top level array", `[]`, "scenario: must be a JSON object"},
		{"trailing data", `{} {}`, "unexpected data after"},
		{"unknown top-level field", `{"task":[]}`, `unknown field "task"`},
		{"null task", `{"tasks":[null]}`, "tasks[0]: must be a JSON object"},
		{"unknown task field", task(`{"taskid":"x"}`), `tasks[0]: json: unknown field "taskid"`},
		{"empty task id", task(`{"task_id":""}`), "tasks[0].task_id: empty"},
		{"bad task id", task(`{"task_id":"a b"}`), "tasks[0].task_id: ' ' at position 2: task ID may only hold"},
		{"duplicate task id", task(`{"task_id":"` + id + `"},{"task_id":"` + id + `"}`), "tasks[1].task_id: same as tasks[0]"},
		{"app id zero", task(`{"sdk_app_id":0}`), "tasks[0].sdk_app_id: must be a positive integer"},
		{"app id string", task(`{"sdk_app_id":"1400000001"}`), "tasks[0]: json: cannot unmarshal string"},
		{"app id negative", task(`{"sdk_app_id":-1}`), "tasks[0]: json: cannot unmarshal number -1"},
		{"room id too big", task(`{"room_id":4294967296}`), "tasks[0].room_id: must be between"},
		{"bad storage", task(`{"storage":"s3"}`), `tasks[0].storage: "s3" is not "cos" or "vod"`},
		{"empty user", task(`{"users":[""]}`), "tasks[0].users: [0]: a user ID has 1 to 256 bytes"},
		{"duplicate user", task(`{"users":["a","b","a"]}`), `tasks[0].users: [2]: "a" is listed twice`},
		{"too many users", task(`{"users":[` + strings.TrimSuffix(strings.Repeat(`"u",`, 26), ",") + `]}`), "26 users; a task records at most 25"},
		{"bad duration", task(`{"timeline":[{"at":"3x","status":"Idle"}]}`), `tasks[0].timeline[0].at: "3x" is not a Go duration`},
		{"missing at", task(`{"timeline":[{"status":"Idle"}]}`), "tasks[0].timeline[0].at: missing"},
		{"negative at", task(`{"timeline":[{"at":"-1s","status":"Idle"}]}`), "tasks[0].timeline[0].at: -1s is outside"},
		{"huge at", task(`{"timeline":[{"at":"2000h","status":"Idle"}]}`), "tasks[0].timeline[0].at: 2000h0m0s is outside"},
		{"bad status", task(`{"timeline":[{"at":"1s","status":"Running"}]}`), `tasks[0].timeline[0].status: "Running" is not Idle`},
		{"status case", task(`{"timeline":[{"at":"1s","status":"Gone"}]}`), `"Gone" is not Idle`},
		{"steps out of order", task(`{"timeline":[{"at":"5s","status":"Idle"},{"at":"5s","status":"InProgress"}]}`), "tasks[0].timeline[1].at: 5s is not after the previous step's 5s"},
		{"revive after Exited", task(`{"timeline":[{"at":"5s","status":"Exited"},{"at":"6s","status":"InProgress"}]}`), "tasks[0].timeline[1].status: InProgress cannot follow Exited"},
		{"step after gone", task(`{"timeline":[{"at":"5s","status":"gone"},{"at":"6s","status":"gone"}]}`), "gone cannot follow gone"},
		{"bad record mode", task(`{"record_mode":"mix"}`), `tasks[0].record_mode: "mix" is not "single" or "mixed"`},
		{"bad failover", task(`{"failovers":["soon"]}`), `tasks[0].failovers[0]: "soon" is not a Go duration`},
		{"too many failovers", task(`{"failovers":["1s","2s","3s","4s"]}`), "tasks[0].failovers: 4, at most 3 (ha1_ to ha3_)"},
		{"failovers out of order", task(`{"failovers":["5s","5s"]}`), "tasks[0].failovers[1]: 5s is not after the previous failover's 5s"},
		{"negative failover", task(`{"failovers":["-1s"]}`), "tasks[0].failovers[0]: -1s is outside"},
		{"fault without task", `{"faults":[{"at":"1s","for":"1s","code":"InternalError"}]}`, "faults[0].task_id: empty task ID"},
		{"fault bad code", `{"faults":[{"task_id":"x","at":"1s","for":"1s","code":"internal error"}]}`, `faults[0].code: "internal error" is not an API error code`},
		{"fault zero length", `{"faults":[{"task_id":"x","at":"1s","for":"0s","code":"InternalError"}]}`, "faults[0].for: 0s must be positive"},
		{"fault bad at", `{"faults":[{"task_id":"x","at":"soon","for":"1s","code":"InternalError"}]}`, `faults[0].at: "soon" is not a Go duration`},
		{"fault unknown field", `{"faults":[{"task_id":"x","at":"1s","for":"1s","code":"InternalError","why":1}]}`, `faults[0]: json: unknown field "why"`},
		{"undocumented leave code", `{"tasks":[{"leave_code":5}]}`, "tasks[0].leave_code: 5 is not a documented LeaveCode"},
		{"leave code not a number", `{"tasks":[{"leave_code":"99"}]}`, "tasks[0]: json: cannot unmarshal string"},
		{"mp4 on VOD", `{"tasks":[{"storage":"vod","mp4":true}]}`, "tasks[0].mp4: only COS tasks"},
		{"duplicates above 1", `{"callbacks":{"duplicates":1.5}}`, "callbacks.duplicates: 1.5 is outside 0..1"},
		{"reorder negative", `{"callbacks":{"reorder":-0.1}}`, "callbacks.reorder: -0.1 is outside 0..1"},
		{"callbacks unknown field", `{"callbacks":{"drop":0.1}}`, `callbacks: json: unknown field "drop"`},
		{"callbacks not an object", `{"callbacks":[]}`, "callbacks: must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := ParseScenario([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseScenario = %+v, %v; want error containing %q", sc, err, tt.want)
			}
		})
	}
}

func TestParseScenarioDefaults(t *testing.T) {
	sc, err := ParseScenario([]byte(`{"tasks":[{}, {"storage":"vod","users":["x"],"timeline":[{"at":"1m30s","status":"InProgress"}]}],
		"faults":[{"task_id":"abc","at":"0s","for":"1ms","code":"RequestLimitExceeded"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%+v", *sc)
	want := "{Tasks:[{TaskID: SdkAppID:1400000001 RoomID:10001 Storage:cos Users:[anchor_1001 anchor_1002] Timeline:[] Mixed:false Failovers:[] LeaveCode:0 MP4:false} " +
		"{TaskID: SdkAppID:1400000001 RoomID:10002 Storage:vod Users:[x] Timeline:[{At:1m30s Status:InProgress}] Mixed:false Failovers:[] LeaveCode:0 MP4:false}] " +
		"Faults:[{TaskID:abc At:0s For:1ms Code:RequestLimitExceeded}] Callbacks:{Duplicates:0 Reorder:0}}"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if _, err := ParseScenario([]byte(`{}`)); err != nil {
		t.Fatalf("empty scenario: %v", err)
	}
	sc, err = ParseScenario([]byte(`{"tasks":[{"leave_code":99,"mp4":true}],"callbacks":{"duplicates":0.25,"reorder":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if tk := sc.Tasks[0]; tk.LeaveCode != 99 || !tk.MP4 || sc.Callbacks != (CallbackChaos{Duplicates: 0.25, Reorder: 1}) {
		t.Fatalf("callback fields parsed as %+v", sc)
	}
}

func TestLoadScenario(t *testing.T) {
	sc, err := LoadScenario(exampleScenario)
	if err != nil {
		t.Fatalf("the example must load: %v", err)
	}
	if len(sc.Tasks) != 5 || len(sc.Faults) != 2 || sc.Tasks[2].Users[0] != "evil\x1b]0;pwned\a\u202e" ||
		!sc.Tasks[3].Mixed || len(sc.Tasks[4].Failovers) != 1 || sc.Tasks[4].Failovers[0] != 40*time.Second ||
		sc.Tasks[0].LeaveCode != 99 || !sc.Tasks[3].MP4 || sc.Callbacks.Duplicates != 0.05 || sc.Callbacks.Reorder != 0.05 {
		t.Fatalf("example parsed as %+v", sc)
	}
	if _, err := New(Config{Scenario: sc}); err != nil {
		t.Fatalf("New with the example: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"tasks":[{"storage":1}]}`), 0o600)
	if _, err := LoadScenario(bad); err == nil || !strings.Contains(err.Error(), "bad.json: tasks[0]") {
		t.Fatalf("error %v should name the file and the entry", err)
	}
	if _, err := LoadScenario(filepath.Join(t.TempDir(), "none.json")); err == nil {
		t.Fatal("missing file must fail")
	}
}

// TestScenarioTimeline plays a scripted task and a fault window through the SDK.
func TestScenarioTimeline(t *testing.T) {
	sc := &Scenario{
		Tasks: []ScenarioTask{
			{TaskID: demoIDs[0], Users: []string{"alice", "bob"}, Timeline: []Step{
				{2 * time.Second, statusInProgress}, {7 * time.Second, statusIdle}, {20 * time.Second, statusInProgress},
				{24 * time.Second, statusExited}, {26 * time.Second, statusGone}}},
			{TaskID: demoIDs[1], Storage: storageVOD, Timeline: []Step{{0, statusInProgress}}},
			{}, // ID generated
		},
		Faults: []FaultWindow{
			{TaskID: demoIDs[1], At: 3 * time.Second, For: 2 * time.Second, Code: "InternalError.CRInternalError"},
			{TaskID: demoIDs[1], At: 8 * time.Second, For: time.Second, Code: "RequestLimitExceeded"},
			{TaskID: DemoNeverFoundTaskID, At: 0, For: time.Second, Code: "AuthFailure.UnauthorizedOperation"},
		},
	}
	clk := newClock()
	s := startServer(t, Config{RateLimit: -1, FileEvery: 2 * time.Second, Scenario: sc}, clk)
	c := demoClient(s)
	start := clk.Now()
	describe := func(id string) string {
		r, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, id))
		if err != nil {
			return sdkCode(err)
		}
		var files []string
		for _, f := range r.StorageFileList {
			files = append(files, fmt.Sprintf("%s/%s@%d", f.UserId, f.TrackType, (int64(f.BeginTimeStamp)-start.UnixMilli())/1000))
		}
		return r.Status + " " + strings.Join(files, ",")
	}
	tests := []struct {
		at       time.Duration
		id, want string
	}{
		{0, demoIDs[0], "Idle "},
		{0, demoIDs[1], "InProgress "},
		{0, DemoNeverFoundTaskID, "AuthFailure.UnauthorizedOperation"},
		{time.Second, DemoNeverFoundTaskID, "ResourceNotFound"},
		{2 * time.Second, demoIDs[0], "InProgress alice/audio@2"},
		{3 * time.Second, demoIDs[1], "InternalError.CRInternalError"},
		{4999 * time.Millisecond, demoIDs[1], "InternalError.CRInternalError"},
		{5 * time.Second, demoIDs[1], "InProgress "},
		{6 * time.Second, demoIDs[0], "InProgress alice/audio@2,alice/video@4,bob/audio@6"},
		{8 * time.Second, demoIDs[1], "RequestLimitExceeded"},
		{19 * time.Second, demoIDs[0], "Idle alice/audio@2,alice/video@4,bob/audio@6"}, // idle: no new files
		{21 * time.Second, demoIDs[0], "InProgress alice/audio@2,alice/video@4,bob/audio@6,bob/video@21"},
		{25 * time.Second, demoIDs[0], "Exited alice/audio@2,alice/video@4,bob/audio@6,bob/video@21"},
		{26 * time.Second, demoIDs[0], "ResourceNotFound"},
		{26 * time.Second, demoIDs[1], "InProgress "},
	}
	for _, tt := range tests {
		clk.Advance(start.Add(tt.at).Sub(clk.Now()))
		if got := describe(tt.id); got != tt.want {
			t.Fatalf("at %v task %.8s: %q, want %q", tt.at, tt.id, got, tt.want)
		}
	}
	if id := s.scenario.Tasks[2].TaskID; len(id) != 76 {
		t.Fatalf("generated id %q", id)
	}
	if got := describe(s.scenario.Tasks[2].TaskID); got != "Idle " {
		t.Fatalf("task with empty timeline: %q, want Idle forever", got)
	}
}

// TestScenarioMixedAndFailover plays a mixed task and a task whose recorder
// fails over, and reads the names back with recfile: the documented forms,
// a mixed file with an empty UserId, and ha1_/ha2_ files after each restart.
func TestScenarioMixedAndFailover(t *testing.T) {
	sc, err := ParseScenario([]byte(`{"tasks":[
		{"task_id":"` + demoIDs[0] + `","room_id":7,"record_mode":"mixed","users":["a","b"],"timeline":[{"at":"1s","status":"InProgress"}]},
		{"task_id":"` + demoIDs[1] + `","room_id":8,"users":["a"],"failovers":["5s","9s"],"timeline":[{"at":"0s","status":"InProgress"},{"at":"7s","status":"Idle"},{"at":"8s","status":"InProgress"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	s := startServer(t, Config{RateLimit: -1, FileEvery: 2 * time.Second, Scenario: sc}, clk)
	c := demoClient(s)
	start := clk.Now()
	describe := func(id string) string {
		r, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, id))
		if err != nil {
			return sdkCode(err)
		}
		var files []string
		for _, f := range r.StorageFileList {
			n := recfile.Parse(f.FileName)
			if !n.OK || n.Folder != id+"/" || n.SdkAppID != "1400000001" {
				t.Fatalf("file %q: parsed %+v", f.FileName, n)
			}
			desc := fmt.Sprintf("%s:%s/%s", n.Room, n.User, f.TrackType)
			if n.Mixed {
				desc = fmt.Sprintf("%s:mixed(%q)/%s", n.Room, f.UserId, f.TrackType)
			} else if n.User != f.UserId || n.Type != f.TrackType || n.Media != "main" {
				t.Fatalf("file %q disagrees with its entry %+v", f.FileName, f)
			}
			if n.Failover > 0 {
				desc = fmt.Sprintf("ha%d:%s", n.Failover, desc)
			}
			files = append(files, fmt.Sprintf("%s@%d", desc, (int64(f.BeginTimeStamp)-start.UnixMilli())/1000))
		}
		return r.Status + " " + strings.Join(files, ",")
	}
	tests := []struct {
		at       time.Duration
		id, want string
	}{
		{0, demoIDs[0], "Idle "},
		{time.Second, demoIDs[0], `InProgress 7:mixed("")/audio_video@1`},
		{30 * time.Second, demoIDs[0], `InProgress 7:mixed("")/audio_video@1`}, // one file for the room, ever
		{4 * time.Second, demoIDs[1], "InProgress 8:a/audio@0,8:a/video@2"},
		// Restart at 5 s: both tracks again with ha1_, one FileEvery apart.
		{6 * time.Second, demoIDs[1], "InProgress 8:a/audio@0,8:a/video@2,ha1:8:a/audio@5"},
		{8 * time.Second, demoIDs[1], "InProgress 8:a/audio@0,8:a/video@2,ha1:8:a/audio@5,ha1:8:a/video@7"},
		// Restart at 9 s (8 s of streaming, idle from 7 s to 8 s): ha2_
		// files at 9 and 11 s of streaming.
		{9 * time.Second, demoIDs[1], "InProgress 8:a/audio@0,8:a/video@2,ha1:8:a/audio@5,ha1:8:a/video@7"},
		{13 * time.Second, demoIDs[1], "InProgress 8:a/audio@0,8:a/video@2,ha1:8:a/audio@5,ha1:8:a/video@7,ha2:8:a/audio@10,ha2:8:a/video@12"},
		{60 * time.Second, demoIDs[1], "InProgress 8:a/audio@0,8:a/video@2,ha1:8:a/audio@5,ha1:8:a/video@7,ha2:8:a/audio@10,ha2:8:a/video@12"},
	}
	for _, tt := range tests {
		clk.Advance(start.Add(tt.at).Sub(clk.Now()))
		if got := describe(tt.id); got != tt.want {
			t.Fatalf("at %v task %.8s:\n got %q\nwant %q", tt.at, tt.id, got, tt.want)
		}
	}
}

// TestDemoScenario checks the demo keeps its promises at a few moments.
func TestDemoScenario(t *testing.T) {
	demo := DemoScenario()
	if ids := demo.TaskIDs(); len(ids) != len(demo.Tasks) || ids[0] != demoIDs[0] {
		t.Fatalf("TaskIDs %v", ids)
	}
	if len(demo.Tasks) < 10 {
		t.Fatalf("%d demo tasks", len(demo.Tasks))
	}
	clk := newClock()
	s := startServer(t, Config{RateLimit: -1, Scenario: demo}, clk)
	c := demoClient(s)
	start := clk.Now()
	seen := map[string]bool{}
	hostile := false
	for _, at := range []time.Duration{0, 25 * time.Second, 38 * time.Second, 50 * time.Second, 100 * time.Second, 200 * time.Second} {
		clk.Advance(start.Add(at).Sub(clk.Now()))
		for i, task := range demo.Tasks {
			if task.TaskID == DemoNeverFoundTaskID || task.SdkAppID != DemoSdkAppID || len(task.TaskID) != 76 {
				t.Fatalf("demo task %d: %+v", i, task)
			}
			r, err := do(t, c, "DescribeCloudRecording", describeParams(DemoSdkAppID, task.TaskID))
			if err != nil {
				seen[sdkCode(err)] = true
				continue
			}
			seen[r.Status] = true
			if len(r.StorageFileList) > 0 {
				seen["files"] = true
			}
			if task.Storage == storageVOD && r.Status == statusInProgress {
				seen["vod streaming"] = true
			}
			for _, f := range r.StorageFileList {
				hostile = hostile || f.UserId == demoHostileUser
				n := recfile.Parse(f.FileName)
				if !n.OK {
					t.Errorf("demo file name %q is not in the documented form", f.FileName)
				}
				seen["mixed"] = seen["mixed"] || n.Mixed && f.UserId == ""
				seen["failover"] = seen["failover"] || n.Failover == 1
			}
		}
	}
	for _, want := range []string{statusIdle, statusInProgress, statusExited, "ResourceNotFound", "files", "vod streaming",
		"InternalError.CRInternalError", "RequestLimitExceeded", "mixed", "failover"} {
		if !seen[want] {
			t.Errorf("demo never showed %q (saw %v)", want, seen)
		}
	}
	if !hostile {
		t.Error("the hostile user never got a file")
	}
	_, err := do(t, c, "DescribeCloudRecording", describeParams(DemoSdkAppID, DemoNeverFoundTaskID))
	wantCode(t, err, "ResourceNotFound")
}

func FuzzParseScenario(f *testing.F) {
	if b, err := os.ReadFile(exampleScenario); err == nil {
		f.Add(b)
	}
	for _, seed := range []string{
		`{}`, `{"tasks":[{}]}`, `{"tasks":null,"faults":null}`,
		`{"tasks":[{"task_id":"abc","sdk_app_id":1,"room_id":2,"storage":"vod","users":["a"],"timeline":[{"at":"0s","status":"Exited"},{"at":"1s","status":"gone"}]}]}`,
		`{"faults":[{"task_id":"abc","at":"1s","for":"2562047h","code":"A.B"}]}`,
		`{"tasks":[{"timeline":[{"at":"9223372036854775807ns","status":"Idle"}]}]}`,
		`{"tasks":[{"users":["\u0000","\ud800"]}]}`, `[`, `{"tasks":[1]}`, `{"tasks":[{"users":null,"timeline":[null]}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseScenario(data)
		if err != nil {
			if sc != nil {
				t.Fatal("scenario returned with an error")
			}
			return
		}
		// Whatever parses must load into a server and be stable.
		if err := sc.normalize(); err != nil {
			t.Fatalf("parsed scenario fails validation: %v", err)
		}
		for _, task := range sc.Tasks {
			if task.SdkAppID == 0 || len(task.Users) == 0 || (task.Storage != storageCOS && task.Storage != storageVOD) {
				t.Fatalf("defaults not applied: %+v", task)
			}
		}
		if len(sc.Tasks) <= 50 {
			if _, err := New(Config{Scenario: sc}); err != nil {
				t.Fatalf("New rejects a parsed scenario: %v", err)
			}
		}
	})
}
