package watch

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/taskref"
)

var cbT0 = time.Now().Truncate(time.Second).Add(-time.Minute)

// TestPushFilesEachType: every documented callback for a watched task is
// filed as an EventCallback saying what it said, from byCallback, and what
// DescribeCloudRecording never tells is kept on the task.
func TestPushFilesEachType(t *testing.T) {
	at := cbT0.Add(1500 * time.Millisecond)
	tests := []struct {
		typ     callback.EventType
		payload string
		text    string
		code    string // callback.Problem: what hooks fire for
		check   func(p *Pushed) bool
	}{
		{301, `{"Status": 0}`, "301 recorder started", "", func(p *Pushed) bool { return p.Started == Outcome{at, 0} }},
		{301, `{"Status": 1}`, "301 recorder failed to start (Status 1)", "recorder start failed", func(p *Pushed) bool { return p.Started == Outcome{at, 1} }},
		{302, `{"LeaveCode": 99}`, "302 recorder stopped, LeaveCode 99: no other user streamed for the set idle time", "",
			func(p *Pushed) bool {
				return p.Stopped == Stop{at, 99} && p.Stopped.meaning() == callback.LeaveCodeText(99)
			}},
		{303, `{"Status": 0}`, "303 upload started", "", func(p *Pushed) bool { return p.UploadStarted == Outcome{at, 0} }},
		{304, `{"FileList": "a.m3u8"}`, "304 index file uploaded: a.m3u8", "", func(p *Pushed) bool { return p.Index == Index{at, "a.m3u8"} }},
		{305, `{"Status": 1}`, "305 upload finished, some files left on the server (Status 1)", "files left on the server", func(p *Pushed) bool { return p.UploadStopped == Outcome{at, 1} }},
		{305, `{"LeaveCode": 2}`, "305 files left on the server uploaded (Status 2)", "", func(p *Pushed) bool { return p.UploadStopped == Outcome{at, 2} }},
		{306, `{"Status": 0}`, "306 recorder failed over", "recorder failover", func(p *Pushed) bool { return reflect.DeepEqual(p.Failovers, []Outcome{{at, 0}}) }},
		{307, `{"FileName": "a.m3u8", "UserId": "alice", "TrackType": "audio", "BeginTimeStamp": 1622186279144}`, "307 file started: alice/audio a.m3u8", "",
			func(p *Pushed) bool {
				return reflect.DeepEqual(p.Files, []PushedFile{{At: at, FileName: "a.m3u8", UserID: "alice", TrackType: "audio", Begin: time.UnixMilli(1622186279144)}})
			}},
		{308, `{"Code": "InvalidParameter", "Message": "AccessKey invalid"}`, "308 upload error InvalidParameter: AccessKey invalid", "upload error",
			func(p *Pushed) bool {
				return reflect.DeepEqual(p.Faults, []PushedFault{{At: at, Type: 308, Code: "InvalidParameter", Message: "AccessKey invalid"}})
			}},
		{309, `{"Url": "http://x/y.png"}`, "309 image download failed: http://x/y.png", "image download failed",
			func(p *Pushed) bool {
				return reflect.DeepEqual(p.Faults, []PushedFault{{At: at, Type: 309, Message: "http://x/y.png"}})
			}},
		{310, `{"Status": 0, "FileList": ["a.mp4"], "FileMessage": [{"FileName": "a.mp4", "UserId": "alice", "TrackType": "audio_video", "MediaId": "main", "StartTimeStamp": 1, "EndTimeStamp": 2}]}`,
			"310 MP4 finished: 1 file", "", func(p *Pushed) bool {
				return reflect.DeepEqual(p.MP4, []MP4Result{{At: at, Files: []callback.MP4File{{FileName: "a.mp4", UserId: "alice", TrackType: "audio_video", MediaId: "main", StartTimeStamp: 1, EndTimeStamp: 2}}}})
			}},
		{311, `{"Status": 0, "TencentVod": {"UserId": "bob", "TrackType": "audio_video", "FileId": "f1", "VideoUrl": "https://v/1.mp4"}}`, "311 VOD commit: bob/audio_video FileId f1", "",
			func(p *Pushed) bool {
				return reflect.DeepEqual(p.VOD, []VODResult{{At: at, File: callback.VODFile{UserId: "bob", TrackType: "audio_video", FileId: "f1", VideoUrl: "https://v/1.mp4"}}})
			}},
		{312, `{"Status": 1}`, "312 VOD task ended abnormally (Status 1)", "VOD task ended abnormally", func(p *Pushed) bool { return p.VODStopped == Outcome{at, 1} }},
		{399, `{"New": true}`, "399 (unknown type)", "", func(p *Pushed) bool { return p.Other == 1 }},
		{302, `{"LeaveCode": "soon"}`, "302 recorder stopped (payload unreadable)", "", func(p *Pushed) bool { return p.Stopped.At.IsZero() }},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e := New(newFake(status("InProgress")), Config{})
			r := ref(1)
			e.Add([]taskref.Ref{r})
			e.Collect()
			e.Push([]callback.Event{cbAt(r, tt.typ, at, tt.payload)})
			u := e.Collect()
			evs := kindEvents(u, EventCallback)
			if len(evs) != 1 || evs[0].Text != tt.text || evs[0].Code != tt.code || evs[0].By != byCallback || evs[0].Ref != r || !evs[0].At.Equal(at) {
				t.Fatalf("events %+v; want one callback event %q, code %q", u.Events, tt.text, tt.code)
			}
			if len(u.Changed) != 1 || u.Changed[0].Pushed == nil {
				t.Fatalf("the task's snapshot is not news: %+v", u.Changed)
			}
			p := u.Changed[0].Pushed
			if p.RoomID != "20015" || p.RobotID != "recorder_20015" || p.Callbacks != 1 || p.Adopted || !tt.check(p) {
				t.Fatalf("pushed %+v", p)
			}
			if u.Changed[0].Phase != Pending || u.Stats.Push.Filed != 1 {
				t.Errorf("a callback set the phase to %q (the API's alone may), or was not counted: %+v", u.Changed[0].Phase, u.Stats.Push)
			}
		})
	}
}

