// Package ui is the trtcwatch dashboard: a Bubble Tea v2 model that shows
// the watched recording tasks and drives the watch engine through commands.
//
// The rule that shapes it: Update and View do no I/O and make no call on the
// engine. Every engine call (the engine persists to disk on Add, Remove and
// SetNote) runs inside a tea.Cmd built from values captured beforehand; the
// model keeps its own copy of the task rows, fed by one engineMsg per
// Collect. So a slow disk or a busy engine never freezes the screen, and the
// screen never races the engine.
package ui

import (
	"context"
	"log/slog"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/cmdline"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/ui/describe"
	"github.com/trtcwatch/trtcwatch/ui/events"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Engine is what the dashboard needs from the watch engine. *watch.Engine
// and *watch.Session satisfy it; tests use a counting fake to prove Update
// and View never call it. Every edit returns an error, so a read-only
// session's refusal (watch.ErrReadOnly) reaches the screen.
type Engine interface {
	Add(refs []taskref.Ref) ([]taskref.Ref, error)
	Remove(ref taskref.Ref) error
	// RemoveMany removes any number of tasks with one watch-list write
	// (bulk removal of marked or ended tasks); it returns how many were watched.
	RemoveMany(refs []taskref.Ref) (int, error)
	SetNote(ref taskref.Ref, note string, seq uint64) error
	Refresh(ref taskref.Ref)
	RefreshAll() error
	SetPaused(paused bool, seq uint64) error
	Changed() <-chan struct{}
	Collect() watch.Update
}

// Options are the dashboard's settings from the command line.
type Options struct {
	Keys     KeyMap
	Endpoint string // shown in the header
	Region   string // default region for typed tasks
	SdkAppID uint64 // default SdkAppId for typed tasks (0: each entry must name one)
	Bell     bool   // ring when a task ends, exits or fails
	Mouse    bool   // click to select, wheel to scroll; off keeps terminal text selection
	// Clipboard writes the system clipboard; nil or an error falls back to
	// OSC 52, which also works over SSH and tmux.
	Clipboard func(string) error
	Now       func() time.Time // nil = time.Now; tests pin it
	Log       *slog.Logger     // nil = discard; never gets a secret
	Demo      bool             // marks the header as running against the built-in emulator
	// Location is where times are shown (nil = time.Local); tests pin it.
	Location *time.Location
	// Context stops the model's wait on the engine (nil = Background). The
	// wait also stops when the user quits.
	Context context.Context
	// ASCII draws glyphs and borders in plain ASCII; the caller sets it
	// from the environment (see ASCIIWanted), as View never reads it.
	ASCII bool
	// CredentialSource names where the credentials came from (env, a
	// profile, a file, the CVM role) for the auth banner; never a secret.
	CredentialSource string
	// RegionFrom says where Region came from when not --region (the
	// environment, a tccli profile); the header shows it beside the region.
	RegionFrom string
	// PastEvents are the event log's newest events, oldest first, read by
	// the caller before the program starts (Update and View do no I/O);
	// the events pane shows them before the ones this run sees.
	PastEvents []watch.Event
	// PastEventsOlder, when set, says what the log holds before
	// PastEvents that was not read (the caller reads only its newest
	// part); the events pane shows it under its oldest event.
	PastEventsOlder string
	// Export writes tasks to a file in a format (ExportFormats) and returns
	// its path; x and :export call it inside a tea.Cmd, never in Update.
	// nil: export is not offered.
	Export func(format string, tasks []watch.Task, loc *time.Location, now time.Time) (string, error)
	// ExportFormats are the formats Export takes, the first the default
	// of x (the command line completes them).
	ExportFormats []string
	// Alerts are the rules from --alert; :alert adds more. ParseAlert
	// reads a typed rule (nil: :alert cannot add). AlertExamples name the
	// rule shapes for the command line's help and completion.
	Alerts        []AlertRule
	ParseAlert    func(string) (AlertRule, error)
	AlertExamples []string
	// OnAlert gets each firing (a rule that began to hold for a task). It
	// is called from Update, so it must only enqueue, never block.
	OnAlert func(Firing)
	// HookFailures reports failed --on-change runs, one line each; the
	// model waits on it in a command and shows the latest in a banner.
	HookFailures <-chan string
	// ReadOnly is a team-mode session whose key may only look: every key
	// and command that would edit the shared list (add, remove, note,
	// pause, refresh-all, and their bulk forms over marks) answers at once
	// with a clear refusal, and the help and hint bar say they are off.
	// The engine session enforces it too (watch.ErrReadOnly).
	ReadOnly bool
}

// Model is the dashboard. It is used through a pointer: Update mutates it
// in place and returns it, and the render caches live in it.
type Model struct {
	eng    Engine
	opts   Options
	keys   KeyMap
	ctx    context.Context
	cancel context.CancelFunc
	log    *slog.Logger

	w, h int
	// st and clock are shared with the parts of the screen (ui/common):
	// the palette for the terminal's background, and now, the zones and
	// the wake of the frame being drawn.
	st    *common.Styles
	clock *common.Clock

	// The task rows (rows.go), and the list of them shown (tasklist.go,
	// order.go, cursor.go).
	rows     map[taskref.Ref]*row
	all      []*row // arrival order; nil holes are compacted on rebuild
	nextSeq  int
	counts   [16]int        // per watch.Phases index, plus unknown at the end
	apps     map[uint64]int // rows per SdkAppId: the column shows only when it tells rows apart
	visible  []*row         // filtered and sorted
	sel      taskref.Ref
	cursor   int
	offset   int
	sortBy   sortKey
	problems bool
	filter   string
	cols     colCache
	widths   widthCounts // the visible rows' lengths, for the column plan
	// codeSeen is the widest error code any row has shown this run (cells,
	// at most codeMaxW): the error column's width, from the first failure on.
	codeSeen   int
	marks      map[taskref.Ref]bool // marked tasks (marks.go)
	pendingSel taskref.Ref          // the first added task, selected once its row exists

	det   detailPane  // the detail pane (detail.go)
	stats watch.Stats // the engine's figures, Paused included: the screen says only that
	// pauseReq is the last request p sent, which the next p toggles.
	pauseReq struct {
		want bool
		seq  uint64
	}
	noteSeq uint64 // orders note edits (SetNote), which run in their own commands

	focus   focusStack   // what has the keyboard (focus.go)
	input   common.Input // the add, filter and note box (input.go, typing.go)
	paste   pasted       // lists pasted into the add box, too long to edit in place (typing.go)
	ask     removal      // what the y/n question would remove (marks.go)
	noteFor noteFor      // whom the note box writes to (marks.go)
	box     box          // help, the add report or the copied text, over the body (box.go)
	desc    *describe.Model
	evp     *events.Model
	cmd     *cmdline.Model

	flash        flash
	seenWarn     map[string]bool // watch-list warnings already said
	alert        alertState      // the alert rules and what they flag (alerts.go)
	hook         hookWarn        // the latest --on-change failure, for the banner (hookwarn.go)
	lastCopy     copiedMsg       // the last text copied, for v
	exportFormat string          // the format x writes: the last :export's
	hint         struct {
		key [7]int
		s   string
	}

	// What makes an idle screen cost nothing (repaint.go): the frame
	// drawn last, whether View may hand it back (the last message changed
	// nothing on it), and the pending tick.
	frame frame
	reuse bool
	tick  tickState
}

// New builds the dashboard around an engine. Nothing runs until the
// program calls Init.
func New(eng Engine, opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	parent := opts.Context
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	m := &Model{
		eng:      eng,
		opts:     opts,
		keys:     opts.Keys,
		ctx:      ctx,
		cancel:   cancel,
		log:      log,
		st:       &common.Styles{},
		clock:    &common.Clock{Now: opts.Now(), Loc: loc},
		rows:     map[taskref.Ref]*row{},
		apps:     map[uint64]int{},
		seenWarn: map[string]bool{},
		focus:    newFocusStack(),
		input:    common.NewInput(),
	}
	ks := &m.keys
	m.desc = describe.New(m.st, m.clock, describe.KeyMap{Nav: ks.nav(), Copy: ks.Copy, CopyDetails: ks.CopyDetails, Back: ks.Back})
	m.cmd = cmdline.New(cmdline.KeyMap{Submit: ks.Submit, Back: ks.Back, Complete: ks.Complete, Prev: ks.Up, Next: ks.Down})
	m.evp = events.New(m.st, m.clock, events.KeyMap{Nav: ks.nav(), Close: ks.Events, Scope: ks.EventsScope, Filter: ks.Filter,
		Submit: ks.Submit, Add: ks.Add, Copy: ks.Copy, CopyDetails: ks.CopyDetails, Back: ks.Back}, opts.PastEvents, opts.PastEventsOlder)
	m.setDark(true)
	m.alert.rules = slices.Clone(opts.Alerts)
	return m
}

// Init reads what the engine already holds and asks the terminal for its
// background colour. The clock ticks only once a frame shows a time that
// moves (repaint.go).
func (m *Model) Init() tea.Cmd {
	return tea.Batch(collectCmd(m.eng), tea.RequestBackgroundColor, waitHookFailure(m.ctx, m.opts.HookFailures))
}

func (m *Model) setDark(dark bool) {
	*m.st = common.NewStyles(dark, m.opts.ASCII)
	m.input.SetStyles(m.st.Input)
	m.cmd.SetStyles(m.st)
	m.det.cache = detailCache{}
}

// has is the dedupe check for the add input: the model's own rows, so it
// needs no engine call.
func (m *Model) has(ref taskref.Ref) bool { _, ok := m.rows[ref]; return ok }

// selected is the row under the cursor, or nil.
func (m *Model) selected() *row {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return nil
	}
	return m.visible[m.cursor]
}

// ASCIIWanted reports whether the environment asks for plain ASCII glyphs:
// NO_COLOR set to anything (https://no-color.org) or TERM=dumb. The caller
// reads the environment and sets Options.ASCII; View never does.
func ASCIIWanted(getenv func(string) string) bool {
	return getenv("NO_COLOR") != "" || getenv("TERM") == "dumb"
}
