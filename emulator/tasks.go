package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// Task statuses. "gone" is not an API status: it means the task answers the
// gone error code.
const (
	statusIdle       = "Idle"
	statusInProgress = "InProgress"
	statusExited     = "Exited"
	statusGone       = "gone"
)

// step is a status change at an absolute time.
type step struct {
	at     time.Time
	status string
}

// pair is one recorded (user, track); it becomes one .m3u8 index file.
// In mixed mode there is a single pair with an empty user.
type pair struct{ user, track string }

// storageFile is one StorageFileList entry as the API returns it.
type storageFile struct {
	UserId         string `json:"UserId"`
	FileName       string `json:"FileName"`
	TrackType      string `json:"TrackType"`
	BeginTimeStamp uint64 `json:"BeginTimeStamp"`
}

// task is a recording task. Its status is a timeline of steps (before the
// first step it is Idle) and its files are materialised lazily by advance,
// so no timer ever runs for it.
type task struct {
	id         string
	appID      uint64
	roomID     string // as it appears in file names
	prefix     string // FileNamePrefix joined with "/", may be empty
	vod        bool
	mixed      bool
	streamType uint64 // 0 audio+video, 1 audio, 2 video
	scripted   bool   // status follows a scenario timeline; Modify leaves it alone
	maxIdle    time.Duration
	steps      []step
	pairs      []pair
	files      []storageFile
	have       map[pair]bool
	nextFile   time.Duration // streaming time after which the next file appears
	failovers  []time.Time   // recorder restarts (scenario only), in order
	gen        int           // failovers taken into account so far: files get the prefix ha<gen>_

	// What callbacks (callbacks.go) need beyond the API's view.
	created   time.Time       // when the recorder started (301)
	room      callback.RoomID // RoomId as callbacks carry it
	robot     string          // the recording robot's UserId
	mp4       bool            // COS task that also writes MP4 (310 at the end)
	leaveCode int64           // 302's LeaveCode when it ends
	cb        cbProgress      // callbacks already owed
}

// newTaskID makes a TaskId shaped like the real ones: 56 random bytes in
// standard base64 with '/' → '-' and '=' → '.', 76 characters.
func newTaskID() string {
	b := make([]byte, 56)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return encodeID(b)
}

func encodeID(b []byte) string {
	return strings.NewReplacer("/", "-", "=", ".").Replace(base64.StdEncoding.EncodeToString(b))
}

// status is the task's status at t.
func (t *task) status(at time.Time) string {
	st := statusIdle
	for _, s := range t.steps {
		if s.at.After(at) {
			break
		}
		st = s.status
	}
	return st
}

// since is when the status in effect at `at` began (zero: from the start).
func (t *task) since(at time.Time) time.Time {
	var from time.Time
	for _, s := range t.steps {
		if s.at.After(at) {
			break
		}
		from = s.at
	}
	return from
}

func (t *task) running(at time.Time) bool {
	st := t.status(at)
	return st == statusIdle || st == statusInProgress
}

// truncateAfter drops planned steps later than at.
func (t *task) truncateAfter(at time.Time) {
	n := 0
	for n < len(t.steps) && !t.steps[n].at.After(at) {
		n++
	}
	t.steps = t.steps[:n]
}

// end makes the task Exited at `at` and gone after linger; code is the
// LeaveCode its 302 callback reports.
func (t *task) end(at time.Time, linger time.Duration, code int64) {
	t.truncateAfter(at)
	t.leaveCode = code
	t.steps = append(t.steps, step{at, statusExited}, step{at.Add(linger), statusGone})
}

// plan decides, for a task driven by its simulated users, what happens next
// from `at`: users start streaming after delay, or, when nobody is
// subscribed or streaming comes too late, the task ends MaxIdleTime after it
// went idle ("room without anchors").
func (t *task) plan(at time.Time, delay, linger time.Duration) {
	cur := t.status(at)
	t.truncateAfter(at)
	idleSince := t.since(at)
	if cur == statusInProgress {
		if len(t.pairs) > 0 {
			return
		}
		t.steps = append(t.steps, step{at, statusIdle})
		idleSince = at
	}
	exit := idleSince.Add(t.maxIdle)
	if exit.Before(at) {
		exit = at
	}
	if start := at.Add(delay); len(t.pairs) > 0 && start.Before(exit) {
		t.steps = append(t.steps, step{start, statusInProgress})
		return
	}
	t.end(exit, linger, leaveIdle)
}

// streamed is the task's total InProgress time up to now.
func (t *task) streamed(now time.Time) time.Duration {
	var acc time.Duration
	for i, s := range t.steps {
		if s.at.After(now) {
			break
		}
		if s.status == statusInProgress {
			acc += t.intervalEnd(i, now).Sub(s.at)
		}
	}
	return acc
}

func (t *task) intervalEnd(i int, now time.Time) time.Time {
	if i+1 < len(t.steps) && t.steps[i+1].at.Before(now) {
		return t.steps[i+1].at
	}
	return now
}