// TestPushOutOfOrder: facts are kept by when they happened, not when they
// arrived: a late callback takes its place, an older one of a kind never
// replaces a newer, and the phase stays the API's.
func TestPushOutOfOrder(t *testing.T) {
	e := New(newFake(status("InProgress")), Config{})
	r := ref(1)
	e.Add([]taskref.Ref{r})
	s := func(d int) time.Time { return cbT0.Add(time.Duration(d) * time.Second) }
	file := func(name string) string { return `{"FileName": "` + name + `", "UserId": "u", "TrackType": "audio"}` }
	e.Push([]callback.Event{
		cbAt(r, callback.RecorderStop, s(50), `{"LeaveCode": 1}`),
		cbAt(r, callback.Failover, s(30), `{"Status": 0}`),
		cbAt(r, callback.RecorderStart, s(0), `{"Status": 0}`),
		cbAt(r, callback.FileSlice, s(20), file("c")),
		cbAt(r, callback.FileSlice, s(10), file("b")),
		cbAt(r, callback.Failover, s(10), `{"Status": 0}`),
		cbAt(r, callback.RecorderStop, s(40), `{"LeaveCode": 99}`), // older than the one kept
		cbAt(r, callback.FileSlice, s(5), file("a")),
		cbAt(r, callback.FileSlice, s(25), file("b")), // b started at 10: the later one is not its start
		cbAt(r, callback.FileInfo, s(30), `{"FileList": "new.m3u8"}`),
		cbAt(r, callback.FileInfo, s(10), `{"FileList": "old.m3u8"}`),
	})
	p := pushedOf(e, r)
	var names []string
	for _, f := range p.Files {
		names = append(names, fmt.Sprint(f.FileName, "@", f.At.Sub(cbT0)))
	}
	switch {
	case p.Stopped != Stop{s(50), 1}:
		t.Errorf("stopped %+v: the earlier 302 arriving later replaced the later one", p.Stopped)
	case p.Started != Outcome{s(0), 0}:
		t.Errorf("started %+v", p.Started)
	case !reflect.DeepEqual(p.Failovers, []Outcome{{s(10), 0}, {s(30), 0}}):
		t.Errorf("failovers %+v, want in event order", p.Failovers)
	case strings.Join(names, " ") != "a@5s b@10s c@20s":
		t.Errorf("files %v, want a@5s b@10s c@20s", names)
	case p.Index.FileList != "new.m3u8":
		t.Errorf("index %+v", p.Index)
	case p.Latest != s(50) || p.Callbacks != 11:
		t.Errorf("latest %v, callbacks %d", p.Latest.Sub(cbT0), p.Callbacks)
	}
	if task, _ := taskOf(e, r); task.Phase != Pending {
		t.Errorf("phase %q: only the API's answer sets it", task.Phase)
	}
	// A file that arrives after the same file's later duplicate replaces
	// it (the earlier start wins), on a copy.
	before := pushedOf(e, r)
	e.Push([]callback.Event{cbAt(r, callback.FileSlice, s(1), file("c"))})
	if got := pushedOf(e, r).Files; len(got) != 3 || got[0].FileName != "c" || got[0].At != s(1) {
		t.Errorf("files after an earlier c: %+v", got)
	}
	if before.Files[2].FileName != "c" || before.Files[2].At != s(20) {
		t.Errorf("an earlier snapshot changed: %+v", before.Files)
	}
}

