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

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`"FileName": "a b/c.mp4",`, []string{`"FileName":`, `"a b/c.mp4",`}},
		{`"Message": "say \"hi there\" twice"`, []string{`"Message":`, `"say \"hi there\" twice"`}},
		{"  UserId=u  TrackType=audio ", []string{"UserId=u", "TrackType=audio"}},
		{`"unclosed quote and more`, []string{`"unclosed quote and more`}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := tokens(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHangTokensFits: every line fits the width (a wide rune in a
// one-cell line excepted) and no text is lost, whatever the input.
func TestHangTokensFits(t *testing.T) {
	inputs := []string{
		"FileName=" + strings.Repeat("x", 90) + "/" + strings.Repeat("y", 40) + ".mp4 BeginTime=2026",
		`"` + strings.Repeat("日本", 30) + `"`,
		strings.Repeat("a", 200),
		"short words only here",
		`"quoted string with many words in it that is longer than the line is wide, surely"`,
	}
	for _, in := range inputs {
		for w := 1; w <= 80; w++ {
			var got strings.Builder
			for _, l := range hangTokens(in, w, 2, 4) {
				if cells(l.text)+l.x > w && cells(l.text) > 2 {
					t.Fatalf("w %d: line %q at %d is wider than the width", w, l.text, l.x)
				}
				got.WriteString(l.text)
			}
			if strings.ReplaceAll(got.String(), " ", "") != strings.ReplaceAll(in, " ", "") {
				t.Fatalf("w %d: text lost: %q from %q", w, got.String(), in)
			}
		}
	}
}
