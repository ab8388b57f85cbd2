package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client/hostiletest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// The credential the hostile tests sign with: every value must be redacted
// wherever a server echoes it.
const (
	hostileID    = "AKIDhostileSecretId0123"
	hostileKey   = "hostileSecretKey-0123456789"
	hostileToken = "hostileSessionToken-abcdefghij"
)

// hostileClient is a real client (real signatures, real transport plus the
// guard) pointed at s, logging into logs.
func hostileClient(t testing.TB, url string, timeout time.Duration, logs *bytes.Buffer) *Client {
	t.Helper()
	cfg := Config{Region: "ap-singapore", Endpoint: url, Rate: 1e6, Timeout: timeout,
		Credential: common.NewTokenCredential(hostileID, hostileKey, hostileToken)}
	if logs != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// incompressible is a random block that DEFLATE cannot shrink even when
// repeated: it is longer than the 32 KiB window.
var incompressible = func() []byte {
	b := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}()

const taskT = "t"

func okAnswer(extra string) []byte {
	return []byte(`{"Response":{"TaskId":"t","Status":"InProgress"` + extra + `,"RequestId":"r-1"}}`)
}

// TestHostileAnswers sends one Describe per case through the real client to
// a server that answers it, and checks the call ends in a clean result:
// never a panic, a foreign error type, a secret or an unbounded string.
// The answers past maxBodyBytes (compression bombs, an endless body) are
// memoryCases: TestMemoryBounded makes the same checks of each of its calls,
// so each 8 MiB is read once for both.
func TestHostileAnswers(t *testing.T) {
	t.Parallel() // its cases beside TestQuota's and TestRandomFaultsAreTransient's waits, after TestMemoryBounded's measures
	bigRID := strings.Repeat("R", hugeField)
	bigCode, bigMsg := bigRID[:hugeField*3/5], bigRID[:hugeField*4/5]
	tests := []struct {
		name    string
		reply   hostiletest.Reply
		code    string   // "" = success
		msgHas  []string // in the error message (or the describe result's status)
		timeout time.Duration
	}{
		{"null", hostiletest.Reply{Body: []byte(`null`)}, CodeBadResponse, []string{"not a JSON object with a Response object"}, 0},
		{"true", hostiletest.Reply{Body: []byte(`true`)}, CodeBadResponse, nil, 0},
		{"string", hostiletest.Reply{Body: []byte(`"x"`)}, CodeBadResponse, nil, 0},
		{"array", hostiletest.Reply{Body: []byte(`[]`)}, CodeBadResponse, nil, 0},
		{"empty object", hostiletest.Reply{Body: []byte(`{}`)}, CodeBadResponse, nil, 0},
		{"number", hostiletest.Reply{Body: []byte(`42`)}, CodeBadResponse, nil, 0},
		{"empty", hostiletest.Reply{}, CodeBadResponse, []string{"empty body"}, 0},
		{"truncated", hostiletest.Reply{Body: okAnswer("")[:30]}, CodeBadResponse, nil, 0},
		{"not JSON", hostiletest.Reply{Body: []byte("<html>hi</html>")}, CodeBadResponse, []string{"<html>"}, 0},
		{"Response null", hostiletest.Reply{Body: []byte(`{"Response":null}`)}, CodeBadResponse, nil, 0},
		{"Response array", hostiletest.Reply{Body: []byte(`{"Response":[1]}`)}, CodeBadResponse, nil, 0},
		{"Response string", hostiletest.Reply{Body: []byte(`{"Response":"x"}`)}, CodeBadResponse, nil, 0},
		{"null on 500", hostiletest.Reply{Status: 500, Body: []byte(`null`)}, codeHTTPStatus, []string{"HTTP 500"}, 0},
		{"deep nesting", hostiletest.Reply{Body: []byte(`{"Response":` + strings.Repeat("[", 20000) + `}`)}, CodeBadResponse, nil, 0},
		{"event-stream type, JSON body", hostiletest.Reply{Header: hdr("Content-Type", "text/event-stream"), Body: okAnswer("")}, "", nil, 0},
		{"gzip ok", hostiletest.Reply{Encoding: "gzip", Body: okAnswer("")}, "", nil, 0},
		{"deflate ok", hostiletest.Reply{Encoding: "deflate", Body: okAnswer("")}, "", nil, 0},
		{"gzip, 9 MiB as sent", hostiletest.Reply{Encoding: "gzip", Body: incompressible, Size: 9 << 20}, codeTooLarge, []string{"as sent"}, 0},
		{"unknown encoding", hostiletest.Reply{Header: hdr("Content-Encoding", "br"), Body: okAnswer("")}, CodeBadResponse, []string{`"br"`}, 0},
		{"bad gzip", hostiletest.Reply{Header: hdr("Content-Encoding", "gzip"), Body: okAnswer("")}, CodeBadResponse, []string{"gzip"}, 0},
		{"slow drip", hostiletest.Reply{Body: okAnswer(""), Chunk: 1, Drip: 40 * time.Millisecond}, codeNetwork, []string{"per-call timeout (300ms)"}, 300 * time.Millisecond},
		{"endless slow drip", hostiletest.Reply{Body: []byte(" "), Size: -1, Chunk: 1, Drip: 10 * time.Millisecond}, codeNetwork, []string{"per-call timeout"}, 300 * time.Millisecond},
		{"huge header", hostiletest.Reply{Header: hdr("X-Big", strings.Repeat("h", 100<<10)), Body: okAnswer("")}, codeNetwork, nil, 0},
		{"502 html", hostiletest.Reply{Status: 502, Header: hdr("Content-Type", "text/html"), Body: []byte("<h1>Bad Gateway</h1>")}, codeHTTPStatus, []string{"HTTP 502", "Bad Gateway"}, 0},
		{"api error on 500", hostiletest.Reply{Status: 500, Body: []byte(`{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r"}}`)}, "InternalError", nil, 0},
		{"token echoed in error", hostiletest.Reply{Body: []byte(`{"Response":{"Error":{"Code":"AuthFailure.TokenFailure {{header:X-TC-Token}}","Message":"bad {{header:X-TC-Token}} for {{header:Authorization}}"},"RequestId":"{{header:X-TC-Token}}"}}`)},
			"AuthFailure.TokenFailure " + redacted, []string{"bad " + redacted, "Credential=" + redacted + "/"}, 0},
		{"huge RequestId", hostiletest.Reply{Body: []byte(`{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"` + bigRID + `"}}`)}, "InternalError", nil, 0},
		{"huge code and message", hostiletest.Reply{Body: []byte(`{"Response":{"Error":{"Code":"` + bigCode + `","Message":"` + bigMsg + `"},"RequestId":"r"}}`)},
			strings.Repeat("R", maxCodeBytes) + fmt.Sprintf("…[cut, %d bytes]", len(bigCode)), []string{fmt.Sprintf("…[cut, %d bytes]", len(bigMsg))}, 0},
		{"another task", hostiletest.Reply{Body: []byte(`{"Response":{"TaskId":"other","Status":"Idle","RequestId":"r"}}`)}, CodeBadResponse, []string{`"other"`, `task asked for "t"`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // its own server and client; most cases wait on the wire or a timeout
			s := hostiletest.Start(t, tt.reply)
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			var logs bytes.Buffer
			c := hostileClient(t, s.URL, timeout, &logs)
			resp, err := c.Describe(context.Background(), taskref.Ref{SdkAppID: app, TaskID: taskT})
			checkNoSecret(t, "logs", logs.String())
			if tt.code == "" {
				if err != nil || resp == nil || Deref(resp.Status) != "InProgress" {
					t.Fatalf("want success, got %v %v", resp, err)
				}
				return
			}
			checkFailure(t, resp, err, tt.code, tt.msgHas)
			if tt.timeout > 0 && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("timeout error %v does not wrap DeadlineExceeded", err)
			}
		})
	}
}

