package client

import (
	"bytes"
	"compress/zlib"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// panicky panics inside the HTTP exchange, quoting the secret, as a bug in
// a parser below the client might.
type panicky struct{}

func (panicky) RoundTrip(*http.Request) (*http.Response, error) {
	panic("parser bug near " + testSecret)
}

// TestPanicBecomesCallError: a panic anywhere below the client is that
// call's *Error, logged, with no secret in either.
func TestPanicBecomesCallError(t *testing.T) {
	var logs bytes.Buffer
	c, err := newClient(Config{Region: "ap-singapore", Endpoint: "http://127.0.0.1:1", Rate: 1e6,
		Credential: common.NewCredential("AKIDpanic", testSecret),
		Logger:     slog.New(slog.NewTextHandler(&logs, nil))}, panicky{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // and the client keeps working after it
		_, err = c.Describe(context.Background(), taskref.Ref{SdkAppID: app, TaskID: "t"})
		e := asError(t, err)
		if e.Code != CodePanic || e.Kind != KindTransient || !strings.Contains(e.Message, "parser bug near "+redacted) {
			t.Fatalf("got %+v", e)
		}
	}
	if l := logs.String(); !strings.Contains(l, "panic in API call") || strings.Contains(l, testSecret) || !strings.Contains(l, "stack=") {
		t.Fatalf("log %q", boundText(l, 500))
	}
}

// TestDeflateForms: HTTP "deflate" arrives as zlib (RFC 9110) or raw
// DEFLATE; both decode.
func TestDeflateForms(t *testing.T) {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(okBody))
	w.Close()
	resp, err := decodeOnce(t, canned{200, "application/json", "deflate", z.Bytes()})
	if err != nil || Deref(resp.Status) != "InProgress" {
		t.Fatalf("zlib deflate: %v %v", resp, err)
	}
	if string(resp.Raw) != okBody[len(`{"Response":`):len(okBody)-1] {
		t.Fatalf("Raw %q", resp.Raw)
	}
}

// countRT counts the requests that reach it.
type countRT struct{ n int }

func (c *countRT) RoundTrip(*http.Request) (*http.Response, error) {
	c.n++
	return nil, http.ErrServerClosed
}

// TestGuardSendsOnlyToEndpoint: whatever builds a request (a redirect the
// HTTP client would follow, a rewritten domain), the guard sends nothing
// that is not for the configured endpoint, so the token goes nowhere else.
func TestGuardSendsOnlyToEndpoint(t *testing.T) {
	next := &countRT{}
	g := &guard{next: next, ep: endpoint{scheme: "https", host: "trtc.intl.tencentcloudapi.com"}}
	for _, u := range []string{"http://trtc.intl.tencentcloudapi.com/", "https://trtc.ap-guangzhou.tencentcloudapi.com/", "https://evil.example/"} {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("{}"))
		req.Header.Set("X-TC-Token", testSecret)
		if _, err := g.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "refused to send") {
			t.Fatalf("%s: %v", u, err)
		}
	}
	if next.n != 0 {
		t.Fatalf("%d requests went out", next.n)
	}
	req, _ := http.NewRequest(http.MethodPost, "https://trtc.intl.tencentcloudapi.com/", nil)
	g.RoundTrip(req)
	if next.n != 1 {
		t.Fatal("the endpoint itself was refused")
	}
}
