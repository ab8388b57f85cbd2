//go:build linux

package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/eventlog"
	"github.com/trtcwatch/trtcwatch/watch"
)

// bigLogChild, set in a child run of BenchmarkEventLog200MB, says what the
// child does ("restore" or "events") and with which state file.
const bigLogChild = "TRTCWATCH_BENCH_BIGLOG"

// BenchmarkEventLog200MB is what a 200 MB event log (the live file and
// three rotated ones, 50 MB each, 10,000 tasks' transitions) costs before
// the dashboard's first frame (eventlog.Attach: the log read back and the
// histories restored) and for `trtcwatch events` (output to /dev/null):
// each runs alone in a child process, which reports its time and its peak
// RSS (VmHWM, its own: a child's rusage would count this process's peak).
func BenchmarkEventLog200MB(b *testing.B) {
	if what, state, ok := strings.Cut(os.Getenv(bigLogChild), "="); ok {
		bigLogChildRun(b, what, state)
		return
	}
	dir := b.TempDir()
	state := filepath.Join(dir, "watchlist.json")
	logPath, err := eventlog.DefaultPath(state)
	if err != nil {
		b.Fatal(err)
	}
	writeBigLog(b, logPath, 50<<20)
	child := func(what string) (ms, mb float64) {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkEventLog200MB$", "-test.benchtime=1x")
		cmd.Env = append(os.Environ(), bigLogChild+"="+what+"="+state)
		out, err := cmd.CombinedOutput()
		i := bytes.Index(out, []byte("took "))
		if err != nil || i < 0 {
			b.Fatalf("%s: %v\n%s", what, err, out)
		}
		if _, err := fmt.Sscanf(string(out[i:]), "took %f ms, peak %f MB", &ms, &mb); err != nil {
			b.Fatalf("%s: %v\n%s", what, err, out)
		}
		return ms, mb
	}
	var rms, rmb, ems, emb float64
	for b.Loop() {
		rms, rmb = child("restore")
		ems, emb = child("events")
	}
	b.ReportMetric(rms, "restore-ms")
	b.ReportMetric(rmb, "restore-peak-MB")
	b.ReportMetric(ems, "events-ms")
	b.ReportMetric(emb, "events-peak-MB")
}

// bigLogChildRun is the child's part: restore as the dashboard does, or
// print every event, then say how long it took and the peak RSS.
func bigLogChildRun(b *testing.B, what, state string) {
	start := time.Now()
	switch what {
	case "restore":
		eng := watch.New(nil, watch.Config{})
		_, _, stop := eventlog.Attach(eng, state, slog.New(slog.DiscardHandler), func(f func()) { go f() })
		defer stop()
	case "events":
		if code := run(context.Background(), []string{"events", "--state", state}, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("events exit %d", code)
		}
	}
	took := time.Since(start)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	var kb float64
	for _, l := range strings.Split(string(status), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ = strconv.ParseFloat(f[1], 64)
		}
	}
	fmt.Printf("took %d ms, peak %.1f MB\n", took.Milliseconds(), kb/1024)
}

// writeBigLog writes the log at path with its three rotated files, each
// about size bytes of transitions of 10,000 tasks.
func writeBigLog(b *testing.B, path string, size int64) {
	phases := []watch.Phase{watch.Pending, watch.Idle, watch.InProgress, watch.Exited, watch.Ended}
	t0 := time.Now().Add(-24 * time.Hour)
	i := 0
	for _, p := range eventlog.Files(path) {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriter(f)
		for n := int64(0); n < size; i++ {
			r := eventlog.Record{
				Time: t0.Add(time.Duration(i) * 50 * time.Millisecond), Kind: string(watch.EventTransition),
				Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("task-%05d-aGVsbG8tdHJ0Yy1yZWNvcmRpbmctdGFzaw", i%10000),
				From: string(phases[i%4]), To: string(phases[i%4+1]), RequestID: fmt.Sprintf("5f0c8e2a-%08d-4c1b-9e7d-2b6f0c9a1d3e", i), By: "local", PID: 4242,
			}
			line, err := json.Marshal(r)
			if err != nil {
				b.Fatal(err)
			}
			bw.Write(append(line, '\n')) //nolint:errcheck // Flush reports it
			n += int64(len(line) + 1)
		}
		if err := bw.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
