package watch

import "unique"

// Strings that thousands of answers repeat are kept once. unique holds them
// weakly, so the table never outgrows the strings still in use, whatever a
// hostile server sends.

// maxIntern bounds what is interned: statuses are short, and a long string
// is unlikely to repeat.
const maxIntern = 128

// intern returns the canonical copy of s.
func intern(s string) string {
	if s == "" || len(s) > maxIntern {
		return s
	}
	return unique.Make(s).Value()
}
