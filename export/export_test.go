package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	zone = time.FixedZone("CST", 8*3600)
	now  = time.Date(2026, 11, 28, 14, 43, 1, 0, time.UTC)
)

// fixture covers every shape a row can take: live with files, live without,
// a failed poll after an answer, a failure before any, a clean end with
// its final files, a task never found, and a hostile one.
// formats lists every format, so a test goes through each.
var formats = []Format{CSV, JSON, Markdown, Table}

func fixture() []watch.Task {
	ref := func(id string) taskref.Ref {
		return taskref.Ref{SdkAppID: 1400000001, TaskID: id, Region: "ap-singapore"}
	}
	at := now.Add(-7 * time.Minute)
	files := []watch.File{
		{UserID: "alice", FileName: "1400000001_room1_alice_main.m3u8", TrackType: "audio_video", Begin: now.Add(-3 * time.Minute)},
		{UserID: "", FileName: "1400000001_room1__mix.mp4", TrackType: "audio_video"},
	}
	rec := watch.NewAnswer("InProgress", "req-ok-1", at, files, nil)
	// What callbacks said of task-ok: its room, the mixed file's 307 (the
	// API gives its UserId empty too), a file the API does not list yet.
	pushed := &watch.Pushed{RoomID: "1234", RobotID: "recorder_1234", Callbacks: 4, Latest: now.Add(-time.Minute),
		Started: watch.Outcome{At: at}, UploadStarted: watch.Outcome{At: at.Add(time.Second)},
		Files: []watch.PushedFile{
			{At: at, FileName: "1400000001_room1_alice_main.m3u8", UserID: "alice", TrackType: "audio_video"},
			{At: now.Add(-time.Minute), FileName: "1400000001_room1_carol_main.m3u8", UserID: "carol", TrackType: "audio"},
		}}
	// The hostile task was adopted; its callbacks carry escapes too.
	hostile := &watch.Pushed{Adopted: true, RoomID: "\x1b[2J99|<b>", RobotID: "\x1b]52;c;aGFja2Vk\x07bot", Callbacks: 2, Dropped: 1,
		Stopped: watch.Stop{At: at, LeaveCode: 99},
		Faults:  []watch.PushedFault{{At: at, Type: 308, Code: "\x1b[31mNoSuchBucket", Message: "=evil\u202e\r\nline"}}}
	return []watch.Task{
		{Ref: ref("task-ok"), Phase: watch.InProgress, Since: at, Last: rec, SeenLive: true, Pushed: pushed},
		{Ref: ref("task-idle"), Note: "waiting for host", Phase: watch.Idle, Since: at,
			Last: &watch.Answer{Status: "Idle", RequestID: "req-idle"}, SeenLive: true},
		{Ref: ref("task-thr"), Phase: watch.Throttled, Since: at, Last: rec, SeenLive: true, Stale: true,
			LastErr: &watch.Failure{Kind: client.KindThrottled, Code: "RequestLimitExceeded", Message: "slow down", RequestID: "req-thr"}},
		{Ref: ref("task-auth"), Phase: watch.AuthError, Since: at,
			LastErr: &watch.Failure{Kind: client.KindAuth, Code: "AuthFailure.SignatureFailure", Message: "bad signature", RequestID: "req-auth"}},
		{Ref: ref("task-end"), Phase: watch.Ended, Since: at, SeenLive: true,
			Last:    watch.NewAnswer("Exited", "req-exit", time.Time{}, files[:1], nil),
			LastErr: &watch.Failure{Kind: client.KindGone, Code: "ResourceNotFound", Message: "no such task", RequestID: "req-gone"}},
		{Ref: ref("task-nf"), Phase: watch.NotFound, Since: at,
			LastErr: &watch.Failure{Kind: client.KindGone, Code: "ResourceNotFound", Message: "no such task", RequestID: "req-nf"}},
		{Ref: taskref.Ref{SdkAppID: 1400000002, TaskID: "=cmd|' /C calc'!A0", Region: "ap-mumbai"},
			Note: "-2+3 | pipe\nnew line \x1b[31mred\x1b[0m *bold* <b>x</b>", Phase: watch.InProgress, Since: at, SeenLive: true,
			Last: watch.NewAnswer("InProgress", "@SUM(1)", time.Time{}, []watch.File{
				{UserID: "\x1b]52;c;aGFja2Vk\x07", FileName: "+evil|name\r\n.mp4", TrackType: "audio"},
				{UserID: "bob", FileName: "\u202egnp.exe", TrackType: "video"},
			}, nil), Pushed: hostile},
	}
}

