package watch

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/sanitize"
)

// Pushed is what TRTC's recording callbacks said about a task, kept beside
// the API's answers because DescribeCloudRecording never says it: the room,
// the robot, whose stream each file holds, failovers, uploads, the reason
// the recorder left, MP4 and VOD results. It is a hint, never the task's
// state: the phase shown is always the API's.
//
// Facts are ordered by when they happened at TRTC (the callback's
// EventMsTs), never by arrival: a callback that arrives late takes its
// place, and the latest of a kind wins only if it happened later, so an
// out-of-order callback never rolls anything back. Everything is bounded
// per task (see the limits below): a sender with the key cannot grow it
// without end, and what did not fit is counted in Dropped.
//
// Strings come from the network: sanitise them before display.
type Pushed struct {
	// Adopted says the task was added because a callback named it
	// (PushConfig.Adopt), not by a person.
	Adopted bool
	RoomID  string // EventInfo.RoomId (numeric rooms as their digits)
	RobotID string // EventInfo.UserId: the recording robot's user ID

	Callbacks int       // callbacks filed for this task
	Latest    time.Time // when the newest of them happened
	Received  time.Time // when the latest arrived here (adaptive polling)

	Started       Outcome // 301: Status 0 started, 1 failed to start
	Stopped       Stop    // 302: the recorder left the room
	UploadStarted Outcome // 303
	Index         Index   // 304: the latest index file uploaded
	UploadStopped Outcome // 305: Status 0 all uploaded, 1 some left on the server, 2 those uploaded later
	VODStopped    Outcome // 312: Status 0 ended normally, 1 abnormally

	Failovers []Outcome     // 306, oldest first
	Files     []PushedFile  // 307, oldest first, one per file name
	Faults    []PushedFault // 308 upload errors and 309 image errors, oldest first
	MP4       []MP4Result   // 310, oldest first
	VOD       []VODResult   // 311, oldest first

	Other   int // callbacks of types this build does not know (shown by number in the events)
	Dropped int // facts not kept because a list or the task's budget was full

	bytes int // what the lists hold, against maxPushedBytes
}

// Outcome is a callback that reports a status. A zero At means none came.
type Outcome struct {
	At     time.Time
	Status int64
}

// Stop is a 302. A zero At means none came.
type Stop struct {
	At        time.Time
	LeaveCode int64
}

// meaning is what the LeaveCode says, in TRTC's words.
func (s Stop) meaning() string { return callback.LeaveCodeText(s.LeaveCode) }

// Index is a 304: an M3U8 index file written and uploaded.
type Index struct {
	At       time.Time
	FileList string
}

// PushedFile is a 307: an index file and whose stream it holds. UserID is
// empty in mixed mode.
type PushedFile struct {
	At        time.Time
	FileName  string
	UserID    string
	TrackType string    // audio, video or audio_video
	Begin     time.Time // BeginTimeStamp; zero when absent
}

// PushedFault is a 308 (storage refused an upload: Code, Message) or a
// 309 (a layout image could not be downloaded: Message is its URL).
type PushedFault struct {
	At      time.Time
	Type    callback.EventType
	Code    string
	Message string
}

// MP4Result is a 310: an MP4 task ended (Status 0 all uploaded, 1 some
// left behind, 2 failed) with its files.
type MP4Result struct {
	At     time.Time
	Status int64
	Files  []callback.MP4File
}

// VODResult is a 311: one file committed to VOD (Status 0 committed, 1
// left on the server, 2 failed).
type VODResult struct {
	At     time.Time
	Status int64
	Errmsg string
	File   callback.VODFile
}

// The bounds on what callbacks can make a task hold. A real task has a
// file or two per user and stream and rarely a failover; these leave room
// for thousands of users while capping what a sender with the key (or a
// bug) can cost: about maxPushedBytes per task.
const (
	maxPushedFiles  = 1000 // 307 and 311 entries: the client's cap on an answer's files
	maxPushedList   = 100  // failovers, faults and MP4 results
	maxMP4Files     = 100  // files kept of one 310
	maxPushedBytes  = 256 << 10
	maxPushedText   = 512 // file names, URLs, messages
	maxPushedShort  = 128 // user IDs, codes, file IDs, the room, the robot
	pushedItemBytes = 64  // what an entry costs beside its strings
)

