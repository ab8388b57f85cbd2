package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/trtcwatch/trtcwatch/safefile"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// Scenario is a scripted set of tasks and fault windows that exist from
// server start, so the dashboard can be shown (and tested against) every
// state without creating tasks by hand. The JSON form (see
// examples/scenario.json):
//
//	{
//	  "tasks": [{
//	    "task_id":    "...",            // optional; a real-looking 76-char ID is generated
//	    "sdk_app_id": 1400000001,       // optional, default 1400000001
//	    "room_id":    12345,            // optional numeric room, default 10001, 10002, ...
//	    "storage":    "cos",            // "cos" (default: files listed) or "vod" (list always empty)
//	    "users":      ["alice", "bob"], // who streams while InProgress, any strings; default two users
//	    "record_mode": "single",        // "single" (default: one file per user and track) or "mixed" (one file for the room)
//	    "failovers":  ["90s"],          // up to 3 recorder restarts; files written after the n-th carry the prefix ha<n>_
//	    "timeline":   [{"at": "3s", "status": "InProgress"}, {"at": "2m", "status": "Exited"}],
//	    "leave_code": 99,               // the 302 callback's LeaveCode when the timeline ends it (default 0)
//	    "mp4":        true              // COS only: the recorder also writes MP4 files (a 310 callback at the end)
//	  }],
//	  "faults": [{"task_id": "...", "at": "20s", "for": "15s", "code": "InternalError.CRInternalError"}],
//	  "callbacks": {"duplicates": 0.05, "reorder": 0.05}
//	}
//
// Times are Go durations relative to server start. A task exists from the
// start and is Idle until its first step (use "at": "0s" to begin in another
// status). Steps must be in increasing time; status is Idle, InProgress,
// Exited or gone; Exited may only be followed by gone, and gone is final.
// While InProgress the users stream, and a COS task's StorageFileList gains
// one .m3u8 per user and track (audio, then video) every Config.FileEvery of
// streaming; a mixed task gains one <SdkAppId>_<RoomId>.m3u8 with an empty
// UserId instead. After a failover the restarted recorder writes every
// index file again, its base name prefixed ha1_, ha2_ or ha3_. During a fault window [at, at+for) every request naming that
// task answers that error code, whatever the task's state; the task need not
// be in the scenario. Scenario tasks are found in every region. With
// Config.CallbackURL set, every change of every task is also posted as
// TRTC's recording callbacks (see callbacks.go); "callbacks" makes some of
// them arrive twice or out of order, as TRTC's may. Parsing is strict:
// unknown fields, wrong types and out-of-range values are errors naming
// the entry.
type Scenario struct {
	Tasks     []ScenarioTask
	Faults    []FaultWindow
	Callbacks CallbackChaos
}

// CallbackChaos makes callbacks misbehave the way TRTC documents that they
// may, reproducibly for a given Config.Seed.
type CallbackChaos struct {
	// Duplicates (0..1) is the share of callbacks sent a second time, as
	// when TRTC does not see an answer and retries a delivered message.
	Duplicates float64 `json:"duplicates"`
	// Reorder (0..1) is the share of callbacks sent after the same task's
	// next one (when one is due at the same time).
	Reorder float64 `json:"reorder"`
}

// TaskIDs lists the scenario's task IDs in order, so a caller (the demo)
// can watch exactly the scripted tasks. Tasks without a fixed task_id are
// skipped: their IDs are only made when a server loads the scenario.
func (sc *Scenario) TaskIDs() []string {
	var ids []string
	for _, t := range sc.Tasks {
		if t.TaskID != "" {
			ids = append(ids, t.TaskID)
		}
	}
	return ids
}

// ScenarioTask is one scripted task; see Scenario for the meaning of fields.
type ScenarioTask struct {
	TaskID   string
	SdkAppID uint64
	RoomID   uint64
	Storage  string // "cos" (default) or "vod"
	Users    []string
	Timeline []Step
	// Mixed records the room into one file (RecordMode 2).
	Mixed bool
	// Failovers are recorder restarts, in increasing time, at most 3.
	Failovers []time.Duration
	// LeaveCode is the 302 callback's LeaveCode when the timeline ends the
	// task (one of the documented codes; 0, stopped through the API).
	LeaveCode int64
	// MP4 makes a COS task write MP4 files too: a 310 callback at the end.
	MP4 bool
}

// Step is a status change at a time after server start.
type Step struct {
	At     time.Duration
	Status string // "Idle", "InProgress", "Exited" or "gone"
}

