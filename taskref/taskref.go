// Package taskref parses and validates the references a support engineer
// types or pastes to name a recording task: "TASKID" or "SDKAPPID:TASKID".
// Every entry point (command line, snapshot, the dashboard's add box) goes
// through here so that a bad ID is refused the same way, with the same
// reason, before any request is made.
package taskref

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// MaxTaskIDLen is the longest TaskId we accept. Real ones are 76 characters;
// the limit leaves room for other task families without letting a pasted
// paragraph through as an ID.
const MaxTaskIDLen = 256

// Ref names one task in one region. It is comparable, so it is used as a map
// key by the watch engine and the dashboard.
type Ref struct {
	Region   string `json:"region"`
	SdkAppID uint64 `json:"sdk_app_id"`
	TaskID   string `json:"task_id"`
}

// String is the form a user can paste back: "SDKAPPID:TASKID".
func (r Ref) String() string {
	return strconv.FormatUint(r.SdkAppID, 10) + ":" + r.TaskID
}

// Errors returned by ValidateTaskID and Parse; ErrNoSdkAppID is exported
// because watch returns it for a task added without an app.
var (
	errEmpty       = errors.New("empty task ID")
	errTooLong     = fmt.Errorf("task ID longer than %d characters", MaxTaskIDLen)
	errBadChar     = errors.New("task ID may only hold letters, digits and - _ . + / =")
	errBadSdkAppID = errors.New("SdkAppId must be a positive integer")
	ErrNoSdkAppID  = errors.New("no SdkAppId: write SDKAPPID:TASKID or pass --sdk-app-id")
)

// ValidateTaskID reports why s cannot be a TaskId, or nil.
func ValidateTaskID(s string) error {
	if s == "" {
		return errEmpty
	}
	if len(s) > MaxTaskIDLen {
		return errTooLong
	}
	for i := 0; i < len(s); i++ {
		if !taskIDByte(s[i]) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return fmt.Errorf("%q at position %d: %w", r, i+1, errBadChar) // the culprit first: a narrow screen cuts the end
		}
	}
	return nil
}

func taskIDByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-_.+/=", c) >= 0
}

// ParseSdkAppID parses a positive decimal SdkAppId.
func ParseSdkAppID(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%w, got %q", errBadSdkAppID, clip(s))
	}
	return n, nil
}

// Parse reads one entry, "TASKID" or "SDKAPPID:TASKID", after trimming
// whitespace and one pair of surrounding quotes. defaultApp is used when the
// entry has no SdkAppId (0 means there is none); region is copied into the Ref.
func Parse(entry string, defaultApp uint64, region string) (Ref, error) {
	s := trimEntry(entry)
	ref := Ref{Region: region, SdkAppID: defaultApp}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		app, err := ParseSdkAppID(s[:i])
		if err != nil {
			return Ref{}, err
		}
		ref.SdkAppID, s = app, s[i+1:]
	}
	if err := ValidateTaskID(s); err != nil {
		return Ref{}, err
	}
	if ref.SdkAppID == 0 {
		return Ref{}, ErrNoSdkAppID
	}
	ref.TaskID = s
	return ref, nil
}

func trimEntry(s string) string {
	s = strings.TrimSpace(s)
	for _, q := range []string{`"`, `'`, "`"} {
		if len(s) >= 2 && strings.HasPrefix(s, q) && strings.HasSuffix(s, q) {
			return strings.TrimSpace(s[1 : len(s)-1])
		}
	}
	return s
}

// clip keeps error messages one line long even when the input was a paste.
func clip(s string) string { return sanitize.Clip(s, 40) }

// Rejection is one entry that could not be used, and why.
type Rejection struct {
	Entry  string
	Reason error
}

// Batch is what ParseList made of a paste: what to add, what was already
// there (or repeated within the paste) and what was refused.
type Batch struct {
	Refs       []Ref
	Duplicates []Ref
	Rejected   []Rejection
}

// Summary is the one line the dashboard flashes after an add.
func (b Batch) Summary() string {
	return fmt.Sprintf("%d added, %d already watched, %d rejected",
		len(b.Refs), len(b.Duplicates), len(b.Rejected))
}

// Entries is how many entries ParseList would read from input: the
// dashboard's add box counts a pasted list with it.
func Entries(input string) int { return len(split(input)) }

// split cuts a paste into entries at spaces, commas, semicolons and newlines.
func split(input string) []string {
	return strings.FieldsFunc(input, func(r rune) bool {
		switch r {
		case ' ', '\t', '\n', '\r', ',', ';', '\v', '\f':
			return true
		}
		return false
	})
}

// ParseList parses a paste of many entries. Valid entries are kept even when
// others are rejected. exists reports tasks already watched (nil: none); a
// task named twice in the paste is kept once and reported as a duplicate.
func ParseList(input string, defaultApp uint64, region string, exists func(Ref) bool) Batch {
	var b Batch
	seen := map[Ref]bool{}
	for _, e := range split(input) {
		ref, err := Parse(e, defaultApp, region)
		if err != nil {
			b.Rejected = append(b.Rejected, Rejection{Entry: clip(e), Reason: err})
			continue
		}
		if seen[ref] || (exists != nil && exists(ref)) {
			b.Duplicates = append(b.Duplicates, ref)
			continue
		}
		seen[ref] = true
		b.Refs = append(b.Refs, ref)
	}
	return b
}
