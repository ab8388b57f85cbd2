package watch

import (
	"bytes"
	"unique"
	"unsafe"
)

// Strings that thousands of answers repeat are kept once. unique holds them
// weakly, so the table never outgrows the strings still in use, whatever a
// hostile server sends.

// maxIntern bounds what is interned: user ids and track types are short,
// and a long string is unlikely to repeat.
const maxIntern = 128

// intern returns the canonical copy of s.
func intern(s string) string {
	if s == "" || len(s) > maxIntern {
		return s
	}
	return unique.Make(s).Value()
}

// rawText finds decoded strings in the raw answer they came from, so they
// can share its memory instead of being a second copy.
type rawText struct {
	b   []byte // read-only from here on
	pos int    // where the last string was found: answers list files in order
}

// share returns s backed by the raw answer when the answer holds it
// verbatim as a JSON string (no escapes, not redacted or cut), else s.
func (r *rawText) share(s string) string {
	if s == "" || len(r.b) < len(s)+2 {
		return s
	}
	i := quotedIndex(r.b[r.pos:], s)
	if i >= 0 {
		i += r.pos
	} else if i = quotedIndex(r.b, s); i < 0 {
		return s
	}
	r.pos = i + len(s) + 1
	return unsafe.String(&r.b[i], len(s))
}

// quotedIndex is the index in b of s's first byte where s appears between
// two double quotes, or -1.
func quotedIndex(b []byte, s string) int {
	for off := 0; ; {
		j := bytes.Index(b[off:], []byte(s))
		if j < 0 {
			return -1
		}
		j += off
		if j > 0 && b[j-1] == '"' && j+len(s) < len(b) && b[j+len(s)] == '"' {
			return j
		}
		off = j + 1
	}
}
