package callback

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// Options configure a Receiver. Key (or Insecure) and Watched are required.
type Options struct {
	// Key is the callback key set in the TRTC console; every callback's
	// Sign is checked against it. It never appears in errors or Stats.
	Key string
	// Insecure accepts callbacks without checking Sign, and is refused
	// together with Key or ListenAny. Stats.Insecure reports it so that
	// the dashboard can say so in its header.
	Insecure bool
	// Watched says whether an SdkAppId is one the caller watches; a
	// callback for another is refused (403). The header is not signed, so
	// this is a filter, not an authentication. It is called concurrently
	// from the HTTP handlers and must not wait on anything the engine may
	// hold for long (read an atomic.Pointer to a set, not the engine's
	// lock): the answer must never wait for the engine.
	Watched func(sdkAppID uint64) bool
	// ListenAny lets Listen bind an address beyond loopback.
	ListenAny bool
	// MaxBody bounds a body (default defaultMaxBody).
	MaxBody int64
	// Window is how far CallbackTs may be from now (default DefaultWindow).
	Window time.Duration
	// MaxPending bounds the callbacks accepted and not yet drained (default
	// defaultMaxPending); past it callbacks are refused 503 before being
	// accepted, so TRTC sends them again later.
	MaxPending int
	// MaxRemembered bounds the duplicate filter (default
	// defaultMaxRemembered entries, ~65 bytes each).
	MaxRemembered int
}

// Defaults and their reasons.
const (
	// defaultMaxBody is 64 KiB: the largest documented body (a 310 listing
	// MP4 files) is a few KiB, so honest senders never come near it, and a
	// hostile one costs at most this per connection.
	defaultMaxBody = 64 << 10
	// DefaultWindow is ±10 minutes around now for CallbackTs: TRTC retries
	// a message for a minute, and the two clocks may differ by minutes
	// (a laptop without NTP); a captured body replayed later than this is
	// refused as stale, and until then the duplicate filter refuses it.
	DefaultWindow = 10 * time.Minute
	// defaultMaxPending is 32,768 undrained callbacks (~20 MB at most,
	// ~600 bytes each with a long file name): a consumer that drains every
	// few milliseconds keeps it under a few hundred even at 10,000
	// callbacks a second, and one stalled for 3 s at that rate still loses
	// nothing (TRTC retries what is refused 503).
	defaultMaxPending = 1 << 15
	// defaultMaxRemembered is 262,144 entries (~17 MB at most): ten
	// minutes of 400 callbacks a second, far above what TRTC sends for
	// thousands of tasks.
	defaultMaxRemembered = 1 << 18
)

// Reason is why a callback was refused.
type Reason int

// The reasons, each with its HTTP status (Reason.Status).
const (
	reasonMethod       Reason = iota // 405: not POST
	reasonContentType                // 415: not application/json
	reasonTooLarge                   // 413: body over MaxBody
	reasonUnreadable                 // 400: the body did not arrive whole (slow or broken client)
	reasonNoSign                     // 401: no Sign header
	reasonBadSign                    // 401: Sign does not match the body
	reasonNoApp                      // 400: no SdkAppId header, or not a number
	reasonNotWatched                 // 403: SdkAppId not watched
	reasonMalformed                  // 400: not JSON, or a required field missing or wrong
	reasonNotRecording               // 422: EventGroupId is not 3
	reasonStale                      // 401: CallbackTs outside the window (a replay, or a clock far off)
	reasonBusy                       // 503: too many callbacks waiting for the consumer
	numReasons
)

var reasonInfo = [numReasons]struct {
	name   string
	status int
}{
	{"method", http.StatusMethodNotAllowed},
	{"content type", http.StatusUnsupportedMediaType},
	{"too large", http.StatusRequestEntityTooLarge},
	{"unreadable", http.StatusBadRequest},
	{"no sign", http.StatusUnauthorized},
	{"bad sign", http.StatusUnauthorized},
	{"no SdkAppId", http.StatusBadRequest},
	{"app not watched", http.StatusForbidden},
	{"malformed", http.StatusBadRequest},
	{"not recording", http.StatusUnprocessableEntity},
	{"stale", http.StatusUnauthorized},
	{"busy", http.StatusServiceUnavailable},
}

