// Package eventlog keeps a record of what happened to watched recording
// tasks that outlives the dashboard: every transition, error-code change,
// add, remove and note edit, one JSON object per line, appended to
// events.jsonl beside the watch list (and, with callbacks on, what TRTC's
// recording callbacks said). A support engineer who restarts
// trtcwatch keeps each task's history, and can print the log for a ticket
// (`trtcwatch events`).
//
// A line looks like this (fields left out when empty, except time,
// sdk_app_id, task_id, region, kind and pid):
//
//	{"time":"2026-11-28T23:40:00.123+08:00","sdk_app_id":1400000001,
//	 "task_id":"abc","region":"ap-singapore","kind":"transition",
//	 "from":"Idle","to":"InProgress","request_id":"5f0c…","by":"","pid":4242}
//
// The log never holds a secret: Record has no field for one, and each field
// is bounded (256 bytes, notes 1024) on write and again on read.
// Strings in it come from the API and from people: sanitise them before
// printing (sanitize.String).
//
// Writing never blocks the caller (see Attach); reading never fails on a
// bad line (see Read): a line torn by a crash or garbled by hand is skipped
// and counted.
package eventlog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// fileName is the log's name in its directory.
const fileName = "events.jsonl"

// maxField bounds every string field but the note, in bytes: room for any
// real task ID, RequestId or error code, not for a pasted blob.
const maxField = 256

// maxNote bounds the note field in bytes (the watch list keeps 200 runes).
const maxNote = 1024

// Record is one line of the log. The JSON names are shared with the hook
// package, so a script reading either sees the same shape.
type Record struct {
	Time      time.Time `json:"time"`
	SdkAppID  uint64    `json:"sdk_app_id"`
	TaskID    string    `json:"task_id"`
	Region    string    `json:"region"`
	Kind      string    `json:"kind"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
	ErrorCode string    `json:"error_code,omitempty"`
	Note      string    `json:"note,omitempty"`
	Text      string    `json:"text,omitempty"` // what a recording callback said (kinds callback, not-watched; an add it caused)
	By        string    `json:"by,omitempty"`
	PID       int       `json:"pid"`
}

// fromEvent is the record of ev as process pid writes it, every field
// bounded.
func fromEvent(ev watch.Event, pid int) Record {
	r := Record{
		Time:      ev.At,
		SdkAppID:  ev.Ref.SdkAppID,
		TaskID:    ev.Ref.TaskID,
		Region:    ev.Ref.Region,
		Kind:      string(ev.Kind),
		From:      string(ev.From),
		To:        string(ev.To),
		RequestID: ev.RequestID,
		ErrorCode: ev.Code,
		Note:      ev.Note,
		Text:      ev.Text,
		By:        ev.By,
		PID:       pid,
	}
	r.bound()
	return r
}

// Ref is the task the record is about.
func (r Record) Ref() taskref.Ref {
	return taskref.Ref{Region: r.Region, SdkAppID: r.SdkAppID, TaskID: r.TaskID}
}

// event turns the record back into the engine's form, for the events pane.
func (r Record) event() watch.Event {
	return watch.Event{
		At: r.Time, Kind: watch.EventKind(r.Kind), Ref: r.Ref(),
		From: watch.Phase(r.From), To: watch.Phase(r.To),
		RequestID: r.RequestID, Code: r.ErrorCode, Note: r.Note, Text: r.Text, By: r.By,
	}
}

// bound cuts every string field to its limit, on a rune boundary, and
// makes it valid UTF-8, so a record read back is never larger than a
// record written.
func (r *Record) bound() {
	for _, p := range []*string{&r.TaskID, &r.Region, &r.Kind, &r.From, &r.To, &r.RequestID, &r.ErrorCode, &r.By} {
		*p = cut(*p, maxField)
	}
	r.Note = cut(r.Note, maxNote)
	r.Text = cut(r.Text, maxNote)
}

// valid says whether a record read back is one the log could have written.
func (r *Record) valid() bool {
	if r.Time.IsZero() || r.TaskID == "" {
		return false
	}
	switch watch.EventKind(r.Kind) {
	case watch.EventTransition, watch.EventError, watch.EventAdd, watch.EventRemove, watch.EventNote,
		watch.EventCallback, watch.EventNotWatched:
		return true
	}
	return false
}

func cut(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// DefaultPath is events.jsonl beside the watch list: beside statePath when
// one is given (--state), else in $XDG_STATE_HOME/trtcwatch, falling back
// to ~/.local/state/trtcwatch as watchlist.DefaultPath does.
func DefaultPath(statePath string) (string, error) {
	if statePath != "" {
		return filepath.Join(filepath.Dir(statePath), fileName), nil
	}
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "trtcwatch", fileName), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("event log location: %w", err)
	}
	return filepath.Join(home, ".local", "state", "trtcwatch", fileName), nil
}

// keep is how many rotated files are kept beside the live one
// (events.jsonl.1 is the newest of them).
const keep = 3

// Files lists the log's files oldest first: path.keep … path.1, path. Some
// may not exist; Read skips those.
func Files(path string) []string {
	fs := make([]string, 0, keep+1)
	for i := keep; i >= 1; i-- {
		fs = append(fs, fmt.Sprintf("%s.%d", path, i))
	}
	return append(fs, path)
}
