package watchlist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trtcwatch/trtcwatch/safefile"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// diskEntry is the JSON form of an Entry: flat, with snake_case names.
type diskEntry struct {
	Region   string    `json:"region"`
	SdkAppID uint64    `json:"sdk_app_id"`
	TaskID   string    `json:"task_id"`
	Note     string    `json:"note,omitempty"`
	AddedAt  time.Time `json:"added_at,omitzero"`
	Adopted  bool      `json:"adopted,omitempty"`
	Room     string    `json:"room,omitempty"`
}

type diskFile struct {
	Version int         `json:"version"`
	Tasks   []diskEntry `json:"tasks"`
}

// problem says what is wrong with a file, completing "watch list PATH ...".
type problem struct {
	what  string
	whole bool // nothing usable: keep the file aside by renaming it
	newer bool // written by a later format: leave it alone
}

func wholeProblem(format string, args ...any) *problem {
	return &problem{what: fmt.Sprintf(format, args...), whole: true}
}

// parse decodes a file read by readFile (readErr is nil or a
// *safefile.TooLargeError).
// It returns the valid entries, and a problem unless the file was perfect.
// An empty file is an empty list: there is nothing in it to lose.
func parse(data []byte, readErr error) ([]Entry, *problem) {
	if bad, empty := unreadable(data, readErr); bad != nil || empty {
		return nil, bad
	}
	// A file trtcwatch wrote decodes whole in one pass. Any other is
	// decoded again entry by entry, so that a bad entry costs only itself.
	var whole struct {
		Version json.RawMessage `json:"version"`
		Tasks   []diskEntry     `json:"tasks"`
	}
	if json.Unmarshal(data, &whole) == nil {
		if bad := versionProblem(whole.Version); bad != nil {
			return nil, bad
		}
		return entries(len(whole.Tasks), func(i int) (Entry, error) { return fromDisk(whole.Tasks[i]) })
	}
	var doc struct {
		Version json.RawMessage   `json:"version"`
		Tasks   []json.RawMessage `json:"tasks"`
	}
	if bad := decodeDoc(data, &doc); bad != nil {
		return nil, bad
	}
	if bad := versionProblem(doc.Version); bad != nil {
		return nil, bad
	}
	return entries(len(doc.Tasks), func(i int) (Entry, error) { return decodeEntry(doc.Tasks[i]) })
}

// newerFormat is parse's problem with a file written by a later format
// (nil for any other file), found from its version alone.
func newerFormat(data []byte, readErr error) *problem {
	if bad, empty := unreadable(data, readErr); bad != nil || empty {
		return nil
	}
	var doc struct {
		Version json.RawMessage `json:"version"`
	}
	if decodeDoc(data, &doc) != nil {
		return nil
	}
	if bad := versionProblem(doc.Version); bad != nil && bad.newer {
		return bad
	}
	return nil
}

// unreadable is the problem of a file too large to read, or reports an
// empty one.
func unreadable(data []byte, readErr error) (bad *problem, empty bool) {
	var big *safefile.TooLargeError
	if errors.As(readErr, &big) {
		return wholeProblem("is %d bytes, too big to be a watch list (the limit is %d MiB)", big.Size, maxSize>>20), false
	}
	return nil, len(bytes.TrimSpace(data)) == 0
}

// decodeDoc decodes the file's top level into doc.
func decodeDoc(data []byte, doc any) *problem {
	if err := json.Unmarshal(data, doc); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return wholeProblem("is not valid JSON (%v at byte %d)", syn, syn.Offset)
		}
		return wholeProblem(`is JSON but not a watch list (want an object with "version" and a "tasks" array)`)
	}
	return nil
}

// versionProblem says what is wrong with the file's format version, if
// anything.
func versionProblem(raw json.RawMessage) *problem {
	if raw == nil {
		return wholeProblem("has no format version")
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil {
		return wholeProblem("has a format version that is not a whole number (%.20s)", raw)
	}
	if v > version {
		return &problem{what: fmt.Sprintf("was written by a newer trtcwatch (format version %d; this one reads %d)", v, version), newer: true}
	}
	if v < version {
		return wholeProblem("has format version %d, which this trtcwatch does not read (it reads %d)", v, version)
	}
	return nil
}

// entries collects the n entries decode returns, dropping the invalid ones
// and repeats of a task, and keeping at most MaxTasks, with the problem
// that says so.
func entries(n int, decode func(i int) (Entry, error)) ([]Entry, *problem) {
	var list []Entry
	var reasons []string
	seen := make(map[taskref.Ref]int, n)
	for i := range n {
		e, err := decode(i)
		if j, dup := seen[e.Ref]; err == nil && dup {
			err = fmt.Errorf("same task as entry %d", j+1)
		}
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("entry %d: %v", i+1, err))
			continue
		}
		seen[e.Ref] = i
		list = append(list, e)
	}
	var over string
	if len(list) > MaxTasks {
		over = fmt.Sprintf("has %d tasks, more than the %d a watch list holds (kept the first %d)", len(list), MaxTasks, MaxTasks)
		list = list[:MaxTasks:MaxTasks]
	}
	if len(reasons) == 0 && over == "" {
		return list, nil
	}
	var what []string
	if len(reasons) > 0 {
		const shown = 3
		summary := strings.Join(reasons[:min(len(reasons), shown)], "; ")
		if len(reasons) > shown {
			summary += "; …"
		}
		noun := "entries"
		if len(reasons) == 1 {
			noun = "entry"
		}
		what = append(what, fmt.Sprintf("has %d invalid %s (%s)", len(reasons), noun, summary))
	}
	if over != "" {
		what = append(what, over)
	}
	return list, &problem{what: strings.Join(what, " and ")}
}

