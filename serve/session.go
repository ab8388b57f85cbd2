package serve

import (
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"

	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

// session is one SSH viewer: its own engine session, program and output.
type session struct {
	viewer viewer
	pty    ssh.Pty // as requested, size clamped; resizes come through its channel's chanState

	in *sessionInput // keys, mouse and pastes, decoded here (see input.go)

	mu        sync.Mutex
	prog      *tea.Program
	es        *watch.Session
	fw        *frameWriter
	idle      *time.Timer
	reason    string // why the server ended it ("" when the user quit)
	quitEarly bool   // quit came before the program existed
	repaint   bool   // frames were dropped: repaint in full on the next update
}

// quit ends the session's program the orderly way (it leaves the
// alternate screen and shows the cursor) and records why, for goodbye.
func (st *session) quit(why string) {
	st.mu.Lock()
	if st.reason == "" {
		st.reason = why
	}
	p := st.prog
	if p == nil {
		st.quitEarly = true
	}
	st.mu.Unlock()
	if p != nil {
		go p.Quit() // Send waits for the event loop; never hold up the caller
	}
}

// kill ends a program that did not quit in time.
func (st *session) kill() {
	st.mu.Lock()
	p := st.prog
	st.mu.Unlock()
	if p != nil {
		p.Kill()
	}
}

func (st *session) reasonText() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reason
}

// stop releases what the session holds on the engine and its input.
func (st *session) stop() {
	if st.in != nil {
		st.in.end()
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.idle != nil {
		st.idle.Stop()
	}
	if st.es != nil {
		st.es.Close()
	}
}

func (st *session) needRepaint() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.repaint
	st.repaint = false
	return r
}

// maxFPS is the most frames a session draws a second (Bubble Tea's
// default is 60). Each frame is laid out and compared cell by cell, so
// what a session costs is frames times cells: 20 a second keeps typing
// immediate (50 ms, less than most SSH round trips) at a third of the
// cost, which counts with 32 sessions of up to maxCells.
const maxFPS = 20

// program builds the session's dashboard: a ui.Model on its own engine
// session, writing to a bounded frame writer, with the terminal's size,
// colour profile, glyphs and time zone taken from what the client sent.
func (s *Server) program(sess ssh.Session, st *session) *tea.Program {
	pty := st.pty
	env := append(sess.Environ(), "TERM="+pty.Term)
	getenv := envLookup(env)

	opts := s.cfg.Options
	opts.ReadOnly = st.viewer.ReadOnly
	opts.ASCII = ui.ASCIIWanted(getenv)
	opts.Location = location(getenv("TZ"))
	opts.Context = sess.Context()
	opts.Clipboard = nil // never the server's clipboard: OSC 52 to the viewer's terminal
	if opts.Now == nil {
		opts.Now = time.Now
	}
	newSession := s.cfg.Engine.Session
	if st.viewer.ReadOnly {
		newSession = s.cfg.Engine.ReadOnlySession // the engine refuses its edits, whatever the keys
	}
	es := newSession(st.viewer.Name)
	m := ui.New(es, opts)

	s.copiers.Add(1)
	fw := newFrameWriter(sess, s.cfg.OutputLimit, func() {
		st.mu.Lock()
		st.repaint = true
		st.mu.Unlock()
	})
	go func() { <-fw.done; s.copiers.Done() }()
	fw.onDrop = func() { s.drops.Add(1) }

	idle := s.cfg.IdleTimeout
	onPanic := func(r any) {
		s.logPanic(st.viewer.Name, r)
		st.quit(panicGoodbye)
	}
	p := tea.NewProgram(&sessionModel{inner: m, st: st, onPanic: onPanic},
		tea.WithInput(st.in),
		tea.WithOutput(fw),
		tea.WithEnvironment(env),
		tea.WithColorProfile(colorprofile.Env(env)),
		tea.WithWindowSize(pty.Window.Width, pty.Window.Height),
		tea.WithoutSignalHandler(), // signals belong to the server process
		tea.WithFPS(maxFPS),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			switch msg := msg.(type) {
			case tea.SuspendMsg:
				return tea.ResumeMsg{} // ctrl+z must never stop the server
			case tea.PasteMsg:
				st.touch(idle)
				msg.Content = capPaste(msg.Content, s.cfg.MaxPaste)
				return msg
			case tea.KeyPressMsg, tea.MouseMsg:
				st.touch(idle)
			}
			return msg
		}),
	)
	undecoded := pasteBound * s.cfg.MaxPaste
	st.in.forward(sess.Context(), sess, pty.Term, undecoded, func() {
		s.limited.warn("session closed: a paste past the bound", "viewer", st.viewer.Name, "max_bytes", undecoded)
		st.quit(fmt.Sprintf("more than %d KiB pasted at once, or a paste that never ended, closed this session "+
			"(a paste keeps its first %d KiB); reconnect any time", undecoded>>10, s.cfg.MaxPaste>>10))
	}, p, &s.copiers)
	st.mu.Lock()
	st.prog, st.es, st.fw = p, es, fw
	st.idle = time.AfterFunc(idle, func() {
		st.quit("no input for " + idle.String() + "; goodbye (reconnect any time)")
	})
	early := st.quitEarly
	st.mu.Unlock()
	if early {
		go p.Quit()
	}
	return p
}