// TestTaskCloneIndependence: a snapshot's callback facts never change
// after it was taken, whatever the engine files next (appends, insertions
// of late callbacks, replacements), and a reader that appends to its
// snapshot's lists changes nothing in the engine. Run with -race: readers
// go through every snapshot while callbacks are filed.
func TestTaskCloneIndependence(t *testing.T) {
	e := New(newFake(status("InProgress")), Config{})
	r := ref(1)
	e.Add([]taskref.Ref{r})
	file := func(i int) callback.Event {
		return cbAt(r, callback.FileSlice, cbT0.Add(time.Duration(i%50)*time.Second), fmt.Sprintf(`{"FileName": "f%03d.m3u8", "UserId": "u", "TrackType": "audio"}`, i))
	}
	e.Push([]callback.Event{file(10), file(20), cbAt(r, callback.Failover, cbT0, `{}`)})
	snap := pushedOf(e, r)
	want := fmt.Sprintf("%+v", *snap)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				p := pushedOf(e, r)
				n := 0
				for _, f := range p.Files {
					n += len(f.FileName)
				}
				for _, o := range p.Failovers {
					n += int(o.Status)
				}
				_ = append(p.Files, PushedFile{FileName: "the reader's own"})
			}
		})
	}
	for i := range 300 {
		e.Push([]callback.Event{file(i), file(299 - i), cbAt(r, callback.Failover, cbT0.Add(time.Duration(i%7)*time.Second), `{}`)})
	}
	close(stop)
	wg.Wait()

	if got := fmt.Sprintf("%+v", *snap); got != want {
		t.Fatalf("a snapshot changed after it was taken:\nwas %s\nnow %s", want, got)
	}
	p := pushedOf(e, r)
	if len(p.Files) != 300 || len(p.Failovers) != 7 {
		t.Fatalf("engine holds %d files, %d failovers; want 300 and 7", len(p.Files), len(p.Failovers))
	}
	for i := 1; i < len(p.Files); i++ {
		if p.Files[i].At.Before(p.Files[i-1].At) {
			t.Fatalf("files out of event order at %d", i)
		}
	}
	for _, f := range p.Files {
		if f.FileName == "the reader's own" {
			t.Fatal("a reader's append reached the engine")
		}
	}
}

