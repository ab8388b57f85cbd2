package snapshot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/export"
	"github.com/trtcwatch/trtcwatch/recfile"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// hostile are user IDs a TRTC end user could pick: OSC 52 (clipboard
// write), a window-title OSC, screen clear, a one-rune C1 CSI, a bidi
// override, zero-width characters and a lone DEL.
var hostile = []string{
	"\x1b]52;c;aGFja2Vk\x07",
	"\x1b]0;pwned\x1b\\",
	"\x1b[2J\x1b[H",
	"\u009b31mred",
	"\u202eevil\u202c",
	"zero\u200bwidth\ufeff",
	"del\x7f",
}

const scenario = `{
 "tasks": [
  {"task_id": "task-ok",   "sdk_app_id": 1400000001, "users": ["alice", "bob"], "timeline": [{"at": "0s", "status": "InProgress"}]},
  {"task_id": "task-vod",  "sdk_app_id": 1400000001, "storage": "vod", "timeline": [{"at": "0s", "status": "InProgress"}]},
  {"task_id": "task-gone", "sdk_app_id": 1400000001, "timeline": [{"at": "0s", "status": "gone"}]},
  {"task_id": "task-evil", "sdk_app_id": 1400000001, "users": HOSTILE, "timeline": [{"at": "0s", "status": "InProgress"}]}
 ],
 "faults": [{"task_id": "task-fault", "at": "0s", "for": "1h", "code": "InternalError.CRInternalError"}]
}`

func startEmulator(t *testing.T) (*emulator.Server, *client.Client) {
	t.Helper()
	users, _ := json.Marshal(hostile)
	s := emutest.Start(t, emulator.Config{FileEvery: 10 * time.Millisecond}, strings.Replace(scenario, "HOSTILE", string(users), 1))
	c, err := client.New(client.Config{Region: "ap-singapore", Endpoint: s.URL(),
		Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func lookupAll(t *testing.T) []Result {
	_, c := startEmulator(t)
	time.Sleep(50 * time.Millisecond) // let the streaming tasks list some files
	refs, rej := ReadRefs(strings.NewReader("task-ok task-vod\ntask-gone, task-fault\n1400000001:task-evil\n"), 1400000001, "ap-singapore")
	if len(rej) != 0 || len(refs) != 5 {
		t.Fatalf("refs %v rejected %v", refs, rej)
	}
	return Lookup(context.Background(), c, refs, 3)
}

// write prints the results as `trtcwatch snapshot` does.
func write(t *testing.T, f export.Format, res []Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, res, time.Local, time.Now()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// records are the JSON lines `trtcwatch snapshot --format json` prints,
// one a result.
func records(t *testing.T, res []Result) []export.Record {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(write(t, export.JSON, res)))
	sc.Buffer(nil, 1<<20)
	var lines []export.Record
	for sc.Scan() {
		var v export.Record
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, v)
	}
	if len(lines) != len(res) {
		t.Fatalf("%d JSON lines for %d results", len(lines), len(res))
	}
	return lines
}

func TestSnapshotAgainstEmulator(t *testing.T) {
	res := lookupAll(t)
	lines := records(t, res)
	wantStatus := []string{"InProgress", "InProgress", "gone", "error", "InProgress"}
	for i, r := range lines {
		if r.Status != wantStatus[i] {
			t.Fatalf("%s: status %q (%v), want %q", r.TaskID, r.Status, res[i].Err, wantStatus[i])
		}
		if r.RequestID == "" {
			t.Fatalf("%s: no RequestId", r.TaskID)
		}
	}
	if AllOK(res) || !AllOK(append(res[:3:3], res[4])) {
		t.Fatal("AllOK: a fault must fail the snapshot, a gone task must not")
	}

	out := string(write(t, export.Table, res))
	for _, want := range []string{
		"TASK", "REQUEST ID", "1400000001:task-ok", "ap-singapore", "USER", "TRACK", "BEGIN", "FILE",
		"alice", "bob", ".m3u8", "s ago)", recfile.NoFilesHint, "ResourceNotFound [gone]", "  not found  ",
		"InternalError.CRInternalError [transient]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "a task that stores to VOD never lists any") {
		t.Errorf("the old hint claims the task stores to VOD, which the API never says:\n%s", out)
	}

	ok, vod, gone, fault := lines[0], lines[1], lines[2], lines[3]
	if ok.TaskID != "task-ok" || ok.SdkAppID != 1400000001 || ok.Region != "ap-singapore" || len(ok.Files) < 2 ||
		ok.ErrorCode != "" || ok.Files[0].BeginMS == nil || *ok.Files[0].BeginMS < 1e12 {
		t.Errorf("ok task: %+v", ok)
	}
	if vod.Status != "InProgress" || vod.Files == nil || len(vod.Files) != 0 {
		t.Errorf("vod task: %+v", vod)
	}
	if gone.Status != "gone" || gone.ErrorCode != "ResourceNotFound" || gone.ErrorKind != "gone" || gone.RequestID == "" {
		t.Errorf("gone task: %+v", gone)
	}
	if fault.Status != "error" || fault.ErrorCode != "InternalError.CRInternalError" || fault.ErrorKind != "transient" || fault.ErrorMessage == "" {
		t.Errorf("fault task: %+v", fault)
	}
}

// TestSnapshotHostileStrings: user IDs full of escapes reach neither the
// table nor the JSON raw, yet JSON still carries them exactly.
func TestSnapshotHostileStrings(t *testing.T) {
	res := lookupAll(t)
	evil := res[4]
	if evil.Err != nil || len(evil.Resp.StorageFileList) == 0 {
		t.Fatalf("hostile task: %v", evil.Err)
	}
	table, js := write(t, export.Table, res), write(t, export.JSON, res)
	for name, out := range map[string][]byte{"table": table, "json": js} {
		if !utf8.Valid(out) {
			t.Errorf("%s output is not valid UTF-8", name)
		}
		for _, r := range string(out) {
			if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x200b && r <= 0x200f ||
				r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0xfeff {
				t.Fatalf("%s output holds raw %U:\n%q", name, r, out)
			}
		}
	}
	if !strings.Contains(string(table), `\x1b]52;c;aGFja2Vk\x07`) {
		t.Errorf("table should show the escape visibly:\n%s", table)
	}
	seen := map[string]bool{}
	for _, v := range records(t, res) {
		for _, f := range v.Files {
			seen[f.UserID] = true
		}
	}
	for _, h := range hostile {
		if !seen[h] {
			t.Errorf("JSON lost the exact user ID %q", h)
		}
	}
}

// A cancelled snapshot still answers every ref, each with the reason.
func TestLookupCancelled(t *testing.T) {
	_, c := startEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	refs := []taskref.Ref{{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-ok"}, {SdkAppID: 1400000001, TaskID: "task-vod"}}
	res := Lookup(ctx, c, refs, 2)
	for i, r := range records(t, res) {
		if r.Status != "error" || client.KindOf(res[i].Err) != client.KindTransient {
			t.Fatalf("cancelled lookup: %+v", res[i])
		}
	}
	if AllOK(res) {
		t.Fatal("a cancelled snapshot is not OK")
	}
}
