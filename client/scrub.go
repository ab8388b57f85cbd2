package client

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// Bounds on every string the client keeps from an answer. A hostile or
// broken server can send megabytes in any field; the dashboard logs, stores
// and draws these strings on every poll, so each is cut to a size far above
// what the real API sends and the cut is said in the string itself (see
// Bound). The figures are in bytes of UTF-8.
const (
	// maxCodeBytes bounds an error code. The longest documented TRTC code,
	// "FailedOperation.RestrictedConcurrency", is 37 bytes.
	maxCodeBytes = 128
	// maxMessageBytes bounds an error message. API messages are one
	// sentence; the SDK's parse errors quote the body, which this cuts.
	maxMessageBytes = 2048
	// maxRequestIDBytes bounds a RequestId. Real ones are 36-byte UUIDs, so
	// a kept RequestId is never cut in practice.
	maxRequestIDBytes = 128
	// maxTaskIDBytes bounds a TaskId: the longest one trtcwatch accepts.
	maxTaskIDBytes = taskref.MaxTaskIDLen
	// maxStatusBytes bounds a status ("Idle", "InProgress", "Exited").
	maxStatusBytes = 64
	// maxFileFieldBytes bounds a file's UserId, FileName and TrackType. A
	// COS object key is at most 850 bytes; TRTC UserIds at most 32.
	maxFileFieldBytes = 1024
	// maxFiles bounds the files kept from one answer. A task records at
	// most 25 anchors, each with audio, video and failover files.
	maxFiles = 1000
	// maxRawBytes bounds DescribeCloudRecordingResponse.Raw.
	maxRawBytes = 1 << 20
)

// redacted replaces every known secret value in strings from the network.
const redacted = "[redacted]"

// minSecretLen is the shortest value treated as a secret: redacting a
// one- or two-byte "secret" would shred every message without protecting
// anything real (API keys are 32-40 bytes).
const minSecretLen = 4

// boundText cuts s to at most max bytes (on a rune boundary, invalid UTF-8
// replaced) and says so with a suffix "…[cut, N bytes]" naming the full
// length, so a reader never mistakes a cut value for the whole one. The
// result is at most max+len(suffix) bytes long.
func boundText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[cut, " + strconv.Itoa(len(s)) + " bytes]"
}

// RedactionValues are the secret values this client signs with, wherever
// they came from (flags, environment, a credentials file, a CVM role), for
// a caller that must scrub text the client never saw: the dashboard's crash
// log. Never print them; pass them to a redactor only.
func (c *Client) RedactionValues() []string { return c.secrets() }

// secrets are the credential values in use, read at call time because a
// CVM role credential changes as it refreshes.
func (c *Client) secrets() []string {
	if c.cred == nil {
		return nil
	}
	id, key, tok := c.cred.GetCredential()
	var out []string
	for _, s := range []string{key, tok, id} {
		if len(s) >= minSecretLen {
			out = append(out, s)
		}
	}
	return out
}

// redact replaces every occurrence of a secret in s with redacted.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

// scrub is the one function every string from the network passes through
// before the client keeps it: secrets redacted, then bounded.
func scrub(s string, max int, secrets []string) string {
	return boundText(redact(s, secrets), max)
}

func scrubPtr(p *string, max int, secrets []string) {
	if p != nil {
		*p = scrub(*p, max, secrets)
	}
}

// scrubError redacts and bounds every field of e. Its cause is replaced by
// a scrubbed copy of its text (keeping errors.Is for the context errors),
// so that no caller can reach the unbounded SDK message through Unwrap.
func scrubError(e *Error, secrets []string) *Error {
	e.Code = scrub(e.Code, maxCodeBytes, secrets)
	e.Message = scrub(e.Message, maxMessageBytes, secrets)
	e.RequestID = scrub(e.RequestID, maxRequestIDBytes, secrets)
	if e.Err != nil {
		if _, done := e.Err.(*scrubbed); !done {
			e.Err = &scrubbed{msg: scrub(e.Err.Error(), maxMessageBytes, secrets), is: ctxCause(e.Err)}
		}
	}
	return e
}

// scrubbed is a cause reduced to its cleaned text; Unwrap keeps the one
// fact callers test for (a context error).
type scrubbed struct {
	msg string
	is  error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.is }

// scrubResponse redacts and bounds every string of a typed answer and the
// number of files. It knows the four response types; others pass through.
func scrubResponse(v any, secrets []string) {
	switch r := v.(type) {
	case *DescribeCloudRecordingResponse:
		scrubPtr(r.TaskId, maxTaskIDBytes, secrets)
		scrubPtr(r.Status, maxStatusBytes, secrets)
		scrubPtr(r.RecorderKey, maxFileFieldBytes, secrets)
		scrubPtr(r.RequestId, maxRequestIDBytes, secrets)
		if n := len(r.StorageFileList); n > maxFiles {
			r.FilesCut = n - maxFiles
			r.StorageFileList = r.StorageFileList[:maxFiles:maxFiles]
		}
		for _, f := range r.StorageFileList {
			if f == nil {
				continue
			}
			scrubPtr(f.UserId, maxFileFieldBytes, secrets)
			scrubPtr(f.FileName, maxFileFieldBytes, secrets)
			scrubPtr(f.TrackType, maxFileFieldBytes, secrets)
		}
	case *CreateCloudRecordingResponse:
		scrubPtr(r.TaskId, maxTaskIDBytes, secrets)
		scrubPtr(r.RequestId, maxRequestIDBytes, secrets)
	case *DeleteCloudRecordingResponse:
		scrubPtr(r.TaskId, maxTaskIDBytes, secrets)
		scrubPtr(r.RequestId, maxRequestIDBytes, secrets)
	}
}

// scrubRaw returns the Response object as received with secrets redacted,
// bounded by maxRawBytes. A secret can hide behind JSON escapes
// ("\u0041KID…"), which a byte replacement cannot see; when the raw text
// has escapes and its decoded strings still hold a secret, the object is
// re-encoded from its decoded, redacted values instead (keys then sorted).
func scrubRaw(raw []byte, secrets []string) []byte {
	out := raw
	for _, sec := range secrets {
		out = bytes.ReplaceAll(out, []byte(sec), []byte(redacted))
	}
	if len(secrets) > 0 && bytes.IndexByte(out, '\\') >= 0 {
		var v any
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		if dec.Decode(&v) == nil && holdsSecret(v, secrets) {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if enc.Encode(redactAll(v, secrets)) == nil {
				out = bytes.TrimRight(b.Bytes(), "\n")
			}
		}
	}
	if len(out) > maxRawBytes {
		return []byte(boundText(string(out), maxRawBytes))
	}
	return bytes.Clone(out)
}

func holdsSecret(v any, secrets []string) bool {
	switch x := v.(type) {
	case string:
		return redact(x, secrets) != x
	case []any:
		for _, e := range x {
			if holdsSecret(e, secrets) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if redact(k, secrets) != k || holdsSecret(e, secrets) {
				return true
			}
		}
	}
	return false
}

func redactAll(v any, secrets []string) any {
	switch x := v.(type) {
	case string:
		return redact(x, secrets)
	case []any:
		for i, e := range x {
			x[i] = redactAll(e, secrets)
		}
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[redact(k, secrets)] = redactAll(e, secrets)
		}
		return m
	}
	return v
}