// FaultWindow makes one task answer Code during [At, At+For) after start.
type FaultWindow struct {
	TaskID  string
	At, For time.Duration
	Code    string
}

// Storage kinds.
const (
	storageCOS = "cos"
	storageVOD = "vod"
)

// Limits that keep a scenario file from exhausting memory or overflowing time.
const (
	maxScenarioBytes = 16 << 20
	maxScenarioTasks = 10000
	maxFaults        = 10000
	maxUsers         = 25 // the real per-task cap on subscribed anchors
	maxUserLen       = 256
	maxSteps         = 100
	maxFailovers     = 3 // the guide's ha1_..ha3_
	maxScenarioTime  = 1000 * time.Hour
	defaultAppID     = 1400000001
)

type rawScenario struct {
	Tasks     []json.RawMessage `json:"tasks"`
	Faults    []json.RawMessage `json:"faults"`
	Callbacks json.RawMessage   `json:"callbacks"`
}

type rawTask struct {
	TaskID    *string   `json:"task_id"`
	SdkAppID  *uint64   `json:"sdk_app_id"`
	RoomID    *uint64   `json:"room_id"`
	Storage   *string   `json:"storage"`
	Users     []string  `json:"users"`
	Timeline  []rawStep `json:"timeline"`
	Mode      *string   `json:"record_mode"`
	Failovers []string  `json:"failovers"`
	LeaveCode *int64    `json:"leave_code"`
	MP4       *bool     `json:"mp4"`
}

type rawStep struct {
	At     string `json:"at"`
	Status string `json:"status"`
}

type rawFault struct {
	TaskID string `json:"task_id"`
	At     string `json:"at"`
	For    string `json:"for"`
	Code   string `json:"code"`
}

// LoadScenario reads and parses a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, _, err := safefile.ReadRegular(path, maxScenarioBytes)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	sc, err := ParseScenario(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

// ParseScenario parses the JSON form strictly. Task IDs left out stay empty
// here and are generated when a server loads the scenario.
func ParseScenario(data []byte) (*Scenario, error) {
	if len(data) > maxScenarioBytes {
		return nil, fmt.Errorf("scenario is %d bytes, more than the %d allowed", len(data), maxScenarioBytes)
	}
	var raw rawScenario
	if err := strictDecode(data, &raw); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if len(raw.Tasks) > maxScenarioTasks || len(raw.Faults) > maxFaults {
		return nil, fmt.Errorf("scenario has %d tasks and %d faults; at most %d of each", len(raw.Tasks), len(raw.Faults), maxScenarioTasks)
	}
	sc := &Scenario{}
	if raw.Callbacks != nil {
		if err := strictDecode(raw.Callbacks, &sc.Callbacks); err != nil {
			return nil, fmt.Errorf("callbacks: %w", err)
		}
	}
	for i, m := range raw.Tasks {
		var rt rawTask
		if err := strictDecode(m, &rt); err != nil {
			return nil, fmt.Errorf("tasks[%d]: %w", i, err)
		}
		st := ScenarioTask{Users: rt.Users}
		if rt.LeaveCode != nil {
			st.LeaveCode = *rt.LeaveCode
		}
		if rt.MP4 != nil {
			st.MP4 = *rt.MP4
		}
		if rt.TaskID != nil {
			if *rt.TaskID == "" {
				return nil, fmt.Errorf("tasks[%d].task_id: empty (leave it out to get a generated one)", i)
			}
			st.TaskID = *rt.TaskID
		}
		if rt.SdkAppID != nil {
			if *rt.SdkAppID == 0 {
				return nil, fmt.Errorf("tasks[%d].sdk_app_id: must be a positive integer", i)
			}
			st.SdkAppID = *rt.SdkAppID
		}
		if rt.RoomID != nil {
			if *rt.RoomID == 0 || *rt.RoomID > 1<<32-1 {
				return nil, fmt.Errorf("tasks[%d].room_id: must be between 1 and 4294967295", i)
			}
			st.RoomID = *rt.RoomID
		}
		if rt.Storage != nil {
			if *rt.Storage != storageCOS && *rt.Storage != storageVOD {
				return nil, fmt.Errorf("tasks[%d].storage: %q is not \"cos\" or \"vod\"", i, clip(*rt.Storage))
			}
			st.Storage = *rt.Storage
		}
		if rt.Mode != nil {
			switch *rt.Mode {
			case "single":
			case "mixed":
				st.Mixed = true
			default:
				return nil, fmt.Errorf("tasks[%d].record_mode: %q is not \"single\" or \"mixed\"", i, clip(*rt.Mode))
			}
		}
		for j, s := range rt.Failovers {
			d, err := parseDuration(s)
			if err != nil {
				return nil, fmt.Errorf("tasks[%d].failovers[%d]: %w", i, j, err)
			}
			st.Failovers = append(st.Failovers, d)
		}
		for j, s := range rt.Timeline {
			d, err := parseDuration(s.At)
			if err != nil {
				return nil, fmt.Errorf("tasks[%d].timeline[%d].at: %w", i, j, err)
			}
			st.Timeline = append(st.Timeline, Step{At: d, Status: s.Status})
		}
		sc.Tasks = append(sc.Tasks, st)
	}
	for i, m := range raw.Faults {
		var rf rawFault
		if err := strictDecode(m, &rf); err != nil {
			return nil, fmt.Errorf("faults[%d]: %w", i, err)
		}
		at, err := parseDuration(rf.At)
		if err != nil {
			return nil, fmt.Errorf("faults[%d].at: %w", i, err)
		}
		dur, err := parseDuration(rf.For)
		if err != nil {
			return nil, fmt.Errorf("faults[%d].for: %w", i, err)
		}
		sc.Faults = append(sc.Faults, FaultWindow{TaskID: rf.TaskID, At: at, For: dur, Code: rf.Code})
	}
	if err := sc.normalize(); err != nil {
		return nil, err
	}
	return sc, nil
}