// view is the copy a snapshot gets: the struct is copied and every list
// clipped to its length, so the engine may go on appending to its own
// (it writes only past the snapshot's end, and copies a list before
// changing an element) and a reader that appends gets a copy of its own.
func (p *Pushed) view() *Pushed {
	if p == nil {
		return nil
	}
	c := *p
	c.Failovers = slices.Clip(p.Failovers)
	c.Files = slices.Clip(p.Files)
	c.Faults = slices.Clip(p.Faults)
	c.MP4 = slices.Clip(p.MP4)
	c.VOD = slices.Clip(p.VOD)
	return &c
}

// pushItem is one callback read for filing: decoded and worded outside
// the engine's lock.
type pushItem struct {
	ev     *callback.Event
	detail any       // the decoded payload; nil for an unknown type or an unreadable payload
	text   string    // "302 recorder stopped, LeaveCode 99: …", bounded
	code   string    // callback.Problem: what went wrong, "" for routine news
	at     time.Time // when it happened, or when it arrived if that is implausible
}

// maxEventAge is how long before its arrival a callback's event time is
// still believed: TRTC sends a callback when its event happens and retries
// it for a minute. An older (or a future) one is filed at its arrival.
const maxEventAge = 24 * time.Hour

func readPush(ev *callback.Event, now time.Time) pushItem {
	d, summary := ev.Read()
	ref := ev.Received
	if ref.IsZero() {
		ref = now
	}
	at := ev.At
	if at.After(ref.Add(callback.DefaultWindow)) || at.Before(ref.Add(-maxEventAge)) {
		at = ref
	}
	// The summary with the type's number first ("302 recorder stopped,
	// …"); an unknown type's or an unreadable payload's has it already.
	if num := strconv.FormatInt(int64(ev.Type), 10); !strings.HasPrefix(summary, num+" ") {
		summary = num + " " + summary
	}
	return pushItem{ev: ev, detail: d, text: bound(summary, maxPushedText), code: callback.Problem(d), at: at}
}

// bound makes s valid UTF-8 of at most n bytes, copied when cut so that a
// long payload is not kept alive by a short piece of it.
func bound(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	return strings.Clone(sanitize.Clip(s, n))
}

// record files one callback's facts on p.
func (p *Pushed) record(it *pushItem) {
	p.Callbacks++
	if it.at.After(p.Latest) {
		p.Latest = it.at
	}
	if p.RoomID == "" {
		p.RoomID = bound(it.ev.RoomID.String(), maxPushedShort)
	}
	if p.RobotID == "" {
		p.RobotID = bound(it.ev.RobotID, maxPushedShort)
	}
	at := it.at
	switch d := it.detail.(type) {
	case *callback.RecorderStarted:
		later(&p.Started, Outcome{at, int64(d.Status)})
	case *callback.RecorderStopped:
		if at.After(p.Stopped.At) {
			p.Stopped = Stop{at, int64(d.LeaveCode)}
		}
	case *callback.UploadStarted:
		later(&p.UploadStarted, Outcome{at, int64(d.Status)})
	case *callback.IndexUploaded:
		if at.After(p.Index.At) {
			p.Index = Index{at, bound(d.FileList, maxPushedText)}
		}
	case *callback.UploadStopped:
		later(&p.UploadStopped, Outcome{at, d.Code()})
	case *callback.VODStopped:
		later(&p.VODStopped, Outcome{at, int64(d.Status)})
	case *callback.FailedOver:
		o := Outcome{at, int64(d.Status)}
		p.Failovers = addFact(p, p.Failovers, o, maxPushedList, func(Outcome) int { return 0 },
			func(x Outcome) time.Time { return x.At }, func(x Outcome) bool { return x.At.Equal(at) })
	case *callback.FileStarted:
		f := PushedFile{At: at, FileName: bound(d.FileName, maxPushedText), UserID: bound(d.UserId, maxPushedShort), TrackType: bound(d.TrackType, maxPushedShort)}
		if d.BeginTimeStamp > 0 {
			f.Begin, _ = beginTime(new(uint64(d.BeginTimeStamp)))
		}
		p.Files = addFact(p, p.Files, f, maxPushedFiles, func(x PushedFile) int { return len(x.FileName) + len(x.UserID) + len(x.TrackType) },
			func(x PushedFile) time.Time { return x.At }, func(x PushedFile) bool { return x.FileName == f.FileName })
	case *callback.UploadFailed:
		p.fault(PushedFault{At: at, Type: it.ev.Type, Code: bound(d.Code, maxPushedShort), Message: bound(d.Message, maxPushedText)})
	case *callback.ImageFailed:
		p.fault(PushedFault{At: at, Type: it.ev.Type, Message: bound(d.Url, maxPushedText)})
	case *callback.MP4Stopped:
		m := MP4Result{At: at, Status: int64(d.Status)}
		for i, f := range d.FileMessage {
			if i == maxMP4Files {
				p.Dropped += len(d.FileMessage) - i
				break
			}
			f = callback.MP4File{FileName: bound(f.FileName, maxPushedText), UserId: bound(f.UserId, maxPushedShort), TrackType: bound(f.TrackType, maxPushedShort),
				MediaId: bound(f.MediaId, maxPushedShort), StartTimeStamp: f.StartTimeStamp, EndTimeStamp: f.EndTimeStamp}
			m.Files = append(m.Files, f)
		}
		p.MP4 = addFact(p, p.MP4, m, maxPushedList, mp4Cost, func(x MP4Result) time.Time { return x.At }, func(x MP4Result) bool { return x.At.Equal(at) })
	case *callback.VODCommitted:
		v := d.TencentVod
		r := VODResult{At: at, Status: int64(d.Status), Errmsg: bound(d.Errmsg, maxPushedText), File: callback.VODFile{
			UserId: bound(v.UserId, maxPushedShort), TrackType: bound(v.TrackType, maxPushedShort), MediaId: bound(v.MediaId, maxPushedShort),
			FileId: bound(v.FileId, maxPushedShort), VideoUrl: bound(v.VideoUrl, maxPushedText), CacheFile: bound(v.CacheFile, maxPushedText),
			StartTimeStamp: v.StartTimeStamp, EndTimeStamp: v.EndTimeStamp}}
		p.VOD = addFact(p, p.VOD, r, maxPushedFiles, vodCost, func(x VODResult) time.Time { return x.At },
			func(x VODResult) bool { return x.At.Equal(at) && x.File == r.File })
	case nil:
		if !it.ev.Type.Known() {
			p.Other++
		}
	}
}

