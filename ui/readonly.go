package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// readOnlyRefusal says why a read-only session (Options.ReadOnly, team
// mode's look-only keys) may not do what k asks, or "" when it may: such a
// session can look, filter, sort, copy and export, but every edit of the
// shared list and every call beyond the schedule belongs to the others.
func (m *Model) readOnlyRefusal(k tea.KeyPressMsg) string {
	if !m.opts.ReadOnly {
		return ""
	}
	ks := &m.keys
	for _, b := range []struct {
		bind key.Binding
		what string
	}{
		{ks.Add, "adding tasks"},
		{ks.Remove, "removing tasks"},
		{ks.Note, "editing notes"},
		{ks.Pause, "pausing polling"},
		{ks.RefreshAll, "refreshing all tasks"},
	} {
		if key.Matches(k, b.bind) {
			return readOnlyText(b.what)
		}
	}
	return ""
}

func readOnlyText(what string) string {
	return "read-only session: " + what + " is not allowed (you can look, filter, copy and export)"
}
