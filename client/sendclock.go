package client

import (
	"net/http"
	"time"
)

// sendGate is the RoundTripper just above the network: it holds each request
// until the pacer admits it and so counts every call at the moment it really
// leaves, not when its slot was granted. Between the two come signing and
// goroutine scheduling; on a starved CPU that gap varies by hundreds of
// milliseconds, and counting grants let 23 calls arrive in one second.
type sendGate struct {
	next  http.RoundTripper
	pacer *pacer
}

// gate wraps rt so that every request through it is paced at its send moment.
func (p *pacer) gate(rt http.RoundTripper) http.RoundTripper {
	return &sendGate{next: rt, pacer: p}
}

// RoundTrip waits for the send slot, then sends. A request whose context
// ends first is not sent; its body is closed, as the contract requires. The
// time from the send to the answer's headers feeds the latency estimate the
// engine sizes its concurrency from (Client.Latency).
func (g *sendGate) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := g.pacer.admit(req.Context()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	id, answered := g.pacer.lat.sent(time.Now()), false
	defer func() { g.pacer.lat.answered(id, answered) }() // even if the transport panics: a call left pending would hold Latency up
	resp, err := g.next.RoundTrip(req)
	answered = err == nil
	return resp, err
}

// CloseIdleConnections passes through, so http.Client.CloseIdleConnections
// still reaches the transport underneath.
func (g *sendGate) CloseIdleConnections() {
	if c, ok := g.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
