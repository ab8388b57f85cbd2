package ui

import (
	"context"
	"reflect"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// An idle dashboard must cost next to nothing (issue 14: under 0.5% of a
// core with nothing changing). So the screen is drawn again only when
// something on it changes:
//
//   - Every text that reads the clock (an age, "in 3s", a time shown as
//     "today", the local zone's name) is formatted through the Model's
//     since, ago, clockText and zoneName, which note when that text will
//     next read differently. Drawing a frame gathers the earliest such
//     instant: the frame's wake. A new clock text on screen must go
//     through them too (or call noteWake), or it will not move.
//   - One tick is kept pending, for the frame's wake (but at most one a
//     second, as before). A frame with no clock text (no tasks, a box over
//     the list, ages over an hour between their minutes) arms no tick.
//   - A message that changes nothing on screen (a tick before the wake, a
//     Collect with no task changed and the same figures, as the engine
//     sends every second) lets View hand back the frame already drawn,
//     which the renderer then skips as unchanged.
//
// Any other message may change anything, so it drops the frame and arms a
// probe tick a second later, which learns the new frame's wake (View
// cannot return commands). View hands a frame back only right after such
// a quiet message, so a test that sets a field and calls View still sees
// it drawn.

// FPS is the frame rate the dashboard asks of Bubble Tea (tea.WithFPS).
// The renderer wakes this often even when nothing changes, and that
// wake-up alone is most of an idle dashboard's CPU: a static Bubble Tea
// program used 0.65–0.72% of a core at the default 60 fps, 0.35–0.44% at
// 20 and 0.17–0.21% at 10 (2-vCPU EPYC). Nothing on this screen animates;
// 20 fps still shows a key press within 50 ms.
const FPS = 20

// probeAfter is how soon after a change the clock is looked at again,
// when the new frame's wake is not known yet; it is also the shortest gap
// between two frames the clock alone causes, so a screen of ages that
// tick at different sub-second offsets is redrawn once a second, not once
// per age.
const probeAfter = time.Second

// frame is the last screen drawn and when its clock texts read right.
type frame struct {
	view  tea.View
	drawn bool // view shows every message handled so far
	span  common.Span
}

// tickState is the one pending tick that matters: at is when it fires
// (zero: none). Older ticks still arrive; they only look at the clock.
type tickState struct {
	seq int
	at  time.Time
	// last is when the clock last caused a frame, so the next one waits
	// at least probeAfter.
	last time.Time
}

// current reports whether the drawn frame still reads right at now.
func (f *frame) current(now time.Time) bool { return f.drawn && f.span.Holds(now) }

// draw renders the frame and records its wake.
func (m *Model) draw() {
	m.clock.Frame()
	v := tea.NewView(asciiOnly(m.render(), m.opts.ASCII))
	v.AltScreen = true
	v.WindowTitle = m.title()
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	m.frame = frame{view: v, drawn: true, span: common.Span{From: m.clock.Now, Wake: m.clock.Wake()}}
}

// asciiMarks are the non-ASCII marks the screen's own text uses outside
// the look table (a shortened text's ellipsis, the hint bar's separator,
// the arrows of scroll hints) and their one-cell ASCII stand-ins.
var asciiMarks = strings.NewReplacer("…", "~", "•", "|", "↑", "^", "↓", "v", "→", ">", "▸", ">", "─", "-")

// asciiOnly keeps a frame to ASCII marks when the terminal asks for it
// (Options.ASCII): the state glyphs and borders have their fallbacks in
// the styles; this covers the rest. Widths do not
// change: each stand-in is one cell, as the mark was.
func asciiOnly(frame string, ascii bool) string {
	if !ascii {
		return frame
	}
	return asciiMarks.Replace(frame)
}

// onTick looks at the clock: the frame is drawn again only if a text on it
// now reads differently, and the next tick is armed for the new frame's
// wake, or none when nothing on it moves.
func (m *Model) onTick(msg tickMsg) tea.Cmd {
	if msg.seq == m.tick.seq {
		m.tick.at = time.Time{}
	}
	m.clock.Now = m.opts.Now()
	if !m.frame.current(m.clock.Now) {
		// Drawn here, not in View, so that the next wake is known now;
		// View hands this frame back.
		m.draw()
		m.tick.last = m.clock.Now
	}
	m.reuse = true
	wake := m.frame.span.Wake
	if wake.IsZero() {
		return nil
	}
	if next := m.tick.last.Add(probeAfter); wake.Before(next) {
		wake = next
	}
	return m.armTick(wake)
}

// armTick makes sure a tick fires by at, unless one already will.
func (m *Model) armTick(at time.Time) tea.Cmd {
	if !m.tick.at.IsZero() && !m.tick.at.After(at) {
		return nil
	}
	m.tick.seq++
	m.tick.at = at
	seq := m.tick.seq
	return after(m.ctx, max(at.Sub(m.opts.Now()), time.Millisecond), func(now time.Time) tea.Msg { return tickMsg{at: now, seq: seq} })
}

// after is tea.Tick that also ends when the dashboard does. tea.Tick's
// goroutine waits out its timer holding the program, and so a team-mode
// session's whole model: a flash's 12 s after its viewer hung up, for
// every session a key opened and closed in that time.
func after(ctx context.Context, d time.Duration, msg func(time.Time) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			return msg(now)
		}
	}
}

// probe arms a tick probeAfter from now, after a message that may have
// changed the screen: that tick learns when the new frame next changes.
func (m *Model) probe() tea.Cmd { return m.armTick(m.opts.Now().Add(probeAfter)) }

// quietUpdate reports whether a Collect changes nothing on screen: no task
// changed, appeared, went or moved, and the figures are the same. The
// engine sends one every second to keep the header's rate live. Stats is
// compared whole (reflect.DeepEqual), so a field added to it later is not
// missed.
func (m *Model) quietUpdate(up watch.Update) bool {
	return len(up.Changed) == 0 && len(up.Removed) == 0 && len(up.Events) == 0 &&
		reflect.DeepEqual(up.Stats, m.stats)
}
