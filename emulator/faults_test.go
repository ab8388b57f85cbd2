package emulator

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRandomFaults forces each fault kind and checks what the SDK reports.
func TestRandomFaults(t *testing.T) {
	t.Parallel() // its own servers; the stall waits out a 300 ms timeout
	tests := []struct {
		kind    faultKind
		timeout time.Duration
		want    string
	}{
		{faultInternal, 0, "InternalError"},
		{faultBadGate, 0, "ClientError.ParseJsonError"},
		{faultTruncated, 0, "ClientError.ParseJsonError"},
		{faultStall, 300 * time.Millisecond, "ClientError.NetworkError"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			s := startServer(t, Config{FaultRate: 1, StallFor: time.Minute, Scenario: oneTask}, nil)
			s.setFaultKinds(tt.kind)
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			_, err := send(ctx, demoClient(s), apiVersion, "DescribeCloudRecording", describeParams(1400000001, demoIDs[0]))
			if got := sdkCode(err); got != tt.want {
				t.Fatalf("SDK error %q (%v), want %q", got, err, tt.want)
			}
			s.SetFaultRate(0) // healed
			r := mustDo(t, demoClient(s), "DescribeCloudRecording", describeParams(1400000001, demoIDs[0]))
			if r.Status != statusInProgress {
				t.Fatalf("after healing: %+v", r)
			}
			closeWithin(t, s, 10*time.Second) // a stalled request must not hold Close
			if st := s.Stats().Actions["DescribeCloudRecording"]; st.Faults != 1 || st.Requests != 2 {
				t.Fatalf("stats %+v, want 1 fault in 2 requests", st)
			}
		})
	}
}

// TestFaultBodies checks the raw bytes of the 502 and truncated faults.
func TestFaultBodies(t *testing.T) {
	for _, tt := range []struct {
		kind        faultKind
		status      int
		contentType string
		check       func([]byte) bool
	}{
		{faultBadGate, 502, "text/html", func(b []byte) bool { return bytes.Contains(b, []byte("<h1>502 Bad Gateway</h1>")) }},
		{faultTruncated, 200, "application/json", func(b []byte) bool {
			return bytes.HasPrefix(b, []byte(`{"Response":{`)) && !bytes.HasSuffix(b, []byte("}}"))
		}},
	} {
		t.Run(tt.kind.String(), func(t *testing.T) {
			s := startServer(t, Config{FaultRate: 1, Scenario: oneTask}, nil)
			s.setFaultKinds(tt.kind)
			req := signedV1(t, s, "HmacSHA256", http.MethodPost, map[string]string{"Action": "DescribeCloudRecording", "SdkAppId": "1400000001", "TaskId": demoIDs[0]})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status || res.Header.Get("Content-Type") != tt.contentType || !tt.check(body) {
				t.Fatalf("got %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
		})
	}
}

// TestFaultRateMix: with a fixed seed about half the requests fail, with
// every kind appearing, and the stats agree with what the client saw.
func TestFaultRateMix(t *testing.T) {
	t.Parallel() // its own server; its stalls wait 50 ms each
	s := startServer(t, Config{FaultRate: 0.5, Seed: 7, StallFor: 50 * time.Millisecond, RateLimit: -1, Scenario: oneTask}, nil)
	c := demoClient(s)
	failed := 0
	for i := 0; i < 80; i++ {
		if _, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, demoIDs[0])); err != nil {
			failed++
		}
	}
	st := s.Stats().Actions["DescribeCloudRecording"]
	// A stall that ends answers normally, so failures ≤ faults.
	if st.Faults < 20 || st.Faults > 60 || failed > st.Faults || failed == 0 {
		t.Fatalf("faults %d, client failures %d in 80 requests", st.Faults, failed)
	}
}

// TestLatency: the added latency is cut short by the client's deadline and
// by Close.
func TestLatency(t *testing.T) {
	t.Parallel() // its own servers; it waits out timeouts and latencies
	s := startServer(t, Config{Latency: time.Minute, Scenario: oneTask}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := send(ctx, demoClient(s), apiVersion, "DescribeCloudRecording", describeParams(1400000001, demoIDs[0]))
	wantCode(t, err, "ClientError.NetworkError")

	slow := startServer(t, Config{Latency: 30 * time.Millisecond, Scenario: oneTask}, nil)
	if r := mustDo(t, demoClient(slow), "DescribeCloudRecording", describeParams(1400000001, demoIDs[0])); r.Status != statusInProgress {
		t.Fatalf("%+v", r)
	}
	// A request sleeping in latency when Close comes.
	go send(context.Background(), demoClient(s), apiVersion, "DescribeCloudRecording", describeParams(1400000001, demoIDs[0])) //nolint:errcheck
	time.Sleep(50 * time.Millisecond)
	closeWithin(t, s, 10*time.Second)
}

func closeWithin(t *testing.T, s *Server, d time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("Close did not return within %v", d)
	}
}

// TestNoGoroutineLeak: a server with stalls and latency in flight leaves
// nothing running after Close.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := New(Config{FaultRate: 1, StallFor: time.Hour, Scenario: oneTask})
	if err != nil {
		t.Fatal(err)
	}
	s.setFaultKinds(faultStall)
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := signedV1(t, s, "HmacSHA1", http.MethodPost, map[string]string{"Action": "DescribeCloudRecording", "SdkAppId": "1400000001", "TaskId": demoIDs[0]})
			if res, err := (&http.Client{Transport: tr}).Do(req); err == nil {
				res.Body.Close()
			}
		}()
	}
	for s.inflightCount() < 5 {
		time.Sleep(5 * time.Millisecond)
	}
	closeWithin(t, s, 10*time.Second)
	wg.Wait()
	tr.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Start("127.0.0.1:0"); err == nil {
		t.Fatal("Start after Close must fail")
	}
}

// TestRequestLog: one line per request, untrusted strings quoted, no key.
func TestRequestLog(t *testing.T) {
	var buf syncBuffer
	s := startServer(t, Config{Log: &buf, Scenario: oneTask}, nil)
	c := demoClient(s)
	mustDo(t, c, "DescribeCloudRecording", describeParams(1400000001, demoIDs[0]))
	_, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, "evil\x1b]0;x\x07"))
	wantCode(t, err, "ResourceNotFound")
	_, err = send(context.Background(), sdkClient(s, DemoSecretID, "wrong", "", "ap-singapore"), apiVersion, "DescribeCloudRecording", describeParams(1, "x"))
	wantCode(t, err, codeSignatureFailure)
	log := buf.String()
	lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want 3:\n%s", len(lines), log)
	}
	for _, want := range []string{"action=DescribeCloudRecording", "secret_id=\"" + DemoSecretID + "\"", "task=\"" + demoIDs[0] + "\"", "code=OK", "code=ResourceNotFound", `\x1b]0;x\a`, "code=" + codeSignatureFailure} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	for _, bad := range []string{DemoSecretKey, "\x1b", "TC3-HMAC-SHA256", "Signature="} {
		if strings.Contains(log, bad) {
			t.Errorf("log contains %q", bad)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
