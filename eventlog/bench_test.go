package eventlog

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// BenchmarkAppend10k is what the dashboard pays to log 10,000 events: the
// caller's time only (the writer's goroutine does the disk), reported per
// burst and per event.
func BenchmarkAppend10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), fileName)
	w, err := openWriter(path, options{Queue: 16384})
	if err != nil {
		b.Fatal(err)
	}
	recs := make([]Record, 10000)
	for i := range recs {
		recs[i] = fromEvent(ev(i, watch.EventTransition), 0)
	}
	var spent time.Duration
	for b.Loop() {
		start := time.Now()
		for _, r := range recs {
			w.append(r)
		}
		spent += time.Since(start)
		b.StopTimer()
		w.Close() // let the disk catch up outside the measured part
		w, _ = openWriter(path, options{Queue: 16384})
		b.StartTimer()
	}
	w.Close()
	b.ReportMetric(float64(spent.Microseconds())/float64(b.N), "µs/10k-appends")
	b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N*len(recs)), "ns/append")
}

// BenchmarkRestore50MB reads a 50 MB log of 10,000 tasks' transitions and
// builds their histories, as the dashboard does on start.
func BenchmarkRestore50MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), fileName)
	f, _ := os.Create(path)
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	phases := []watch.Phase{watch.Pending, watch.Idle, watch.InProgress, watch.Exited, watch.Ended}
	var size int64
	written := 0
	for ; size < 50<<20; written++ {
		i := written
		r := fromEvent(watch.Event{
			At: t0.Add(time.Duration(i) * time.Millisecond), Kind: watch.EventTransition,
			Ref:  taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("task-%05d-aGVsbG8tdHJ0Yy1yZWNvcmRpbmctdGFzaw", i%10000)},
			From: phases[i%4], To: phases[i%4+1], RequestID: fmt.Sprintf("5f0c8e2a-%08d-4c1b-9e7d-2b6f0c9a1d3e", i), By: "local",
		}, 4242)
		enc.Encode(r)
		size += 250 // about a line; checked below
		if i%1000 == 0 {
			bw.Flush()
			fi, _ := f.Stat()
			size = fi.Size()
		}
	}
	bw.Flush()
	f.Close()
	fi, _ := os.Stat(path)
	refs := make([]taskref.Ref, 10000)
	for i := range refs {
		refs[i] = taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("task-%05d-aGVsbG8tdHJ0Yy1yZWNvcmRpbmctdGFzaw", i)}
	}
	var eng *watch.Engine
	for b.Loop() {
		b.StopTimer()
		eng = watch.New(noAPI{}, watch.Config{})
		if _, err := eng.Add(refs); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		h, _, sum, err := recent(context.Background(), path, 0, 0)
		if err != nil || sum.Skipped != 0 {
			b.Fatal(err, sum.Skipped)
		}
		eng.RestoreHistory(h)
	}
	restored := 0
	for _, task := range eng.Tasks() { // 50 MB holds about 21 per task, under HistoryLimit
		restored += len(task.History)
	}
	if restored != written {
		b.Fatalf("%d transitions restored of %d logged", restored, written)
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "MB")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/restore")
}

// noAPI is never called: the benchmark's engine does not run.
type noAPI struct{}

func (noAPI) Describe(context.Context, taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	return nil, errors.New("not called")
}
func (noAPI) SetRate(float64) {}
