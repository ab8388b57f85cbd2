// Package hook runs the user's --on-change command for each transition or
// alert without ever holding up the dashboard: a bounded queue, a few
// processes at a time, each with a timeout that kills it and whatever it
// left running (on Linux, through a supervisor: supervise_linux.go), and
// every failure reported for the banner and the log.
//
// The contract with the command: the event is one JSON object on stdin
// (Event), and the basics are in the environment (TRTCWATCH_TASK_ID,
// TRTCWATCH_SDKAPPID, TRTCWATCH_REGION, TRTCWATCH_EVENT, TRTCWATCH_FROM,
// TRTCWATCH_TO, sanitised). API strings never become arguments, and the
// child does not inherit TENCENTCLOUD_* or TRTCWATCH_* variables. On Linux
// the process that starts hooks is non-dumpable, so a hook (the same
// user) cannot read the secret from its /proc/PID/environ or memory
// either; it can still read every file that user can, credential files
// included.
package hook

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// Kind says what an event reports.
type Kind string

// The event kinds.
const (
	transitionKind Kind = "transition" // a task's phase changed
	alertKind      Kind = "alert"      // a task started to meet an alert rule
	errorKind      Kind = "error"      // a task's calls started failing in a new way
	callbackKind   Kind = "callback"   // a recording callback reported a failure or an abnormal end
)

// Event is what a hook receives on stdin, as one JSON object. Field names
// are snake_case like the watch list, export and the event log. Strings
// are the API's and the user's exactly (JSON escapes what needs it); the
// environment variables carry sanitised copies.
type Event struct {
	Time      time.Time `json:"time"` // RFC 3339 with offset
	SdkAppID  uint64    `json:"sdk_app_id"`
	TaskID    string    `json:"task_id"`
	Region    string    `json:"region"`
	Kind      Kind      `json:"kind"`       // transition|alert|error|callback
	From      string    `json:"from"`       // the phase before ("" for an alert or a callback)
	To        string    `json:"to"`         // the phase after (the current phase for an alert or a callback)
	RequestID string    `json:"request_id"` // the RequestId of the call that showed it
	ErrorCode string    `json:"error_code"` // "" unless a call failed; for a callback, what went wrong ("recorder failover")
	Rule      string    `json:"rule"`       // the alert rule ("idle>5m"), "" otherwise
	Note      string    `json:"note"`       // the task's note, or the alert's reason
	Text      string    `json:"text"`       // what the callback said ("306 recorder failed over"), "" otherwise
}

// MarshalJSON writes Time as RFC 3339 with its offset and second precision,
// the format the event log and export use.
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return json.Marshal(struct {
		Time string `json:"time"` // shallower than plain.Time, so it wins, and comes first
		plain
	}{e.Time.Format(time.RFC3339), plain(e)})
}

// env is the event as environment variables, each value sanitised so a
// script that echoes one cannot be made to print an escape sequence.
func (e Event) env() []string {
	app := ""
	if e.SdkAppID != 0 {
		app = strconv.FormatUint(e.SdkAppID, 10)
	}
	kv := [][2]string{
		{"TRTCWATCH_TASK_ID", e.TaskID}, {"TRTCWATCH_SDKAPPID", app}, {"TRTCWATCH_REGION", e.Region},
		{"TRTCWATCH_EVENT", string(e.Kind)}, {"TRTCWATCH_FROM", e.From}, {"TRTCWATCH_TO", e.To},
	}
	out := make([]string, len(kv))
	for i, p := range kv {
		out[i] = p[0] + "=" + sanitize.String(p[1])
	}
	return out
}
