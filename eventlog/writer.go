package eventlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/trtcwatch/trtcwatch/watchlist"
)

// options tune a writer; the zero value is the shipped behaviour.
type options struct {
	// MaxSize is the live file's size that triggers a rotation; default
	// 10 MB, so the log (keep+1 files) stays under about 40 MB.
	MaxSize int64
	// Queue is how many records may wait for the disk before append drops
	// them (counted in droppedCount); default 4096.
	Queue int
	// RetryEvery is how often a failed write is tried again while no new
	// record comes; default 5s.
	RetryEvery time.Duration
	// MaxPending bounds the bytes kept in memory while the disk refuses
	// them; beyond it records are dropped (counted). Default 1 MB.
	MaxPending int
	// OnError hears each change of the write state: an error when writing
	// starts failing (or fails differently), nil once it works again. It
	// runs on the writer's goroutine, so it must not block for long.
	OnError func(error)
	// PID goes into every record; default os.Getpid().
	PID int
}

func (o options) withDefaults() options {
	if o.MaxSize <= 0 {
		o.MaxSize = 10 << 20
	}
	if o.Queue <= 0 {
		o.Queue = 4096
	}
	if o.RetryEvery <= 0 {
		o.RetryEvery = 5 * time.Second
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 1 << 20
	}
	if o.PID == 0 {
		o.PID = os.Getpid()
	}
	if o.OnError == nil {
		o.OnError = func(error) {}
	}
	return o
}

// writer appends records to the log from one goroutine of its own, so the
// dashboard never waits for a disk: append only puts the record on a
// bounded queue (a short mutex hold, no goroutine hand-off). A full queue, or a disk that has refused writes for long
// enough to fill MaxPending, drops records and counts them (droppedCount). A
// write error (full disk, read-only filesystem, the directory gone) is
// reported through options.OnError and currentErr, and the write is tried again on
// the next record or after RetryEvery; it never ends the program.
//
// Several processes may append to one log (O_APPEND keeps each write whole
// on a local filesystem); rotation is not coordinated between them, so one
// may rotate a file another still appends to, which only puts those lines
// in events.jsonl.1.
type writer struct {
	path    string
	opts    options
	qmu     sync.Mutex
	queue   []Record      // waiting for the goroutine, at most opts.Queue
	spare   []Record      // the goroutine's last batch, reused as the next queue
	notify  chan struct{} // 1-buffered: there is a queue
	done    chan struct{}
	closing chan struct{}
	once    sync.Once
	dropped atomic.Int64
	mu      sync.Mutex
	err     error

	// Owned by the goroutine.
	f       *os.File
	size    int64
	pending []byte
}

// openWriter starts a writer for the log at path, creating its directory (0700)
// and the file (0600). It refuses a path that is a symbolic link or not a
// regular file, and a directory other users may write to, because the log
// is appended to without further checks. A log that cannot be opened yet
// (read-only filesystem) is not an error: the writer reports it through
// OnError and keeps trying.
func openWriter(path string, opts options) (*writer, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	w := &writer{
		path:    path,
		opts:    opts.withDefaults(),
		done:    make(chan struct{}),
		closing: make(chan struct{}),
	}
	w.notify = make(chan struct{}, 1)
	go w.loop()
	return w, nil
}

// checkPath refuses what openWriter must not append to: a place another user
// could write in or a file they could have written (the watch list's
// rules, watchlist.CheckPrivate), a symbolic link, anything but a regular
// file.
func checkPath(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		// A read-only place is reported by the writer and retried.
		if !errors.Is(err, syscall.EROFS) && !errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("event log directory %s: %w", dir, err)
		}
	}
	for _, p := range Files(path) {
		if err := watchlist.CheckPrivate(p); err != nil {
			return fmt.Errorf("refused the event log: %w", err)
		}
		if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("event log %s is not a regular file", p)
		}
	}
	return nil
}

