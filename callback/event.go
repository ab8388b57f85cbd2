package callback

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// Event is one accepted callback as the receiver hands it to its consumer:
// the body's fields in Go types, with the SdkAppId from the header and when
// it arrived. Strings in it (TaskID, RoomID, RobotID, the payload) come
// from the network: sanitise them before they reach a terminal.
type Event struct {
	SdkAppID uint64
	Type     EventType
	TaskID   string
	RoomID   RoomID
	// RobotID is EventInfo.UserId, the recording robot's user ID.
	RobotID string
	// At is when the event happened (EventMsTs, or EventTs when a sender
	// leaves EventMsTs out). Order a task's events by At, never by arrival:
	// callbacks can arrive out of order.
	At time.Time
	// Sent is the body's CallbackTs; Received is when the receiver took it.
	Sent, Received time.Time
	// Payload is the raw payload; Read decodes it.
	Payload json.RawMessage
}

// detail decodes the payload into its documented type (*FileStarted for a
// 307, ...); nil for unknown types or no payload.
func (e Event) detail() (any, error) { return decodePayload(e.Type, e.Payload) }

// Read decodes the payload once into its documented type (detail: a
// *FileStarted for a 307, ...; nil for an unknown type or no payload) and
// says in a few words what the callback reports (summary, for an events
// pane or a log: "recorder stopped, LeaveCode 99: no other user streamed
// for the set idle time", holding untrusted strings: file and user names).
// The engine files every callback it gets with both. An unreadable payload
// gives a nil detail and says so in the summary.
func (e Event) Read() (detail any, summary string) {
	d, err := e.detail()
	if err != nil {
		return nil, e.Type.String() + " (payload unreadable)"
	}
	return d, summarize(e.Type, d)
}

// summarize words a decoded payload d of type t.
func summarize(t EventType, d any) string {
	status := func(ok, bad string, s Num) string {
		if s == 0 {
			return ok
		}
		return bad + " (Status " + strconv.FormatInt(int64(s), 10) + ")"
	}
	switch p := d.(type) {
	case *RecorderStarted:
		return status("recorder started", "recorder failed to start", p.Status)
	case *RecorderStopped:
		return fmt.Sprintf("recorder stopped, LeaveCode %d: %s", p.LeaveCode, LeaveCodeText(int64(p.LeaveCode)))
	case *UploadStarted:
		return status("upload started", "upload failed to start", p.Status)
	case *IndexUploaded:
		return "index file uploaded: " + p.FileList
	case *UploadStopped:
		switch p.Code() {
		case 0:
			return "upload finished"
		case 1:
			return "upload finished, some files left on the server (Status 1)"
		case 2:
			return "files left on the server uploaded (Status 2)"
		}
		return fmt.Sprintf("upload finished (Status %d)", p.Code())
	case *FailedOver:
		return status("recorder failed over", "recorder failover", p.Status)
	case *FileStarted:
		return "file started: " + userTrack(p.UserId, p.TrackType) + " " + p.FileName
	case *UploadFailed:
		return "upload error " + p.Code + ": " + p.Message
	case *ImageFailed:
		return "image download failed: " + p.Url
	case *MP4Stopped:
		return status("MP4 finished", "MP4 finished", p.Status) + ": " + plural(len(p.FileMessage), "file")
	case *VODCommitted:
		v := p.TencentVod
		if p.Status != 0 {
			return fmt.Sprintf("VOD commit of %s failed (Status %d): %s", userTrack(v.UserId, v.TrackType), p.Status, p.Errmsg)
		}
		return "VOD commit: " + userTrack(v.UserId, v.TrackType) + " FileId " + v.FileId
	case *VODStopped:
		return status("VOD task finished", "VOD task ended abnormally", p.Status)
	}
	return t.String()
}

// Problem names what went wrong when a decoded payload d (Event.Read's
// detail) reports a failure or an abnormal end, in a few stable words a
// script can match: "recorder start failed" (301 Status 1), "upload start
// failed" (303), "files left on the server" (305 Status 1), "recorder
// failover" (306: TRTC moved the task to another recorder, which a support
// engineer wants to know of even when it succeeded), "upload error" (308),
// "image download failed" (309), "MP4 incomplete" (310 Status not 0),
// "VOD commit failed" (311 Status not 0), "VOD task ended abnormally"
// (312 Status 1). "" for routine news, an unknown type, or an unreadable
// payload. The dashboard's hooks fire for these and no other callbacks.
func Problem(d any) string {
	switch p := d.(type) {
	case *RecorderStarted:
		if p.Status != 0 {
			return "recorder start failed"
		}
	case *UploadStarted:
		if p.Status != 0 {
			return "upload start failed"
		}
	case *UploadStopped:
		if p.Code() == 1 {
			return "files left on the server"
		}
	case *FailedOver:
		return "recorder failover"
	case *UploadFailed:
		return "upload error"
	case *ImageFailed:
		return "image download failed"
	case *MP4Stopped:
		if p.Status != 0 {
			return "MP4 incomplete"
		}
	case *VODCommitted:
		if p.Status != 0 {
			return "VOD commit failed"
		}
	case *VODStopped:
		if p.Status != 0 {
			return "VOD task ended abnormally"
		}
	}
	return ""
}

func userTrack(user, track string) string {
	if user == "" {
		user = "(mixed)"
	}
	return user + "/" + track
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// errNotRecording marks a well-formed body of another event group.
var errNotRecording = errors.New("not a recording callback")

// decode parses a body strictly enough to act on it: one JSON object,
// EventGroupId 3, a valid TaskId, CallbackTs and an event time. Unknown
// fields are ignored (TRTC adds fields) and the payload is only decoded
// when a consumer asks, so an odd payload never costs a callback.
func decode(body []byte, app uint64, received time.Time) (Event, error) {
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Event{}, errors.New("body is not a JSON object")
	}
	var b Body
	if err := json.Unmarshal(body, &b); err != nil {
		return Event{}, fmt.Errorf("body: %w", err)
	}
	if b.EventGroupId != GroupRecording {
		return Event{}, fmt.Errorf("%w: EventGroupId %d", errNotRecording, b.EventGroupId)
	}
	info := b.EventInfo
	if err := taskref.ValidateTaskID(info.TaskId); err != nil {
		return Event{}, fmt.Errorf("EventInfo.TaskId: %w", err)
	}
	if b.CallbackTs <= 0 {
		return Event{}, errors.New("CallbackTs missing")
	}
	ms := int64(info.EventMsTs)
	if ms <= 0 {
		ms = int64(info.EventTs) * 1000
	}
	if ms <= 0 {
		return Event{}, errors.New("EventInfo has neither EventMsTs nor EventTs")
	}
	if b.EventType <= 0 {
		return Event{}, errors.New("EventType missing")
	}
	return Event{
		SdkAppID: app,
		Type:     b.EventType,
		TaskID:   info.TaskId,
		RoomID:   info.RoomId,
		RobotID:  info.UserId,
		At:       time.UnixMilli(ms),
		Sent:     time.UnixMilli(int64(b.CallbackTs)),
		Received: received,
		Payload:  info.Payload,
	}, nil
}
