package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"io"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Record is one line of the JSON export. It keeps every field
// `snapshot --json` has always printed, with the same names and meaning
// (status is the API's word, "gone" or "error"; files are objects), and
// adds what the dashboard knows: the phase it shows, since when, and the
// note. Field names are snake_case like the watch list and the event log.
// Strings are the API's exactly; the encoder escapes what a terminal would
// act on, so the output is safe to cat and still decodes to the same data.
type Record struct {
	SdkAppID     uint64       `json:"sdk_app_id"`
	TaskID       string       `json:"task_id"`
	Region       string       `json:"region"`
	Status       string       `json:"status"`     // Idle|InProgress|Exited as the API says, or gone|error, "" before an answer
	Phase        string       `json:"phase"`      // the dashboard's word: Idle, InProgress, Exited, ended, vanished, not found, ...
	Since        string       `json:"since"`      // RFC 3339 with offset: when Phase began ("" if unknown)
	Note         string       `json:"note"`       // the user's note, "" when none
	Files        []RecordFile `json:"files"`      // [] when none, never null
	RequestID    string       `json:"request_id"` // the RequestId to quote
	ErrorCode    string       `json:"error_code"` // "" unless the latest call failed (or found the task gone)
	ErrorMessage string       `json:"error_message"`
	ErrorKind    string       `json:"error_kind"` // gone, throttled, auth, bad_request, transient, ...
	// Callbacks is what TRTC's recording callbacks said (watch.Pushed),
	// absent when none named the task.
	Callbacks *RecordCallbacks `json:"callbacks,omitempty"`
}

// RecordCallbacks is a task's callback facts in a Record: the room, the
// robot, whether a callback added the task, how many came and how many
// facts did not fit, each fact as the dashboard words it, and the files
// callbacks named that the API's list does not hold yet.
type RecordCallbacks struct {
	RoomID      string       `json:"room_id"`
	RobotUserID string       `json:"robot_user_id"`
	Adopted     bool         `json:"adopted"`
	Count       int          `json:"count"`
	Dropped     int          `json:"dropped"`
	Facts       []RecordFact `json:"facts"`
	Unlisted    []RecordFile `json:"files_not_listed"`
}

// RecordFact is one watch.PushedFact.
type RecordFact struct {
	Label string  `json:"label"`
	At    *string `json:"at"` // RFC 3339 with offset, null for a fact with no time
	Text  string  `json:"text"`
}

// RecordFile is one storage file in a Record.
type RecordFile struct {
	UserID    string  `json:"user_id"`
	TrackType string  `json:"track_type"`
	FileName  string  `json:"file_name"`
	BeginMS   *int64  `json:"begin_ms"` // Unix milliseconds, null when the API gave none
	Begin     *string `json:"begin"`    // the same as RFC 3339 with offset, null when none
	// CallbackUserID is the UserId the file's callback (307) gave, when
	// it differs from the API's (which may leave it empty).
	CallbackUserID string `json:"callback_user_id,omitempty"`
}

// newRecordFile is one file in a Record.
func newRecordFile(f watch.File, loc *time.Location) RecordFile {
	rf := RecordFile{UserID: f.UserID, TrackType: f.TrackType, FileName: f.FileName}
	if !f.Begin.IsZero() {
		ms, s := f.Begin.UnixMilli(), f.Begin.In(loc).Format(time.RFC3339)
		rf.BeginMS, rf.Begin = &ms, &s
	}
	return rf
}

// newRecord builds the JSON export's record of one task.
func newRecord(t watch.Task, loc *time.Location) Record {
	if loc == nil {
		loc = time.UTC
	}
	r := Record{SdkAppID: t.Ref.SdkAppID, TaskID: t.Ref.TaskID, Region: t.Ref.Region,
		Status: apiStatus(t), Phase: string(t.Phase), Since: since(t, loc), Note: t.Note,
		Files: []RecordFile{}, RequestID: requestID(t)}
	if r.Phase == "" {
		r.Phase = string(watch.Pending)
	}
	p := t.Pushed
	for _, f := range files(t) {
		rf := newRecordFile(f, loc)
		if pf, ok := p.File(f.FileName); ok && pf.UserID != f.UserID {
			rf.CallbackUserID = pf.UserID
		}
		r.Files = append(r.Files, rf)
	}
	if p != nil {
		c := &RecordCallbacks{RoomID: p.RoomID, RobotUserID: p.RobotID, Adopted: p.Adopted, Count: p.Callbacks, Dropped: p.Dropped,
			Facts: []RecordFact{}, Unlisted: []RecordFile{}}
		for _, f := range p.Facts() {
			rf := RecordFact{Label: f.Label, Text: f.Text}
			if !f.At.IsZero() {
				s := f.At.In(loc).Format(time.RFC3339)
				rf.At = &s
			}
			c.Facts = append(c.Facts, rf)
		}
		for _, f := range p.Unlisted(files(t)) {
			c.Unlisted = append(c.Unlisted, newRecordFile(watch.File{UserID: f.UserID, FileName: f.FileName, TrackType: f.TrackType, Begin: f.Begin}, loc))
		}
		r.Callbacks = c
	}
	if e := t.LastErr; e != nil {
		r.ErrorCode, r.ErrorMessage, r.ErrorKind = e.Code, e.Message, kindName(e.Kind)
	}
	return r
}

// kindName is the machine form of an error kind for scripts ("bad_request").
func kindName(k client.Kind) string { return strings.ReplaceAll(k.String(), " ", "_") }

func writeJSON(w io.Writer, tasks []watch.Task, loc *time.Location) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, t := range tasks {
		if err := enc.Encode(newRecord(t, loc)); err != nil {
			return fmt.Errorf("encode task %s: %w", t.Ref, err)
		}
	}
	if _, err := w.Write(EscapeInvisible(buf.Bytes())); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// EscapeInvisible rewrites, as \uXXXX, the characters that encoding/json
// leaves raw but a terminal acts on or hides: DEL, C1 controls, bidi
// controls, zero-width and other invisible format characters. In JSON
// output they can only occur inside strings (the rest is ASCII), where the
// escape decodes back to the same character, so the data stays exact.
func EscapeInvisible(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if invisible(r) {
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// invisible reports the runes a terminal would act on or hide that JSON
// lines write as \uXXXX: sanitize's one list (sanitize.Escaped), except
// the newline that ends each line (encoding/json already escapes every
// control inside a string).
func invisible(r rune) bool { return r != '\n' && sanitize.Escaped(r) }
