package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/export"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

func TestReadRefs(t *testing.T) {
	in := "1400000001:aaa bbb,ccc\n# a comment line\n\n  1400000002:ddd # trailing comment\n" +
		"bad id!\n1400000001:aaa\n0:zzz\n'eee'\n"
	refs, rej := ReadRefs(strings.NewReader(in), 1400000009, "ap-mumbai")
	var got []string
	for _, r := range refs {
		if r.Region != "ap-mumbai" {
			t.Fatalf("region not copied: %+v", r)
		}
		got = append(got, r.String())
	}
	want := "1400000001:aaa 1400000009:bbb 1400000009:ccc 1400000002:ddd 1400000009:bad 1400000009:eee"
	if strings.Join(got, " ") != want {
		t.Fatalf("refs = %v\nwant  %v", got, want)
	}
	// "bad id!" is two entries: "bad" is fine, "id!" is not; "0:zzz" has a bad SdkAppId.
	if len(rej) != 2 || rej[0].Entry != "id!" || !strings.Contains(rej[0].Reason.Error(), "letters, digits") ||
		rej[1].Entry != "0:zzz" || !strings.Contains(rej[1].Reason.Error(), "SdkAppId") {
		t.Fatalf("rejections = %+v", rej)
	}

	// No default SdkAppId: bare IDs are refused with the reason.
	_, rej = ReadRefs(strings.NewReader("abc\n"), 0, "ap-mumbai")
	if len(rej) != 1 || !errors.Is(rej[0].Reason, taskref.ErrNoSdkAppID) {
		t.Fatalf("bare id without app: %+v", rej)
	}
	// A read error is reported, what was read before it is kept.
	refs, rej = ReadRefs(iotest.TimeoutReader(strings.NewReader("1:abc\n")), 0, "ap-mumbai")
	if len(refs) != 1 || len(rej) != 1 || !errors.Is(rej[0].Reason, iotest.ErrTimeout) {
		t.Fatalf("read error lost: %v %v", refs, rej)
	}
	_, rej = ReadRefs(iotest.ErrReader(errors.New("boom")), 0, "")
	if len(rej) != 1 || !strings.Contains(rej[0].Reason.Error(), "boom") {
		t.Fatalf("read error: %+v", rej)
	}
}

// slow is a Describer that answers in a fixed way after a pause and counts
// how many calls overlap.
type slow struct {
	inflight, peak atomic.Int32
}

func (s *slow) Describe(ctx context.Context, ref taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(5 * time.Millisecond)
	switch {
	case strings.HasPrefix(ref.TaskID, "gone"):
		return nil, &client.Error{Kind: client.KindGone, Code: "ResourceNotFound", Message: "no such task", RequestID: "rid-" + ref.TaskID}
	case strings.HasPrefix(ref.TaskID, "fail"):
		return nil, fmt.Errorf("plain failure")
	case strings.HasPrefix(ref.TaskID, "nil"):
		return nil, nil
	}
	st, rid := "InProgress", "rid-"+ref.TaskID
	return &client.DescribeCloudRecordingResponse{TaskId: &ref.TaskID, Status: &st, RequestId: &rid}, nil
}

func TestLookupOrderAndConcurrency(t *testing.T) {
	var refs []taskref.Ref
	for i := range 40 {
		refs = append(refs, taskref.Ref{Region: "ap-beijing", SdkAppID: 1, TaskID: fmt.Sprintf("t%02d", i)})
	}
	d := &slow{}
	res := Lookup(context.Background(), d, refs, 4)
	if len(res) != len(refs) {
		t.Fatalf("%d results for %d refs", len(res), len(refs))
	}
	for i, r := range res {
		if r.Ref != refs[i] || r.Err != nil || *r.Resp.TaskId != refs[i].TaskID {
			t.Fatalf("result %d out of order or failed: %+v", i, r)
		}
	}
	if p := d.peak.Load(); p > 4 || p < 2 {
		t.Fatalf("peak concurrency %d, want 2..4", p)
	}
	if !AllOK(res) {
		t.Fatal("AllOK false for all answers")
	}
	if got := Lookup(context.Background(), d, nil, 0); len(got) != 0 {
		t.Fatal("no refs, results anyway")
	}
}