func TestGolden(t *testing.T) {
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, f, fixture(), zone, now); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "tasks."+f.ext()+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./export/ -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s:\n%s", f, path, buf.String())
			}
		})
	}
}

func TestStatus(t *testing.T) {
	want := []string{"InProgress", "Idle", "InProgress (throttled: RequestLimitExceeded)",
		"auth error (AuthFailure.SignatureFailure)", "ended", "not found", "InProgress"}
	for i, tk := range fixture() {
		if got := status(tk); got != want[i] {
			t.Errorf("%s: Status %q, want %q", tk.Ref.TaskID, got, want[i])
		}
	}
	unknown := watch.Task{Phase: watch.Error, Last: &watch.Answer{Status: "Paused"}}
	if got := status(unknown); got != "error (status Paused)" {
		t.Errorf("unknown status: %q", got)
	}
	if got := status(watch.Task{}); got != "pending" {
		t.Errorf("zero task: %q", got)
	}
}

func TestJSONKeepsSnapshotFields(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, JSON, fixture(), zone, now); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(fixture()) {
		t.Fatalf("%d lines, want %d", len(lines), len(fixture()))
	}
	var recs []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		recs = append(recs, m)
	}
	for _, k := range []string{"sdk_app_id", "task_id", "region", "status", "files", "request_id", "error_code", "error_message", "error_kind", "phase", "since", "note"} {
		if _, ok := recs[0][k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, lines[0])
		}
	}
	wantStatus := []string{"InProgress", "Idle", "error", "error", "gone", "gone", "InProgress"}
	for i, m := range recs {
		if m["status"] != wantStatus[i] {
			t.Errorf("line %d status %v, want %s", i, m["status"], wantStatus[i])
		}
	}
	if recs[0]["since"] != "2026-11-28T22:36:01+08:00" || recs[4]["phase"] != "ended" || recs[2]["request_id"] != "req-thr" {
		t.Errorf("since/phase/request_id wrong: %v %v %v", recs[0]["since"], recs[4]["phase"], recs[2]["request_id"])
	}
	var evil Record
	if err := json.Unmarshal([]byte(lines[6]), &evil); err != nil {
		t.Fatal(err)
	}
	if evil.Note != fixture()[6].Note || evil.Files[0].UserID != "\x1b]52;c;aGFja2Vk\x07" || evil.Files[1].FileName != "\u202egnp.exe" {
		t.Errorf("JSON must carry hostile strings exactly: %+v", evil)
	}
	if len(recs[3]["files"].([]any)) != 0 {
		t.Errorf("files must be [] not null: %s", lines[3])
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"csv": CSV, "JSON": JSON, "jsonl": JSON, " md ": Markdown, "markdown": Markdown, "table": Table} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "xml", "\x1b[2J"} {
		_, err := ParseFormat(bad)
		if err == nil || strings.Contains(err.Error(), "\x1b") || !strings.Contains(err.Error(), "csv, json, md, table") {
			t.Errorf("ParseFormat(%q) error %v", bad, err)
		}
	}
	if err := Write(new(bytes.Buffer), "xml", nil, nil, now); err == nil {
		t.Error("Write accepted an unknown format")
	}
}

