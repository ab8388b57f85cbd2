package watch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// BenchmarkMemory10k is issue 14's memory line: 10,000 tasks with 20 files
// each, polled through the real client (signing, guard, SDK decode) from a
// fake API on loopback that keeps no state (each answer is formatted on
// the fly, so the figures are the engine's and the client's), until every
// task has been answered three times. It reports the heap in use after a
// GC and the process's RSS (Linux /proc/self/status VmRSS; -1 elsewhere),
// sampled while polling. Answers are kept packed (pack.go). Run with
//
//	go test -run XXX -bench Memory10k -benchtime 1x ./watch
//
// HEAPPROF=file also writes a heap profile at the moment of measuring.
func BenchmarkMemory10k(b *testing.B) {
	const tasks, files, rounds = 10_000, 20, 3
	srv := httptest.NewServer(fakeDescribe(files))
	defer srv.Close()
	c, err := client.New(client.Config{Region: "ap-singapore", Endpoint: srv.URL, Rate: 5000,
		Credential: common.NewCredential("AKIDbench", "bench-secret")})
	if err != nil {
		b.Fatal(err)
	}
	refs := make([]taskref.Ref, tasks)
	for i := range refs {
		refs[i] = taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("task-%05d-aGVsbG8tdHJ0Yy1yZWNvcmRpbmc", i)}
	}
	for b.Loop() {
		e := New(c, Config{Quota: 5000, Interval: 50 * time.Millisecond, Workers: 32})
		if _, err := e.Add(refs); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		rssMax := 0
		for e.Stats().Calls < rounds*tasks {
			select {
			case <-e.Changed():
				e.Collect() // as the dashboard does, dropping what it got
			case <-time.After(100 * time.Millisecond):
			}
			rssMax = max(rssMax, procKB("VmRSS:"))
		}
		rss := procKB("VmRSS:")
		e.SetPaused(true, 0)
		cancel()
		<-done
		e.Collect()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-inuse-MB")
		b.ReportMetric(float64(rss)/1024, "rss-MB")
		b.ReportMetric(float64(rssMax)/1024, "rss-max-MB")
		b.ReportMetric(float64(procKB("VmHWM:"))/1024, "rss-peak-MB")
		if p := os.Getenv("HEAPPROF"); p != "" {
			f, _ := os.Create(p)
			pprof.WriteHeapProfile(f)
			f.Close()
		}
		runtime.KeepAlive(e)
	}
}

// fakeDescribe answers every DescribeCloudRecording with InProgress and
// files files, named as the API names single-stream files.
func fakeDescribe(files int) http.Handler {
	var seq atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ TaskId string }
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var buf bytes.Buffer
		n := seq.Add(1)
		fmt.Fprintf(&buf, `{"Response":{"TaskId":%q,"Status":"InProgress","RecorderKey":"","StorageFileList":[`, req.TaskId)
		for i := range files {
			if i > 0 {
				buf.WriteByte(',')
			}
			user := "user_" + strconv.Itoa(i/2)
			track := [2]string{"audio", "video"}[i%2]
			name := fmt.Sprintf("rec/%s/1400000001_room42__UserId_s_%s__UserId_e_main_%s.m3u8",
				req.TaskId, base64.StdEncoding.EncodeToString([]byte(user)), track)
			fmt.Fprintf(&buf, `{"UserId":%q,"FileName":%q,"TrackType":%q,"BeginTimeStamp":%d}`, user, name, track, 1764300000000+int64(i)*1000)
		}
		fmt.Fprintf(&buf, `],"RequestId":"bench-%08x-1b2c-4d5e-8f90-a1b2c3d4e5f6"}}`, n)
		w.Header().Set("Content-Type", "application/json")
		w.Write(buf.Bytes())
	})
}

// procKB reads a /proc/self/status figure such as VmRSS (Linux); -1 elsewhere.
func procKB(field string) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := bytes.Cut(sc.Bytes(), []byte(":")); ok && string(k)+":" == field {
			if n, err := strconv.Atoi(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB")))); err == nil {
				return n
			}
		}
	}
	return -1
}