func TestAllOKAndStatus(t *testing.T) {
	refs := []taskref.Ref{{SdkAppID: 1, TaskID: "ok"}, {SdkAppID: 1, TaskID: "gone1"}, {SdkAppID: 1, TaskID: "fail1"}, {SdkAppID: 1, TaskID: "nil1"}}
	res := Lookup(context.Background(), &slow{}, refs, 0)
	wantStatus := []string{"InProgress", "gone", "error", "error"}
	for i, r := range records(t, res) {
		if r.Status != wantStatus[i] {
			t.Errorf("%s: status %q, want %q", r.TaskID, r.Status, wantStatus[i])
		}
	}
	if !AllOK(res[:2]) {
		t.Error("a gone task must count as an answer")
	}
	if AllOK(res[:3]) || AllOK(res[3:]) {
		t.Error("a failed lookup must make AllOK false")
	}
}

func TestEscapeInvisible(t *testing.T) {
	hostile := "a\x7fb\u0085c\u009b[2J\u200bd\u202ee\u2066f\ufeffg\U000e0041h\u00adi\u2028j"
	res := []Result{{Ref: taskref.Ref{SdkAppID: 1, TaskID: "t"}, Err: &client.Error{Kind: client.KindTransient, Code: "X", Message: hostile}}}
	out := string(write(t, export.JSON, res))
	for _, r := range out {
		if r != '\n' && (sanitize.Escaped(r) || r < 0x20) {
			t.Fatalf("raw %U in JSON output %q", r, out)
		}
	}
	var back export.Record
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if back.ErrorMessage != hostile || back.Status != "error" || back.ErrorKind != "transient" || back.Files == nil {
		t.Fatalf("round trip changed data: %+v", back)
	}
}

// TestTasks: a lookup reads as the dashboard reads an answer, so export
// renders both the same way.
func TestTasks(t *testing.T) {
	refs := []taskref.Ref{{SdkAppID: 1, TaskID: "ok"}, {SdkAppID: 1, TaskID: "gone1"}, {SdkAppID: 1, TaskID: "fail1"}, {SdkAppID: 1, TaskID: "nil1"}}
	at := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	tasks := tasksOf(Lookup(context.Background(), &slow{}, refs, 0), at)
	want := []watch.Phase{watch.InProgress, watch.NotFound, watch.Error, watch.Error}
	for i, tk := range tasks {
		// One look cannot tell when a status began: no Since without files.
		if tk.Ref != refs[i] || tk.Phase != want[i] || !tk.Since.IsZero() {
			t.Errorf("%s: phase %q since %v", tk.Ref.TaskID, tk.Phase, tk.Since)
		}
	}
	if tasks[2].LastErr == nil || tasks[2].LastErr.Code == "" || tasks[0].Last == nil || tasks[0].LastErr != nil {
		t.Errorf("failure/answer not carried: %+v %+v", tasks[2].LastErr, tasks[0].Last)
	}
}

// TestRecordingSince: a snapshot's SINCE is what the answer says, never
// the time of the lookup: for a task recording, when its first file
// began; nothing for any other status or without a file time.
func TestRecordingSince(t *testing.T) {
	b1, b2 := time.Date(2026, 11, 28, 18, 56, 40, 0, time.UTC), time.Date(2026, 11, 28, 19, 2, 0, 0, time.UTC)
	at := b2.Add(time.Hour)
	files := []watch.File{{FileName: "late", Begin: b2}, {FileName: "no time"}, {FileName: "first", Begin: b1}}
	tests := []struct {
		name string
		a    *watch.Answer
		want time.Time
	}{
		{"recording: its first file's begin", watch.NewAnswer("InProgress", "r", at, files, nil), b1},
		{"recording, no file yet", watch.NewAnswer("InProgress", "r", at, nil, nil), time.Time{}},
		{"recording, no file time", watch.NewAnswer("InProgress", "r", at, files[1:2], nil), time.Time{}},
		{"Idle with old files", watch.NewAnswer("Idle", "r", at, files, nil), time.Time{}},
		{"Exited", watch.NewAnswer("Exited", "r", at, files, nil), time.Time{}},
		{"no answer", nil, time.Time{}},
	}
	for _, tt := range tests {
		if got := recordingSince(tt.a); !got.Equal(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
