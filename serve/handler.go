package serve

import (
	"errors"
	"fmt"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// admit is every session's handler. It decides whether the session may
// start: its key is still authorized (from where it connects), may have a
// terminal, it has one, the server has room and is not closing; then it
// runs the dashboard. It keeps the viewer count the engine publishes, and
// the connection's dashboard count (a connection without one is closed
// after ShellTimeout). A panic anywhere in the session ends only the
// session.
func (s *Server) admit(sess ssh.Session) {
	v, ok := s.keys.lookup(sess.PublicKey(), sess.RemoteAddr())
	defer func() {
		if r := recover(); r != nil {
			s.logPanic(v.Name, r)
			refuse(sess, panicGoodbye)
		}
	}()
	if !ok {
		refuse(sess, "this key is not (or no longer) authorized")
		return
	}
	if v.NoPty {
		refuse(sess, "this key's line in the authorized keys file says no-pty, so it cannot open a dashboard; ask whoever runs the server")
		return
	}
	// The pty request's, clamped; never changed after (window changes stop
	// in the channel's filter).
	pty, _, hasPty := sess.Pty()
	ch := s.conns.channelOf(sess)
	if !hasPty || ch == nil {
		refuse(sess, "the dashboard needs a terminal: connect with ssh -t")
		return
	}
	st := &session{viewer: v, pty: pty, in: newSessionInput()}
	s.mu.Lock()
	switch {
	case s.closing:
		s.mu.Unlock()
		refuse(sess, "the server is shutting down; try again in a moment")
		return
	case len(s.sessions) >= s.cfg.MaxSessions:
		s.mu.Unlock()
		s.limited.info("session refused: full", "viewer", v.Name, "max", s.cfg.MaxSessions)
		refuse(sess, fmt.Sprintf("sorry, all %d places are taken; please try again later", s.cfg.MaxSessions))
		return
	}
	s.sessions[st] = struct{}{}
	n := len(s.sessions)
	s.wg.Add(1)
	s.mu.Unlock()
	c := connOf(sess.Context())
	s.conns.dashboard(c, +1)
	s.cfg.Engine.SetViewers(n)
	s.log.Info("session start", "viewer", v.Name, "read_only", v.ReadOnly, "remote", sess.RemoteAddr().String())
	defer func() {
		st.stop()
		s.mu.Lock()
		delete(s.sessions, st)
		n := len(s.sessions)
		s.mu.Unlock()
		s.conns.dashboard(c, -1)
		s.cfg.Engine.SetViewers(n)
		s.log.Info("session end", "viewer", v.Name, "why", st.reasonText())
		s.wg.Done()
	}()
	s.run(sess, st, ch)
}

// resizeGap is the least time between two window sizes given to a
// session's program: each one lays out and draws the whole screen, so a
// client resizing without pause (hundreds a second, each a different size)
// would cost a core. The latest size always arrives, at most resizeGap
// late; a human dragging a window corner sees ten layouts a second.
const resizeGap = 100 * time.Millisecond

// run runs the session's program until it ends (q, idle, shutdown, the
// client gone), passing it the channel's window changes (a changed size,
// at most one per resizeGap), then says goodbye.
func (s *Server) run(sess ssh.Session, st *session, ch *chanState) {
	p := s.program(sess, st)
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		last := size{st.pty.Window.Width, st.pty.Window.Height}
		for {
			select {
			case sz := <-ch.sizes:
				if sz == last {
					continue
				}
				last = sz
				p.Send(tea.WindowSizeMsg{Width: sz.cols, Height: sz.rows})
			case <-sess.Context().Done(): // the client is gone
				p.Send(goneMsg{})
				return
			case <-ended:
				return
			}
			select { // sizes that come meanwhile replace each other in ch.sizes
			case <-time.After(resizeGap):
			case <-ended:
				return
			}
		}
	}()
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		s.log.Warn("session program", "viewer", st.viewer.Name, "err", err)
	}
	p.Kill() // gives back what a program that did not quit cleanly holds
	s.goodbye(sess, st)
}

// refuse ends a session with one polite line.
func refuse(sess ssh.Session, why string) {
	io.WriteString(sess, "trtcwatch: "+why+"\r\n") //nolint:errcheck // the client may be gone already
	sess.Exit(1)                                   //nolint:errcheck // as above
}

// goodbye runs after the session's program ended: it writes why (idle,
// shutdown), flushes, and cuts a connection whose client stopped reading.
func (s *Server) goodbye(sess ssh.Session, st *session) {
	if why := st.reasonText(); why != "" {
		io.WriteString(st.fw, "\r\ntrtcwatch: "+why+"\r\n") //nolint:errcheck // never fails
	}
	if !st.fw.close(goodbyeWait) {
		if c, ok := sess.Context().Value(ssh.ContextKeyConn).(*gossh.ServerConn); ok {
			c.Close() //nolint:errcheck // cutting a client that stopped reading
		}
	}
}
