package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// hookFailMsg is one failed --on-change run, as a banner line.
type hookFailMsg struct{ text string }

// hookBannerTTL is how long a hook failure stays in the banner after the
// latest one: long enough to be read on a glance back at the screen.
const hookBannerTTL = 2 * time.Minute

// hookBannerWide is the width below which a hook failure takes one line.
const hookBannerWide = 100

// hookWarn is the latest hook failure the banner shows.
type hookWarn struct {
	text string
	at   time.Time
	n    int // failures seen since start
}

// waitHookFailure blocks, in a command, until the wiring reports a failed
// hook (Options.HookFailures); Update re-issues it after each one.
func waitHookFailure(ctx context.Context, ch <-chan string) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-ctx.Done():
			return nil
		case s, ok := <-ch:
			if !ok {
				return nil
			}
			return hookFailMsg{s}
		}
	}
}

func (m *Model) onHookFail(msg hookFailMsg) tea.Cmd {
	h := &m.hook
	h.text, h.at = common.Clean(msg.text), m.opts.Now()
	h.n++
	m.resize() // a banner line more or less moves the panes
	return waitHookFailure(m.ctx, m.opts.HookFailures)
}

// hookBanners is the hook failure banner while it is fresh.
func (m *Model) hookBanners() []banner {
	h := m.hook
	if h.text == "" || m.clock.Now.Sub(h.at) > hookBannerTTL {
		return nil
	}
	text := "--on-change failed"
	if h.n > 1 {
		text += " (" + common.Itoa(h.n) + " times so far)"
	}
	m.clock.NoteWake(h.at.Add(hookBannerTTL + time.Nanosecond)) // when it goes
	text += ", last " + m.clock.Ago(h.at) + ": " + h.text
	if m.w < hookBannerWide {
		// A narrow screen keeps its rows: one line, the rest is in the log.
		text = common.Cut(text, m.w-2)
	}
	return []banner{{text, false}}
}