// checkSafe asserts the invariants every format keeps whatever the input:
// valid UTF-8, no control or invisible character a terminal would act on,
// CSV that parses back into the header's columns with no formula cell, and
// Markdown rows with exactly the header's cells.
func checkSafe(t *testing.T, f Format, out []byte, ntasks int) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("%s: invalid UTF-8 %q", f, out)
	}
	for _, r := range string(out) {
		if r < 0x20 && r != '\n' && !(f == CSV && r == '\r') || invisible(r) {
			t.Fatalf("%s: raw %U in %q", f, r, out)
		}
	}
	switch f {
	case CSV:
		recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		if err != nil || len(recs) != ntasks+1 {
			t.Fatalf("csv: %d records, %v:\n%s", len(recs), err, out)
		}
		for _, rec := range recs[1:] {
			if len(rec) != len(header) {
				t.Fatalf("csv row has %d cells: %q", len(rec), rec)
			}
			for _, c := range rec {
				for _, line := range strings.Split(c, fileSeparator) {
					if line != "" && strings.ContainsRune("=+-@\t\r", rune(line[0])) {
						t.Fatalf("csv cell starts a formula: %q", c)
					}
				}
			}
		}
	case Markdown:
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(lines) != ntasks+2 {
			t.Fatalf("markdown: %d lines for %d tasks:\n%s", len(lines), ntasks, out)
		}
		for _, l := range lines {
			if n := unescapedPipes(l); n != len(mdHeader)+1 {
				t.Fatalf("markdown row has %d cell borders, want %d: %q", n, len(mdHeader)+1, l)
			}
			if i := unescapedMarkup(strings.ReplaceAll(l, "<br>", "")); i >= 0 {
				t.Fatalf("markdown row keeps markup at byte %d: %q", i, l)
			}
		}
	case JSON:
		for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
			if !json.Valid([]byte(l)) {
				t.Fatalf("json: invalid line %q", l)
			}
		}
	}
}

// unescapedMarkup returns the index of a Markdown-active character that is
// not backslash-escaped, or -1.
func unescapedMarkup(l string) int {
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '\\':
			i++
		case '<', '>', '*', '_', '`', '[', ']', '~', '&':
			return i
		}
	}
	return -1
}

// unescapedPipes counts the '|' a GFM table splits cells at.
func unescapedPipes(l string) int {
	n := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

var hostile = []string{
	"", "plain", "=1+1", "+SUM(A1)", "-2", "@cmd", "\t=x", "\r=x", "a|b", `a\|b`, `a\\|b`, "|", "line\nbreak",
	"cr\rlf\r\n", "\x1b[2J\x1b]0;title\x07", "\x9b31m", "\u202eevil", "zero\u200bwidth", "\xff\xfe", "<script>x</script>",
	"[link](http://x)", "`code`", "*b* _i_ ~s~", "&#124;", "\"quoted\",comma", "日本語ファイル", "e\u0301\u0301\u0301\u0301\u0301",
}

func hostileTask(s string) watch.Task {
	return watch.Task{Ref: taskref.Ref{SdkAppID: 1, TaskID: s, Region: s}, Note: s, Phase: watch.Throttled, Since: now,
		Last:    watch.NewAnswer("InProgress", s, time.Time{}, []watch.File{{UserID: s, FileName: s, TrackType: s}, {FileName: s + s}}, nil),
		LastErr: &watch.Failure{Kind: client.KindThrottled, Code: s, Message: s, RequestID: s}}
}

func TestHostileStrings(t *testing.T) {
	var tasks []watch.Task
	for _, s := range hostile {
		tasks = append(tasks, hostileTask(s))
	}
	for _, f := range formats {
		var buf bytes.Buffer
		if err := Write(&buf, f, tasks, zone, now); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		checkSafe(t, f, buf.Bytes(), len(tasks))
	}
}

func FuzzWrite(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fm := range formats {
			var buf bytes.Buffer
			if err := Write(&buf, fm, []watch.Task{hostileTask(s)}, zone, now); err != nil {
				t.Fatalf("%s: %v", fm, err)
			}
			checkSafe(t, fm, buf.Bytes(), 1)
		}
	})
}

// TestBeginTime: a file's begin time reads in the export as on the screen
// (watch.Ago): days from 24 h on, two units always.
func TestBeginTime(t *testing.T) {
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, "-"},
		{now.Add(-125 * time.Second), "2026-11-28 22:40:56 (2m05s ago)"},
		{now.Add(5 * time.Second), "2026-11-28 22:43:06 (in 5s)"},
		{now.Add(-61 * time.Minute), "2026-11-28 21:42:01 (1h01m ago)"},
		{now.Add(-25 * time.Hour), "2026-11-27 21:43:01 (1d01h ago)"},
		{now.Add(-50 * time.Hour), "2026-11-26 20:43:01 (2d02h ago)"},
	} {
		if got := beginTime(tt.at, zone, now); got != tt.want {
			t.Errorf("beginTime(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}
