package eventlog

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// TestCallbackEventsRoundTrip: what recording callbacks said about a task
// (and about a task not watched) is written with its text, read back as
// the same event, bounded like a note, and read by the fast parser.
func TestCallbackEventsRoundTrip(t *testing.T) {
	r := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-a"}
	evs := []watch.Event{
		{At: t0, Kind: watch.EventAdd, Ref: r, By: "callback", Text: "adopted from a callback, room 20015"},
		{At: t0, Kind: watch.EventCallback, Ref: r, By: "callback", Text: "302 recorder stopped, LeaveCode 99: no other user streamed for the set idle time"},
		{At: t0, Kind: watch.EventNotWatched, Ref: r, By: "callback", Code: "adopt limit", Text: "301 recorder started"},
		{At: t0, Kind: watch.EventCallback, Ref: r, By: "callback", Text: "307 file started: " + strings.Repeat("é", maxNote)},
	}
	path := filepath.Join(t.TempDir(), fileName)
	writeAll(t, path, options{}, evs...)
	res, err := load(path, Filter{})
	if err != nil || res.Skipped != 0 || len(res.Records) != len(evs) {
		t.Fatalf("load: %+v, %v", res, err)
	}
	for i, want := range evs {
		got := res.Records[i].event()
		got.At = want.At
		if i == len(evs)-1 {
			if len(got.Text) > maxNote || !strings.HasPrefix(want.Text, got.Text) {
				t.Errorf("a long text is cut to %d bytes: got %d", maxNote, len(got.Text))
			}
			continue
		}
		if got != want {
			t.Errorf("read back %+v, wrote %+v", got, want)
		}
	}
	var fast Record
	if !fastParse([]byte(`{"time":"2026-11-28T10:00:00Z","task_id":"a","kind":"callback","text":"301 recorder started","by":"callback"}`), &fast) ||
		fast.Text != "301 recorder started" || fast.Kind != string(watch.EventCallback) {
		t.Errorf("fastParse of a callback line: %+v", fast)
	}
}