// String names the reason ("bad sign").
func (r Reason) String() string {
	if r < 0 || r >= numReasons {
		return "reason " + fmt.Sprint(int(r))
	}
	return reasonInfo[r].name
}

// Status is the HTTP status the refusal is answered with. TRTC retries on
// any status but 200; the status tells a person testing with curl why.
func (r Reason) status() int { return reasonInfo[r].status }

// Receiver is the http.Handler TRTC posts recording callbacks to. It checks
// each one, answers at once, and keeps the accepted ones in an inbox that
// the consumer drains (Ready, Drain): the HTTP answer never waits for the
// consumer, and no accepted callback is dropped. See the package doc.
type Receiver struct {
	opts  Options
	now   func() time.Time // tests replace it
	ready chan struct{}

	mu         sync.Mutex
	pending    []Event
	dd         dedupe
	accepted   int64
	duplicates int64
	last       Refusal

	refused [numReasons]atomic.Int64
}

// Refusal describes the latest refused callback, for a describe view.
type Refusal struct {
	Reason Reason
	Detail string // what was wrong; may quote the sender's data (at most maxDetail bytes, not sanitised)
	Remote string // the sender's address
	At     time.Time
}

// New checks opts and makes a Receiver. Without a Key it refuses unless
// Insecure says so explicitly.
func New(opts Options) (*Receiver, error) {
	switch {
	case opts.Insecure && opts.Key != "":
		return nil, errors.New("callback receiver: a key and insecure mode exclude each other")
	case opts.Insecure && opts.ListenAny:
		return nil, errors.New("callback receiver: without a key it only listens on loopback (anyone who reaches it could post)")
	case !opts.Insecure:
		if err := ValidateKey(opts.Key); err != nil {
			return nil, fmt.Errorf("callback receiver: %w; set the key configured in the TRTC console, or choose insecure mode explicitly", err)
		}
	}
	if opts.Watched == nil {
		return nil, errors.New("callback receiver: no Watched func: which SdkAppIds to accept must be said")
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = defaultMaxBody
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = defaultMaxPending
	}
	if opts.MaxRemembered <= 0 {
		opts.MaxRemembered = defaultMaxRemembered
	}
	return &Receiver{opts: opts, now: time.Now, ready: make(chan struct{}, 1), dd: newDedupe(opts.MaxRemembered)}, nil
}

// Ready receives a value whenever callbacks wait in the inbox; one value
// may stand for many. The consumer then calls Drain.
func (r *Receiver) Ready() <-chan struct{} { return r.ready }

// Drain takes every callback waiting, in arrival order, and gives the
// receiver spare (the slice the consumer got from the previous Drain, done
// with) to fill next, so draining allocates nothing in the steady state and
// holds the lock for O(1). Pass nil the first time.
func (r *Receiver) Drain(spare []Event) []Event {
	if cap(spare) > 4096 {
		spare = nil // let a burst's big buffer go
	}
	clear(spare) // the events it held are the consumer's now
	r.mu.Lock()
	out := r.pending
	r.pending = spare[:0]
	r.mu.Unlock()
	return out
}

