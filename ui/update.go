package ui

import (
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/cmdline"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/ui/events"
)

// maxScreenW and maxScreenH bound the frame, whatever size the terminal
// claims: each frame is built whole in memory, and a size of 65535x65535
// (team mode passes on what an SSH client says) would build gigabytes.
// A terminal larger than this is drawn in its top left corner.
const maxScreenW, maxScreenH = 1000, 500

// Flash lifetimes: long enough to read, short enough not to linger.
const (
	flashTTL     = 4 * time.Second
	flashLongTTL = 12 * time.Second
)

// errNoClipboard means Options.Clipboard was nil: go straight to OSC 52.
var errNoClipboard = errors.New("no native clipboard")

// Update applies one message. It never blocks, never does I/O and never
// calls the engine: whatever needs the engine comes back as a Cmd.
//
// The clock's tick and a Collect that changes nothing leave the frame
// drawn (repaint.go); every other message may change the screen, so View
// draws it again and a probe tick learns when it next changes.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		return m, m.onTick(msg)
	case tea.KeyPressMsg:
		if m.quietKey(msg) { // a flood of keys past a full box costs nothing
			m.reuse = true
			return m, nil
		}
	case engineMsg:
		if m.quietUpdate(msg.up) {
			// The engine's once-a-second news is also when alert rules
			// (idle>5m…) are looked at again; the frame stays unless one
			// began or stopped holding.
			if cmd, changed := m.quietAlerts(); !changed {
				m.reuse = true
				return m, tea.Batch(cmd, waitCmd(m.ctx, m.eng))
			}
		}
	}
	m.reuse = false
	m.frame.drawn = false
	cmd := m.apply(msg)
	return m, tea.Batch(cmd, m.probe())
}

// apply is Update for a message that may change the screen.
func (m *Model) apply(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = min(max(msg.Width, 0), maxScreenW), min(max(msg.Height, 0), maxScreenH)
		m.resize()
	case tea.BackgroundColorMsg:
		m.setDark(msg.IsDark())
	case eventsMsg:
		m.openEvents()
		return nil
	case engineMsg:
		cmd := m.applyUpdate(msg.up)
		m.selectAdded()
		return tea.Batch(cmd, m.evalAlerts(), waitCmd(m.ctx, m.eng))
	case tea.ResumeMsg:
		// Back from ctrl+z: the clock jumped; clear so the whole screen
		// is drawn again. The size is not asked for: bubbletea checks it
		// itself as it takes the terminal back, and a second check at
		// once races the first inside bubbletea v2.1.1 (checkResize,
		// both writing the program's size: found by the race detector in
		// the ctrl+z test).
		m.clock.Now = m.opts.Now()
		return tea.ClearScreen
	case flashClearMsg:
		return m.clearFlash(msg.seq)
	case addedMsg:
		return m.onAdded(msg)
	case removedMsg:
		return m.onRemoved(msg)
	case removedManyMsg:
		return m.onRemovedMany(msg)
	case exportedMsg:
		return m.onExported(msg)
	case hookFailMsg:
		return m.onHookFail(msg)
	case noteMsg:
		return m.onNote(msg)
	case editFailedMsg:
		return m.onEditFailed(msg)
	case copiedMsg:
		return m.onCopied(msg)
	case common.CopyMsg:
		return copyCmd(m.opts.Clipboard, msg.What, msg.Text)
	case common.FlashMsg:
		if msg.Once && m.flash.text == msg.Text {
			return nil
		}
		return m.setFlash(msg.Text, msg.Kind, msg.TTL)
	case events.GoToMsg:
		return m.jumpToTask(msg.Ref)
	case events.AddMsg:
		return m.addNotWatched(msg.Ref)
	case events.CloseMsg:
		if m.focus.top() == focusEvents {
			m.focus.pop()
		}
	case events.FilterMsg:
		return m.onEventsFilter(msg)
	case cmdline.RunMsg:
		return m.runCommand(msg.Words)
	case cmdline.CloseMsg:
		m.closeCmdline()
	case tea.PasteMsg:
		return m.onPaste(msg.Content)
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.MouseClickMsg:
		if m.opts.Mouse {
			m.onClick(msg.Mouse())
		}
	case tea.MouseWheelMsg:
		if m.opts.Mouse {
			m.onWheel(msg.Mouse())
		}
	default:
		// Cursor blinks and the like belong to the focused input.
		switch {
		case m.focus.top() == focusCmdline:
			return m.child(m.cmd.Update(msg))
		case m.inputFocused():
			var cmd tea.Cmd
			m.input.Model, cmd = m.input.Model.Update(msg)
			return cmd
		}
	}
	return nil
}

// child applies what a part of the screen handed back from its Update:
// a message for the root, applied now, and the part's own command.
func (m *Model) child(up tea.Msg, cmd tea.Cmd) tea.Cmd {
	if up == nil {
		return cmd
	}
	return tea.Batch(cmd, m.apply(up))
}

// setFlash shows an answer to what the user did and arms a timer that
// clears it, unless a newer flash has replaced it by then; until then no
// notice (setNotice) takes its place.
func (m *Model) setFlash(text string, kind common.FlashKind, ttl time.Duration) tea.Cmd {
	m.flash.seq++
	m.flash.text, m.flash.kind, m.flash.notice = text, kind, false
	seq := m.flash.seq
	return after(m.ctx, ttl, func(time.Time) tea.Msg { return flashClearMsg{seq} })
}

func (m *Model) onAdded(msg addedMsg) tea.Cmd {
	if msg.err != nil {
		return m.editFailed("adding tasks", "add failed", msg.err)
	}
	if len(msg.added) > 0 {
		m.pendingSel = msg.added[0]
		m.selectAdded()
	}
	dups := msg.dups + msg.asked - len(msg.added)
	text := fmt.Sprintf("%d added, %d already watched, %d rejected", len(msg.added), dups, msg.rejected)
	if msg.rejected > 0 {
		return m.setFlash(text+" (the box lists why)", common.FlashWarn, common.FlashLongTTL)
	}
	return m.setFlash(text, common.FlashInfo, common.FlashTTL)
}

func (m *Model) onRemoved(msg removedMsg) tea.Cmd {
	if msg.err != nil {
		return m.editFailed("removing tasks", "remove failed", msg.err)
	}
	if r := m.rows[msg.ref]; r != nil {
		m.reorder(nil, true, m.forget(r))
	}
	return m.setFlash("removed "+common.Brief(common.Clean(msg.ref.TaskID)), common.FlashInfo, common.FlashTTL)
}

// resize re-fits what depends on the terminal size.
func (m *Model) resize() {
	m.input.Fit(m.w)
	m.cmd.SetSize(m.w, 1)
	m.ensureVisible()
	m.clampDetail()
	m.syncBox(m.layout())
}
