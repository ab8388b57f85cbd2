package watch

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// One engine can have many readers: the dashboard, the event log, the
// hooks, and in team mode one dashboard per SSH session. Each reader is a
// subscription with its own record of what changed since it last
// collected, so a slow reader never makes another miss news, and a reader
// that stops collecting costs at most one entry per task plus maxEvents.

// EventKind says what an Event records.
type EventKind string

// The kinds of events. Every one names the task; which other fields are set
// depends on the kind.
const (
	EventTransition EventKind = "transition" // From → To, RequestID of the answer (or failure)
	EventError      EventKind = "error"      // the failure code changed: Code is the new one, "" once calls succeed again
	EventAdd        EventKind = "add"
	EventRemove     EventKind = "remove"
	EventNote       EventKind = "note" // Note is the new text
	// EventCallback is a recording callback for a watched task: Text is
	// what it said ("302 recorder stopped, LeaveCode 99: …"), At when it
	// happened at TRTC, By "callback". A hint: the phase changes only with
	// the answer of the call it asks for.
	EventCallback EventKind = "callback"
	// EventNotWatched is a recording callback for a task not watched (nor
	// adopted): Ref is the task in PushConfig.Region, for a key that adds
	// it; Text what it said; Code why it was not adopted ("app not
	// watched", "no region", "adopt limit", "adopt rate", "watch list
	// full"; "" when adoption is off). Listed once per task per minute;
	// Stats.Push counts them all.
	EventNotWatched EventKind = "not-watched"
)

// Event is one thing that happened to a watched task, in the order the
// engine saw it. It is what the event log writes, what hooks are told and
// what rings the bell.
type Event struct {
	At        time.Time
	Kind      EventKind
	Ref       taskref.Ref
	From, To  Phase  // EventTransition; To is also set on EventError
	RequestID string // the call behind a transition or error
	Code      string // EventError; EventNotWatched: why not adopted; EventCallback: what went wrong (callback.Problem), "" for routine news
	Note      string // EventNote
	// Text is what a callback said (EventCallback, EventNotWatched) or
	// that one adopted the task (EventAdd by "callback"). It comes from
	// the network: sanitise it before display.
	Text string
	// By names who made an edit (add, remove, note): Config.Actor for this
	// engine's own callers, the session's name in team mode, "another dashboard"
	// for edits read back from the shared watch list, "callback" for what
	// a callback caused. Empty for what polls found.
	By string
}

// otherDashboard is Event.By for edits another process made to the shared
// watch list, seen when the engine reloads it.
const otherDashboard = "another dashboard"

// sub is one reader's news since its last Collect.
type sub struct {
	dirty   map[taskref.Ref]struct{}
	removed []taskref.Ref
	events  []Event
	dropped int           // events dropped since the last Collect (bounded by maxEvents)
	notify  chan struct{} // 1-buffered; never blocks the engine
}

func newSub() *sub {
	return &sub{dirty: map[taskref.Ref]struct{}{}, notify: make(chan struct{}, 1)}
}

// touchLocked records that r's snapshot changed, for every reader.
func (e *Engine) touchLocked(r taskref.Ref) {
	for _, s := range e.subs {
		s.dirty[r] = struct{}{}
	}
}

// goneLocked records that r is no longer watched, for every reader.
func (e *Engine) goneLocked(r taskref.Ref) {
	for _, s := range e.subs {
		delete(s.dirty, r)
		s.removed = append(s.removed, r)
	}
}

// backLocked forgets an earlier removal of r (it was added again).
func (e *Engine) backLocked(r taskref.Ref) {
	for _, s := range e.subs {
		s.removed = slices.DeleteFunc(s.removed, func(x taskref.Ref) bool { return x == r })
	}
}

// eventLocked hands ev to every reader; a reader that has not collected
// for maxEvents events loses the oldest and is told how many.
func (e *Engine) eventLocked(ev Event) {
	for _, s := range e.subs {
		if len(s.events) >= maxEvents {
			s.events = s.events[1:]
			s.dropped++
		}
		s.events = append(s.events, ev)
	}
}

