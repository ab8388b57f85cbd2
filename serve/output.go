package serve

import (
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// frameWriter is a session's output: the program writes frames into a
// bounded buffer and never waits, while one goroutine copies the buffer to
// the SSH channel at whatever pace the client reads. A client that stops
// reading fills the buffer; later frames are dropped whole (never cut in
// the middle of an escape sequence), and once the client catches up,
// resync asks the program for a full repaint, so the terminal ends up
// showing the latest frame. So a slow client costs at most limit bytes and
// never holds up its own program, the engine or another session.
type frameWriter struct {
	out    io.Writer
	limit  int
	resync func() // called (from the copier) after drops, once the buffer drained
	onDrop func() // called for each dropped frame (set before the first Write)

	mu      sync.Mutex
	buf     []byte
	dropped bool
	closed  bool
	failed  bool // the channel write failed: the session is gone

	wake    chan struct{} // 1-buffered
	done    chan struct{} // closed when the copier returns
	drops   atomic.Int64  // frames dropped, for tests and the log
	written atomic.Int64  // bytes handed to the channel
}

func newFrameWriter(out io.Writer, limit int, resync func()) *frameWriter {
	w := &frameWriter{out: out, limit: limit, resync: resync, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go w.copy()
	return w
}

// Write never blocks on the client: it queues p, or drops it whole when
// the queue would pass the limit.
func (w *frameWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	switch {
	case w.closed || w.failed:
	case len(w.buf)+len(p) > w.limit:
		w.dropped = true
		w.drops.Add(1)
		if w.onDrop != nil {
			w.onDrop()
		}
	default:
		w.buf = append(w.buf, p...)
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *frameWriter) copy() {
	defer close(w.done)
	var spare []byte
	for {
		w.mu.Lock()
		var chunk []byte
		if len(w.buf) > 0 { // swap buffers: the program fills one while the client drains the other
			chunk, w.buf = w.buf, spare[:0]
		}
		closed := w.closed
		w.mu.Unlock()
		if len(chunk) > 0 {
			n, err := w.out.Write(chunk)
			w.written.Add(int64(n))
			if err != nil {
				w.mu.Lock()
				w.failed, w.buf = true, nil
				w.mu.Unlock()
				return
			}
			spare = chunk
			w.mu.Lock()
			again := w.dropped && len(w.buf) == 0 && !w.closed
			if again {
				w.dropped = false
			}
			w.mu.Unlock()
			if again && w.resync != nil {
				w.resync()
			}
			continue
		}
		if closed {
			return
		}
		<-w.wake
	}
}

// close flushes what is queued (waiting at most wait for a slow client)
// and stops the copier. Writes after close are dropped. It reports whether
// everything reached the channel in time.
func (w *frameWriter) close(wait time.Duration) bool {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-w.done:
		return !w.failedNow()
	case <-t.C:
		return false
	}
}

func (w *frameWriter) failedNow() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failed
}
