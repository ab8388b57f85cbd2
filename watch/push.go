package watch

import (
	"container/heap"
	"context"
	"slices"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// Push: TRTC's recording callbacks, merged with polling. A callback is a
// hint and the API is the truth: the engine never sets a task's phase from
// one. It records what the callback said (Task.Pushed, an EventCallback for
// every reader: the events pane, the event log, the hooks) and asks the API
// about the task ahead of background polling, so its row shows the
// confirmed state one round trip later instead of up to a sweep later.
//
// Asks are coalesced: a task is called at most once per ConfirmGap
// however many callbacks name it. A callback that arrives while a call is
// in flight is confirmed by the next call, not the one already sent, which
// may have left before the change. A callback within ConfirmGap of the
// task's last call waits in a small heap (later) until the gap has passed,
// then goes to the front of the queue as an ask.
//
// A task whose callbacks keep arriving (one in the last ConfirmInterval)
// is polled at most once per ConfirmInterval instead of every Interval
// (nextDue's stretch): push says when it changes, so the quota goes to
// tasks without it. Any callback still asks at once.

// PushConfig configures how the engine takes callbacks (Config.Push); the
// zero value takes callbacks for watched tasks, adopts none, and uses the
// defaults below.
type PushConfig struct {
	// Adopt adds a task that a callback names but the list lacks, when its
	// SdkAppId is watched (WatchesApp), within MaxAdopted and
	// AdoptPerMinute. Without it such callbacks are counted and shown as
	// EventNotWatched, with the ref a user can add.
	Adopt bool
	// Region is where an adopted task is polled: a callback names no
	// region, so it is the dashboard's (--region). Adoption is refused
	// without one. Also the region of EventNotWatched's ref.
	Region string
	// Apps are SdkAppIds whose callbacks are taken even while no task of
	// theirs is watched (the dashboard's --sdk-app-id), so that adopting
	// can start from an empty list. Tasks' own SdkAppIds always count.
	Apps []uint64
	// MaxAdopted bounds the adopted tasks watched at once (default 500).
	MaxAdopted int
	// AdoptPerMinute bounds adoptions in any minute (default 60).
	AdoptPerMinute int
	// ConfirmInterval is the longest a task with recent callbacks goes
	// without a poll (default 30s); it only ever stretches Interval.
	ConfirmInterval time.Duration
	// ConfirmGap is the shortest time between two calls for a task that
	// callbacks ask about (default 1s), however many arrive.
	ConfirmGap time.Duration
}

func (c PushConfig) withDefaults() PushConfig {
	if c.MaxAdopted <= 0 {
		c.MaxAdopted = 500
	}
	if c.AdoptPerMinute <= 0 {
		c.AdoptPerMinute = 60
	}
	if c.ConfirmInterval <= 0 {
		c.ConfirmInterval = 30 * time.Second
	}
	if c.ConfirmGap <= 0 {
		c.ConfirmGap = time.Second
	}
	c.Apps = slices.Clone(c.Apps) // the caller's slice stays the caller's
	return c
}

// PushStats count what the engine did with callbacks (Stats.Push).
type PushStats struct {
	Filed        uint64 // callbacks filed for a watched task (an adopted one included)
	NotWatched   uint64 // callbacks for a task not watched and not adopted
	Adopted      uint64 // tasks added because a callback named them
	AdoptRefused uint64 // of NotWatched, those adoption was on for but refused (EventNotWatched's Code says why)
	Confirms     uint64 // asks made because of a callback (each one call)
	AdoptedNow   int    // adopted tasks watched now, against PushConfig.MaxAdopted
	// Receiver is the counters of the receiver ConsumeCallbacks drains
	// (accepted, duplicates, refused by reason, insecure), read when the
	// stats are, so that the header's "callbacks 12 ok · 3 refused"
	// (Receiver.String()) comes from the engine like every other figure;
	// nil while no receiver is consumed.
	Receiver *callback.Stats
}

// byCallback is Event.By for what a callback caused: its EventCallback and
// EventNotWatched, and the EventAdd of a task it had adopted.
const byCallback = "callback"

// pushChunk is how many callbacks Push files per hold of the engine's
// lock, so that a burst never keeps a reader waiting for long.
const pushChunk = 256

// ConsumeCallbacks files what r accepts until ctx ends: it waits for r's
// Ready, takes the inbox with Drain and hands it to Push. It is the
// receiver's one consumer; run it on a goroutine of its own (under the
// program's panic guard). Nothing it does waits on I/O, so the receiver's
// inbox never fills while the engine runs.
func (e *Engine) ConsumeCallbacks(ctx context.Context, r *callback.Receiver) {
	e.mu.Lock()
	e.push.rcv = r
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.push.rcv = nil
		e.mu.Unlock()
	}()
	var batch []callback.Event
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.Ready():
		}
		batch = r.Drain(batch)
		e.Push(batch)
	}
}

// Push files accepted callbacks (see the package's push notes): for a
// watched task, its facts, an EventCallback and an ask; for another, an
// adoption or an EventNotWatched. It costs O(1) per callback in the
// number of tasks (a map look-up; a 307 scans its own task's files), does
// no I/O and holds the engine's lock for at most pushChunk callbacks at a
// time. The payloads are decoded before the lock is taken.
func (e *Engine) Push(evs []callback.Event) {
	var items [pushChunk]pushItem
	for len(evs) > 0 {
		n := min(len(evs), pushChunk)
		now := e.cfg.Now()
		for i := range n {
			items[i] = readPush(&evs[i], now)
		}
		e.pushChunk(items[:n])
		clear(items[:n])
		evs = evs[n:]
	}
}

