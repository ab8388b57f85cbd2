// Package recfile reads what a TRTC on-cloud recording file name says: the
// room, the user, the stream, whether it is a mixed recording and whether
// the recorder failed over. DescribeCloudRecording lists only the M3U8 index
// files, named (trtc-api.md, "File names", from the TRTC recording guide):
//
//	single stream: <Prefix>/<TaskId>/<SdkAppId>_<RoomId>__UserId_s_<UserId>__UserId_e_<MediaId>_<Type>.m3u8
//	mixed:         <Prefix>/<TaskId>/<SdkAppId>_<RoomId>.m3u8
//
// <UserId> and a string <RoomId> are standard base64 with '/' written '-' and
// '=' written '.'; <MediaId> is main or aux; <Type> is audio or video. A
// recorder restarted by high availability prefixes its files ha1_ to ha3_
// (the guide does not say where; this package takes the prefix at the start
// of the base name, which is where the emulator puts it). Whether FileName
// carries the <Prefix>/<TaskId>/ folders is unconfirmed, so any folder
// prefix is accepted and kept apart.
//
// Everything here is untrusted API text: Parse never panics, and the values
// meant for a screen (Parts, Summary) are sanitised.
package recfile

import (
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// Name is what one file name says. Strings are raw (decoded bytes as text
// when they decode): sanitise before printing, or use Parts.
type Name struct {
	Folder string // everything up to and including the last '/', "" when none
	Base   string // the name after Folder

	// OK is set when Base follows one of the documented forms; the other
	// fields are meaningful only then.
	OK       bool
	Failover int    // 1..3 for an ha1_..ha3_ prefix, 0 for none
	SdkAppID string // decimal, as written
	Room     string // the RoomId: digits as written, or the decoded string
	RoomRaw  string // the RoomId as written in the name
	// RoomString is set when RoomRaw is not a number and decoded from base64
	// (a string room, RoomIdType 0).
	RoomString bool
	Mixed      bool   // <SdkAppId>_<RoomId>.m3u8: every user in one file
	User       string // decoded UserId, or UserRaw when it does not decode
	UserRaw    string // the UserId as written in the name
	// UserDecoded is set when UserRaw decoded to printable UTF-8 text.
	UserDecoded bool
	Media       string // "main" (camera) or "aux" (screen share)
	Type        string // "audio" or "video"
}

const (
	ext       = ".m3u8"
	userStart = "__UserId_s_"
	userEnd   = "__UserId_e_"
	// maxName bounds the work on a hostile name; real ones are short.
	maxName = 4096
)

// Parse splits name into its parts. A name that does not follow the
// documented forms comes back with OK false and only Folder and Base set.
func Parse(name string) Name {
	n := Name{Base: name}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		n.Folder, n.Base = name[:i+1], name[i+1:]
	}
	if len(name) > maxName {
		return n
	}
	s, ok := strings.CutSuffix(n.Base, ext)
	if !ok {
		return n
	}
	if len(s) > 4 && s[0] == 'h' && s[1] == 'a' && s[2] >= '1' && s[2] <= '3' && s[3] == '_' {
		n.Failover = int(s[2] - '0')
		s = s[4:]
	}
	app, rest, ok := strings.Cut(s, "_")
	if !ok || !digits(app) {
		return n
	}
	room, user, single := strings.Cut(rest, userStart)
	if !validRoom(room) {
		return n
	}
	if single {
		i := strings.LastIndex(user, userEnd)
		if i < 0 {
			return n
		}
		stream := user[i+len(userEnd):]
		user = user[:i]
		media, typ, ok := strings.Cut(stream, "_")
		if !ok || (media != "main" && media != "aux") || (typ != "audio" && typ != "video") || user == "" {
			return n
		}
		n.Media, n.Type, n.UserRaw = media, typ, user
		n.User, n.UserDecoded = decode(user)
	} else {
		n.Mixed = true
	}
	n.SdkAppID, n.RoomRaw, n.Room = app, room, room
	if !digits(room) {
		n.Room, n.RoomString = decode(room)
	}
	n.OK = true
	return n
}

// String writes the name back from its parts, so a parsed name can be
// checked against the original; a name that did not parse is returned as
// it was given.
func (n Name) String() string {
	if !n.OK {
		return n.Folder + n.Base
	}
	var b strings.Builder
	b.WriteString(n.Folder)
	if n.Failover > 0 {
		b.WriteString("ha" + string(rune('0'+n.Failover)) + "_")
	}
	b.WriteString(n.SdkAppID + "_" + n.RoomRaw)
	if !n.Mixed {
		b.WriteString(userStart + n.UserRaw + userEnd + n.Media + "_" + n.Type)
	}
	b.WriteString(ext)
	return b.String()
}

