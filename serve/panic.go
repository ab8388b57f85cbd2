package serve

import (
	"fmt"
	"reflect"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// panicGoodbye is what a viewer whose session panicked is told.
const panicGoodbye = "sorry, this session hit an internal error and was closed (the server logged it and keeps running); reconnect any time"

// logPanic writes a session's panic to the server's log with its stack:
// Bubble Tea would print it to the server's stderr. The stack holds
// function names and addresses; the value is cut and made printable (it
// is the dashboard's, which never holds a secret: those stay in the
// engine's client).
func (s *Server) logPanic(viewer string, r any) {
	s.log.Error("session panic: the session is closed, the server keeps serving", "viewer", viewer,
		"panic", sanitize.Clip(sanitize.String(fmt.Sprint(r)), 512), "stack", string(debug.Stack()))
}

// panicMsg tells the session's program that one of its commands panicked.
type panicMsg struct{}

// cmdType is the type of tea.Cmd, to find the commands inside a batch or
// sequence message (a sequence's type is Bubble Tea's own, unexported).
var cmdType = reflect.TypeFor[tea.Cmd]()

// guard wraps a command so that a panic in it (it runs on a goroutine of
// its own, where Bubble Tea's recovery would print to the server's
// stderr) is logged and ends the session. Commands inside a batch or
// sequence it returns are wrapped too.
func (m *sessionModel) guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				m.onPanic(r)
				msg = panicMsg{}
			}
		}()
		msg = cmd()
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
			out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				c, _ := v.Index(i).Interface().(tea.Cmd)
				out.Index(i).Set(reflect.ValueOf(m.guard(c)))
			}
			msg = out.Interface()
		}
		return msg
	}
}

// recoverUpdate ends the session after a panic in Init or Update.
func (m *sessionModel) recoverUpdate(cmd *tea.Cmd) {
	if r := recover(); r != nil {
		m.fail(r)
		*cmd = tea.Quit
	}
}

// fail logs a panic once and has the session end with panicGoodbye; the
// dashboard is not asked anything again (its state is unknown).
func (m *sessionModel) fail(r any) {
	if m.broken {
		return
	}
	m.broken = true
	m.onPanic(r)
}
