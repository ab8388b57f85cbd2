package callback

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadTasks are TaskIds shaped like the real ones, for the load.
func loadTasks(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		b := make([]byte, 56)
		rand.Read(b) //nolint:errcheck // never fails
		ids[i] = strings.NewReplacer("/", "-", "=", ".").Replace(base64.StdEncoding.EncodeToString(b))
	}
	return ids
}

func heapNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestLoad posts 10,000 callbacks a second for 10 s (1 s at a fifth of the
// rate under -short or the race detector) from a test client over real
// loopback connections, one in ten of them a duplicate, while a consumer
// drains the inbox. No accepted callback may be lost or handed on twice,
// nothing may be refused, the heap may grow only by the duplicate filter's
// entries, and once those expire it is back where it started. The figures (rate reached, latency, heap) are logged,
// not asserted: speed is the benchmarks' business.
func TestLoad(t *testing.T) {
	rate, dur := 10000, 10*time.Second
	if testing.Short() || raceEnabled {
		rate, dur = 2000, time.Second
	}
	n := rate * int(dur/time.Second)
	const workers = 48
	tasks := loadTasks(2000)

	r := newTestReceiver(t, nil)
	var skip atomic.Int64 // moves the receiver's clock on at the end
	r.now = func() time.Time { return time.Now().Add(time.Duration(skip.Load())) }
	handlerTimes := make([]time.Duration, n)
	var handled atomic.Int64
	ln, err := r.listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		t0 := time.Now()
		r.ServeHTTP(w, req)
		if i := handled.Add(1) - 1; i < int64(n) {
			handlerTimes[i] = time.Since(t0)
		}
	}), readHeaderTimeout, readTimeout)
	go srv.Serve(ln) //nolint:errcheck // closed below
	defer srv.Close()
	addr := ln.Addr().String()

	// The consumer: marks each delivered callback by its sequence number
	// (the event time's offset), so a loss or a double delivery shows.
	base := time.Now().Add(-time.Hour).UnixMilli()
	delivered := make([]uint8, n)
	var got atomic.Int64
	var maxPending atomic.Int64
	ctx, stop := context.WithCancel(context.Background())
	consumerDone := make(chan struct{})
	go func() {
		defer close(consumerDone)
		var batch []Event
		for {
			select {
			case <-r.Ready():
			case <-ctx.Done():
				return
			}
			batch = r.Drain(batch)
			if l := int64(len(batch)); l > maxPending.Load() {
				maxPending.Store(l)
			}
			for _, e := range batch {
				delivered[e.At.UnixMilli()-base]++
			}
			got.Add(int64(len(batch)))
		}
	}()

	latencies := make([]time.Duration, n)
	status := make([]int, n)
	var peakHeap atomic.Uint64
	sampleDone := make(chan struct{})
	go func() { // heap samples while the load runs
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peakHeap.Load() {
					peakHeap.Store(m.HeapAlloc)
				}
			case <-sampleDone:
				return
			}
		}
	}()

	heapBefore := heapNow()
	start := time.Now()
	period := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	var conns []net.Conn
	for w := range workers {
		// A bare HTTP/1.1 client on one kept-alive connection: net/http's
		// client costs as much CPU as the server, and the two share the
		// machine.
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		br := bufio.NewReader(conn)
		var out []byte
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if d := time.Until(start.Add(time.Duration(i) * period)); d > 0 {
					time.Sleep(d)
				}
				seq := i
				if i%10 == 9 {
					seq = i - 5 // a duplicate of a callback sent earlier
				}
				typ := EventType(301 + seq%12)
				body := cbBody(typ, tasks[seq%len(tasks)], time.UnixMilli(base+int64(seq)), time.Now(), `{"Status": 0}`)
				out = fmt.Appendf(out[:0], "POST / HTTP/1.1\r\nHost: trtc\r\nContent-Type: application/json\r\nSdkAppId: %d\r\nSign: %s\r\nContent-Length: %d\r\n\r\n",
					testApp, Sign(testKey, body), len(body))
				out = append(out, body...)
				t0 := time.Now()
				status[i] = -1
				if _, err := conn.Write(out); err != nil {
					continue
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck // the next answer follows on the same connection
				resp.Body.Close()
				latencies[i] = time.Since(t0)
				status[i] = resp.StatusCode
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(sampleDone)
	for _, c := range conns {
		c.Close() // the server's side lets its buffers go too
	}

	st := r.Stats()
	deadline := time.After(10 * time.Second)
	for got.Load() < st.Accepted {
		select {
		case <-deadline:
			t.Fatalf("delivered %d of %d accepted", got.Load(), st.Accepted)
		case <-time.After(time.Millisecond):
		}
	}
	stop()
	<-consumerDone

	var sent, ok int
	for i, s := range status {
		sent++
		if s == http.StatusOK {
			ok++
		} else {
			t.Errorf("request %d: status %d", i, s)
			if ok == 0 && i > 20 {
				break
			}
		}
	}
	dups := n / 10
	if st.Accepted != int64(n-dups) || st.Duplicates != int64(dups) || st.RefusedTotal() != 0 {
		t.Fatalf("accepted %d, duplicates %d, refused %d; want %d, %d, 0", st.Accepted, st.Duplicates, st.RefusedTotal(), n-dups, dups)
	}
	for seq, c := range delivered {
		if want := uint8(1); seq%10 == 9 {
			want = 0 // never sent under its own number
			if c != want {
				t.Fatalf("callback %d delivered %d times, want %d", seq, c, want)
			}
		} else if c != want {
			t.Fatalf("callback %d delivered %d times, want %d", seq, c, want)
		}
	}

	heapAfter := heapNow()
	growth := int64(heapAfter) - int64(heapBefore)
	perEntry := float64(growth) / float64(st.Accepted)
	// The duplicate filter keeps every callback of the last ~12 minutes:
	// that, and nothing in proportion to the load, may remain.
	if bound := int64(st.Accepted)*120 + 4<<20; growth > bound {
		t.Fatalf("heap grew %d bytes for %d callbacks (%.0f B each), over %d", growth, st.Accepted, perEntry, bound)
	}
	// Once the window and the retry horizon have passed, the filter lets
	// them all go: the heap is back where it started.
	skip.Store(int64(DefaultWindow + retryHorizon + time.Second))
	later := r.now()
	if w := serve(r, request(cbBody(RecorderStart, task1, later, later, `{}`), nil)); w.Code != http.StatusOK {
		t.Fatalf("a callback after the window: %d", w.Code)
	}
	heapExpired := heapNow()
	if left := int64(heapExpired) - int64(heapBefore); left > 1<<20 {
		t.Fatalf("%d bytes still held once every callback expired", left)
	}

	slices.Sort(latencies)
	ht := handlerTimes[:min(int(handled.Load()), n)]
	slices.Sort(ht)
	pct := func(d []time.Duration, p float64) time.Duration { return d[int(float64(len(d)-1)*p)] }
	t.Logf("%d callbacks (%d duplicates) in %v: %.0f/s offered %d/s; accepted %d, delivered %d, refused %d",
		n, dups, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), rate, st.Accepted, got.Load(), st.RefusedTotal())
	t.Logf("round trip p50 %v p99 %v max %v; handler p50 %v p99 %v max %v; inbox at most %d",
		pct(latencies, .5), pct(latencies, .99), latencies[len(latencies)-1], pct(ht, .5), pct(ht, .99), ht[len(ht)-1], maxPending.Load())
	t.Logf("heap before %.1f MB, peak %.1f MB, after %.1f MB: %+.1f MB kept (%.0f B per accepted callback, the duplicate filter); %.1f MB once they expired",
		mb(heapBefore), mb(peakHeap.Load()), mb(heapAfter), float64(growth)/(1<<20), perEntry, mb(heapExpired))
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// BenchmarkReceive is one callback through the handler (signature, JSON,
// duplicate filter, inbox), no network; building the request is counted
// too but kept lean.
func BenchmarkReceive(b *testing.B) {
	r := newTestReceiver(b, nil)
	now := time.Now()
	var batch []Event
	var w discardWriter
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := cbBody(FileSlice, task1, now.Add(time.Duration(i)*time.Millisecond), now,
			`{"FileName": "x.m3u8", "UserId": "alice", "TrackType": "audio", "BeginTimeStamp": 1}`)
		req := &http.Request{Method: http.MethodPost, ContentLength: int64(len(body)), Body: io.NopCloser(bytes.NewReader(body)), Header: http.Header{
			"Content-Type": {"application/json"}, "Sign": {Sign(testKey, body)}, "Sdkappid": {"1400000001"}}}
		r.ServeHTTP(&w, req)
		if w.code != http.StatusOK {
			b.Fatal(w.code)
		}
		if i%1024 == 0 {
			batch = r.Drain(batch)
		}
	}
}

// discardWriter is the least an http.ResponseWriter can be.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }

// BenchmarkReceiveLoopback is one callback over a kept-alive loopback
// connection from parallel clients: what the machine can take.
func BenchmarkReceiveLoopback(b *testing.B) {
	r := newTestReceiver(b, nil)
	s, err := r.Bind("127.0.0.1:0", nil)
	if err != nil {
		b.Fatal(err)
	}
	go s.Serve() //nolint:errcheck // nil once closed
	defer s.Close()
	go func() {
		var batch []Event
		for range r.Ready() {
			batch = r.Drain(batch)
		}
	}()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var seq atomic.Int64
	now := time.Now()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := cbBody(RecorderStart, task1, now.Add(time.Duration(seq.Add(1))*time.Millisecond), now, `{"Status": 0}`)
			req, _ := http.NewRequest(http.MethodPost, s.URL(), bytes.NewReader(body))
			req.Header = request(body, nil).Header
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body) //nolint:errcheck // keep-alive
			resp.Body.Close()
		}
	})
}
