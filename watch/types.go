// Package watch is the dashboard's heart with no terminal in it: which tasks
// are watched, what each last answered, what changed and when, which task to
// ask about next, and keeping the list on disk. The Bubble Tea model drives
// it through commands and reads what changed through Collect.
package watch

import (
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// Phase is the state a row displays. It is derived in one place (derive) so
// the list, the detail pane, the counts and snapshot always agree.
type Phase string

// The displayed phases.
const (
	Pending    Phase = "pending"    // no answer yet
	Idle       Phase = "Idle"       // API: task waiting for streams
	InProgress Phase = "InProgress" // API: recording
	Exited     Phase = "Exited"     // API: task is ending
	Ended      Phase = "ended"      // gone after last answering Exited: a clean stop
	Vanished   Phase = "vanished"   // gone after last answering Idle or InProgress
	NotFound   Phase = "not found"  // gone and never seen alive
	Throttled  Phase = "throttled"  // last call hit the quota
	AuthError  Phase = "auth error" // credentials rejected
	Error      Phase = "error"      // any other failure
)

// Phases lists every phase in display order, for counts and filters.
var Phases = []Phase{Pending, Idle, InProgress, Exited, Ended, Vanished, NotFound, Throttled, AuthError, Error}

// Final reports phases that are no longer polled on their own.
func (p Phase) Final() bool { return p == Ended || p == Vanished || p == NotFound }

// Problem reports phases the "only problems" filter shows. A clean "ended"
// is not one: the task stopped the way tasks stop.
func (p Phase) Problem() bool {
	switch p {
	case Vanished, NotFound, Throttled, AuthError, Error:
		return true
	}
	return false
}

// Failed reports phases that mean the latest call failed (as opposed to
// an answer, "gone" included). The dashboard keeps the last known API
// status on such a row and marks the failure beside it.
func (p Phase) Failed() bool { return p == Throttled || p == AuthError || p == Error }

// Severity orders phases for the "worst first" sort: failures, then tasks
// that disappeared or never existed, then live ones; pending and a clean
// "ended" sink to the bottom. Unknown phases rank with errors.
func (p Phase) Severity() int {
	switch p {
	case Ended:
		return 0
	case Pending:
		return 1
	case Idle:
		return 2
	case InProgress:
		return 3
	case Exited:
		return 4
	case NotFound:
		return 5
	case Vanished:
		return 6
	case Throttled:
		return 7
	case AuthError:
		return 8
	}
	return 9
}

// GoneNote is the honest caveat about "ended" and "vanished": the API
// forgets a task soon after it stops, and the engine only sees what a poll
// answers. The list legend, help and detail pane all quote it, so they never
// claim more than the polls showed.
func GoneNote(p Phase) string {
	switch p {
	case Ended:
		return "the last answer was Exited, then the API no longer knew the task: a clean stop " +
			"(the details say when its end was not seen)"
	case Vanished:
		return "the API stopped knowing the task while it was last seen Idle or InProgress: a problem " +
			"(it may have exited between two polls; the console can tell)"
	case NotFound:
		return "the API answered that it has no such task (ResourceNotFound or the like; the details keep its RequestId): " +
			"a wrong TaskId, SdkAppId or region, or a task that ended before it was watched"
	}
	return ""
}

// File is one storage file, with API strings kept raw (sanitise on display).
type File struct {
	UserID    string
	FileName  string
	TrackType string
	Begin     time.Time // zero when the API gave none
}

// Answer is a successful DescribeCloudRecording. Build one with NewAnswer:
// its files and raw JSON are kept packed (see pack.go) and read with Files
// and Raw; FileCount and LastBegin answer the list and the alerts without
// unpacking. An Answer is never modified once built, so copies of a Task
// share it safely.
type Answer struct {
	Status    string // raw API status
	RequestID string
	At        time.Time
	FileCount int       // how many files the answer listed
	LastBegin time.Time // the latest Begin among them; zero when none has one
	packed    []byte    // files and the raw Response object, deflated
}

// Failure is a failed call as the client classified it, with At set to
// when the engine saw it. It is the client's own error type, so a code,
// message or RequestId reaches the screen exactly as the client kept it.
type Failure = client.Error

// Transition is one entry of a task's history.
type Transition struct {
	At        time.Time
	From, To  Phase
	RequestID string
	// Code is the failed call's error code when the change is into a
	// failure (error, throttled, auth error) or to not found, so a history
	// line names what caused it; empty for any other change.
	Code string
}

// Task is a value snapshot of one watched task. The engine hands out copies;
// holding one never races with polling.
type Task struct {
	Ref     taskref.Ref
	Note    string
	AddedAt time.Time

	Phase Phase     // derived, see derive
	Since time.Time // when Phase was entered; for an API status, when the API began to say it (see apply)

	Last     *Answer  // last good answer, kept through transient errors
	LastErr  *Failure // last failure; nil once a call succeeds
	Failures int      // consecutive failures
	Stale    bool     // Last is older than the latest failed attempt
	SeenLive bool     // ever answered Idle/InProgress/Exited
	EndedAt  time.Time
	// EndUnseen: gone, last seen Idle or InProgress, but the engine could
	// not poll (a Gap) between that answer and the one that found it
	// gone. Its Exited may have passed unseen, so it is Ended, not
	// Vanished: nothing says it was a problem.
	EndUnseen bool

	History  []Transition // oldest first, bounded
	NextPoll time.Time    // zero while in flight or not scheduled
	InFlight bool

	// Pushed is what recording callbacks told about the task (see
	// Pushed); nil until one names it, or the watch list says it was
	// adopted.
	Pushed *Pushed

	statusSince time.Time // when the API began to answer Last.Status; zero after a gone answer
	answerSent  time.Time // when the call that brought Last was sent
}

// Gap is a stretch when the engine itself could not run: the process was
// stopped (SIGSTOP, a debugger), starved of CPU, or the machine slept (a
// laptop lid). Nothing was polled in it, so what tasks did then was not
// observed, and a failure of a call that waited through it says nothing
// about the API.
type Gap struct {
	From time.Time // when the engine last ran before it
	To   time.Time // when it ran again
}

// Health is the API's state as the header shows it.
type Health string

// The health values.
const (
	HealthOK       Health = "ok"
	HealthDegraded Health = "degraded" // some calls fail
	HealthDown     Health = "down"     // every recent call failed at the transport
	HealthAuth     Health = "auth"     // credentials rejected; polling slowed to a probe
)

// Stats are the engine's figures for the header.
type Stats struct {
	Rate          float64 // calls/s over the last few seconds
	Limit         float64 // current self-imposed rate (AIMD)
	Quota         float64 // configured maximum
	Throttles1m   int     // RequestLimitExceeded answers in the last minute
	Calls         uint64  // total calls made
	Paused        bool
	Health        Health
	HealthDetail  string    // e.g. the auth error to fix; empty when OK
	DownSince     time.Time // when HealthDown began (zero otherwise)
	LastError     *Failure  // most recent failure of any task
	WatchWarnings []string  // watch-list problems to show the user (corrupt file kept aside, read-only)
	Viewers       int       // dashboards watching this engine in team mode (see SetViewers); 0 when nobody says
	Gap           Gap       // the latest stretch the engine could not run, for gapShownFor after it ended; zero otherwise
	Push          PushStats // what the engine did with recording callbacks (Push)

	// Unsaved is set while edits are only in memory because the watch list
	// could not be written: the cause and the edits, one line for a banner
	// that stays until a save succeeds. Empty when everything is saved.
	Unsaved string
}

// Update is what changed since the last Collect.
type Update struct {
	Changed []Task        // tasks whose snapshot changed (added ones too), in added order
	Removed []taskref.Ref // tasks no longer watched (never also in Changed)
	Stats   Stats

	// Events are what happened since the last Collect, oldest first:
	// phase changes (also those between two collects, Exited then ended),
	// error-code changes, adds, removals and note edits. The UI rings the
	// bell from them without diffing snapshots; the event log writes them.
	// Bounded: a reader that stops collecting loses the oldest, counted in
	// EventsDropped.
	Events        []Event
	EventsDropped int
}
