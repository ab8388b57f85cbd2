package common

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// Nav are the movement keys every part shares: in a list they move the
// cursor, in a box or a view they scroll.
type Nav struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// Scroll moves a viewport for a movement key; it reports whether k was
// one.
func (n Nav) Scroll(vp *viewport.Model, k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, n.Up):
		vp.ScrollUp(1)
	case key.Matches(k, n.Down):
		vp.ScrollDown(1)
	case key.Matches(k, n.PageUp):
		vp.PageUp()
	case key.Matches(k, n.PageDown):
		vp.PageDown()
	case key.Matches(k, n.Top):
		vp.GotoTop()
	case key.Matches(k, n.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}

// Step is how far a movement key moves a cursor over n rows shown page
// at a time (0 for any other key): one row, a page, or to either end.
func (n Nav) Step(k tea.KeyPressMsg, page, rows int) int {
	switch {
	case key.Matches(k, n.Up):
		return -1
	case key.Matches(k, n.Down):
		return 1
	case key.Matches(k, n.PageUp):
		return -page
	case key.Matches(k, n.PageDown):
		return page
	case key.Matches(k, n.Top):
		return -rows
	case key.Matches(k, n.Bottom):
		return rows
	}
	return 0
}

// WithHelp is b with another description (its keys unchanged): the hint
// bar says what a key does here ("esc close", "p resume").
func WithHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// OnlyKey is b shown as one of its keys, e.g. quit as ctrl+c while q types.
func OnlyKey(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}