// touch restarts the idle clock on the viewer's input.
func (st *session) touch(idle time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.idle != nil {
		st.idle.Reset(idle)
	}
}

// pasteBound is how many times MaxPaste a paste may be before the
// session is closed (see sessionInput.forward): the decoder holds a paste
// whole until it ends, and about five times its size as it hands it on.
// 16 lets a whole 10,000-task list (800 KB) through to be cut to MaxPaste.
const pasteBound = 16

// capPaste bounds one paste: cut at the last whitespace before limit bytes
// so no task ID arrives half.
func capPaste(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	s = s[:limit]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	if i := strings.LastIndexAny(s, " \t\r\n,;"); i > 0 {
		s = s[:i]
	}
	return s
}

// sessionModel is the dashboard plus the server's duties inside the
// program: a full repaint after frames were dropped for a slow client, and
// containing a panic of the dashboard's (in Init, Update, View or a
// command) to this session (see panic.go).
type sessionModel struct {
	inner   tea.Model
	st      *session
	onPanic func(any) // logs and ends the session; safe from any goroutine
	broken  bool      // the dashboard panicked: it is not asked anything again
	gone    bool      // the client hung up: nothing is drawn for it again
}

// goneMsg ends the program of a session whose client hung up. Bubble Tea
// draws its last view once more as it quits: an empty one costs nothing,
// a dashboard's whole screen (up to maxCells) is laid out and compared
// for nobody.
type goneMsg struct{}

func (m *sessionModel) Init() (cmd tea.Cmd) {
	defer m.recoverUpdate(&cmd)
	return m.guard(m.inner.Init())
}

func (m *sessionModel) Update(msg tea.Msg) (model tea.Model, cmd tea.Cmd) {
	switch msg.(type) {
	case goneMsg:
		m.gone = true
		return m, tea.Quit
	case panicMsg:
		m.broken = true
	}
	if m.broken {
		return m, tea.Quit
	}
	model = m // also when the dashboard panics
	defer m.recoverUpdate(&cmd)
	m.inner, cmd = m.inner.Update(msg)
	cmd = m.guard(cmd)
	if m.st.needRepaint() {
		cmd = tea.Batch(cmd, tea.ClearScreen)
	}
	return m, cmd
}

func (m *sessionModel) View() (v tea.View) {
	if m.broken || m.gone {
		return v
	}
	defer func() {
		if r := recover(); r != nil {
			m.fail(r)
			v = tea.View{}
		}
	}()
	return m.inner.View()
}

// envLookup reads a session's environment (last one wins, as in a shell).
func envLookup(env []string) func(string) string {
	return func(k string) string {
		v := ""
		for _, kv := range env {
			if name, val, ok := strings.Cut(kv, "="); ok && name == k {
				v = val
			}
		}
		return v
	}
}

// location is the viewer's TZ if it sent one the server knows, else the
// server's own zone.
func location(tz string) *time.Location {
	tz = strings.TrimPrefix(tz, ":")
	if tz == "" || len(tz) > 64 || strings.Contains(tz, "..") {
		return time.Local
	}
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc
	}
	return time.Local
}
