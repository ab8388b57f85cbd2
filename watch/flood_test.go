package watch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// floodPayloads cycle through the documented types, each callback of a
// task a new fact (a new file, failover, fault…).
func floodPayload(typ callback.EventType, seq int) string {
	switch typ {
	case callback.RecorderStop:
		return `{"LeaveCode": 99}`
	case callback.FileInfo:
		return fmt.Sprintf(`{"FileList": "%d.m3u8"}`, seq)
	case callback.FileSlice:
		return fmt.Sprintf(`{"FileName": "1400000001_20015__UserId_s_dXNlcg.__UserId_e_main_%d.m3u8", "UserId": "user", "TrackType": "audio_video", "BeginTimeStamp": 1622186279144}`, seq)
	case callback.UploadError:
		return fmt.Sprintf(`{"Code": "InternalError", "Message": "upload %d failed"}`, seq)
	case callback.ImageError:
		return fmt.Sprintf(`{"Url": "https://img.example.com/%d.png"}`, seq)
	case callback.MP4Stop:
		return fmt.Sprintf(`{"Status": 0, "FileList": ["%d.mp4"], "FileMessage": [{"FileName": "%d.mp4", "UserId": "user", "TrackType": "audio_video", "MediaId": "main"}]}`, seq, seq)
	case callback.VODCommit:
		return fmt.Sprintf(`{"Status": 0, "TencentVod": {"UserId": "user", "TrackType": "audio_video", "FileId": "%d", "VideoUrl": "https://vod.example.com/%d.mp4"}}`, seq, seq)
	}
	return `{"Status": 0}`
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestPushFlood offers 10,000 callbacks a second for 10 s with -tags long
// (2,000 for 1 s without it, under -short or under the race detector),
// one in ten a retry, for 199 watched
// tasks, over real loopback connections into a real receiver that the
// engine consumes, while a reader collects news as the dashboard does and
// the engine polls a counting fake. Every accepted callback must be filed
// (none lost, none twice), no task may be called more than once a second,
// and the heap may hold only what is bounded: the receiver's duplicate
// filter and each task's capped facts. Rates, the reader's waits and the
// heap are logged; speed is not asserted.
func TestPushFlood(t *testing.T) {
	rate, dur := floodRate, floodFor
	if testing.Short() || raceEnabled {
		rate, dur = 2000, time.Second
	}
	n := rate * int(dur/time.Second)
	const tasks, workers, key = 199, 48, "floodKey01" // not a multiple of ten: the retries (i%10 == 9) would starve some tasks
	ct := newCallTimes()
	e := New(newFake(ct.answer("InProgress")), Config{Interval: time.Minute})
	e.Add(refs(tasks))
	rcv, err := callback.New(callback.Options{Key: key, Watched: e.WatchesApp})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rcv.Bind("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	go rs.Serve() //nolint:errcheck // nil once closed
	defer rs.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Go(func() { e.Run(ctx) })
	bg.Go(func() { e.ConsumeCallbacks(ctx, rcv) })
	defer func() { cancel(); bg.Wait() }()
	eventually(t, "every task asked once", func() bool { return e.Stats().Calls == tasks })

	// The dashboard: collects at 60 frames a second, timing each Collect.
	var collected, dropped atomic.Int64
	var waits []time.Duration
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		tick := time.NewTicker(16 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			t0 := time.Now()
			u := e.Collect()
			waits = append(waits, time.Since(t0))
			collected.Add(int64(len(kindEvents(u, EventCallback))))
			dropped.Add(int64(u.EventsDropped))
		}
	}()

	heapBefore := heapAlloc()
	addr := rs.URL()[len("http://") : len(rs.URL())-1]
	base := time.Now().Add(-time.Hour).UnixMilli()
	start := time.Now()
	period := time.Second / time.Duration(rate)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for w := range workers {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		wg.Go(func() {
			var out []byte
			for i := w; i < n; i += workers {
				if d := time.Until(start.Add(time.Duration(i) * period)); d > 0 {
					time.Sleep(d)
				}
				seq := i
				if i%10 == 9 {
					seq = i - 5 // a retry of one sent earlier
				}
				typ := callback.EventType(301 + seq%12)
				body := signedBody(ref(seq%tasks).TaskID, typ, time.UnixMilli(base+int64(seq)), time.Now(), floodPayload(typ, seq))
				out = fmt.Appendf(out[:0], "POST / HTTP/1.1\r\nHost: trtc\r\nContent-Type: application/json\r\nSdkAppId: 1400000001\r\nSign: %s\r\nContent-Length: %d\r\n\r\n",
					callback.Sign(key, body), len(body))
				out = append(out, body...)
				if _, err := conn.Write(out); err != nil {
					failed.Add(1)
					continue
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck // the next answer follows on the same connection
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	st := rcv.Stats()
	eventually(t, "every accepted callback filed", func() bool { return e.Stats().Push.Filed == uint64(st.Accepted) })
	time.Sleep(50 * time.Millisecond) // the reader's last frame
	heapAfter := heapAlloc()
	cancel()
	bg.Wait()
	<-readerDone

	push := e.Stats().Push
	dups := n / 10
	if failed.Load() != 0 || st.Accepted != int64(n-dups) || st.Duplicates != int64(dups) || push.Filed != uint64(st.Accepted) || push.NotWatched != 0 {
		t.Fatalf("%d failed; receiver accepted %d, duplicates %d; engine filed %d, not watched %d; want %d, %d, %d",
			failed.Load(), st.Accepted, st.Duplicates, push.Filed, push.NotWatched, n-dups, dups, n-dups)
	}
	if got := collected.Load() + dropped.Load(); got != st.Accepted {
		t.Errorf("the reader got %d callback events and was told of %d dropped; want %d in all", collected.Load(), dropped.Load(), st.Accepted)
	}
	calls, most := 0, 0
	limit := 2 + int((elapsed+time.Second)/time.Second)
	for _, r := range refs(tasks) {
		c := ct.count(r)
		calls += c
		most = max(most, c)
		if c > limit {
			t.Errorf("%s called %d times in %v: more than once a second", r, c, elapsed)
		}
	}
	var facts int
	for _, task := range e.Tasks() {
		p := task.Pushed
		if p == nil {
			t.Fatalf("%s: no callback facts", task.Ref)
		}
		facts += len(p.Files) + len(p.Failovers) + len(p.Faults) + len(p.MP4) + len(p.VOD)
		if p.bytes > maxPushedBytes {
			t.Errorf("%s holds %d bytes of facts", task.Ref, p.bytes)
		}
	}
	growth := int64(heapAfter) - int64(heapBefore)
	if bound := st.Accepted*120 + tasks*maxPushedBytes + 8<<20; growth > bound {
		t.Errorf("heap grew %d bytes for %d callbacks, over %d (the receiver's filter and the tasks' bounded facts)", growth, st.Accepted, bound)
	}
	slices.Sort(waits)
	pct := func(p float64) time.Duration { return waits[int(float64(len(waits)-1)*p)] }
	t.Logf("%d callbacks (%d retries) in %v: %.0f/s offered %d/s; accepted %d, filed %d; reader got %d events, %d dropped",
		n, dups, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), rate, st.Accepted, push.Filed, collected.Load(), dropped.Load())
	t.Logf("API calls %d for %d tasks (at most %d for one, %d confirmations); Collect p50 %v p99 %v max %v over %d frames",
		calls, tasks, most, push.Confirms, pct(.5), pct(.99), waits[len(waits)-1], len(waits))
	t.Logf("heap %.1f MB before, %.1f MB after: %+.1f MB (%d facts kept; the receiver's filter ~65 B a callback)",
		float64(heapBefore)/(1<<20), float64(heapAfter)/(1<<20), float64(growth)/(1<<20), facts)
}
