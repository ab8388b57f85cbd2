package watch

import (
	"strconv"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// PushedFact is one line of what callbacks said about a task, worded once
// for every reader that shows it beside the API's fields: the detail pane,
// the describe view and the exports. Label is short (at most 9 cells, the
// detail pane's label column); Text is raw and holds strings from the
// network: sanitise it before display.
type PushedFact struct {
	Label string
	At    time.Time // when it happened at TRTC; zero for a fact with no time
	Text  string
}

// Facts words p as lines, oldest fact of each kind first: the room and
// the robot, how many callbacks came, then the recorder's life (301,
// 306, 302), the uploads (303, 304, 305), the faults (308, 309), and MP4
// and VOD (310, 311, 312). Files callbacks named (307) are not here: the
// file lists match them to the API's files by name (File, Unlisted).
func (p *Pushed) Facts() []PushedFact {
	if p == nil {
		return nil
	}
	var out []PushedFact
	add := func(label string, at time.Time, text string) {
		out = append(out, PushedFact{Label: label, At: at, Text: text})
	}
	if p.RoomID != "" || p.Adopted {
		room := p.RoomID
		if room == "" {
			room = "(not named)"
		}
		if p.Adopted {
			room += " (adopted: added because a callback named it)"
		}
		add("RoomId", time.Time{}, room)
	}
	if p.RobotID != "" {
		add("Robot", time.Time{}, "UserId "+p.RobotID)
	}
	if p.Callbacks > 0 || p.Dropped > 0 {
		n := "latest of " + strconv.Itoa(p.Callbacks)
		if p.Other > 0 {
			n += ", " + strconv.Itoa(p.Other) + " of types this build does not know"
		}
		if p.Dropped > 0 {
			n += ", " + plural(p.Dropped, "fact") + " not kept (the task's limits were full)"
		}
		add("Callbacks", p.Latest, n)
	}
	if o := p.Started; !o.At.IsZero() {
		add("Recorder", o.At, okStatus(o.Status, "301 started", "301 failed to start"))
	}
	for _, o := range p.Failovers {
		add("Failover", o.At, okStatus(o.Status, "306 moved to a new recorder", "306 failover"))
	}
	if s := p.Stopped; !s.At.IsZero() {
		add("Stopped", s.At, "302 LeaveCode "+strconv.FormatInt(s.LeaveCode, 10)+": "+s.meaning())
	}
	if o := p.UploadStarted; !o.At.IsZero() {
		add("Upload", o.At, okStatus(o.Status, "303 started", "303 failed to start"))
	}
	if i := p.Index; !i.At.IsZero() {
		add("Index", i.At, "304 "+i.FileList)
	}
	if o := p.UploadStopped; !o.At.IsZero() {
		add("Upload", o.At, "305 "+outcome(o.Status, "all files uploaded", "some files left on the server", "the files left on the server uploaded"))
	}
	for _, f := range p.Faults {
		if f.Type == callback.ImageError {
			add("Error", f.At, "309 image download failed: "+f.Message)
			continue
		}
		add("Error", f.At, "308 upload error "+f.Code+": "+f.Message)
	}
	for _, r := range p.MP4 {
		add("MP4", r.At, "310 "+outcome(r.Status, "all uploaded", "some left behind", "failed")+", "+plural(len(r.Files), "file"))
		for _, f := range r.Files {
			add("", time.Time{}, f.FileName+" "+userTrack(f.UserId, f.TrackType)+mediaID(f.MediaId))
		}
	}
	for _, r := range p.VOD {
		v := r.File
		text := "311 " + outcome(r.Status, "committed", "left on the server", "failed") + ": " + userTrack(v.UserId, v.TrackType)
		if v.FileId != "" {
			text += " FileId " + v.FileId
		}
		if r.Errmsg != "" {
			text += " (" + r.Errmsg + ")"
		}
		if v.VideoUrl != "" {
			text += " " + v.VideoUrl
		}
		add("VOD", r.At, text)
	}
	if o := p.VODStopped; !o.At.IsZero() {
		add("VOD", o.At, okStatus(o.Status, "312 ended normally", "312 ended abnormally"))
	}
	return out
}

// File is the 307 of the file named name, if a callback told of it.
func (p *Pushed) File(name string) (PushedFile, bool) {
	if p != nil {
		for _, f := range p.Files {
			if f.FileName == name {
				return f, true
			}
		}
	}
	return PushedFile{}, false
}

// Unlisted are the files callbacks named (307) that listed, the API's
// latest file list, does not hold yet: a file starts before the next
// answer lists it.
func (p *Pushed) Unlisted(listed []File) []PushedFile {
	if p == nil {
		return nil
	}
	names := make(map[string]bool, len(listed))
	for _, f := range listed {
		names[f.FileName] = true
	}
	var out []PushedFile
	for _, f := range p.Files {
		if !names[f.FileName] {
			out = append(out, f)
		}
	}
	return out
}

// okStatus is a 301, 303, 306 or 312 Status: 0 is ok, any other is bad with
// its number.
func okStatus(s int64, ok, bad string) string {
	if s == 0 {
		return ok
	}
	return bad + " (Status " + strconv.FormatInt(s, 10) + ")"
}

// outcome is a 305, 310 or 311 Status: 0, 1 or 2 in TRTC's meaning, any
// other by its number.
func outcome(s int64, zero, one, two string) string {
	switch s {
	case 0:
		return zero
	case 1:
		return one + " (Status 1)"
	case 2:
		return two + " (Status 2)"
	}
	return "Status " + strconv.FormatInt(s, 10)
}

// userTrack is "alice/audio_video", "(mixed)/video" for a mixed stream.
func userTrack(user, track string) string {
	if user == "" {
		user = "(mixed)"
	}
	if track == "" {
		return user
	}
	return user + "/" + track
}

func mediaID(id string) string {
	if id == "" {
		return ""
	}
	return " MediaId " + id
}
