package main

import (
	"charm.land/bubbles/v2/key"

	"github.com/trtcwatch/trtcwatch/ui"
)

// defaultKeyMap is the dashboard's bindings. They follow what users of k9s,
// gh-dash and lazygit already type (j/k, g/G, /, ?, y/Y, r/R) so nothing has
// to be learnt; each carries the help text that `?` and the hint bar show.
func defaultKeyMap() ui.KeyMap {
	return ui.KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),

		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add tasks")),
		Remove:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "remove")),
		Focus:    key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "details")),
		Describe: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "describe")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Problems: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "only problems")),

		Refresh:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		RefreshAll: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh all")),
		Pause:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause")),
		Note:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "edit note")),

		Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id")),
		CopyDetails: key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy details")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		// Two quick escapes reach us as one alt+esc (ESC ESC): still "back".
		Back:   key.NewBinding(key.WithKeys("esc", "alt+esc"), key.WithHelp("esc", "back/clear")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		Yes:    key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "yes, remove")),
		No:     key.NewBinding(key.WithKeys("n", "esc", "alt+esc"), key.WithHelp("n/esc", "keep")),
	}
}
