package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/watch"
)

// demoFiles are the files of the demo's "class of five": keys of about
// 150 characters, the TaskId as the folder.
func demoFiles(taskID string) []watch.File {
	var fs []watch.File
	for _, u := range []string{"dGVhY2hlcl9saQ..", "c3R1ZGVudF8wMQ..", "5Li75pKtX+Wwj+aYjg.."} {
		for _, tr := range []string{"audio", "video"} {
			fs = append(fs, watch.File{UserID: "u", TrackType: tr, Begin: t0.Add(-time.Minute),
				FileName: taskID + "/1400000001_20002__UserId_s_" + u + "__UserId_e_main_" + tr + ".m3u8"})
		}
	}
	return fs
}

// baseNames are the files' own names, after their folder.
func baseNames(fs []watch.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.FileName[strings.LastIndexByte(f.FileName, '/')+1:])
	}
	return out
}

// TestCopiedBoxKeepsNamesWhole: the v box is there to select text by
// hand, so at 80 columns every file's own name, the TaskId and each
// RequestId are whole on one line, never broken inside.
func TestCopiedBoxKeepsNamesWhole(t *testing.T) {
	ts := demoLike()
	files := demoFiles(ts[0].Ref.TaskID)
	ts[0].Last = watch.NewAnswer("InProgress", "bcd274bf-89d4-4464-820b-c9643b26e0b9", t0.Add(-time.Second), files, nil)
	m := alertingModel(t, 80, 60, ts)
	for _, msg := range runCmd(press(m, "Y")) {
		m.Update(msg)
	}
	press(m, "v")
	if m.focus.top() != focusCopied {
		t.Fatalf("v opened box %v", m.focus.top())
	}
	screen := ansi.Strip(content(m))
	for _, want := range append(baseNames(files), ts[0].Ref.TaskID, "bcd274bf-89d4-4464-820b-c9643b26e0b9") {
		if !strings.Contains(screen, want) {
			t.Errorf("%q is not whole on a line of the box:\n%s", want, screen)
		}
	}
	for _, l := range lines(screen) {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than the screen: %q", l)
		}
	}
}

// TestRawJSONKeepsStringsWhole: the describe view's raw JSON wraps between
// tokens: a file's own name and a quoted message are whole on a line.
func TestRawJSONKeepsStringsWhole(t *testing.T) {
	ts := demoLike()
	files := demoFiles(ts[0].Ref.TaskID)
	var b strings.Builder
	b.WriteString(`{"Status":"InProgress","Message":"the recorder answered with a long sentence of several words","StorageFileList":[`)
	for i, f := range files {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"UserId":"u","FileName":%q,"TrackType":%q}`, f.FileName, f.TrackType)
	}
	b.WriteString(`],"RequestId":"bcd274bf-89d4-4464-820b-c9643b26e0b9"}`)
	ts[0].Last = watch.NewAnswer("InProgress", "bcd274bf-89d4-4464-820b-c9643b26e0b9", t0.Add(-time.Second), files, []byte(b.String()))
	m := alertingModel(t, 80, 40, ts)
	press(m, "i")
	m.syncDescribe()
	raw := m.desc.vp.GetContent()
	raw = ansi.Strip(raw[strings.Index(raw, "Raw response"):])
	for _, want := range append(baseNames(files), `"the recorder answered with a long sentence of several words",`) {
		if !strings.Contains(raw, want) {
			t.Errorf("%q is not whole on a line of the raw JSON:\n%s", want, raw)
		}
	}
}
