package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// drip is a body that yields one byte per second forever and whose Close
// ends a blocked Read, as a connection's does. It ignores contexts, so only
// the guard's own deadline handling can stop it.
type drip struct {
	once   sync.Once
	closed chan struct{}
}

func (d *drip) Read(p []byte) (int, error) {
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-d.closed:
		return 0, errors.New("read on closed body")
	case <-t.C:
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = ' '
	return 1, nil
}

func (d *drip) Close() error { d.once.Do(func() { close(d.closed) }); return nil }

type dripTransport struct{}

func (dripTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, r.Body)
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: &drip{closed: make(chan struct{})}, Request: r, ContentLength: -1}, nil
}

// TestSlowDripBoundedByTimeout: a body that never ends, trickling slowly,
// is cut off at the per-call timeout, whatever the transport below does.
func TestSlowDripBoundedByTimeout(t *testing.T) {
	for _, timeout := range []time.Duration{3 * time.Second, 6 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			c, err := newClient(Config{Region: "ap-singapore", Endpoint: "http://127.0.0.1:1", Rate: 1e6, Timeout: timeout,
				Credential: common.NewCredential("AKIDdrip", testSecret)}, dripTransport{})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = c.Describe(context.Background(), taskref.Ref{SdkAppID: app, TaskID: "t"})
			took := time.Since(start)
			e := asError(t, err)
			if e.Code != codeNetwork || !errors.Is(err, context.DeadlineExceeded) || !bytes.Contains([]byte(e.Message), []byte(timeout.String())) {
				t.Fatalf("got %+v", e)
			}
			if took > timeout+time.Second {
				t.Fatalf("call took %s with a %s timeout", took, timeout)
			}
		})
	}
}
