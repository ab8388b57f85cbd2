package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every binding the dashboard reacts to. It lives in ui (not in
// main, which builds the defaults) so that the hint bar and the `?` help are
// generated from the same bindings the Update code matches on: a key that
// works is a key that is documented.
type KeyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding

	Add, Remove, Focus, Filter, Sort, Problems key.Binding
	Refresh, RefreshAll, Pause, Note           key.Binding
	Copy, CopyDetails, Help, Quit              key.Binding

	// Describe opens the full describe view of the selected task (so does
	// Submit, enter, while the detail pane has focus).
	Describe key.Binding

	// Back leaves the current mode: clears the filter, closes help, returns
	// focus to the list, cancels an input. It never quits.
	Back key.Binding
	// Submit accepts an input (add, filter, note).
	Submit key.Binding
	// Yes and No answer the remove confirmation.
	Yes, No key.Binding
}

// ShortHelp is the one-line hint bar: the keys a new user needs first.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Add, k.Remove, k.Focus, k.Filter, k.Problems, k.Copy, k.Pause, k.Help, k.Quit}
}

// FullHelp is the `?` screen, grouped by what the keys act on.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Add, k.Remove, k.Note, k.Refresh, k.RefreshAll, k.Pause},
		{k.Focus, k.Describe, k.Filter, k.Sort, k.Problems, k.Back},
		{k.Copy, k.CopyDetails, k.Help, k.Quit},
	}
}

// inputKeys is what the hint bar shows while an input has focus.
func (k KeyMap) inputKeys() []key.Binding { return []key.Binding{k.Submit, k.Back} }

// confirmKeys is what the hint bar shows while a removal waits for an answer.
func (k KeyMap) confirmKeys() []key.Binding { return []key.Binding{k.Yes, k.No} }

// detailKeys is what the hint bar shows while the detail pane has focus.
func (k KeyMap) detailKeys() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Describe, k.Back, k.Copy, k.CopyDetails, k.Help, k.Quit}
}

// bindings adapts a slice to help.KeyMap for the contextual hint bars.
type bindings []key.Binding

func (b bindings) ShortHelp() []key.Binding  { return b }
func (b bindings) FullHelp() [][]key.Binding { return [][]key.Binding{b} }
