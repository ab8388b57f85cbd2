package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// flash is a self-clearing message; seq makes sure an older timer never
// clears a newer message. An answer to what the user just did holds the
// line for its whole time: a notice (news nobody asked for, such as an
// alert firing) then waits in queued and shows when the answer clears
// (flash.go).
type flash struct {
	text   string
	kind   common.FlashKind
	seq    int
	notice bool    // text is a notice: anything may replace it
	queued *notice // the latest notice that came while an answer showed
}

// notice is news for the message line that nobody asked for just now.
type notice struct {
	text string
	kind common.FlashKind
	ttl  time.Duration
}

// setNotice shows news the user did not just ask for (an alert that began
// to hold). It never takes the line from an answer to what the user just
// typed or pressed (setFlash): it waits until that answer's time is up,
// and only the latest notice waits.
func (m *Model) setNotice(text string, kind common.FlashKind, ttl time.Duration) tea.Cmd {
	if m.flash.text != "" && !m.flash.notice {
		m.flash.queued = &notice{text: text, kind: kind, ttl: ttl}
		return nil
	}
	cmd := m.setFlash(text, kind, ttl)
	m.flash.notice = true
	return cmd
}

// clearFlash ends the message whose timer fired (an older timer does
// nothing) and shows the notice that waited for it, if any.
func (m *Model) clearFlash(seq int) tea.Cmd {
	if seq != m.flash.seq {
		return nil
	}
	m.flash.text = ""
	q := m.flash.queued
	m.flash.queued = nil
	if q == nil {
		return nil
	}
	return m.setNotice(q.text, q.kind, q.ttl)
}
