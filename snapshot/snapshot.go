// Package snapshot is the engine of `trtcwatch snapshot`: look a list of
// tasks up once, concurrently but under the client's limiter, and print the
// answers through package export (table, CSV, JSON lines or Markdown), the
// renderer the dashboard's export uses, so both give the same shapes.
// Every string that came from the API is made safe before it is printed,
// because TRTC's end users choose some of them (user IDs).
package snapshot

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// Describer is the one client call a snapshot needs; *client.Client is one.
type Describer interface {
	Describe(ctx context.Context, ref taskref.Ref) (*client.DescribeCloudRecordingResponse, error)
}

// Result is one task's lookup: an answer or the error that stood instead.
type Result struct {
	Ref  taskref.Ref
	Resp *client.DescribeCloudRecordingResponse
	Err  error
}

// defaultConcurrency is used when Lookup is given none. Beyond the quota's
// 20 calls/s more workers only queue at the limiter, so a few suffice to
// hide the latency of each call.
const defaultConcurrency = 8

// Lookup describes every ref once, with at most concurrency calls in
// flight, and returns the results in input order. The Describer's limiter
// keeps the calls under the quota; Lookup adds no pacing of its own.
func Lookup(ctx context.Context, d Describer, refs []taskref.Ref, concurrency int) []Result {
	results := make([]Result, len(refs))
	if concurrency <= 0 {
		concurrency = defaultConcurrency
	}
	concurrency = min(concurrency, len(refs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = lookupOne(ctx, d, refs[i])
			}
		}()
	}
	for i := range refs {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

func lookupOne(ctx context.Context, d Describer, ref taskref.Ref) Result {
	resp, err := d.Describe(ctx, ref)
	if err == nil && resp == nil {
		err = &client.Error{Kind: client.KindTransient, Code: client.CodeBadResponse, Message: "no answer and no error"}
	}
	if err != nil {
		resp = nil
	}
	return Result{Ref: ref, Resp: resp, Err: err}
}

// AllOK is the exit status of a snapshot: true when every lookup got an
// answer from the API. A gone task is an answer (the task ended), not a
// failure of the lookup.
func AllOK(results []Result) bool {
	for _, r := range results {
		if r.Err != nil && client.KindOf(r.Err) != client.KindGone {
			return false
		}
	}
	return true
}

// maxInput bounds what ReadRefs reads, so `snapshot -` fed a wrong file
// fails with a reason instead of eating the machine's memory.
const maxInput = 16 << 20

// ReadRefs reads task entries ("TASKID" or "SDKAPPID:TASKID") from r, one
// or more per line, separated by spaces, commas or semicolons; "#" starts
// a comment. Repeated tasks are kept once. Entries that cannot be tasks are
// returned with the reason, so the command can refuse them before any call.
func ReadRefs(r io.Reader, defaultApp uint64, region string) ([]taskref.Ref, []taskref.Rejection) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	var rejected []taskref.Rejection
	if err != nil {
		rejected = append(rejected, taskref.Rejection{Entry: "-", Reason: fmt.Errorf("read task list: %w", err)})
	}
	if len(data) > maxInput {
		data = data[:maxInput]
		rejected = append(rejected, taskref.Rejection{Entry: "-",
			Reason: fmt.Errorf("task list longer than %d MiB: the rest was not read", maxInput>>20)})
	}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			lines[i] = line[:j]
		}
	}
	b := taskref.ParseList(strings.Join(lines, "\n"), defaultApp, region, nil)
	return b.Refs, append(b.Rejected, rejected...)
}
