package watch

import (
	"container/heap"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// API is the one call the engine makes, plus the limiter hook AIMD turns.
// *client.Client satisfies it; tests use a fake. SetRate must not block: the
// engine calls it while holding its lock so rate changes apply in order.
type API interface {
	Describe(ctx context.Context, ref taskref.Ref) (*client.DescribeCloudRecordingResponse, error)
	SetRate(perSecond float64)
}

// Store keeps the watch list across restarts. *watchlist.File satisfies it.
// Update must merge: it is handed what is on disk now, which may include
// another dashboard's additions.
type Store interface {
	Load() ([]watchlist.Entry, []string)
	Update(func([]watchlist.Entry) []watchlist.Entry) error
}

// Config tunes the engine; zero values take the defaults.
type Config struct {
	Interval      time.Duration // default 2s: each task refreshed at most this often
	Quota         float64       // default 20: the max rate the engine will ask the limiter for
	MaxBackoff    time.Duration // default 30s
	Workers       int           // default defaultMaxInFlight: the cap on calls in flight; below it the engine sizes concurrency from the measured latency (inflight.go)
	HistoryLimit  int           // default 50 transitions per task
	ProbeInterval time.Duration // default 12s: pace of the single probe while credentials fail
	// DegradedSpan is how long after a throttled or failed call the header
	// still says "degraded" (default 10s): long enough that a user glancing
	// at the screen sees a passing problem, short enough that a recovered
	// API reads "ok" again. Tests of recovery set it short.
	DegradedSpan time.Duration
	// ReloadInterval is how often Run looks for another dashboard's changes
	// to the watch list (default defaultReloadInterval).
	ReloadInterval time.Duration
	Store          Store // nil = memory only
	Now            func() time.Time
	Logger         *slog.Logger
	// Actor is Event.By for edits made through the engine's own methods
	// (default "local"); a Session names its own.
	Actor string
	// Push configures how recording callbacks are taken (push.go).
	Push PushConfig
}

func (c Config) withDefaults() Config {
	if c.Interval <= 0 {
		c.Interval = 2 * time.Second
	}
	if c.Quota <= 0 {
		c.Quota = client.Quota
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
	c.MaxBackoff = max(c.MaxBackoff, c.Interval)
	if c.Workers <= 0 {
		c.Workers = defaultMaxInFlight
	}
	if c.HistoryLimit <= 0 {
		c.HistoryLimit = 50
	}
	if c.ProbeInterval <= 0 {
		c.ProbeInterval = 12 * time.Second
	}
	if c.DegradedSpan <= 0 {
		c.DegradedSpan = 10 * time.Second
	}
	if c.ReloadInterval <= 0 {
		c.ReloadInterval = defaultReloadInterval
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Actor == "" {
		c.Actor = "local"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// maxEvents bounds the transitions kept for a UI that stops collecting.
const maxEvents = 1000

// entry is the engine's private state for one watched task.
type entry struct {
	t       Task
	gen     uint64 // fresh per Add: answers for an older generation are dropped
	key     key
	idx     int                // position in the queue, -1 when not queued
	noteSeq uint64             // the newest ordered SetNote applied
	cancel  context.CancelFunc // the in-flight call, nil when none

	// For callbacks (push.go): when its latest call was taken, whether a
	// callback came after it (a call must confirm it), and whether that
	// confirmation waits in Engine.push.later for the ConfirmGap.
	sent     time.Time
	want     bool
	deferred bool
}

// Engine watches tasks. All methods are safe for concurrent use. Run owns
// the pollers and joins them; the one writer of the watch list (save.go)
// lives only while edits wait to be saved, and Flush (which Run calls as
// it returns) waits for it.
type Engine struct {
	api API
	cfg Config
	log *slog.Logger

	storeMu     sync.Mutex // serialises Store writes in the order memory changed
	pending     []op       // edits not yet saved, oldest first (under storeMu)
	pendingRefs map[taskref.Ref]int
	saver       saver // the one writer of coalesced edits (save.go)

	mu        sync.Mutex
	tasks     map[taskref.Ref]*entry
	order     []*entry // added order
	queue     queue
	gen       uint64
	paused    bool
	pauseSeq  uint64 // the newest ordered SetPaused applied
	inflight  int
	limitWait bool      // a worker waits because inflight reached the limit (see tick)
	lastAsk   bool      // the last call taken was an ask (see fairPick)
	burst     time.Time // when the oldest queued ask was made (see fairPick)
	lastProbe time.Time
	wake      chan struct{} // closed and replaced to wake the worker watching the queue
	watcher   chan struct{} // held by the one idle worker that watches the queue (see take)
	runCtx    context.Context
	running   bool
	started   time.Time
	alive     time.Time // when the engine last ran (see aliveLocked)
	gap       Gap       // the latest stretch it could not run

	aimd      aimd
	health    health
	calls     uint64
	callMeter meter
	throttles meter
	lastErr   *Failure
	viewers   int // see SetViewers
	push      pushState
	loadWarn  []string
	writeWarn string
	extWarn   map[string]string            // SetWarning's texts by source (warn.go)
	past      map[taskref.Ref][]Transition // restored history of tasks not yet added (restore.go)

	// unsaved is Stats.Unsaved: what a failed write left only in memory
	// (save.go). Under mu, set while storeMu is held too.
	unsaved string

	// subs are the readers of news (see subscribe.go); def is the one
	// behind the engine's own Changed and Collect. Changing subs takes both
	// mu and subsMu, so either is enough to read it.
	subs   []*sub
	subsMu sync.RWMutex
	def    *sub
}

// New builds an engine and loads the watch list from cfg.Store; problems
// with the file become Stats().WatchWarnings rather than errors, because an
// empty dashboard that says why beats no dashboard.
func New(api API, cfg Config) *Engine {
	cfg = cfg.withDefaults()
	now := cfg.Now()
	e := &Engine{
		api:     api,
		cfg:     cfg,
		log:     cfg.Logger,
		tasks:   map[taskref.Ref]*entry{},
		wake:    make(chan struct{}),
		watcher: make(chan struct{}, 1),
		aimd:    newAIMD(cfg.Quota, now),
		def:     newSub(),

		pendingRefs: map[taskref.Ref]int{},
	}
	e.subs = []*sub{e.def}
	e.initPushLocked()
	if cfg.Store != nil {
		entries, warns := cfg.Store.Load()
		e.loadWarn = warns
		for _, en := range entries {
			if validRef(en.Ref) != nil || e.tasks[en.Ref] != nil {
				continue
			}
			added := en.AddedAt
			if added.IsZero() {
				added = now
			}
			// Loaded tasks are overdue background work, so anything the user
			// adds or refreshes while the first sweep runs still goes first.
			e.addLocked(en.Ref, en.Note, added, now, key{class: classPoll})
			if en.Adopted {
				e.markAdoptedLocked(e.tasks[en.Ref], en.Room)
			}
		}
	}
	return e
}

// addLocked starts watching r; k.seq is filled in with the new generation.
func (e *Engine) addLocked(r taskref.Ref, note string, addedAt, now time.Time, k key) {
	e.gen++
	k.seq = e.gen
	ent := &entry{t: Task{Ref: r, Note: note, AddedAt: addedAt, Phase: Pending, Since: now, NextPoll: now}, gen: e.gen, key: k, idx: -1}
	heap.Push(&e.queue, ent)
	e.tasks[r] = ent
	e.order = append(e.order, ent)
	e.indexLocked(ent)
	e.restorePastLocked(ent) // history from the event log (restore.go)
	e.touchLocked(r)
	e.backLocked(r)
}

// Refresh asks about ref ahead of background polling, once even if it has
// ended. A call already in flight is answer enough.
func (e *Engine) Refresh(ref taskref.Ref) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ent := e.tasks[ref]; ent != nil {
		e.askLocked(ent, e.cfg.Now())
		e.wakeLocked()
	}
}

// RefreshAll asks about every watched task ahead of background polling.
// The error is for a read-only Session's refusal (the dashboard takes
// either); the engine's own is always nil.
func (e *Engine) RefreshAll() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.Now()
	for _, ent := range e.order {
		e.askLocked(ent, now)
	}
	e.wakeLocked()
	return nil
}

func (e *Engine) askLocked(ent *entry, now time.Time) {
	if ent.t.InFlight || ent.key.class == classAsk && ent.idx >= 0 {
		return
	}
	ent.key = key{class: classAsk, due: now, seq: ent.gen}
	ent.t.NextPoll = now
	if ent.idx >= 0 {
		heap.Fix(&e.queue, ent.idx)
	} else {
		heap.Push(&e.queue, ent)
	}
	e.touchLocked(ent.t.Ref)
	e.signal()
}

// SetPaused stops or resumes background polling. Explicit asks (Add,
// Refresh) still go out while paused: the user asked for them.
//
// seq orders the requests of one caller whose calls may arrive out of
// order (the dashboard sends each from its own command): a request older
// than one already applied is ignored, so `p p` can never end paused
// because the first press arrived last. 0 means unordered: always applied.
// The state in force is published in Stats.Paused. The error is for a
// read-only Session's refusal; the engine's own is always nil.
func (e *Engine) SetPaused(p bool, seq uint64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !inOrder(seq, &e.pauseSeq) {
		return nil
	}
	e.paused = p
	e.wakeLocked()
	e.signal()
	return nil
}

// Tasks is a snapshot of every watched task, in added order.
func (e *Engine) Tasks() []Task {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Task, 0, len(e.order))
	for _, ent := range e.order {
		out = append(out, ent.t.clone())
	}
	return out
}

// Changed is signalled (1-buffered, never blocks the engine) when Collect
// has news: task changes, or fresh figures at least once a second while Run
// runs.
func (e *Engine) Changed() <-chan struct{} { return e.def.notify }

// Collect returns what changed since the last Collect, one entry per task.
// Other readers see the same news through their own Session.
func (e *Engine) Collect() Update {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.collectLocked(e.def)
}

func cmpGen(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Stats are the figures for the header.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.statsLocked(e.cfg.Now())
}

func (e *Engine) statsLocked(now time.Time) Stats {
	h, detail := e.health.state(now, e.cfg.ProbeInterval, e.cfg.Interval, e.cfg.DegradedSpan)
	s := Stats{
		Limit:        e.aimd.rate,
		Quota:        e.cfg.Quota,
		Throttles1m:  e.throttles.sum(now.Add(time.Second), 60),
		Calls:        e.calls,
		Paused:       e.paused,
		Health:       h,
		HealthDetail: detail,
		LastError:    e.lastErr,
		Viewers:      e.viewers,
		Gap:          e.gapLocked(now),
	}
	if h == HealthDown {
		s.DownSince = e.health.downSince
	}
	if e.running {
		if span := min(int(now.Unix()-e.started.Unix()), rateSpan); span > 0 {
			s.Rate = float64(e.callMeter.sum(now, span)) / float64(span)
		}
	}
	s.WatchWarnings = slices.Clone(e.loadWarn)
	if e.writeWarn != "" {
		s.WatchWarnings = append(s.WatchWarnings, e.writeWarn)
	}
	s.WatchWarnings = append(s.WatchWarnings, e.extraWarningsLocked()...)
	s.Unsaved = e.unsaved
	s.Push = e.push.stats
	s.Push.AdoptedNow = e.push.adopted
	if e.push.rcv != nil {
		rs := e.push.rcv.Stats() // its own lock, never held while it calls the engine
		s.Push.Receiver = &rs
	}
	return s
}

// inOrder applies the ordering rule of SetPaused and SetNote: seq 0 is
// unordered and always applies; otherwise a request applies only if it is
// newer than *last, which it then becomes.
func inOrder(seq uint64, last *uint64) bool {
	if seq == 0 {
		return true
	}
	if seq <= *last {
		return false
	}
	*last = seq
	return true
}

// wakeLocked wakes the worker watching the queue, so it re-reads it.
func (e *Engine) wakeLocked() {
	close(e.wake)
	e.wake = make(chan struct{})
}