func decodeEntry(raw json.RawMessage) (Entry, error) {
	var d diskEntry
	if err := json.Unmarshal(raw, &d); err != nil {
		return Entry{}, fmt.Errorf("not a task object (%v)", err)
	}
	return fromDisk(d)
}

// fromDisk is the entry d holds, cleaned as the engine would have stored it,
// and whether it is valid.
func fromDisk(d diskEntry) (Entry, error) {
	e := Entry{
		Ref:     taskref.Ref{Region: d.Region, SdkAppID: d.SdkAppID, TaskID: d.TaskID},
		Note:    CleanNote(d.Note), // what the engine would have stored; keeps an entry within maxEntryBytes
		AddedAt: d.AddedAt,
		Adopted: d.Adopted,
		Room:    CleanRoom(d.Room), // the same for the room
	}
	return e, validate(e)
}

// validate holds an entry to what the engine can poll, so that a hand-edited
// file cannot smuggle in a task the input parser would have refused.
func validate(e Entry) error {
	if err := taskref.ValidateTaskID(e.Ref.TaskID); err != nil {
		return fmt.Errorf("task_id: %w", err)
	}
	if e.Ref.SdkAppID == 0 {
		return errors.New("sdk_app_id is missing or 0")
	}
	if !regionName(e.Ref.Region) {
		return fmt.Errorf("region %q is not a region name", e.Ref.Region)
	}
	if y := e.AddedAt.UTC().Year(); y < 0 || y > 9999 {
		return fmt.Errorf("added_at year %d cannot be written as RFC 3339", y)
	}
	return nil
}

// regionName accepts the shape of Tencent Cloud region names
// ("ap-singapore", "na-siliconvalley"); which ones exist is the client's call.
func regionName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// normalize checks what an Update callback returned: every entry valid, the
// first of duplicates kept, notes and rooms cleaned (so an entry stays within
// maxEntryBytes), at most MaxTasks entries, times in UTC so the file reads
// the same anywhere.
func normalize(list []Entry) ([]Entry, error) {
	out := make([]Entry, 0, len(list))
	seen := make(map[taskref.Ref]bool, len(list))
	for i, e := range list {
		if err := validate(e); err != nil {
			return nil, fmt.Errorf("entry %d (%s): %w", i+1, e.Ref, err)
		}
		if seen[e.Ref] {
			continue
		}
		seen[e.Ref] = true
		e.AddedAt = e.AddedAt.UTC()
		e.Note = CleanNote(e.Note)
		e.Room = CleanRoom(e.Room)
		out = append(out, e)
	}
	if len(out) > MaxTasks {
		return nil, fmt.Errorf("%d tasks: %w", len(out), ErrTooManyTasks)
	}
	return out, nil
}

func encode(list []Entry) ([]byte, error) {
	doc := diskFile{Version: version, Tasks: make([]diskEntry, 0, len(list))}
	for _, e := range list {
		doc.Tasks = append(doc.Tasks, diskEntry{
			Region: e.Ref.Region, SdkAppID: e.Ref.SdkAppID, TaskID: e.Ref.TaskID,
			Note: e.Note, AddedAt: e.AddedAt.UTC(), Adopted: e.Adopted, Room: e.Room,
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}

// CleanNote is what the dashboard should store for a note the engineer
// typed or pasted: whitespace (newlines included) collapsed to single spaces,
// invalid UTF-8 replaced, at most MaxNoteLen runes. It does not make the note
// terminal-safe; sanitize.String does that on display.
func CleanNote(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if utf8.RuneCountInString(s) <= MaxNoteLen {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxNoteLen {
			return strings.TrimRight(s[:i], " ")
		}
		n++
	}
	return s
}

// maxRoomLen bounds a stored room, in bytes: TRTC's room IDs are at most 64
// bytes (a string room) or 10 digits.
const maxRoomLen = 64

// CleanRoom is what the list stores for a RoomId a callback gave: invalid
// UTF-8 and control characters replaced, at most maxRoomLen bytes. A real
// room ID passes unchanged; the rest cannot make an entry too large to
// read back. It does not make the room terminal-safe; sanitize.String does
// that on display.
func CleanRoom(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r < 0xa0 {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) <= maxRoomLen {
		return s
	}
	n := maxRoomLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
