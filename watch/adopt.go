package watch

import (
	"sync/atomic"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// What callbacks need of the engine's task list: tasks by SdkAppId and
// TaskId in any region (a callback names no region), the set of watched
// SdkAppIds the receiver checks without the engine's lock, and adoption:
// adding a task a callback names, within bounds in number and rate.

// appTask is how a callback names a task.
type appTask struct {
	app  uint64
	task string
}

// pushState is the engine's callback state, under Engine.mu except apps'
// published set.
type pushState struct {
	byID    map[appTask][]*entry // watched tasks by how callbacks name them (one per region watched)
	apps    map[uint64]int       // watched tasks per SdkAppId
	appSet  atomic.Pointer[map[uint64]struct{}]
	adopted int // adopted tasks watched now
	rate    adoptRate
	later   laterHeap             // confirmations waiting for their ConfirmGap (push.go)
	quiet   map[appTask]time.Time // when a task not watched was last shown (notWatchedLocked)
	stats   PushStats
	rcv     *callback.Receiver // the one ConsumeCallbacks drains, for Stats
}

// Why a callback's task was not adopted: EventNotWatched's Code. Empty when
// adoption is off.
const (
	notAdoptedApp    = "app not watched" // its SdkAppId is not watched (only a race with a removal lets one through the receiver)
	notAdoptedRegion = "no region"       // PushConfig.Region is empty
	notAdoptedLimit  = "adopt limit"     // PushConfig.MaxAdopted adopted tasks are watched
	notAdoptedRate   = "adopt rate"      // PushConfig.AdoptPerMinute adopted in the last minute
	notAdoptedFull   = "watch list full" // watchlist.MaxTasks are watched
)

// notWatchedQuiet is how long a task not watched stays quiet after its
// EventNotWatched: its later callbacks are counted, not listed again, so
// an account's busy hour cannot push the watched tasks' events out of the
// readers' bounded queues.
const notWatchedQuiet = time.Minute

// maxQuiet bounds the tasks not watched that are remembered for
// notWatchedQuiet; past it they are forgotten at once (and may be listed
// again sooner).
const maxQuiet = 4096

func (e *Engine) initPushLocked() {
	e.cfg.Push = e.cfg.Push.withDefaults()
	e.push.byID = map[appTask][]*entry{}
	e.push.apps = map[uint64]int{}
	e.push.quiet = map[appTask]time.Time{}
	e.publishAppsLocked()
}

// WatchesApp reports whether callbacks for sdkAppID are taken: a task of
// it is watched, or PushConfig.Apps names it. It reads a published set
// without the engine's lock, so the receiver (callback.Options.Watched)
// never waits for the engine.
func (e *Engine) WatchesApp(sdkAppID uint64) bool {
	_, ok := (*e.push.appSet.Load())[sdkAppID]
	return ok
}

func (e *Engine) publishAppsLocked() {
	set := make(map[uint64]struct{}, len(e.push.apps)+len(e.cfg.Push.Apps))
	for app := range e.push.apps {
		set[app] = struct{}{}
	}
	for _, app := range e.cfg.Push.Apps {
		set[app] = struct{}{}
	}
	e.push.appSet.Store(&set)
}

// indexLocked makes ent findable by callbacks (addLocked calls it).
func (e *Engine) indexLocked(ent *entry) {
	r := ent.t.Ref
	k := appTask{r.SdkAppID, r.TaskID}
	e.push.byID[k] = append(e.push.byID[k], ent)
	if e.push.apps[r.SdkAppID]++; e.push.apps[r.SdkAppID] == 1 {
		e.publishAppsLocked()
	}
}

// unindexLocked forgets ent (dropLocked calls it).
func (e *Engine) unindexLocked(ent *entry) {
	r := ent.t.Ref
	k := appTask{r.SdkAppID, r.TaskID}
	list := e.push.byID[k]
	for i, x := range list {
		if x == ent {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(e.push.byID, k)
	} else {
		e.push.byID[k] = list
	}
	if e.push.apps[r.SdkAppID]--; e.push.apps[r.SdkAppID] <= 0 {
		delete(e.push.apps, r.SdkAppID)
		e.publishAppsLocked()
	}
	if ent.t.Pushed != nil && ent.t.Pushed.Adopted {
		e.push.adopted--
	}
}

// markAdoptedLocked marks ent as adopted, in room: a task adopted now, or
// one the watch list says was.
func (e *Engine) markAdoptedLocked(ent *entry, room string) {
	if ent.t.Pushed == nil {
		ent.t.Pushed = &Pushed{}
	}
	if !ent.t.Pushed.Adopted {
		ent.t.Pushed.Adopted = true
		e.push.adopted++
	}
	if ent.t.Pushed.RoomID == "" {
		ent.t.Pushed.RoomID = room
	}
}

// adoptLocked adds the task it names, if adoption is on and within its
// bounds; it returns the watch-list edit to queue, or why not (empty when
// adoption is off).
func (e *Engine) adoptLocked(it *pushItem, now time.Time) (op, string, bool) {
	c := e.cfg.Push
	app := it.ev.SdkAppID
	var why string
	switch {
	case !c.Adopt:
		return op{}, "", false
	case !e.WatchesApp(app):
		why = notAdoptedApp
	case c.Region == "":
		why = notAdoptedRegion
	case len(e.tasks) >= watchlist.MaxTasks:
		why = notAdoptedFull
	case e.push.adopted >= c.MaxAdopted:
		why = notAdoptedLimit
	case !e.push.rate.allow(now, c.AdoptPerMinute):
		why = notAdoptedRate
	}
	r := taskref.Ref{Region: c.Region, SdkAppID: app, TaskID: it.ev.TaskID}
	if why == "" && validRef(r) != nil {
		why = notAdoptedApp // cannot happen: the receiver checked both
	}
	if why != "" {
		e.push.stats.AdoptRefused++
		return op{}, why, false
	}
	room := watchlist.CleanRoom(it.ev.RoomID.String())
	e.addLocked(r, "", now, now, key{class: classAsk, due: now})
	e.markAdoptedLocked(e.tasks[r], room)
	e.push.stats.Adopted++
	text := "adopted from a callback"
	if room != "" {
		text += ", room " + room
	}
	e.eventLocked(Event{At: now, Kind: EventAdd, Ref: r, By: byCallback, Text: text})
	return op{kind: opAdd, ref: r, at: now, adopted: true, room: room}, "", true
}

// notWatchedLocked counts a callback for a task not watched, and lists it
// (EventNotWatched, with the ref to add) unless that task was listed in
// the last notWatchedQuiet.
func (e *Engine) notWatchedLocked(it *pushItem, now time.Time, why string) {
	e.push.stats.NotWatched++
	k := appTask{it.ev.SdkAppID, it.ev.TaskID}
	if last, ok := e.push.quiet[k]; ok && now.Sub(last) < notWatchedQuiet {
		return
	}
	if len(e.push.quiet) >= maxQuiet {
		clear(e.push.quiet)
	}
	e.push.quiet[k] = now
	r := taskref.Ref{Region: e.cfg.Push.Region, SdkAppID: it.ev.SdkAppID, TaskID: it.ev.TaskID}
	e.eventLocked(Event{At: it.at, Kind: EventNotWatched, Ref: r, Text: it.text, Code: why, By: byCallback})
}

// adoptRate allows at most n adoptions in any minute: it keeps the times
// of the last n and refuses while the oldest of them is under a minute old.
type adoptRate struct {
	times []time.Time // a ring of the last n adoptions
	next  int
}

func (a *adoptRate) allow(now time.Time, n int) bool {
	if len(a.times) < n {
		a.times = append(a.times, now)
		return true
	}
	if now.Sub(a.times[a.next]) < time.Minute {
		return false
	}
	a.times[a.next] = now
	a.next = (a.next + 1) % len(a.times)
	return true
}