func (e *Engine) pushChunk(items []pushItem) {
	adopt := e.cfg.Push.Adopt
	if adopt {
		// Adopting queues a watch-list write, which takes storeMu before
		// mu as every edit does.
		e.storeMu.Lock()
		defer e.storeMu.Unlock()
	}
	e.mu.Lock()
	now := e.cfg.Now()
	var adopted []op
	for i := range items {
		if a, ok := e.fileLocked(&items[i], now); ok {
			adopted = append(adopted, a)
		}
	}
	e.wakeLocked()
	e.mu.Unlock()
	e.signal()
	for _, o := range adopted {
		e.queueOp(o)
	}
	if len(adopted) > 0 {
		e.kickLocked("adopting " + plural(len(adopted), "task"))
	}
}

// fileLocked files one callback; it returns the watch-list edit of an
// adoption, if it adopted the task.
func (e *Engine) fileLocked(it *pushItem, now time.Time) (op, bool) {
	k := appTask{it.ev.SdkAppID, it.ev.TaskID}
	ents := e.push.byID[k]
	var adoption op
	if len(ents) == 0 {
		a, why, ok := e.adoptLocked(it, now)
		if !ok {
			e.notWatchedLocked(it, now, why)
			return op{}, false
		}
		adoption, ents = a, e.push.byID[k]
	}
	e.push.stats.Filed++
	for _, ent := range ents {
		p := ent.t.Pushed
		if p == nil {
			p = &Pushed{}
			ent.t.Pushed = p
		}
		p.record(it)
		p.Received = now
		e.eventLocked(Event{At: it.at, Kind: EventCallback, Ref: ent.t.Ref, Text: it.text, Code: it.code, By: byCallback})
		e.touchLocked(ent.t.Ref)
		// A task the API no longer knows is asked again only when a
		// recorder starts: what follows a stop (uploads, MP4, VOD) is
		// not news to the API.
		if !ent.t.Phase.Final() || it.ev.Type == callback.RecorderStart {
			ent.want = true
			e.confirmLocked(ent, now)
		}
	}
	return adoption, adoption.ref.TaskID != ""
}

// confirmLocked makes sure a call will confirm what callbacks told about
// ent (ent.want): at once, or once ConfirmGap has passed since its last
// call, or after the call in flight (finish calls this again).
func (e *Engine) confirmLocked(ent *entry, now time.Time) {
	switch {
	case !ent.want, ent.t.InFlight, ent.deferred:
		return
	case ent.idx >= 0 && ent.key.class == classAsk:
		return // an ask is queued: it confirms, and clears want when taken
	}
	at := ent.sent.Add(e.cfg.Push.ConfirmGap)
	if e.paused || at.After(now) {
		if at.Before(now) {
			at = now // paused: due as soon as polling resumes
		}
		ent.deferred = true
		heap.Push(&e.push.later, deferred{at: at, ent: ent})
		return
	}
	e.push.stats.Confirms++
	e.askLocked(ent, now)
}

// promoteLocked turns the deferred confirmations that are due into asks,
// and says how long until the next is (forever: none, or paused).
func (e *Engine) promoteLocked(now time.Time) time.Duration {
	if e.paused {
		return forever // SetPaused wakes the workers when it resumes
	}
	l := &e.push.later
	for len(*l) > 0 && !(*l)[0].at.After(now) {
		d := heap.Pop(l).(deferred)
		if e.tasks[d.ent.t.Ref] != d.ent {
			continue // removed meanwhile
		}
		d.ent.deferred = false
		e.confirmLocked(d.ent, now)
	}
	if len(*l) == 0 {
		return forever
	}
	return (*l)[0].at.Sub(now)
}

// stretchLocked is the poll interval nextDue may stretch to for ent: its
// callbacks keep arriving (one in the last ConfirmInterval), so push will
// say when it changes. 0: no stretch.
func (e *Engine) stretchLocked(ent *entry, now time.Time) time.Duration {
	ci := e.cfg.Push.ConfirmInterval
	if p := ent.t.Pushed; p != nil && !p.Received.IsZero() && now.Sub(p.Received) < ci {
		return ci
	}
	return 0
}

// deferred is a confirmation waiting for its task's ConfirmGap.
type deferred struct {
	at  time.Time
	ent *entry
}

// laterHeap orders deferred confirmations by when they are due. An entry
// has at most one in it (entry.deferred); one for a task removed meanwhile
// is skipped when it comes due.
type laterHeap []deferred

func (h laterHeap) Len() int           { return len(h) }
func (h laterHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h laterHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *laterHeap) Push(x any)        { *h = append(*h, x.(deferred)) }
func (h *laterHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	old[len(old)-1] = deferred{}
	*h = old[:len(old)-1]
	return d
}

// minWait is the sooner of two waits, forever being the latest.
func minWait(a, b time.Duration) time.Duration {
	switch {
	case a == forever:
		return b
	case b == forever:
		return a
	}
	return min(a, b)
}
