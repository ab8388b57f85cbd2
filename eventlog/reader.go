package eventlog

import (
	"bufio"
	"bytes"
	"context"
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
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// maxLine bounds a line Read will parse: a record the writer writes is at
// most about 3 KB (every field at its bound), so anything longer is not
// one of ours and is skipped without being held in memory.
const maxLine = 8 << 10

// Filter picks the records Read hands over; the zero Filter picks all.
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

// Summary is what Read left out.
type Summary struct {
	// Skipped counts lines that were not a valid record: torn by a crash,
	// garbled, too long. They never make Read fail.
	Skipped int
	// Older is how many bytes of older records were not read because of
	// the newest bound (0 when everything was read).
	Older int64
	// Warnings name files of the log that were not read because they are
	// not regular files (a named pipe would block the reader for ever).
	Warnings []string
}

// Read hands each record of the log at path and its rotated files to fn,
// oldest file first and in file order, keeping what f picks; an error from
// fn stops it and is returned. With newest > 0 it reads only about the
// newest that many bytes across the files (from the first whole line),
// and counts the rest in Summary.Older. Memory stays bounded whatever the
// log's size: one line at a time.
//
// Only regular files are read, opened without blocking; anything else in
// a file's place is skipped and named in Summary.Warnings. A log another
// user could have written, or reached through a symbolic link (see
// watchlist.CheckPrivate), is refused: its lines could name anyone as the
// author of an edit. A file that does not exist is skipped. Read stops
// with ctx's error when ctx ends.
func Read(ctx context.Context, path string, f Filter, newest int64, fn func(Record) error) (Summary, error) {
	var sum Summary
	type part struct {
		fh         *os.File
		from, size int64
	}
	var parts []part
	defer func() {
		for _, p := range parts {
			p.fh.Close()
		}
	}()
	for _, name := range Files(path) {
		if err := watchlist.CheckPrivate(name); err != nil {
			return sum, fmt.Errorf("refused the event log: %w", err)
		}
		fh, size, err := openRegular(name)
		switch {
		case errors.Is(err, os.ErrNotExist):
			continue
		case errors.Is(err, errNotRegular):
			sum.Warnings = append(sum.Warnings, err.Error()+"; not read")
			continue
		case err != nil:
			return sum, fmt.Errorf("read event log %s: %w", name, err)
		}
		parts = append(parts, part{fh: fh, size: size})
	}
	if newest > 0 {
		left := newest
		for i := len(parts) - 1; i >= 0; i-- {
			p := &parts[i]
			take := min(left, p.size)
			p.from = p.size - take
			left -= take
			sum.Older += p.from
		}
	}
	for _, p := range parts {
		if p.from == p.size {
			continue
		}
		// Only what the file held when opened: a log appended to while it
		// is read (by this very dashboard, or another) ends. From inside
		// the file, one byte earlier, so the line cut by the start is known
		// even when the start falls right after a newline.
		from, mid := p.from, p.from > 0
		if mid {
			from--
		}
		r := io.NewSectionReader(p.fh, from, p.size-from)
		if err := scan(ctx, r, mid, f, &sum, fn); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// errNotRegular is something other than a regular file in the log's place.
var errNotRegular = errors.New("not a regular file")

// openRegular opens name for reading without blocking (a named pipe with
// no writer would hold the open for ever) or following a link, and keeps
// it only if it is a regular file.
func openRegular(name string) (*os.File, int64, error) {
	fh, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	fi, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		fh.Close()
		return nil, 0, fmt.Errorf("event log %s is %w (%v)", name, errNotRegular, fi.Mode().Type())
	}
	return fh, fi.Size(), nil
}

// scan reads records line by line from r. A line longer than maxLine is
// read through and skipped, never kept whole. mid says r starts inside
// the file: what comes before its first newline is the end of a line cut
// by the bound, dropped without being counted.
func scan(ctx context.Context, r io.Reader, mid bool, f Filter, sum *Summary, fn func(Record) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	long := mid // inside a line that is already too long, or cut by the start
	skipFirst := mid
	var line []byte
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		chunk, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			if !long && len(line)+len(chunk) <= maxLine {
				line = append(line, chunk...)
			} else {
				long, line = true, line[:0]
			}
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return fmt.Errorf("read event log: %w", err)
		}
		switch {
		case skipFirst:
			skipFirst = false
		case long || len(line)+len(chunk) > maxLine+1:
			sum.Skipped++
		default:
			whole := chunk
			if len(line) > 0 {
				line = append(line, chunk...)
				whole = line
			}
			if err := parse(whole, f, sum, fn); err != nil {
				return err
			}
		}
		long, line = false, line[:0]
		if err != nil { // io.EOF
			return nil
		}
	}
}

func parse(b []byte, f Filter, sum *Summary, fn func(Record) error) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	var r Record
	if !fastParse(b, &r) {
		r = Record{}
		if json.Unmarshal(b, &r) != nil {
			sum.Skipped++
			return nil
		}
	}
	if !r.valid() {
		sum.Skipped++
		return nil
	}
	if !f.keep(&r) {
		return nil
	}
	r.bound()
	return fn(r)
}

// recent is what the dashboard takes back from the log at start: each
// task's transitions, ordered by time (two dashboards on one list
// interleave their lines), for Engine.RestoreHistory (which keeps the
// newest of them), and the newest events (at most events, oldest first)
// for the events pane. It reads at most the newest bytes of the log (see
// Read), so time and memory stay bounded whatever the log's size.
func recent(ctx context.Context, path string, newest int64, events int) (map[taskref.Ref][]watch.Transition, []watch.Event, Summary, error) {
	hist := map[taskref.Ref][]watch.Transition{}
	ring := make([]watch.Event, 0, min(events, 1024))
	next := 0 // where the ring's next event goes once it is full
	sum, err := Read(ctx, path, Filter{}, newest, func(r Record) error {
		if r.Kind == string(watch.EventTransition) {
			ref := r.Ref()
			hist[ref] = append(hist[ref], watch.Transition{At: r.Time, From: watch.Phase(r.From), To: watch.Phase(r.To), RequestID: r.RequestID})
		}
		if events > 0 {
			if len(ring) < events {
				ring = append(ring, r.event())
			} else {
				ring[next] = r.event()
				next = (next + 1) % events
			}
		}
		return nil
	})
	for _, trs := range hist {
		// Stably: the lines of one writer keep their order.
		slices.SortStableFunc(trs, func(a, b watch.Transition) int { return a.At.Compare(b.At) })
	}
	return hist, slices.Concat(ring[next:], ring[:next]), sum, err
}