// checkFailure insists a Describe against a hostile answer failed cleanly:
// no answer, our error type with code, the action and a kind, a message
// holding each of msgHas, and every string bounded and secret-free.
func checkFailure(t *testing.T, resp *DescribeCloudRecordingResponse, err error, code string, msgHas []string) {
	t.Helper()
	e := asError(t, err)
	if resp != nil || e.Code != code || e.Action != ActionDescribe || e.Kind == KindUnknown {
		t.Fatalf("got %+v, want code %q", e, code)
	}
	for _, m := range msgHas {
		if !strings.Contains(e.Message, m) {
			t.Errorf("message %q lacks %q", boundText(e.Message, 400), m)
		}
	}
	checkBounded(t, e)
}

// checkBounded insists every string of e is bounded and secret-free,
// including the cause reachable through Unwrap.
func checkBounded(t *testing.T, e *Error) {
	t.Helper()
	const slack = 32
	if len(e.Code) > maxCodeBytes+slack || len(e.Message) > maxMessageBytes+slack || len(e.RequestID) > maxRequestIDBytes+slack {
		t.Fatalf("unbounded error: code %d, message %d, RequestId %d bytes", len(e.Code), len(e.Message), len(e.RequestID))
	}
	all := e.Error()
	for u := errors.Unwrap(e); u != nil; u = errors.Unwrap(u) {
		if len(u.Error()) > maxMessageBytes+slack {
			t.Fatalf("unbounded cause %T: %d bytes", u, len(u.Error()))
		}
		all += u.Error()
	}
	checkNoSecret(t, "error", all)
}

func checkNoSecret(t *testing.T, where, s string) {
	t.Helper()
	for _, sec := range []string{hostileID, hostileKey, hostileToken} {
		if strings.Contains(s, sec) {
			t.Fatalf("%s holds a secret: %s", where, boundText(s, 300))
		}
	}
}