// Stream names the stream in words: "main", "aux" (screen share) or
// "mixed"; "" when the name did not parse.
func (n Name) Stream() string {
	switch {
	case !n.OK:
		return ""
	case n.Mixed:
		return "mixed"
	}
	return n.Media
}

// Part is one labelled, sanitised value for display.
type Part struct{ Label, Value string }

// Parts lists what the name says, sanitised, in the order a reader wants
// it: room, user, stream, track, failover, folder. A name that does not
// parse gives only a note saying so.
func (n Name) Parts() []Part {
	if !n.OK {
		return []Part{{"Name", "not a documented recording file name; shown as the API gave it"}}
	}
	room := sanitize.String(n.Room)
	switch {
	case n.RoomString:
		room += " (string room, base64 " + sanitize.String(n.RoomRaw) + ")"
	case !digits(n.RoomRaw):
		room += " (not a number; " + undecoded(n.RoomRaw) + ")"
	}
	ps := []Part{{"Room", room}, {"SdkAppId", sanitize.String(n.SdkAppID)}}
	if n.Mixed {
		ps = append(ps, Part{"Stream", "mixed: every user in one file"})
	} else {
		user := sanitize.String(n.User)
		if n.UserDecoded {
			user += " (from base64 " + sanitize.String(n.UserRaw) + ")"
		} else {
			user += " (" + undecoded(n.UserRaw) + ")"
		}
		media := "main (camera)"
		if n.Media == "aux" {
			media = "aux (screen share)"
		}
		ps = append(ps, Part{"User", user}, Part{"Stream", media}, Part{"Type", n.Type})
	}
	if n.Failover > 0 {
		ps = append(ps, Part{"Failover", "ha" + string(rune('0'+n.Failover)) + "_: written after recorder restart " + string(rune('0'+n.Failover)) + " of at most 3"})
	}
	if n.Folder != "" {
		ps = append(ps, Part{"Folder", sanitize.String(n.Folder)})
	}
	return ps
}

// NoFilesHint is what snapshot and the dashboard say for a task whose
// StorageFileList is empty. The API does not tell where a task stores, so
// it must be true for both: a COS task lists its index files once written,
// a VOD task never lists any (they arrive by callback).
const NoFilesHint = "no files listed (COS tasks list them once written; VOD tasks never do)"

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validRoom accepts a RoomId as it can appear in a name: digits, or the
// TRTC base64 alphabet. The name's separators ('_') cannot occur in either.
func validRoom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !b64Char(s[i]) {
			return false
		}
	}
	return true
}

func b64Char(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

var fromName = strings.NewReplacer("-", "/", ".", "=")

// Why a UserId or RoomId in a name was not decoded.
const (
	notBase64 = "not base64"
	notUTF8   = "base64 of bytes that are not UTF-8 text"
	notPrint  = "base64 of text with control or invisible characters"
)

// decode undoes the name encoding of a UserId or string RoomId. It returns
// the raw text and false when the text is not TRTC base64 or does not
// decode to printable UTF-8.
func decode(s string) (string, bool) {
	t, why := decodeWhy(s)
	return t, why == ""
}

// decodeWhy is decode saying why not: the decoded text, or s and one of
// notBase64, notUTF8, notPrint.
func decodeWhy(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if !b64Char(s[i]) {
			return s, notBase64
		}
	}
	std := fromName.Replace(s)
	b, err := base64.StdEncoding.Strict().DecodeString(std)
	if err != nil {
		// Some writers drop the padding.
		if b, err = base64.RawStdEncoding.Strict().DecodeString(std); err != nil {
			return s, notBase64
		}
	}
	if len(b) == 0 {
		return s, notBase64
	}
	if !utf8.Valid(b) {
		return s, notUTF8
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) {
			return s, notPrint
		}
	}
	return string(b), ""
}

// undecoded explains a value shown as written: why it was not decoded and,
// for text with controls, what it decodes to (sanitised, so harmless).
func undecoded(raw string) string {
	_, why := decodeWhy(raw)
	if why == notPrint {
		b, _ := base64.StdEncoding.DecodeString(fromName.Replace(raw))
		if b == nil {
			b, _ = base64.RawStdEncoding.DecodeString(fromName.Replace(raw))
		}
		return "as written: " + why + ", " + sanitize.String(string(b))
	}
	return "as written: " + why
}