func (p *Pushed) fault(f PushedFault) {
	p.Faults = addFact(p, p.Faults, f, maxPushedList, func(x PushedFault) int { return len(x.Code) + len(x.Message) },
		func(x PushedFault) time.Time { return x.At }, func(x PushedFault) bool { return x == f })
}

func mp4Cost(m MP4Result) int {
	n := 0
	for _, f := range m.Files {
		n += pushedItemBytes + len(f.FileName) + len(f.UserId) + len(f.TrackType) + len(f.MediaId)
	}
	return n
}

func vodCost(r VODResult) int {
	f := r.File
	return len(r.Errmsg) + len(f.UserId) + len(f.TrackType) + len(f.MediaId) + len(f.FileId) + len(f.VideoUrl) + len(f.CacheFile)
}

// later keeps o in *cur if it happened later than what *cur holds.
func later(cur *Outcome, o Outcome) {
	if o.At.After(cur.At) {
		*cur = o
	}
}

// addFact puts v into list in event-time order (after equal times) and
// returns the list. An element that is the same (same(x): a retry the
// receiver no longer remembered, or the same file started twice) is kept
// once, the earlier of the two; a list at most long, or a task over its
// budget, takes nothing more (counted in Dropped). Elements are never
// changed in place: snapshots share the array up to their length, so
// anything but an append at the end works on a copy.
func addFact[T any](p *Pushed, list []T, v T, most int, cost func(T) int, at func(T) time.Time, same func(T) bool) []T {
	for i, x := range list {
		if !same(x) {
			continue
		}
		if !at(v).Before(at(x)) {
			return list // the one already kept happened first
		}
		list = slices.Delete(slices.Clone(list), i, i+1)
		p.bytes -= pushedItemBytes + cost(x)
		break
	}
	size := pushedItemBytes + cost(v)
	if len(list) >= most || p.bytes+size > maxPushedBytes {
		p.Dropped++
		return list
	}
	p.bytes += size
	i := len(list)
	for i > 0 && at(v).Before(at(list[i-1])) {
		i--
	}
	if i == len(list) {
		return append(list, v)
	}
	return slices.Insert(slices.Clip(list), i, v) // a copy: the array is shared
}
