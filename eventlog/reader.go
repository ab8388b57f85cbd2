package eventlog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// MaxLine bounds a line Load will parse: a record the Writer writes is at
// most about 3 KB (every field at its bound), so anything longer is not
// one of ours and is skipped without being held in memory.
const MaxLine = 8 << 10

// Filter picks the records Load returns; the zero Filter picks all.
type Filter struct {
	Since time.Time // only records at or after it
	// Task keeps one task's records: its TaskId, or SDKAPPID:TASKID.
	Task string
}

func (f Filter) keep(r *Record) bool {
	if !f.Since.IsZero() && r.Time.Before(f.Since) {
		return false
	}
	if f.Task != "" && r.TaskID != f.Task && r.Ref().String() != f.Task {
		return false
	}
	return true
}

// Result is what Load read.
type Result struct {
	Records []Record // oldest file first, in file order
	// Skipped counts lines that were not a valid record: torn by a crash,
	// garbled, too long. They never make Load fail.
	Skipped int
}

// Load reads the log at path with its rotated files, oldest first, keeping
// what f picks. A file that does not exist is skipped; one that cannot be
// read (or is a symbolic link) is an error naming it.
func Load(path string, f Filter) (Result, error) {
	var res Result
	for _, p := range Files(path) {
		if err := loadFile(p, f, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func loadFile(path string, f Filter, res *Result) error {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read event log %s: %w", path, err)
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("read event log %s: not a regular file", path)
	}
	return scan(fh, f, res)
}

// scan reads records line by line from r. A line longer than MaxLine is
// read through and skipped, never kept whole.
func scan(r io.Reader, f Filter, res *Result) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long bool // inside a line that is already too long
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if !long && len(line)+len(chunk) <= MaxLine {
				line = append(line, chunk...)
			} else {
				long, line = true, line[:0]
			}
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return fmt.Errorf("read event log: %w", err)
		}
		if long || len(line)+len(chunk) > MaxLine+1 {
			res.Skipped++
		} else {
			var whole []byte
			if len(line) > 0 {
				line = append(line, chunk...)
				whole = line
			} else {
				whole = chunk
			}
			parse(whole, f, res)
		}
		long, line = false, line[:0]
		if err != nil { // io.EOF
			return nil
		}
	}
}

func parse(b []byte, f Filter, res *Result) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return
	}
	var r Record
	if !fastParse(b, &r) {
		r = Record{}
		if json.Unmarshal(b, &r) != nil {
			res.Skipped++
			return
		}
	}
	if !r.valid() {
		res.Skipped++
		return
	}
	if !f.keep(&r) {
		return
	}
	r.bound()
	res.Records = append(res.Records, r)
}

// History builds each task's transition history from records (as Load
// returns them), oldest first, keeping the newest limit per task (all when
// limit <= 0). Records of other kinds are ignored. It is what
// Engine.RestoreHistory takes.
func History(records []Record, limit int) map[taskref.Ref][]watch.Transition {
	h := map[taskref.Ref][]watch.Transition{}
	for i := range records {
		r := &records[i]
		if r.Kind != string(watch.EventTransition) {
			continue
		}
		ref := r.Ref()
		h[ref] = append(h[ref], watch.Transition{At: r.Time, From: watch.Phase(r.From), To: watch.Phase(r.To), RequestID: r.RequestID})
	}
	for ref, trs := range h {
		// Two dashboards on one list interleave their lines; time decides.
		slices.SortStableFunc(trs, func(a, b watch.Transition) int { return a.At.Compare(b.At) })
		if limit > 0 && len(trs) > limit {
			h[ref] = slices.Clone(trs[len(trs)-limit:])
		}
	}
	return h
}

// Events is the newest n records (all when n <= 0) as the engine's events,
// oldest first, for the dashboard's events pane.
func Events(records []Record, n int) []watch.Event {
	if n > 0 && len(records) > n {
		records = records[len(records)-n:]
	}
	evs := make([]watch.Event, len(records))
	for i, r := range records {
		evs[i] = r.Event()
	}
	return evs
}
