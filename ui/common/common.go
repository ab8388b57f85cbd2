// Package common is what the dashboard's parts share: the styles and the
// one table of how each state looks, the clock texts that know when they
// next change, text helpers that measure and cut by terminal cells, the
// document builder of the detail pane and the describe view, the pane
// border, the bounded text input, and the messages a part hands the root
// model. It holds no state of the dashboard and imports none of its parts
// (soft-serve's and gh-dash's common packages play the same role).
package common

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// Component is the shape of a part of the screen that has the keyboard
// while it is on top of the root model's focus stack: its own Update,
// View and key help, and a size (soft-serve's component). Update handles
// one message and returns, besides the commands to run outside Update,
// a message for the root (go to a task, copy, say something, run a
// command), which the root applies in the same Update: no frame shows
// half of it, and no key typed after it can overtake it.
type Component interface {
	Update(msg tea.Msg) (up tea.Msg, cmd tea.Cmd)
	View() string
	SetSize(w, h int)
	help.KeyMap
}
