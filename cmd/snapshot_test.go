package cmd

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/export"
)

const formatScenario = `{"tasks": [
  {"task_id": "fmt-live", "sdk_app_id": 1400000001, "users": ["alice"], "timeline": [{"at": "0s", "status": "InProgress"}]},
  {"task_id": "fmt-gone", "sdk_app_id": 1400000001, "timeline": [{"at": "0s", "status": "gone"}]}
]}`

// TestSnapshotFormats runs `snapshot --format` end to end against the
// emulator: every format prints both tasks in export's shape, --json is
// --format json, and a bad or contradictory format is bad usage (exit 2)
// before any call.
func TestSnapshotFormats(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{}, formatScenario)
	t.Setenv("TENCENTCLOUD_SECRET_ID", emulator.DemoSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", emulator.DemoSecretKey)
	snap := func(flags ...string) (int, string, string) {
		args := append([]string{"snapshot", "--endpoint", srv.URL(), "--sdk-app-id", "1400000001"}, flags...)
		args = append(args, "fmt-live", "fmt-gone")
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	decode := func(out string) []export.Record {
		var recs []export.Record
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var r export.Record
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			recs = append(recs, r)
		}
		return recs
	}

	code, out, errOut := snap()
	if code != 0 || !strings.HasPrefix(out, "TASK ") || !strings.Contains(out, "1400000001:fmt-live") || !strings.Contains(out, "not found") {
		t.Errorf("default table: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = snap("--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 3 || !slices.Equal(rows[0], []string{"task", "sdkappid", "region", "status", "since", "note", "request_id", "files"}) || rows[1][0] != "fmt-live" ||
		rows[2][3] != "not found (ResourceNotFound)" || rows[1][4] == "" || rows[2][4] != "" {
		t.Errorf("csv: exit %d, %v: %q", code, err, rows)
	}
	code, out, _ = snap("--format", "md")
	if code != 0 || !strings.HasPrefix(out, "| Task | SdkAppId |") || strings.Count(out, "\n") != 4 || !strings.Contains(out, "| fmt-gone | 1400000001 | ap-singapore | not found (ResourceNotFound) | - |") {
		t.Errorf("md: exit %d\n%s", code, out)
	}
	for _, flags := range [][]string{{"--json"}, {"--format", "json"}, {"--json", "--format", "json"}} {
		code, out, _ = snap(flags...)
		recs := decode(out)
		if code != 0 || len(recs) != 2 || recs[0].TaskID != "fmt-live" || recs[0].Status != "InProgress" ||
			recs[1].Status != "gone" || recs[1].Phase != "not found" || recs[1].ErrorCode != "ResourceNotFound" || recs[0].Since == "" {
			t.Errorf("%v: exit %d, %+v", flags, code, recs)
		}
	}

	before := srv.Stats().Requests()
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--format", "xml"}, "--format"},
		{[]string{"--json", "--format", "csv"}, "--json means --format json"},
	} {
		code, out, errOut = snap(tc.flags...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q (want %q)", tc.flags, code, out, errOut, tc.want)
		}
	}
	if srv.Stats().Requests() != before {
		t.Error("a bad --format still called the API")
	}
}