// TestPushHostileSizes: a sender with the key cannot make a task hold
// without end: lists stop at their bounds, strings are cut, the task's
// budget holds, what did not fit is counted, and an absurd event time is
// filed at the arrival.
func TestPushHostileSizes(t *testing.T) {
	e := New(newFake(status("InProgress")), Config{})
	r := ref(1)
	e.Add([]taskref.Ref{r})
	e.Collect()
	long := strings.Repeat("x", 2000)
	var files []string
	for i := range 5000 {
		files = append(files, fmt.Sprintf(`{"FileName": "%d.mp4", "UserId": "u"}`, i))
	}
	// The MP4 first: once the files below fill the budget it would be dropped.
	evs := []callback.Event{cbAt(r, callback.MP4Stop, cbT0, `{"Status": 0, "FileMessage": [`+strings.Join(files, ",")+`]}`)}
	// Quoted once: quoting it 1,200 times was a fifth of the test under -race.
	quoted := strconv.Quote(long)
	for i := range 600 { // past every list's bound and the budget
		at := cbT0.Add(time.Duration(i) * time.Millisecond)
		evs = append(evs,
			cbAt(r, callback.FileSlice, at, fmt.Sprintf(`{"FileName": "%d-%s", "UserId": %s, "TrackType": %s}`, i, long[:200], quoted, quoted)),
			cbAt(r, callback.Failover, at, `{"Status": 0}`),
			cbAt(r, callback.UploadError, at, `{"Code": "`+long+`", "Message": "`+long+`"}`))
	}
	far := cbAt(r, callback.RecorderStop, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), `{"LeaveCode": 4}`)
	old := cbAt(r, callback.RecorderStart, time.UnixMilli(1), `{"Status": 0}`)
	huge := cbAt(r, callback.FileInfo, cbT0, `{"FileList": "`+long+`"}`)
	huge.RoomID, huge.RobotID = callback.RoomID{ID: long}, long
	e.Push(append(evs, far, old, huge))

	p := pushedOf(e, r)
	if len(p.Failovers) != maxPushedList || len(p.Faults) > maxPushedList || len(p.Files) > maxPushedFiles {
		t.Errorf("lists %d failovers, %d faults, %d files; bounds %d, %d, %d", len(p.Failovers), len(p.Faults), len(p.Files), maxPushedList, maxPushedList, maxPushedFiles)
	}
	if p.bytes > maxPushedBytes || p.Dropped == 0 {
		t.Errorf("budget %d of %d bytes, %d dropped", p.bytes, maxPushedBytes, p.Dropped)
	}
	for _, f := range p.Files {
		if len(f.FileName) > maxPushedText+len("…") || len(f.UserID) > maxPushedShort+len("…") || len(f.TrackType) > maxPushedShort+len("…") {
			t.Fatalf("file strings not cut: %d, %d, %d bytes", len(f.FileName), len(f.UserID), len(f.TrackType))
		}
	}
	for _, x := range p.Faults {
		if len(x.Code) > maxPushedShort+len("…") || len(x.Message) > maxPushedText+len("…") {
			t.Fatalf("fault strings not cut: %d, %d", len(x.Code), len(x.Message))
		}
	}
	if len(p.MP4) != 1 || len(p.MP4[0].Files) != maxMP4Files {
		t.Fatalf("MP4 %+v; want 1 result of %d files", p.MP4, maxMP4Files)
	}
	if len(p.Index.FileList) > maxPushedText+len("…") || len(p.RoomID) > maxPushedShort+len("…") || len(p.RobotID) > maxPushedShort+len("…") {
		t.Errorf("index %d, room %d, robot %d bytes", len(p.Index.FileList), len(p.RoomID), len(p.RobotID))
	}
	if y := p.Stopped.At.Year(); y > time.Now().Year()+1 || p.Started.At.Year() < 2000 {
		t.Errorf("absurd event times kept: stopped in %d, started in %d", y, p.Started.At.Year())
	}
	for _, ev := range e.Collect().Events {
		if len(ev.Text) > maxPushedText+len("…") || ev.At.Year() > time.Now().Year()+1 {
			t.Fatalf("event text %d bytes at %v", len(ev.Text), ev.At)
		}
	}
}
