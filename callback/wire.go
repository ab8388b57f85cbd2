package callback

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// GroupRecording is the EventGroupId of every on-cloud recording callback
// (group 1 is room events, 2 media, 4 relay, 8 web page recording).
const GroupRecording = 3

// Body is a callback's JSON body, field for field as TRTC's "Cloud
// Recording Callback" page documents it. The emulator marshals it and the
// receiver unmarshals it, so both sides share one definition.
type Body struct {
	EventGroupId Num       `json:"EventGroupId"`
	EventType    EventType `json:"EventType"`
	// CallbackTs is when TRTC sent this request, Unix milliseconds.
	CallbackTs Num       `json:"CallbackTs"`
	EventInfo  EventInfo `json:"EventInfo"`
}

// EventInfo is the body's event part. The documented examples send EventTs
// both as a number and as a string of digits, and RoomId as a string or a
// number (its type follows the client's room ID type), so Num and RoomID
// accept either.
type EventInfo struct {
	RoomId RoomID `json:"RoomId"`
	// EventTs is when the event happened, Unix seconds; the page
	// recommends EventMsTs instead, which older examples lack.
	EventTs   Num `json:"EventTs"`
	EventMsTs Num `json:"EventMsTs,omitempty"`
	// UserId is the recording robot's user ID, not a streaming user's.
	UserId  string          `json:"UserId"`
	TaskId  string          `json:"TaskId"`
	Payload json.RawMessage `json:"Payload,omitempty"`
}

// EventType is a recording callback's EventType (301–312).
type EventType int64

// The documented recording event types, named as TRTC names them
// (EVENT_TYPE_CLOUD_RECORDING_...).
const (
	RecorderStart EventType = 301 // recorder started (Status 0 ok, 1 failed)
	RecorderStop  EventType = 302 // recorder left the room (LeaveCode)
	UploadStart   EventType = 303 // COS upload module started (Status)
	FileInfo      EventType = 304 // first M3U8 index written and uploaded (FileList)
	UploadStop    EventType = 305 // COS upload finished (Status)
	Failover      EventType = 306 // task migrated to a new recorder (Status)
	FileSlice     EventType = 307 // first TS slice of an index file (FileName, UserId, TrackType, BeginTimeStamp)
	UploadError   EventType = 308 // storage refused an upload (Code, Message)
	ImageError    EventType = 309 // a layout image could not be downloaded (Url); TRTC's DOWNLOAD_IMAGE_ERROR
	MP4Stop       EventType = 310 // MP4 task ended (Status, FileList, FileMessage)
	VODCommit     EventType = 311 // one file committed to VOD (Status, TencentVod)
	VODStop       EventType = 312 // VOD task ended (Status)
)

const firstType, lastType = RecorderStart, VODStop

var typeTexts = [...]string{
	"recorder started", "recorder stopped", "upload started", "index file uploaded", "upload finished", "recorder failed over",
	"file started", "upload error", "image download error", "MP4 finished", "VOD commit", "VOD task finished",
}

// UnmarshalJSON accepts a number or a string of digits, like Num.
func (t *EventType) UnmarshalJSON(b []byte) error {
	return (*Num)(t).UnmarshalJSON(b)
}

// Known reports whether t is one of the documented types. The receiver
// accepts others (TRTC may add types) and shows them by number.
func (t EventType) Known() bool { return t >= firstType && t <= lastType }

// String is the type for people: "307 file started".
func (t EventType) String() string {
	n := strconv.FormatInt(int64(t), 10)
	if !t.Known() {
		return n + " (unknown type)"
	}
	return n + " " + typeTexts[t-firstType]
}

// LeaveCodeText is what a 302's LeaveCode means, per the callback page.
func LeaveCodeText(code int64) string {
	switch code {
	case 0:
		return "stopped through the API (DeleteCloudRecording)"
	case 1:
		return "robot kicked out of the room by the customer"
	case 2:
		return "room dismissed by the customer"
	case 3:
		return "robot kicked out of the room by the server"
	case 4:
		return "room dismissed by the server"
	case 99:
		return "no other user streamed for the set idle time"
	case 100:
		return "room timed out"
	case 101:
		return "same user entered the room again"
	}
	return "undocumented leave code"
}

// Num is an integer that TRTC sends as a JSON number or as a string of
// digits ("EventTs": "1622186275" in the page's own examples). It marshals
// as a number.
type Num int64

// UnmarshalJSON accepts 123, "123" and null (as 0).
func (n *Num) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*n = 0
		return nil
	}
	if len(b) > 1 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("%.32q is not an integer", b)
	}
	*n = Num(v)
	return nil
}

// RoomID is a RoomId as sent: a string room ("room-7") or a numeric one
// (12345, kept as its digits).
type RoomID struct {
	ID      string
	Numeric bool
}

// String is the room ID's text, the same for 12345 and "12345".
func (r RoomID) String() string { return r.ID }

// MarshalJSON writes a numeric room as a number and any other as a string.
func (r RoomID) MarshalJSON() ([]byte, error) {
	if r.Numeric {
		return []byte(r.ID), nil
	}
	return json.Marshal(r.ID)
}

