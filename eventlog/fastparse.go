package eventlog

import (
	"time"
	"unicode/utf8"
)

// fastParse decodes the lines the writer writes, several times faster than
// encoding/json, so restoring a full log at start stays well under a
// second: a flat object of the Record's own keys, plain strings (no escape
// sequence) and unsigned integers. Anything else (an escape, an unknown or
// differently cased key, a float, nesting, trailing bytes) returns false,
// and the caller decodes the line with encoding/json, which has the last
// word on what is valid.
func fastParse(b []byte, r *Record) bool {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipWS(b, i+1) == len(b)
	}
	for {
		key, j, ok := plainString(b, i)
		if !ok {
			return false
		}
		i = skipWS(b, j)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipWS(b, i+1)
		if i >= len(b) {
			return false
		}
		if b[i] == '"' {
			v, j, ok := plainString(b, i)
			if !ok || !setString(r, key, v) {
				return false
			}
			i = j
		} else {
			n, j, ok := uintAt(b, i)
			if !ok || !setUint(r, key, n) {
				return false
			}
			i = j
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return skipWS(b, i+1) == len(b)
		default:
			return false
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// plainString reads a JSON string at b[i] that has no escape, no control
// character and valid UTF-8; it returns the bytes between the quotes.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s := b[i+1 : j]
			return s, j + 1, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, j, false
		}
	}
	return nil, len(b), false
}

// uintAt reads a JSON integer >= 0 without leading zeros that fits 53 bits
// (every SdkAppId and pid; larger ones go to encoding/json).
func uintAt(b []byte, i int) (uint64, int, bool) {
	j := i
	var n uint64
	for j < len(b) && b[j] >= '0' && b[j] <= '9' && j-i < 16 {
		n = n*10 + uint64(b[j]-'0')
		j++
	}
	if j == i || (b[i] == '0' && j-i > 1) || (j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E' || (b[j] >= '0' && b[j] <= '9'))) {
		return 0, j, false
	}
	return n, j, true
}

func setString(r *Record, key, v []byte) bool {
	switch string(key) {
	case "time":
		t, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil {
			return false
		}
		r.Time = t
	case "task_id":
		r.TaskID = string(v)
	case "region":
		r.Region = string(v)
	case "kind":
		r.Kind = string(v)
	case "from":
		r.From = string(v)
	case "to":
		r.To = string(v)
	case "request_id":
		r.RequestID = string(v)
	case "error_code":
		r.ErrorCode = string(v)
	case "note":
		r.Note = string(v)
	case "text":
		r.Text = string(v)
	case "by":
		r.By = string(v)
	default:
		return false
	}
	return true
}

func setUint(r *Record, key []byte, n uint64) bool {
	switch string(key) {
	case "sdk_app_id":
		r.SdkAppID = n
	case "pid":
		if n > 1<<31-1 {
			return false
		}
		r.PID = int(n)
	default:
		return false
	}
	return true
}