// signal tells every reader there is news, without ever blocking. It takes
// subsMu's read lock, so it can be called with or without e.mu held.
func (e *Engine) signal() {
	e.subsMu.RLock()
	defer e.subsMu.RUnlock()
	for _, s := range e.subs {
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
}

// collectLocked returns what changed for s since its last Collect.
func (e *Engine) collectLocked(s *sub) Update {
	u := Update{Stats: e.statsLocked(e.cfg.Now()), Removed: s.removed, Events: s.events, EventsDropped: s.dropped}
	ents := make([]*entry, 0, len(s.dirty))
	for r := range s.dirty {
		if ent := e.tasks[r]; ent != nil {
			ents = append(ents, ent)
		}
	}
	slices.SortFunc(ents, func(a, b *entry) int { return cmpGen(a.gen, b.gen) })
	for _, ent := range ents {
		u.Changed = append(u.Changed, ent.t.clone())
	}
	clear(s.dirty)
	s.removed, s.events, s.dropped = nil, nil, 0
	return u
}

// ErrReadOnly is what a read-only Session answers every edit with (test
// it with errors.Is): team mode's look-only keys must not change the list
// everyone shares, whichever key, command or client sends the call.
var ErrReadOnly = errors.New("read-only session: edits are not allowed")

// Session is one reader and editor of the engine: its own news (Changed,
// Collect) and a name carried by the edits it makes, so the event log can
// say who added, removed or noted a task. The dashboard uses one; team mode
// gives each SSH session its own. It satisfies the dashboard's engine
// interface.
type Session struct {
	e  *Engine
	s  *sub
	by string
	// readOnly refuses every edit with ErrReadOnly (ReadOnlySession).
	readOnly bool

	// The dashboard sends each edit from its own command, so they may
	// arrive out of order; seq orders them per session, as Engine.SetPaused
	// and Engine.SetNote do for the engine's own callers.
	mu       sync.Mutex
	pauseSeq uint64
	noteSeq  map[taskref.Ref]uint64
}

// Session starts a new reader whose edits are recorded as made by `by`.
// Its first Collect holds every watched task. Close it when done, or the
// engine keeps recording news for it.
func (e *Engine) Session(by string) *Session { return e.session(by, false) }

// ReadOnlySession is Session for a reader who may only look (team mode's
// trtcwatch-readonly and restrict keys): Add, Remove, RemoveMany,
// SetNote, SetPaused and RefreshAll change nothing and return
// ErrReadOnly. Refresh of one task stays allowed: it is one call the
// schedule paces like any other (an ask already queued or in flight is
// not repeated), and it is how a viewer checks the task in front of them.
func (e *Engine) ReadOnlySession(by string) *Session { return e.session(by, true) }

func (e *Engine) session(by string, readOnly bool) *Session {
	s := newSub()
	// Its first Collect has news: say so before the engine can see s. Sent
	// after, it blocked for ever whenever the engine's own signal filled
	// the one-slot channel first (a team-mode session hung on connect, and
	// shutdown waited on it).
	s.notify <- struct{}{}
	e.mu.Lock()
	for _, ent := range e.order {
		s.dirty[ent.t.Ref] = struct{}{}
	}
	e.subsMu.Lock()
	e.subs = append(e.subs, s)
	e.subsMu.Unlock()
	e.mu.Unlock()
	return &Session{e: e, s: s, by: by, readOnly: readOnly, noteSeq: map[taskref.Ref]uint64{}}
}

// Close stops recording news for this session. Its edits made before stay.
func (ss *Session) Close() {
	e := ss.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.subsMu.Lock()
	defer e.subsMu.Unlock()
	e.subs = slices.DeleteFunc(e.subs, func(x *sub) bool { return x == ss.s })
}

// Changed is signalled when Collect has news for this session.
func (ss *Session) Changed() <-chan struct{} { return ss.s.notify }

// Collect returns what changed since this session last collected.
func (ss *Session) Collect() Update {
	ss.e.mu.Lock()
	defer ss.e.mu.Unlock()
	return ss.e.collectLocked(ss.s)
}

// Add starts watching refs on behalf of this session; see Engine.Add.
func (ss *Session) Add(refs []taskref.Ref) ([]taskref.Ref, error) {
	if ss.readOnly {
		return nil, fmt.Errorf("add %s: %w", plural(len(refs), "task"), ErrReadOnly)
	}
	return ss.e.add(refs, ss.by)
}

// Remove stops watching ref on behalf of this session; see Engine.Remove.
func (ss *Session) Remove(ref taskref.Ref) error {
	_, err := ss.RemoveMany([]taskref.Ref{ref})
	return err
}

// RemoveMany stops watching refs with one save; see Engine.RemoveMany.
func (ss *Session) RemoveMany(refs []taskref.Ref) (int, error) {
	if ss.readOnly {
		return 0, fmt.Errorf("remove %s: %w", plural(len(refs), "task"), ErrReadOnly)
	}
	return ss.e.removeMany(refs, ss.by)
}

// SetNote edits a note on behalf of this session; see Engine.SetNote.
func (ss *Session) SetNote(ref taskref.Ref, note string, seq uint64) error {
	if ss.readOnly {
		return fmt.Errorf("set the note of %s: %w", ref, ErrReadOnly)
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	last := ss.noteSeq[ref]
	if !inOrder(seq, &last) {
		return nil // a newer edit from this session is already in force
	}
	ss.noteSeq[ref] = last
	return ss.e.setNote(ref, note, 0, ss.by)
}

// Refresh asks about ref now; see Engine.Refresh. A read-only session may.
func (ss *Session) Refresh(ref taskref.Ref) { ss.e.Refresh(ref) }

// RefreshAll asks about every task now; see Engine.RefreshAll.
func (ss *Session) RefreshAll() error {
	if ss.readOnly {
		return fmt.Errorf("refresh all tasks: %w", ErrReadOnly)
	}
	return ss.e.RefreshAll()
}

// SetPaused pauses or resumes polling for everyone; see Engine.SetPaused.
func (ss *Session) SetPaused(p bool, seq uint64) error {
	if ss.readOnly {
		return fmt.Errorf("pause polling: %w", ErrReadOnly)
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if inOrder(seq, &ss.pauseSeq) {
		return ss.e.SetPaused(p, 0)
	}
	return nil
}
