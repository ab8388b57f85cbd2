package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// TRTC's delivery rule ("Timeout Retry" on the callback pages): no answer
// within 5 s, or any status but 200, is a failure; the first failure is
// retried at once, later ones every 10 s, until the message is over a
// minute old.
const (
	cbTimeout    = 5 * time.Second
	cbRetryEvery = 10 * time.Second
	cbMaxAge     = time.Minute
)

// The sender's bounds: cbShards senders, each with a queue of cbQueue
// messages, and at most cbQueue messages waiting for a retry. A message
// that finds its queue full is dropped, counted and logged: the emulator's
// API must never wait for a slow callback receiver.
const (
	cbShards = 4
	cbQueue  = 1024
)

// cbMsg is one message on its way, with its delivery state.
type cbMsg struct {
	ev       cbEvent
	first    time.Time // first attempt; zero before
	attempts int
	due      time.Time // next retry
}

// cbSender posts callbacks. The Server's loop feeds it; shards keep one
// task's messages in order (a task always goes to the same shard), so
// only the chaos options and retries reorder them.
type cbSender struct {
	url     string
	key     string
	client  *http.Client
	now     func() time.Time
	log     func(string)
	chaos   CallbackChaos
	rng     *rand.Rand // used by the loop goroutine only
	shards  [cbShards]chan *cbMsg
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	retries []*cbMsg // waiting for their retry, in due order (all wait cbRetryEvery)

	// What the sender did, for the tests of retries and drops (their
	// callbackStats); what a person needs to know is logged.
	queued, attempts, delivered, gaveUp, dropped atomic.Int64
}

// checkCallbackConfig validates the callback settings of cfg.
func checkCallbackConfig(cfg *Config) error {
	if cfg.CallbackURL == "" {
		if cfg.CallbackKey != "" {
			return errors.New("emulator: a callback key without a callback URL")
		}
		return nil
	}
	u, err := url.Parse(cfg.CallbackURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("emulator: callback URL %q is not an http:// or https:// URL", clip(cfg.CallbackURL))
	}
	if cfg.CallbackKey != "" {
		if err := callback.ValidateKey(cfg.CallbackKey); err != nil {
			return fmt.Errorf("emulator: %w", err)
		}
	}
	return nil
}

// startCallbacks starts the loop and the senders when callbacks are on.
func (s *Server) startCallbacks(seed int64) {
	if s.cfg.CallbackURL == "" {
		return
	}
	rt := s.cfg.cbTransport
	if rt == nil {
		rt = &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: cbShards, IdleConnTimeout: 90 * time.Second}
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &cbSender{
		url:    s.cfg.CallbackURL,
		key:    s.cfg.CallbackKey,
		client: &http.Client{Transport: rt, Timeout: cbTimeout},
		now:    func() time.Time { return s.now() },
		log:    s.logLine,
		rng:    rand.New(rand.NewPCG(uint64(seed), 0xcb)),
		ctx:    ctx,
		cancel: cancel,
	}
	if s.scenario != nil {
		c.chaos = s.scenario.Callbacks
	}
	for i := range c.shards {
		c.shards[i] = make(chan *cbMsg, cbQueue)
		c.wg.Go(func() { c.work(c.shards[i]) })
	}
	s.cb = c
	c.wg.Go(s.callbackLoop)
}

// callbackLoop finds the callbacks due every cbTick and hands them, and
// the retries due, to the senders.
func (s *Server) callbackLoop() {
	tick := time.NewTicker(cbTick)
	defer tick.Stop()
	for {
		select {
		case <-s.cb.ctx.Done():
			return
		case <-tick.C:
		}
		now := s.now()
		s.mu.Lock()
		evs := s.dueCallbacksLocked(now)
		s.mu.Unlock()
		s.cb.enqueue(evs)
		s.cb.retryDue(now)
	}
}

// stop ends the loop and the senders; messages not yet delivered are lost.
func (c *cbSender) stop() {
	c.cancel()
	c.wg.Wait()
}

// enqueue orders one round's callbacks by event time (then task, keeping
// each task's own order), applies the chaos options and queues them.
func (c *cbSender) enqueue(evs []cbEvent) {
	slices.SortStableFunc(evs, func(a, b cbEvent) int {
		if d := a.at.Compare(b.at); d != 0 {
			return d
		}
		switch {
		case a.task < b.task:
			return -1
		case a.task > b.task:
			return 1
		}
		return 0
	})
	if c.chaos.Reorder > 0 {
		// next[i]: the index of task i's next callback in this round.
		next := make([]int, len(evs))
		last := map[string]int{}
		for i := len(evs) - 1; i >= 0; i-- {
			next[i] = -1
			if j, ok := last[evs[i].task]; ok {
				next[i] = j
			}
			last[evs[i].task] = i
		}
		swapped := make([]bool, len(evs))
		for i := range evs {
			if c.rng.Float64() < c.chaos.Reorder && !swapped[i] && next[i] >= 0 {
				j := next[i]
				evs[i], evs[j] = evs[j], evs[i]
				swapped[j] = true
			}
		}
	}
	for _, ev := range evs {
		c.push(&cbMsg{ev: ev})
		if c.chaos.Duplicates > 0 && c.rng.Float64() < c.chaos.Duplicates {
			c.push(&cbMsg{ev: ev})
		}
	}
}