// ServeHTTP checks one callback and answers it: 200 {"code":0} when
// accepted or already seen, otherwise the Reason's status.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.refuse(w, req, reasonMethod, req.Method)
		return
	}
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		r.refuse(w, req, reasonContentType, req.Header.Get("Content-Type"))
		return
	}
	if req.ContentLength > r.opts.MaxBody {
		r.refuse(w, req, reasonTooLarge, fmt.Sprintf("%d bytes", req.ContentLength))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.opts.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			r.refuse(w, req, reasonTooLarge, fmt.Sprintf("over %d bytes", r.opts.MaxBody))
		} else {
			r.refuse(w, req, reasonUnreadable, err.Error())
		}
		return
	}
	if !r.opts.Insecure {
		sign := req.Header.Get("Sign")
		if sign == "" {
			r.refuse(w, req, reasonNoSign, "")
			return
		}
		if !verify(r.opts.Key, body, sign) {
			r.refuse(w, req, reasonBadSign, "")
			return
		}
	}
	app, err := taskref.ParseSdkAppID(req.Header.Get("SdkAppId"))
	if err != nil {
		r.refuse(w, req, reasonNoApp, err.Error())
		return
	}
	if !r.opts.Watched(app) {
		r.refuse(w, req, reasonNotWatched, fmt.Sprintf("SdkAppId %d", app))
		return
	}
	now := r.now()
	ev, err := decode(body, app, now)
	switch {
	case errors.Is(err, errNotRecording):
		r.refuse(w, req, reasonNotRecording, err.Error())
		return
	case err != nil:
		r.refuse(w, req, reasonMalformed, err.Error())
		return
	}
	if off := ev.Sent.Sub(now); off > r.opts.Window || off < -r.opts.Window {
		r.refuse(w, req, reasonStale, fmt.Sprintf("CallbackTs is %v from this machine's clock", off.Round(time.Second)))
		return
	}
	if !r.admit(ev, now) {
		w.Header().Set("Retry-After", "10")
		r.refuse(w, req, reasonBusy, fmt.Sprintf("%d callbacks waiting", r.opts.MaxPending))
		return
	}
	writeJSON(w, http.StatusOK, okBody)
}

var okBody = []byte(`{"code":0}`)

// maxDetail bounds what a refusal quotes of the sender's data.
const maxDetail = 200

// admit files an authentic callback: a duplicate is only counted, a new
// one goes to the inbox and wakes the consumer. It is false when the inbox
// is full; the callback is then not remembered, so TRTC's retry is taken.
func (r *Receiver) admit(ev Event, now time.Time) bool {
	k := r.dd.key(&ev)
	from := now
	if ev.Sent.After(now) {
		from = ev.Sent
	}
	expires := from.Add(r.opts.Window + retryHorizon)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dd.expire(now)
	if r.dd.has(k) {
		r.duplicates++
		return true
	}
	if len(r.pending) >= r.opts.MaxPending {
		return false
	}
	r.dd.add(k, expires)
	r.pending = append(r.pending, ev)
	r.accepted++
	select {
	case r.ready <- struct{}{}:
	default:
	}
	return true
}

func (r *Receiver) refuse(w http.ResponseWriter, req *http.Request, why Reason, detail string) {
	detail = sanitize.Clip(detail, maxDetail)
	r.refused[why].Add(1)
	r.mu.Lock()
	r.last = Refusal{Reason: why, Detail: detail, Remote: req.RemoteAddr, At: r.now()}
	r.mu.Unlock()
	msg := why.String()
	if detail != "" {
		msg += ": " + detail
	}
	b, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{why.status(), msg})
	writeJSON(w, why.status(), b)
}

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the sender may be gone; it will retry
}

// Stats are the receiver's counters.
type Stats struct {
	Accepted   int64 // distinct callbacks handed on
	Duplicates int64 // retries and duplicates, answered 200, not handed on again
	Refused    map[Reason]int64
	Pending    int   // accepted, not yet drained
	Forgotten  int64 // duplicate-filter entries dropped early at MaxRemembered
	Insecure   bool  // Sign is not checked
	Last       Refusal
}

// Stats returns a snapshot of the counters.
func (r *Receiver) Stats() Stats {
	st := Stats{Refused: map[Reason]int64{}, Insecure: r.opts.Insecure}
	for i := range r.refused {
		if n := r.refused[i].Load(); n > 0 {
			st.Refused[Reason(i)] = n
		}
	}
	r.mu.Lock()
	st.Accepted, st.Duplicates, st.Pending, st.Forgotten, st.Last = r.accepted, r.duplicates, len(r.pending), r.dd.forgotten, r.last
	r.mu.Unlock()
	return st
}

// RefusedTotal sums the refusals.
func (s Stats) RefusedTotal() int64 {
	var n int64
	for _, v := range s.Refused {
		n += v
	}
	return n
}

// String is the header's line: "callbacks 12 ok · 3 refused", with
// " · insecure" when Sign is not checked.
func (s Stats) String() string {
	out := fmt.Sprintf("callbacks %d ok · %d refused", s.Accepted, s.RefusedTotal())
	if s.Insecure {
		out += " · insecure"
	}
	return out
}
