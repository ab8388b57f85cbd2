package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// A read-only session (Options.ReadOnly, team mode's look-only keys) may
// look, filter, sort, mark and copy; every key that would edit the shared
// list or change polling for everyone is refused at once, before any
// question or input box opens, and the engine session refuses the same
// edits again (watch.ErrReadOnly) should one get through: that answer
// reads the same on screen.

// edit is a key that edits the shared list or the polling, and what a
// refusal calls it.
type edit struct {
	b    key.Binding
	what string
}

// edits are the keys a read-only session may not use. r stays: asking
// about one task now is within the schedule (see watch.ReadOnlySession),
// but not over marks (readOnlyRefusal).
func (k *KeyMap) edits() []edit {
	return []edit{
		{k.Add, "adding tasks"},
		{k.Remove, "removing tasks"},
		{k.RemoveGone, "removing tasks"},
		{k.Note, "editing notes"},
		{k.Pause, "pausing polling"},
		{k.RefreshAll, "refreshing all tasks"},
	}
}

// readOnlyRefusal names the edit k asks for when this session may not
// make it, or "" when it may.
func (m *Model) readOnlyRefusal(k tea.KeyPressMsg) string {
	if !m.opts.ReadOnly {
		return ""
	}
	for _, e := range m.keys.edits() {
		if key.Matches(k, e.b) {
			return e.what
		}
	}
	if m.markCount() > 0 && key.Matches(k, m.keys.Refresh) {
		return "refreshing marked tasks"
	}
	return ""
}

// refuse says a read-only session may not do what: whole when the line
// has room, else without the aside so the reason is never cut.
func (m *Model) refuse(what string) tea.Cmd {
	text := "read-only session: " + what + " is not allowed"
	if long := text + " (you can look, filter and copy)"; common.Width(long) <= m.w {
		text = long
	}
	return m.setFlash(text, common.FlashWarn, common.FlashLongTTL)
}

// editFailed is the flash for an edit the engine did not make: a
// read-only session's refusal reads as the key's would, anything else
// as "<failed>: <error>".
func (m *Model) editFailed(what, failed string, err error) tea.Cmd {
	if errors.Is(err, watch.ErrReadOnly) {
		return m.refuse(what)
	}
	return m.setFlash(failed+": "+common.Clean(err.Error()), common.FlashErr, common.FlashLongTTL)
}

// editFailedMsg is the engine's refusal or failure of an edit that has no
// answer of its own (p, R): nothing comes back when it succeeds.
type editFailedMsg struct {
	what, failed string
	err          error
	pause        bool // p: the next p toggles what the engine has, not what was asked
}

func (m *Model) onEditFailed(msg editFailedMsg) tea.Cmd {
	if msg.pause {
		m.pauseReq.want = m.stats.Paused
	}
	return m.editFailed(msg.what, msg.failed, msg.err)
}

// keyNote is what the help says about binding b in this session beside
// what it does ("" when nothing), and whether b is off here: the hint bar
// leaves off keys out, and the help marks them, so neither offers a key
// as if it worked.
func (m *Model) keyNote(b key.Binding) (note string, off bool) {
	ks := &m.keys
	if m.opts.ReadOnly {
		for _, e := range ks.edits() {
			if keyIs(b, e.b) {
				return "off in this read-only session", true
			}
		}
		if keyIs(b, ks.Refresh) {
			return "read-only session: the selected task only, not the marked ones", false
		}
	}
	if keyIs(b, ks.Export) && m.exportOff() {
		return strings.TrimPrefix(exportOffText, "export is "), true
	}
	if keyIs(b, ks.Command) {
		var off []string
		for _, c := range commands() {
			if c.offIn(m) != "" {
				off = append(off, ":"+c.name)
			}
		}
		if m.opts.ParseAlert == nil {
			off = append(off, "new :alert rules")
		}
		if len(off) > 0 {
			return "off in team mode: " + strings.Join(off, ", "), false
		}
	}
	return "", false
}