// strictDecode decodes one JSON object, refusing null, unknown fields and
// trailing data.
func strictDecode(data []byte, v any) error {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return errors.New("must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New(`missing; write a Go duration such as "3s" or "2m30s"`)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Go duration such as \"3s\" or \"2m30s\"", clip(s))
	}
	return d, nil
}

// normalize checks every entry and fills in defaults; it is shared by the
// parser and by scenarios built in code (DemoScenario, tests).
func (sc *Scenario) normalize() error {
	if len(sc.Tasks) > maxScenarioTasks || len(sc.Faults) > maxFaults {
		return fmt.Errorf("scenario has %d tasks and %d faults; at most %d of each", len(sc.Tasks), len(sc.Faults), maxScenarioTasks)
	}
	seen := map[string]int{}
	for i := range sc.Tasks {
		t := &sc.Tasks[i]
		if t.TaskID != "" {
			if err := taskref.ValidateTaskID(t.TaskID); err != nil {
				return fmt.Errorf("tasks[%d].task_id: %w", i, err)
			}
			if j, dup := seen[t.TaskID]; dup {
				return fmt.Errorf("tasks[%d].task_id: same as tasks[%d]", i, j)
			}
			seen[t.TaskID] = i
		}
		if t.SdkAppID == 0 {
			t.SdkAppID = defaultAppID
		}
		if t.RoomID == 0 {
			t.RoomID = uint64(10001 + i)
		}
		if t.RoomID > 1<<32-1 {
			return fmt.Errorf("tasks[%d].room_id: must be between 1 and 4294967295", i)
		}
		switch t.Storage {
		case "":
			t.Storage = storageCOS
		case storageCOS, storageVOD:
		default:
			return fmt.Errorf("tasks[%d].storage: %q is not \"cos\" or \"vod\"", i, clip(t.Storage))
		}
		if err := checkUsers(t.Users); err != nil {
			return fmt.Errorf("tasks[%d].users: %w", i, err)
		}
		if len(t.Users) == 0 {
			t.Users = append([]string(nil), defaultUsers...)
		}
		if err := checkTimeline(t.Timeline); err != nil {
			return fmt.Errorf("tasks[%d].%w", i, err)
		}
		if err := checkFailovers(t.Failovers); err != nil {
			return fmt.Errorf("tasks[%d].%w", i, err)
		}
		if !documentedLeaveCode(t.LeaveCode) {
			return fmt.Errorf("tasks[%d].leave_code: %d is not a documented LeaveCode (0, 1, 2, 3, 4, 99, 100 or 101)", i, t.LeaveCode)
		}
		if t.MP4 && t.Storage != storageCOS {
			return fmt.Errorf("tasks[%d].mp4: only COS tasks write MP4 files themselves (VOD ones are committed by 311 callbacks)", i)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"duplicates", sc.Callbacks.Duplicates}, {"reorder", sc.Callbacks.Reorder}} {
		if !(c.v >= 0 && c.v <= 1) {
			return fmt.Errorf("callbacks.%s: %v is outside 0..1", c.name, c.v)
		}
	}
	for i, f := range sc.Faults {
		if err := taskref.ValidateTaskID(f.TaskID); err != nil {
			return fmt.Errorf("faults[%d].task_id: %w", i, err)
		}
		if f.At < 0 || f.At > maxScenarioTime {
			return fmt.Errorf("faults[%d].at: %v is outside 0..%v", i, f.At, maxScenarioTime)
		}
		if f.For <= 0 || f.For > maxScenarioTime {
			return fmt.Errorf("faults[%d].for: %v must be positive and at most %v", i, f.For, maxScenarioTime)
		}
		if !validCode(f.Code) {
			return fmt.Errorf("faults[%d].code: %q is not an API error code such as \"InternalError.CRInternalError\"", i, clip(f.Code))
		}
	}
	return nil
}

