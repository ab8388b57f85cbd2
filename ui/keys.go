package ui

import (
	"charm.land/bubbles/v2/key"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// KeyMap is every binding the dashboard reacts to. It lives in ui, next to
// its defaults, so that the hint bar and the `?` help are generated from
// the same bindings the Update code matches on: a key that works is a key
// that is documented.
type KeyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding

	Add, Remove, Focus, Filter, Sort, Problems key.Binding
	Refresh, RefreshAll, Pause, Note           key.Binding
	Copy, CopyDetails, Help, Quit              key.Binding

	// Describe opens the full describe view of the selected task (so does
	// enter while the detail pane has focus).
	Describe key.Binding
	// Zone cycles the time zone times are shown and copied in.
	Zone key.Binding
	// ShowCopied shows the last copied text in a box to select by hand,
	// for terminals that ignore OSC 52.
	ShowCopied key.Binding
	// Suspend stops the program (ctrl+z); the shell's fg resumes it.
	Suspend key.Binding
	// Events opens (and closes) the events pane, k9s's :events.
	Events key.Binding
	// EventsScope switches the events pane between the selected task's
	// events and every task's.
	EventsScope key.Binding

	// Back leaves the current mode: clears the filter, closes help or a
	// box, returns focus to the list, cancels an input. It never quits.
	Back key.Binding
	// Submit accepts an input (add, filter, note).
	Submit key.Binding
	// Yes is the only answer that removes a task; any other key keeps it.
	Yes key.Binding

	// Mark marks or unmarks the selected task; while any task is marked,
	// remove, refresh, note and copy act on the marked tasks.
	Mark key.Binding
	// MarkAll marks every task the list shows (filter and f respected).
	MarkAll key.Binding
	// ClearMarks unmarks every task.
	ClearMarks key.Binding
	// RemoveGone removes every ended or not-found task after one question.
	RemoveGone key.Binding
	// Command opens the `:` command line.
	Command key.Binding
	// Complete completes the command line's word (tab; elsewhere tab is
	// Focus).
	Complete key.Binding
	// Export writes the marked tasks, else the shown ones, to a file.
	Export key.Binding
}

// DefaultKeyMap is the dashboard's bindings. They follow what users of
// k9s, gh-dash and lazygit already type (j/k, g/G, /, ?, y/Y, r/R) so
// nothing has to be learnt. Each help key is the short form the hint bar
// shows; the `?` screen lists every key (see helpSections).
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),

		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Remove:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "remove")),
		Focus:    key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "details")),
		Describe: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "describe")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Problems: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "only problems")),

		Refresh:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		RefreshAll: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh all")),
		Pause:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause")),
		Note:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "note")),

		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id")),
		CopyDetails: key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy details")),
		ShowCopied:  key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "show copied")),
		Zone:        key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zone")),
		Events:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "events")),
		EventsScope: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "this task")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Suspend:     key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		// Two quick escapes reach us as one alt+esc (ESC ESC): still "back".
		Back:   key.NewBinding(key.WithKeys("esc", "alt+esc"), key.WithHelp("esc", "back")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "remove")),

		// ctrl+space (k9s) reaches many terminals as NUL or not at all;
		// * and u type the same everywhere.
		Mark:       key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark")),
		MarkAll:    key.NewBinding(key.WithKeys("*"), key.WithHelp("*", "mark all shown")),
		ClearMarks: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "clear marks")),
		RemoveGone: key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "remove ended")),
		Command:    key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command")),
		Complete:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		Export:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export")),
	}
}

// shortHelp is the one-line hint bar: the keys a new user needs first.
func (k KeyMap) shortHelp() []key.Binding {
	return []key.Binding{k.Add, k.Remove, k.Focus, k.Filter, k.Problems, k.Copy, k.Pause, k.Zone, k.Help, k.Quit}
}

// nav is the movement keys, as every part takes them.
func (k *KeyMap) nav() common.Nav {
	return common.Nav{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Top: k.Top, Bottom: k.Bottom}
}
