package serve

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// gate is a writer that blocks until opened, like a client that stopped
// reading.
type gate struct {
	open chan struct{}
	mu   sync.Mutex
	got  bytes.Buffer
}

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.got.Write(p)
}

func TestFrameWriterDropsInsteadOfBlocking(t *testing.T) {
	synctest.Test(t, frameWriterDrops)
}

// frameWriterDrops runs on synctest's clock: "Write did not block" and
// "the copier caught up" are exact, not timed.
func frameWriterDrops(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	var resyncs atomic.Int32
	w := newFrameWriter(g, 100, func() { resyncs.Add(1) })
	frame := func(c byte) []byte { return bytes.Repeat([]byte{c}, 40) }
	// The copier takes the first frame and blocks in the client's write;
	// two more fit the buffer; the rest are dropped whole, and no Write
	// waits.
	for _, c := range []byte("abcdefgh") {
		done := make(chan struct{})
		go func() { w.Write(frame(c)); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Write blocked on a client that stopped reading")
		}
	}
	if w.drops.Load() == 0 {
		t.Fatal("no frame dropped past the limit")
	}
	if resyncs.Load() != 0 {
		t.Fatal("resync before the client caught up")
	}
	close(g.open) // the client reads again
	synctest.Wait()
	if resyncs.Load() == 0 {
		t.Fatal("no resync after the client caught up")
	}
	w.Write(frame('z'))
	if !w.close(5 * time.Second) {
		t.Fatal("Close did not flush")
	}
	g.mu.Lock()
	got := g.got.String()
	g.mu.Unlock()
	// Whole frames only, in order, ending with the one after the resync.
	if len(got)%40 != 0 || !strings.HasSuffix(got, string(frame('z'))) || !strings.HasPrefix(got, string(frame('a'))) {
		t.Fatalf("client got %q", got)
	}
	for i := 0; i+40 <= len(got); i += 40 {
		if strings.Count(got[i:i+40], got[i:i+1]) != 40 {
			t.Fatalf("a frame arrived cut: %q", got[i:i+40])
		}
	}
	if n, _ := w.Write(frame('x')); n != 40 {
		t.Fatal("Write after Close must not fail the program")
	}
}

func TestCapPaste(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"short", "short"},
		{"aaaa bbbb cccc", "aaaa bbbb"}, // never half an ID
		{"aaaa,bbbbbbbbbb", "aaaa"},
		{"abcdefghijkl", "abcdefghij"}, // one long word is cut at the limit
		{"aaaaaaaaa\u00e9", "aaaaaaaaa"},
	} {
		if got := capPaste(tc.in, 10); got != tc.want {
			t.Errorf("capPaste(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