// UnmarshalJSON accepts a string or an integer.
func (r *RoomID) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*r = RoomID{}
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = RoomID{ID: s}
	default:
		if _, err := strconv.ParseUint(string(b), 10, 64); err != nil {
			return errors.New("RoomId is neither a string nor an integer")
		}
		*r = RoomID{ID: string(b), Numeric: true}
	}
	return nil
}

// The payloads of the documented types. Each has its own type so that a
// consumer can switch on the detail Event.Read gives.

// RecorderStarted is 301's payload: Status 0 started, 1 failed to start.
type RecorderStarted struct {
	Status Num `json:"Status"`
}

// RecorderStopped is 302's payload; LeaveCodeText explains the code.
type RecorderStopped struct {
	LeaveCode Num `json:"LeaveCode"`
}

// UploadStarted is 303's payload: Status 0 started, 1 failed to start.
type UploadStarted struct {
	Status Num `json:"Status"`
}

// IndexUploaded is 304's payload: the M3U8 index file's name.
type IndexUploaded struct {
	FileList string `json:"FileList"`
}

// UploadStopped is 305's payload: Status 0 all files uploaded, 1 some left
// on the server or backup storage, 2 those were uploaded later. One page
// names the field LeaveCode, its example and the recording guide Status;
// both are read.
type UploadStopped struct {
	Status    Num  `json:"Status"`
	LeaveCode *Num `json:"LeaveCode,omitempty"`
}

// Code is the upload's status, from whichever field carried it.
func (u UploadStopped) Code() int64 {
	if u.LeaveCode != nil && u.Status == 0 {
		return int64(*u.LeaveCode)
	}
	return int64(u.Status)
}

// FailedOver is 306's payload: Status 0 migration completed.
type FailedOver struct {
	Status Num `json:"Status"`
}

// FileStarted is 307's payload: one index file and whose stream it holds.
type FileStarted struct {
	FileName  string `json:"FileName"`
	UserId    string `json:"UserId"`
	TrackType string `json:"TrackType"` // audio, video or audio_video
	// BeginTimeStamp is the server's Unix milliseconds when recording of
	// this file began (documented as a number and as a string).
	BeginTimeStamp Num `json:"BeginTimeStamp"`
}

// UploadFailed is 308's payload: the storage service's error.
type UploadFailed struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// ImageFailed is 309's payload: the image URL that failed.
type ImageFailed struct {
	Url string `json:"Url"`
}

// MP4Stopped is 310's payload (one per finished MP4 task; COS only).
type MP4Stopped struct {
	Status      Num       `json:"Status"` // 0 all uploaded, 1 some left behind, 2 failed
	FileList    []string  `json:"FileList"`
	FileMessage []MP4File `json:"FileMessage"`
}

// MP4File describes one MP4 file of a 310.
type MP4File struct {
	FileName       string `json:"FileName"`
	UserId         string `json:"UserId"` // empty in mixed mode
	TrackType      string `json:"TrackType"`
	MediaId        string `json:"MediaId"` // main, aux or mix
	StartTimeStamp Num    `json:"StartTimeStamp"`
	EndTimeStamp   Num    `json:"EndTimeStamp"`
}

// VODCommitted is 311's payload: one recorded file committed to VOD.
type VODCommitted struct {
	Status     Num     `json:"Status"` // 0 committed, 1 left on the server, 2 failed
	Errmsg     string  `json:"Errmsg,omitempty"`
	TencentVod VODFile `json:"TencentVod"`
}

// VODFile is a 311's TencentVod.
type VODFile struct {
	UserId         string `json:"UserId"`
	TrackType      string `json:"TrackType"`
	MediaId        string `json:"MediaId,omitempty"`
	FileId         string `json:"FileId,omitempty"`
	VideoUrl       string `json:"VideoUrl,omitempty"`
	CacheFile      string `json:"CacheFile,omitempty"`
	StartTimeStamp Num    `json:"StartTimeStamp,omitempty"`
	EndTimeStamp   Num    `json:"EndTimeStamp,omitempty"`
}

// VODStopped is 312's payload: Status 0 ended normally, 1 abnormally.
type VODStopped struct {
	Status Num `json:"Status"`
}

// decodePayload decodes a payload of type t into its type above (a pointer,
// e.g. *FileStarted). Unknown types, and an absent payload, give nil.
func decodePayload(t EventType, raw json.RawMessage) (any, error) {
	var v any
	switch t {
	case RecorderStart:
		v = new(RecorderStarted)
	case RecorderStop:
		v = new(RecorderStopped)
	case UploadStart:
		v = new(UploadStarted)
	case FileInfo:
		v = new(IndexUploaded)
	case UploadStop:
		v = new(UploadStopped)
	case Failover:
		v = new(FailedOver)
	case FileSlice:
		v = new(FileStarted)
	case UploadError:
		v = new(UploadFailed)
	case ImageError:
		v = new(ImageFailed)
	case MP4Stop:
		v = new(MP4Stopped)
	case VODCommit:
		v = new(VODCommitted)
	case VODStop:
		v = new(VODStopped)
	default:
		return nil, nil
	}
	if len(raw) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("payload of %d: %w", t, err)
	}
	return v, nil
}
