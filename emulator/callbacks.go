package emulator

import (
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// With Config.CallbackURL set the emulator plays TRTC's callback sender: it
// posts every change of every task as the recording callbacks (event group
// 3) that TRTC documents, with the documented bodies and headers, signed
// with Config.CallbackKey, retried as TRTC retries (cbsend.go).
//
// What each change sends, at the moment it happens (EventMsTs):
//
//   - the task starts (scenario start, CreateCloudRecording): 301 Status 0,
//     and for COS 303 (upload started);
//   - each index file written (StorageFileList gains it): 307 with the
//     file's FileName, UserId, TrackType and BeginTimeStamp, then 304;
//   - a failover: 306 Status 0 (and the rewritten ha<n>_ files their 307s);
//   - the task ends (Exited, or gone without Exited): 302 with the
//     LeaveCode (the scenario's leave_code; 0 after DeleteCloudRecording;
//     99 when a created task's room stayed empty for MaxIdleTime); then COS:
//     305 Status 0, and 310 listing one MP4 per recorded stream when the
//     task writes MP4 (scenario "mp4", OutputFormat 1 or 3); VOD: one 311
//     per recorded user (FileId, VideoUrl under vod.example.com, CacheFile)
//     and 312.
//
// TRTC has no recording callback for Idle ↔ InProgress, so none is sent:
// a receiver learns of it from the API (files only appear while
// InProgress, so the first 307 of a streaming period is its sign).
//
// The callbacks are found by a loop that looks at every task a few times a
// second (cbTick), so the server, lazy otherwise, then runs goroutines of
// its own: the loop and the senders, all stopped by Close.

// cbTick is how often the loop looks for callbacks due.
const cbTick = 200 * time.Millisecond

// The LeaveCodes the emulator's own endings report.
const (
	leaveStopped = 0  // DeleteCloudRecording
	leaveIdle    = 99 // nobody streamed for MaxIdleTime
)

// cbProgress is how far a task's callbacks have been sent.
type cbProgress struct {
	started   bool
	files     int // files announced (307/304)
	failovers int // failovers announced (306)
	ended     bool
}

// cbEvent is one callback owed: what TRTC's EventInfo will carry.
type cbEvent struct {
	app     uint64
	task    string
	room    callback.RoomID
	robot   string
	typ     callback.EventType
	at      time.Time
	payload any
}

// owesCallbacks reports whether t still has callbacks to send, so that a
// gone task is not forgotten before its 302.
func (s *Server) owesCallbacks(t *task) bool {
	return s.cb != nil && !t.cb.ended
}

// dueCallbacksLocked collects every task's callbacks due by now.
func (s *Server) dueCallbacksLocked(now time.Time) []cbEvent {
	var out []cbEvent
	for _, t := range s.tasks {
		out = t.owed(now, s.cfg.FileEvery, out)
	}
	return out
}

// owed appends t's callbacks due by now and marks them sent.
func (t *task) owed(now time.Time, every time.Duration, out []cbEvent) []cbEvent {
	if t.cb.ended || t.created.After(now) {
		return out
	}
	add := func(typ callback.EventType, at time.Time, payload any) {
		at = time.UnixMilli(at.UnixMilli()) // what EventMsTs can say; keeps same-instant events in their order
		out = append(out, cbEvent{app: t.appID, task: t.id, room: t.room, robot: t.robot, typ: typ, at: at, payload: payload})
	}
	if !t.cb.started {
		add(callback.RecorderStart, t.created, callback.RecorderStarted{})
		if !t.vod {
			add(callback.UploadStart, t.created, callback.UploadStarted{})
		}
		t.cb.started = true
	}
	t.advance(now, every)
	exit, ended := t.exitAt(now)
	for ; t.cb.failovers < len(t.failovers); t.cb.failovers++ {
		f := t.failovers[t.cb.failovers]
		if f.After(now) || ended && !f.Before(exit) {
			break // not yet, or after the recorder left: never happens
		}
		add(callback.Failover, f, callback.FailedOver{})
	}
	for ; t.cb.files < len(t.files); t.cb.files++ {
		f := t.files[t.cb.files]
		at := time.UnixMilli(int64(f.BeginTimeStamp))
		add(callback.FileSlice, at, callback.FileStarted{FileName: f.FileName, UserId: f.UserId, TrackType: f.TrackType, BeginTimeStamp: callback.Num(f.BeginTimeStamp)})
		add(callback.FileInfo, at, callback.IndexUploaded{FileList: f.FileName})
	}
	if !ended {
		return out
	}
	add(callback.RecorderStop, exit, callback.RecorderStopped{LeaveCode: callback.Num(t.leaveCode)})
	if t.vod {
		for _, v := range t.vodFiles(exit) {
			add(callback.VODCommit, exit, callback.VODCommitted{TencentVod: v})
		}
		add(callback.VODStop, exit, callback.VODStopped{})
	} else {
		add(callback.UploadStop, exit, callback.UploadStopped{})
		if t.mp4 {
			add(callback.MP4Stop, exit, t.mp4Files(exit))
		}
	}
	t.cb.ended = true
	return out
}

// exitAt is when the task ended (Exited, or gone without Exited), if it
// has by now.
func (t *task) exitAt(now time.Time) (time.Time, bool) {
	for _, s := range t.steps {
		if s.at.After(now) {
			break
		}
		if s.status == statusExited || s.status == statusGone {
			return s.at, true
		}
	}
	return time.Time{}, false
}

// firstStream is when the task first went InProgress, if it ever did
// before end.
func (t *task) firstStream(end time.Time) (time.Time, bool) {
	for _, s := range t.steps {
		if !s.at.Before(end) {
			break
		}
		if s.status == statusInProgress {
			return s.at, true
		}
	}
	return time.Time{}, false
}

// recordedUsers lists each recorded user once with the tracks recorded
// (audio_video when both), in subscription order; one unnamed entry for a
// mixed recording.
func (t *task) recordedUsers() (users, tracks []string) {
	for _, p := range t.pairs {
		i := len(users) - 1
		if i >= 0 && users[i] == p.user {
			tracks[i] = "audio_video"
			continue
		}
		users, tracks = append(users, p.user), append(tracks, p.track)
	}
	return users, tracks
}

// vodFiles are the files a VOD task commits when it ends: one MP4 per
// recorded user, none if nobody ever streamed.
func (t *task) vodFiles(end time.Time) []callback.VODFile {
	start, ok := t.firstStream(end)
	if !ok {
		return nil
	}
	users, tracks := t.recordedUsers()
	var out []callback.VODFile
	for i, u := range users {
		id := fileID(t.id, u)
		media := "main"
		if t.mixed {
			media = "mix"
		}
		out = append(out, callback.VODFile{
			UserId: u, TrackType: tracks[i], MediaId: media, FileId: id,
			VideoUrl:       "https://vod.example.com/" + id + "/f0.mp4",
			CacheFile:      t.baseName(u, tracks[i]) + "_1.mp4",
			StartTimeStamp: callback.Num(start.UnixMilli()), EndTimeStamp: callback.Num(end.UnixMilli()),
		})
	}
	return out
}

// mp4Files is the 310 of a COS task writing MP4: one file per stream that
// has an index file.
func (t *task) mp4Files(end time.Time) callback.MP4Stopped {
	p := callback.MP4Stopped{FileList: []string{}, FileMessage: []callback.MP4File{}}
	seen := map[pair]bool{}
	for _, f := range t.files {
		k := pair{f.UserId, f.TrackType}
		if seen[k] {
			continue
		}
		seen[k] = true
		name := strings.TrimSuffix(f.FileName, ".m3u8") + "_1.mp4"
		media := "main"
		if t.mixed {
			media = "mix"
		}
		p.FileList = append(p.FileList, name)
		p.FileMessage = append(p.FileMessage, callback.MP4File{FileName: name, UserId: f.UserId, TrackType: f.TrackType, MediaId: media,
			StartTimeStamp: callback.Num(f.BeginTimeStamp), EndTimeStamp: callback.Num(end.UnixMilli())})
	}
	return p
}

// baseName is a recorded stream's file name without extension, as the
// recording guide names them: <SdkAppId>_<RoomId>[__UserId_s_<UserId>__UserId_e_main_<Type>].
func (t *task) baseName(user, track string) string {
	name := strconv.FormatUint(t.appID, 10) + "_" + t.roomID
	if !t.mixed {
		name += "__UserId_s_" + encodeID([]byte(user)) + "__UserId_e_main_" + track
	}
	return name
}

// fileID is a VOD FileId shaped like the real ones (a long decimal
// number), the same for the same task and user.
func fileID(task, user string) string {
	h := fnv.New64a()
	h.Write([]byte(task + "\x00" + user))
	return strconv.FormatUint(5285890780000000000+h.Sum64()%1e15, 10)
}