// TestRedirectsRefused: no 3xx is followed, the error names the Location,
// and the host it points at never sees a request (nor the token).
func TestRedirectsRefused(t *testing.T) {
	elsewhere := hostiletest.Start(t, hostiletest.Reply{Body: okAnswer("")})
	for _, status := range []int{301, 302, 303, 307, 308} {
		loc := elsewhere.URL + "/steal?t=1"
		s := hostiletest.Start(t, hostiletest.Reply{Status: status, Header: hdr("Location", loc)})
		_, err := hostileClient(t, s.URL, 5*time.Second, nil).Describe(context.Background(), taskref.Ref{SdkAppID: app, TaskID: taskT})
		e := asError(t, err)
		if e.Code != codeRedirect || !strings.Contains(e.Message, loc) || !strings.Contains(e.Message, http.StatusText(status)[:0]+"HTTP ") {
			t.Fatalf("%d: %+v", status, e)
		}
		if n := len(s.Requests()); n != 1 {
			t.Fatalf("%d: endpoint saw %d requests, want 1", status, n)
		}
	}
	if n := len(elsewhere.Requests()); n != 0 {
		t.Fatalf("redirect target received %d requests", n)
	}
	// A hostile Location is quoted bounded and on one line.
	s := hostiletest.Start(t, hostiletest.Reply{Status: 302, Header: hdr("Location", "http://x/"+strings.Repeat("\u0085\u009ba", 5000))})
	_, err := hostileClient(t, s.URL, 5*time.Second, nil).Describe(context.Background(), taskref.Ref{SdkAppID: app, TaskID: taskT})
	e := asError(t, err)
	if len(e.Message) > 2*maxLocationBytes+200 || strings.ContainsAny(e.Message, "\u009b\u0085") || !strings.Contains(e.Message, "cut") {
		t.Fatalf("Location not sanitised/bounded: %q", e.Message)
	}
}

// TestSuccessScrubbed: an answer's strings are redacted and bounded, the
// file list is cut at maxFiles (and says so), and Raw is the Response
// object as received, redacted, even when a secret hides behind escapes.
func TestSuccessScrubbed(t *testing.T) {
	var files strings.Builder
	for i := range maxFiles + 5 {
		if i > 0 {
			files.WriteByte(',')
		}
		files.WriteString(`{"UserId":"u","FileName":"f.m3u8","TrackType":"audio","BeginTimeStamp":1}`)
	}
	long := strings.Repeat("n", 3000)
	escapedKey := `\u0068ostileSecretKey-0123456789` // hostileKey with its first letter escaped
	body := `{"Response":{"TaskId":"t","Status":"{{header:X-TC-Token}}","RecorderKey":"` + escapedKey + `","StorageFileList":[` +
		`{"UserId":"{{header:X-TC-Token}}","FileName":"` + long + `","TrackType":"video"},` + files.String() + `],"RequestId":"r-9"}}`
	s := hostiletest.Start(t, hostiletest.Reply{Body: []byte(body)})
	resp, err := hostileClient(t, s.URL, 5*time.Second, nil).Describe(context.Background(), taskref.Ref{SdkAppID: app, TaskID: taskT})
	if err != nil {
		t.Fatal(err)
	}
	if got := Deref(resp.Status); got != redacted {
		t.Errorf("status %q", got)
	}
	if got := Deref(resp.RecorderKey); got != redacted {
		t.Errorf("escaped secret not redacted: %q", got)
	}
	f0 := resp.StorageFileList[0]
	if Deref(f0.UserId) != redacted || Deref(f0.FileName) != boundText(long, maxFileFieldBytes) || !strings.HasSuffix(Deref(f0.FileName), "…[cut, 3000 bytes]") {
		t.Errorf("file 0: %q %q", Deref(f0.UserId), boundText(Deref(f0.FileName), 40))
	}
	if len(resp.StorageFileList) != maxFiles || resp.FilesCut != 6 {
		t.Errorf("files %d, cut %d; want %d and 6", len(resp.StorageFileList), resp.FilesCut, maxFiles)
	}
	var raw map[string]any
	if err := json.Unmarshal(resp.Raw, &raw); err != nil {
		t.Fatalf("Raw is not JSON: %v", err)
	}
	all, _ := json.Marshal(raw)
	checkNoSecret(t, "Raw (decoded)", string(all))
	checkNoSecret(t, "Raw", string(resp.Raw))
	if raw["RequestId"] != "r-9" || len(resp.Raw) > maxRawBytes+32 {
		t.Errorf("Raw lacks the answer's fields: %v", raw["RequestId"])
	}
}

// TestRawAsReceived: without secrets to hide, Raw is byte for byte the
// Response object the server sent (key order and spacing kept).
func TestRawAsReceived(t *testing.T) {
	obj := `{ "Status" :"Idle","TaskId":"t",  "RequestId":"r-2","StorageFileList":[]}`
	s := hostiletest.Start(t, hostiletest.Reply{Body: []byte(`{"Response":` + obj + `}`)})
	resp, err := hostileClient(t, s.URL, 5*time.Second, nil).Describe(context.Background(), taskref.Ref{SdkAppID: app, TaskID: taskT})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Raw) != obj {
		t.Fatalf("Raw %q, want %q", resp.Raw, obj)
	}
}