// documentedLeaveCode reports whether c is a LeaveCode the callback page
// lists (callback.LeaveCodeText says what each means).
func documentedLeaveCode(c int64) bool {
	switch c {
	case 0, 1, 2, 3, 4, 99, 100, 101:
		return true
	}
	return false
}

func checkUsers(users []string) error {
	if len(users) > maxUsers {
		return fmt.Errorf("%d users; a task records at most %d", len(users), maxUsers)
	}
	seen := map[string]bool{}
	for j, u := range users {
		if u == "" || len(u) > maxUserLen {
			return fmt.Errorf("[%d]: a user ID has 1 to %d bytes", j, maxUserLen)
		}
		if seen[u] {
			return fmt.Errorf("[%d]: %q is listed twice", j, clip(u))
		}
		seen[u] = true
	}
	return nil
}

func checkTimeline(steps []Step) error {
	if len(steps) > maxSteps {
		return fmt.Errorf("timeline: %d steps, at most %d", len(steps), maxSteps)
	}
	for j, s := range steps {
		if s.At < 0 || s.At > maxScenarioTime {
			return fmt.Errorf("timeline[%d].at: %v is outside 0..%v", j, s.At, maxScenarioTime)
		}
		switch s.Status {
		case statusIdle, statusInProgress, statusExited, statusGone:
		default:
			return fmt.Errorf("timeline[%d].status: %q is not Idle, InProgress, Exited or gone", j, clip(s.Status))
		}
		if j == 0 {
			continue
		}
		prev := steps[j-1]
		if s.At <= prev.At {
			return fmt.Errorf("timeline[%d].at: %v is not after the previous step's %v", j, s.At, prev.At)
		}
		if prev.Status == statusGone || (prev.Status == statusExited && s.Status != statusGone) {
			return fmt.Errorf("timeline[%d].status: %s cannot follow %s (Exited leads only to gone, gone is final)", j, s.Status, prev.Status)
		}
	}
	return nil
}

func checkFailovers(fs []time.Duration) error {
	if len(fs) > maxFailovers {
		return fmt.Errorf("failovers: %d, at most %d (ha1_ to ha3_)", len(fs), maxFailovers)
	}
	for j, d := range fs {
		if d < 0 || d > maxScenarioTime {
			return fmt.Errorf("failovers[%d]: %v is outside 0..%v", j, d, maxScenarioTime)
		}
		if j > 0 && d <= fs[j-1] {
			return fmt.Errorf("failovers[%d]: %v is not after the previous failover's %v", j, d, fs[j-1])
		}
	}
	return nil
}

// prepared is a validated deep copy with every task ID filled in.
func (sc *Scenario) prepared() (*Scenario, error) {
	cp := &Scenario{Faults: append([]FaultWindow(nil), sc.Faults...), Callbacks: sc.Callbacks}
	for _, t := range sc.Tasks {
		t.Users = append([]string(nil), t.Users...)
		t.Timeline = append([]Step(nil), t.Timeline...)
		t.Failovers = append([]time.Duration(nil), t.Failovers...)
		cp.Tasks = append(cp.Tasks, t)
	}
	if err := cp.normalize(); err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, t := range cp.Tasks {
		ids[t.TaskID] = true
	}
	for i := range cp.Tasks {
		for cp.Tasks[i].TaskID == "" {
			if id := newTaskID(); !ids[id] {
				cp.Tasks[i].TaskID = id
				ids[id] = true
			}
		}
	}
	return cp, nil
}

var codePattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9_]+)*$`)

// validCode reports whether s looks like an API error code.
func validCode(s string) bool {
	return len(s) <= 128 && codePattern.MatchString(s)
}