// push queues m on its task's shard without waiting.
func (c *cbSender) push(m *cbMsg) {
	h := fnv.New32a()
	h.Write([]byte(m.ev.task))
	select {
	case c.shards[h.Sum32()%cbShards] <- m:
		c.queued.Add(1)
	default:
		c.dropped.Add(1)
		c.log(fmt.Sprintf("callback type=%d task=%q dropped: the sender's queue is full", m.ev.typ, clipN(m.ev.task, 300)))
	}
}

// retryDue queues the messages whose retry is due.
func (c *cbSender) retryDue(now time.Time) {
	c.mu.Lock()
	n := 0
	for n < len(c.retries) && !c.retries[n].due.After(now) {
		n++
	}
	due := slices.Clone(c.retries[:n])
	c.retries = slices.Delete(c.retries, 0, n)
	c.mu.Unlock()
	for _, m := range due {
		c.push(m)
	}
}

func (c *cbSender) work(q chan *cbMsg) {
	for {
		select {
		case <-c.ctx.Done():
			return
		case m := <-q:
			c.deliver(m)
		}
	}
}

// deliver tries m (twice in a row on its first failure) and schedules the
// next retry or gives up, per TRTC's rule.
func (c *cbSender) deliver(m *cbMsg) {
	now := c.now()
	if m.first.IsZero() {
		m.first = now
	} else if now.Sub(m.first) > cbMaxAge {
		c.giveUp(m)
		return
	}
	ok := c.post(m)
	if !ok && m.attempts == 1 && c.ctx.Err() == nil {
		ok = c.post(m) // the immediate retry
	}
	switch {
	case ok:
		c.delivered.Add(1)
	case c.ctx.Err() != nil:
	case c.now().Add(cbRetryEvery).Sub(m.first) > cbMaxAge:
		c.giveUp(m)
	default:
		m.due = c.now().Add(cbRetryEvery)
		c.mu.Lock()
		full := len(c.retries) >= cbQueue
		if !full {
			c.retries = append(c.retries, m)
		}
		c.mu.Unlock()
		if full {
			c.dropped.Add(1)
			c.log(fmt.Sprintf("callback type=%d task=%q dropped: too many retries waiting", m.ev.typ, clipN(m.ev.task, 300)))
		}
	}
}

func (c *cbSender) giveUp(m *cbMsg) {
	c.gaveUp.Add(1)
	c.log(fmt.Sprintf("callback type=%d task=%q given up after %d attempts over %v", m.ev.typ, clipN(m.ev.task, 300), m.attempts, cbMaxAge))
}

// post makes one attempt: the body as TRTC prints it, CallbackTs now,
// signed. True when answered 200 within cbTimeout.
func (c *cbSender) post(m *cbMsg) bool {
	m.attempts++
	c.attempts.Add(1)
	body := c.body(m.ev, c.now())
	req, err := http.NewRequestWithContext(c.ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("SdkAppId", strconv.FormatUint(m.ev.app, 10))
	if c.key != "" {
		req.Header.Set("Sign", callback.Sign(c.key, body))
	}
	begin := time.Now()
	resp, err := c.client.Do(req)
	result := ""
	if err != nil {
		result = "error: " + err.Error()
	} else {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // the answer's body is ignored, as TRTC does
		resp.Body.Close()
		result = strconv.Itoa(resp.StatusCode)
	}
	c.log(fmt.Sprintf("callback type=%d task=%q attempt=%d result=%s dur=%s", m.ev.typ, clipN(m.ev.task, 300), m.attempts, clipN(result, 200), time.Since(begin).Round(time.Microsecond)))
	return err == nil && resp.StatusCode == http.StatusOK
}

// body is the callback's JSON, indented with tabs like TRTC's.
func (c *cbSender) body(ev cbEvent, now time.Time) []byte {
	payload, _ := json.Marshal(ev.payload) // our own types: cannot fail
	b, _ := json.MarshalIndent(callback.Body{
		EventGroupId: callback.GroupRecording,
		EventType:    ev.typ,
		CallbackTs:   callback.Num(now.UnixMilli()),
		EventInfo: callback.EventInfo{
			RoomId:    ev.room,
			EventTs:   callback.Num(ev.at.Unix()),
			EventMsTs: callback.Num(ev.at.UnixMilli()),
			UserId:    ev.robot,
			TaskId:    ev.task,
			Payload:   payload,
		},
	}, "", "\t")
	return b
}

// logLine writes one line to Config.Log, if any.
func (s *Server) logLine(msg string) {
	if s.cfg.Log == nil {
		return
	}
	line := time.Now().UTC().Format("2006-01-02T15:04:05.000Z") + " " + msg + "\n"
	s.logMu.Lock()
	io.WriteString(s.cfg.Log, line) //nolint:errcheck // logging is best effort
	s.logMu.Unlock()
}
