package serve

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// sessionInput decodes a session's keys, mouse and pastes itself and hands
// them to the program with Program.Send, instead of letting Bubble Tea
// read the channel. Bubble Tea's reader sends each decoded event on an
// unbuffered channel without watching for the program's end: input still
// in flight when the program quits (keys typed after q, a paste) leaves
// that goroutine blocked for ever, holding the whole program, its model
// and its screen buffers (measured: 6 MB a session at 500x100, 185 MB for
// 30 sessions quit mid-paste), which any authorized key could repeat until
// the server ran out of memory. Send gives up once the program has ended,
// and the decoder here is drained until the channel closes, so nothing is
// left behind.
type sessionInput struct {
	ended chan struct{} // closed when the program has ended
	once  sync.Once
}

func newSessionInput() *sessionInput { return &sessionInput{ended: make(chan struct{})} }

// end says the program has ended: Bubble Tea's own (idle) reader gets EOF.
func (in *sessionInput) end() { in.once.Do(func() { close(in.ended) }) }

// Read is what Bubble Tea's reader gets: nothing until the program ends,
// then EOF. (With no input at all, Bubble Tea would skip the terminal
// queries the dashboard uses, such as its background colour.)
func (in *sessionInput) Read([]byte) (int, error) {
	<-in.ended
	return 0, io.EOF
}

// forward decodes r (the session's channel) for term and sends each event
// to p until r ends or ctx does; wg counts its goroutines. The decoder
// keeps a paste whole until its end comes, and nothing bounds it: so once
// the decoder has taken more than undecoded bytes without handing on an
// event (a paste that long, or one that never ends), r is no longer read
// and overflow is called, to end the session.
func (in *sessionInput) forward(ctx context.Context, r io.Reader, term string, undecoded int, overflow func(), p *tea.Program, wg *sync.WaitGroup) {
	events := make(chan uv.Event)
	m := &inputMeter{r: r, limit: int64(undecoded)}
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(events)
		if err := uv.NewTerminalReader(m, term).StreamEvents(ctx, events); errors.Is(err, errUndecoded) {
			overflow()
		}
	}()
	go func() {
		defer wg.Done()
		for ev := range events {
			m.decoded.Store(m.read.Load())
			p.Send(ev) // returns at once once the program has ended
		}
	}()
}

// errUndecoded ends a session's decoding: see forward.
var errUndecoded = errors.New("input the decoder kept without an event past the bound")

// inputMeter is a session's input as the decoder reads it, counted, and
// cut off once the decoder is past its limit of bytes taken since its
// last event.
type inputMeter struct {
	r       io.Reader
	limit   int64
	read    atomic.Int64 // bytes read
	decoded atomic.Int64 // of those, read when the decoder last handed on an event
}

func (m *inputMeter) Read(p []byte) (int, error) {
	if m.read.Load()-m.decoded.Load() > m.limit {
		return 0, errUndecoded
	}
	n, err := m.r.Read(p)
	m.read.Add(int64(n))
	return n, err
}
