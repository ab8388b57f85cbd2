package ui

import (
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// copyCmd writes the clipboard off the event loop: the native clipboard
// may spawn xclip. The text is already sanitised.
func copyCmd(native func(string) error, what, text string) tea.Cmd {
	return func() tea.Msg {
		if native == nil {
			return copiedMsg{what: what, text: text, err: errNoClipboard}
		}
		return copiedMsg{what: what, text: text, err: native(text)}
	}
}

// onCopied reports a copy truthfully: "copied" only when the system
// clipboard took the text. Otherwise the text goes out as OSC 52, which
// the terminal may or may not pass to the clipboard (tmux, some
// terminals and SSH hops drop it): the message says so and v shows it.
func (m *Model) onCopied(msg copiedMsg) tea.Cmd {
	m.lastCopy = copiedMsg{what: msg.what, text: msg.text}
	if m.focus.top() == focusCopied {
		m.showCopied()
	}
	if msg.err == nil {
		return m.setFlash("copied "+msg.what+" to the clipboard", common.FlashInfo, common.FlashTTL)
	}
	m.log.Debug("native clipboard unavailable, using OSC 52", "err", msg.err)
	return tea.Batch(tea.SetClipboard(msg.text),
		m.setFlash("sent "+msg.what+" to the terminal (OSC 52); v shows it if paste fails", common.FlashInfo, common.FlashLongTTL))
}

// ticketText is a task as plain text for a support ticket: every string
// sanitised, times in ISO 8601 with their offset in the zone on screen,
// the history newest first as the detail pane lists it, each change to a
// failure with its code.
func (m *Model) ticketText(r *row) string {
	t := r.t
	var b strings.Builder
	loc, now := m.clock.Location(), m.clock.Now
	ts := func(x time.Time) string { return common.ISOText(x, loc) }
	line := func(k, v string) { b.WriteString(k + ": " + v + "\n") }
	line("TaskId", r.id)
	line("SdkAppId", strconv.FormatUint(t.Ref.SdkAppID, 10))
	line("Region", common.Clean(t.Ref.Region))
	status := common.Word(t.Phase)
	if t.Last != nil && t.Last.Status != "" {
		status += " (API status " + common.Clean(t.Last.Status) + ")"
	}
	line("Status", status+" since "+ts(t.Since))
	if r.note != "" {
		line("Note", r.note)
	}
	if t.Last != nil {
		line("Last answer", ts(t.Last.At)+" RequestId "+common.Clean(t.Last.RequestID))
	}
	if e := t.LastErr; e != nil {
		line("Last error", common.Clean(e.Code)+": "+common.Clean(e.Message)+" (RequestId "+common.Clean(e.RequestID)+", at "+ts(e.At)+")")
	}
	if t.Last != nil {
		b.WriteString("Files (" + common.Itoa(t.Last.FileCount) + "):\n")
		for _, f := range t.Last.Files() {
			b.WriteString("  UserId=" + common.Clean(f.UserID) + " TrackType=" + common.Clean(f.TrackType) +
				" FileName=" + common.Clean(f.FileName) + " BeginTime=" + ts(f.Begin) + "\n")
		}
	}
	if facts := t.Pushed.Facts(); len(facts) > 0 {
		b.WriteString("Callbacks (what TRTC pushed):\n")
		for _, f := range facts {
			b.WriteString("  " + f.Label)
			if !f.At.IsZero() {
				b.WriteString(" " + ts(f.At))
			}
			b.WriteString(" " + common.Clean(f.Text) + "\n")
		}
		var listed []watch.File
		if t.Last != nil {
			listed = t.Last.Files()
		}
		for _, f := range t.Pushed.Unlisted(listed) {
			b.WriteString("  307 file not listed by the API yet: UserId=" + common.Clean(f.UserID) + " TrackType=" + common.Clean(f.TrackType) +
				" FileName=" + common.Clean(f.FileName) + " BeginTime=" + ts(f.Begin) + "\n")
		}
	}
	if len(t.History) > 0 {
		b.WriteString("History (newest first):\n")
		for _, h := range common.HistoryNewestFirst(t.History) {
			b.WriteString("  " + ts(h.At) + " " + common.Change(h))
			if h.RequestID != "" {
				b.WriteString(" RequestId " + common.Clean(h.RequestID))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("Copied " + ts(now) + " from trtcwatch\n")
	return b.String()
}