// crossing is the moment the task's streaming time reached target, if it
// has by now.
func (t *task) crossing(target time.Duration, now time.Time) (time.Time, bool) {
	var acc time.Duration
	for i, s := range t.steps {
		if s.at.After(now) {
			break
		}
		if s.status != statusInProgress {
			continue
		}
		d := t.intervalEnd(i, now).Sub(s.at)
		if acc+d >= target {
			return s.at.Add(max(target-acc, 0)), true
		}
		acc += d
	}
	return time.Time{}, false
}

// advance adds the files written by now: each subscribed (user, track) gets
// its index file once, one after another every `every` of streaming time.
// A failover restarts the recorder: from then on every pair gets its index
// file again, named with the ha<n>_ prefix. VOD tasks never list files
// (they arrive by callback only).
func (t *task) advance(now time.Time, every time.Duration) {
	if t.vod {
		return
	}
	for {
		var next *pair
		for i := range t.pairs {
			if !t.have[t.pairs[i]] {
				next = &t.pairs[i]
				break
			}
		}
		if next == nil {
			// Every pair has its file: only a failover makes more.
			if t.gen >= len(t.failovers) || t.failovers[t.gen].After(now) {
				return
			}
			t.restart()
			continue
		}
		at, ok := t.crossing(t.nextFile, now)
		if !ok {
			return
		}
		if t.gen < len(t.failovers) && !t.failovers[t.gen].After(at) {
			t.restart() // the recorder restarted before this file was written
			continue
		}
		t.files = append(t.files, t.file(*next, at))
		t.have[*next] = true
		t.nextFile += every
	}
}

// restart applies the next failover: the new recorder owes every pair a file.
func (t *task) restart() {
	f := t.failovers[t.gen]
	t.gen++
	t.have = map[pair]bool{}
	t.nextFile = max(t.nextFile, t.streamed(f))
}

// setPairs replaces the subscriptions at now; files already written stay.
func (t *task) setPairs(p []pair, now time.Time, every time.Duration) {
	t.advance(now, every)
	t.pairs = p
	t.nextFile = max(t.nextFile, t.streamed(now))
}

// file names the index file as the recording guide describes:
// <Prefix>/<TaskId>/<SdkAppId>_<RoomId>__UserId_s_<UserId>__UserId_e_main_<Type>.m3u8
// (mixed: <Prefix>/<TaskId>/<SdkAppId>_<RoomId>.m3u8), UserId in base64;
// after the n-th failover the base name starts ha<n>_ (package recfile
// reads these names back).
func (t *task) file(p pair, at time.Time) storageFile {
	name := strconv.FormatUint(t.appID, 10) + "_" + t.roomID
	if t.gen > 0 {
		name = "ha" + strconv.Itoa(t.gen) + "_" + name
	}
	if !t.mixed {
		name += "__UserId_s_" + encodeID([]byte(p.user)) + "__UserId_e_main_" + p.track
	}
	name = t.id + "/" + name + ".m3u8"
	if t.prefix != "" {
		name = t.prefix + "/" + name
	}
	return storageFile{UserId: p.user, FileName: name, TrackType: p.track, BeginTimeStamp: uint64(at.UnixMilli())}
}

// fileList is a copy of the files for an answer (never null).
func (t *task) fileList() []storageFile {
	return append([]storageFile{}, t.files...)
}

// defaultUsers stream when a task names nobody in SubscribeStreamUserIds.
var defaultUsers = []string{"anchor_1001", "anchor_1002"}

// userPairs lists (user, audio) and (user, video) for each user.
func userPairs(users []string) []pair {
	var p []pair
	for _, u := range users {
		p = append(p, pair{u, "audio"}, pair{u, "video"})
	}
	return p
}

// scenarioTask builds the task a scenario entry describes, its timeline
// anchored at start.
func scenarioTask(st *ScenarioTask, start time.Time) *task {
	t := &task{
		id:        st.TaskID,
		appID:     st.SdkAppID,
		roomID:    strconv.FormatUint(st.RoomID, 10),
		created:   start,
		room:      callback.RoomID{ID: strconv.FormatUint(st.RoomID, 10), Numeric: true},
		robot:     "recorder_" + strconv.FormatUint(st.RoomID, 10),
		mp4:       st.MP4,
		leaveCode: st.LeaveCode,
		vod:       st.Storage == storageVOD,
		scripted:  true,
		maxIdle:   30 * time.Second,
		have:      map[pair]bool{},
		pairs:     userPairs(st.Users),
		mixed:     st.Mixed,
	}
	if st.Mixed {
		// One file for the room; its TrackType is what StreamType 0 mixes.
		t.pairs = []pair{{"", "audio_video"}}
	}
	for _, d := range st.Failovers {
		t.failovers = append(t.failovers, start.Add(d))
	}
	for _, s := range st.Timeline {
		t.steps = append(t.steps, step{start.Add(s.At), s.Status})
	}
	return t
}