// append queues r for the disk and returns at once. It is safe for
// concurrent use and after Close (the record is then dropped and counted).
func (w *writer) append(r Record) {
	if r.PID == 0 {
		r.PID = w.opts.PID
	}
	select {
	case <-w.closing:
		w.dropped.Add(1)
		return
	default:
	}
	w.qmu.Lock()
	if len(w.queue) >= w.opts.Queue {
		w.qmu.Unlock()
		w.dropped.Add(1)
		return
	}
	w.queue = append(w.queue, r)
	w.qmu.Unlock()
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// droppedCount is how many records never reached the log (queue full, disk
// refusing for too long, or appended after Close).
func (w *writer) droppedCount() int64 { return w.dropped.Load() }

// currentErr is the current write error, nil while the log is written.
func (w *writer) currentErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close writes what is queued (one last try if the disk refuses), closes
// the file and waits for the writer's goroutine. It is safe to call twice.
func (w *writer) Close() error {
	w.once.Do(func() { close(w.closing) })
	<-w.done
	return w.currentErr()
}

func (w *writer) loop() {
	defer close(w.done)
	defer func() {
		if w.f != nil {
			w.f.Close()
		}
	}()
	retry := time.NewTicker(w.opts.RetryEvery)
	defer retry.Stop()
	for {
		select {
		case <-w.notify:
			w.drain()
			w.flush()
		case <-retry.C:
			if len(w.pending) > 0 {
				w.flush()
			}
		case <-w.closing:
			w.drain()
			w.flush()
			return
		}
	}
}

// drain encodes every record queued, so one write carries them. The
// queue and the batch swap buffers, so a steady stream allocates nothing.
func (w *writer) drain() {
	w.qmu.Lock()
	batch := w.queue
	w.queue = w.spare[:0]
	w.qmu.Unlock()
	for i := range batch {
		w.add(batch[i])
	}
	clear(batch) // drop the strings
	w.spare = batch[:0]
}

func (w *writer) add(r Record) {
	r.bound()
	b, err := json.Marshal(r)
	if err != nil { // cannot happen for Record; never crash for it
		w.dropped.Add(1)
		return
	}
	if len(w.pending)+len(b)+1 > w.opts.MaxPending {
		w.dropped.Add(1)
		return
	}
	w.pending = append(w.pending, b...)
	w.pending = append(w.pending, '\n')
}

// flush writes pending, rotating first when the file would pass MaxSize.
func (w *writer) flush() {
	if len(w.pending) == 0 {
		return
	}
	err := w.write()
	w.mu.Lock()
	changed := (err == nil) != (w.err == nil) || (err != nil && err.Error() != w.err.Error())
	w.err = err
	w.mu.Unlock()
	if changed {
		w.opts.OnError(err)
	}
}

func (w *writer) write() error {
	if w.f == nil {
		if err := w.open(); err != nil {
			return err
		}
	}
	if w.size > 0 && w.size+int64(len(w.pending)) > w.opts.MaxSize {
		if err := w.rotate(); err != nil {
			return err
		}
	}
	n, err := w.f.Write(w.pending)
	w.size += int64(n)
	w.pending = w.pending[n:]
	if err != nil {
		// Reopen next time: the file may have been rotated or removed.
		w.f.Close()
		w.f = nil
		return fmt.Errorf("write event log %s: %w", w.path, err)
	}
	w.pending = w.pending[:0:0]
	return nil
}

// open opens the live file for appending. A file whose last line was torn
// (a crash mid-write) gets a newline first, so the next record starts on a
// line of its own and only the torn one is lost.
func (w *writer) open() error {
	if err := os.MkdirAll(filepath.Dir(w.path), 0o700); err != nil {
		return fmt.Errorf("event log directory: %w", err)
	}
	// Without blocking: a named pipe put in the log's place since openWriter
	// would otherwise hold the writer (and the dashboard's exit) for ever.
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		return fmt.Errorf("open event log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return fmt.Errorf("event log %s is not a regular file", w.path)
	}
	w.f, w.size = f, fi.Size()
	if w.size > 0 && !endsInNewline(w.path, w.size) {
		w.pending = append([]byte{'\n'}, w.pending...)
	}
	return nil
}

func endsInNewline(path string, size int64) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return true
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, size-1); err != nil && err != io.EOF {
		return true
	}
	return b[0] == '\n'
}

// rotate shifts path.(keep-1)…path.1 up by one (path.keep is replaced) and
// path to path.1, then opens a new live file.
func (w *writer) rotate() error {
	w.f.Close()
	w.f = nil
	for i := keep - 1; i >= 1; i-- {
		from := fmt.Sprintf("%s.%d", w.path, i)
		if err := os.Rename(from, fmt.Sprintf("%s.%d", w.path, i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotate event log: %w", err)
		}
	}
	if err := os.Rename(w.path, w.path+".1"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("rotate event log: %w", err)
	}
	return w.open()
}
