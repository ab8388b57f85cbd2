package watch

// Thousands of answers repeat one of the API's three statuses, so an answer
// keeps the package's own copy of a status it knows rather than the one the
// decoder allocated for it. The table is fixed: a canonical copy must stay
// canonical for the life of the program, which a weakly held one does not
// (unique.Make(s).Value() without its handle is a fresh string after the next
// collection), and a hostile server cannot grow it. A status this build does
// not document is kept as received; the client bounds it at 64 bytes and
// Derive shows it as an error.

// intern returns the canonical copy of a known status, or s itself.
func intern(s string) string {
	switch Phase(s) {
	case Idle:
		return string(Idle) // the constant's bytes, not s's
	case InProgress:
		return string(InProgress)
	case Exited:
		return string(Exited)
	}
	return s
}
