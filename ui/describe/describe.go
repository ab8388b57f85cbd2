// Package describe is the describe view: the full-screen, scrollable
// account of one task, which `y` copies whole. It follows the task by
// ref, so a re-sort or a filter does not swap the task under the reader;
// the root model hands it the task whenever that changes.
package describe

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// KeyMap is what the describe view reacts to: the movement keys scroll,
// Copy (and CopyDetails) copy the whole view; Back is named in the hint
// bar (the root model leaves the view).
type KeyMap struct {
	common.Nav
	Copy, CopyDetails, Back key.Binding
}

// Model is the describe view of one task.
type Model struct {
	st    *common.Styles
	clock *common.Clock
	keys  KeyMap
	w, h  int // the body: a title line, then the text

	ref    taskref.Ref
	task   watch.Task
	ver    int  // the root's version of the task: a new one rebuilds
	gone   bool // the task is no longer watched
	paused bool // polling is paused (the next poll says so)

	vp   viewport.Model
	key  contentKey
	span common.Span // when the clock texts in it read right
	text string      // what `y` copies: the same content, unwrapped and plain
}

// contentKey is what the content depends on; a change rebuilds it. The
// height is not in it: a message line coming or going only moves the
// view's bottom.
type contentKey struct {
	ok   bool
	ver  int
	w    int
	dark bool
	loc  string
	gone bool
}

var _ common.Component = (*Model)(nil)

// New is a describe view drawn with st and clock, which the root model
// owns.
func New(st *common.Styles, clock *common.Clock, keys KeyMap) *Model {
	return &Model{st: st, clock: clock, keys: keys}
}

// Open shows t (at the root's version ver) from the top.
func (m *Model) Open(t watch.Task, ver int) {
	m.ref, m.key = t.Ref, contentKey{}
	m.SetTask(t, ver)
	m.sync()
	m.vp.GotoTop()
}

// Ref is the task the view follows.
func (m *Model) Ref() taskref.Ref { return m.ref }

// SetTask hands the view a new version of its task.
func (m *Model) SetTask(t watch.Task, ver int) { m.task, m.ver, m.gone = t, ver, false }

// SetGone says the task is no longer watched.
func (m *Model) SetGone() { m.gone = true }

// SetPaused says whether polling is paused, for the next poll's line.
func (m *Model) SetPaused(paused bool) { m.paused = paused }

// SetSize is the body the view has: w×h cells, its title line included.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// Update scrolls the view or copies it; other keys do nothing here, so
// a stray `d` cannot remove the task being read.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	m.sync()
	if key.Matches(k, m.keys.Copy) || key.Matches(k, m.keys.CopyDetails) {
		return common.CopyMsg{What: "the describe view", Text: m.text}, nil
	}
	m.keys.Scroll(&m.vp, k)
	return nil, nil
}

// ScrollBy scrolls n lines (the mouse wheel), up when n is negative.
func (m *Model) ScrollBy(n int) {
	m.sync()
	if n < 0 {
		m.vp.ScrollUp(-n)
	} else {
		m.vp.ScrollDown(n)
	}
}

// View is the body: a title line with the position, then the scrolled
// text, h lines of w cells.
func (m *Model) View() string {
	m.sync()
	vp := &m.vp
	total := vp.TotalLineCount()
	first := min(vp.YOffset()+1, total)
	last := min(vp.YOffset()+vp.Height(), total)
	pos := common.Itoa(first) + "-" + common.Itoa(last) + " of " + common.Itoa(total)
	head := "Describe " + common.Brief(common.Clean(m.ref.TaskID))
	gap := m.w - common.Width(head) - common.Width(pos) - 1
	if gap < 1 {
		head = common.Cut(head, max(m.w-common.Width(pos)-2, 1))
		gap = max(m.w-common.Width(head)-common.Width(pos)-1, 1)
	}
	lines := make([]string, 0, m.h)
	lines = append(lines, common.Styled(m.st.Title, common.Cut(head+common.Spaces(gap)+pos, m.w)))
	lines = common.AppendPadded(lines, strings.Split(vp.View(), "\n"), m.h-1)
	return strings.Join(lines, "\n")
}

// ShortHelp is the hint bar's part for the view.
func (m *Model) ShortHelp() []key.Binding {
	ks := m.keys
	return []key.Binding{
		common.OnlyKey(ks.Down, "↑↓/jk", "scroll"), common.OnlyKey(ks.PageDown, "pgup/pgdn", "page"),
		common.WithHelp(ks.Copy, "copy all shown"), common.WithHelp(ks.Back, "back"),
	}
}

// FullHelp is every key of the view, for the help's first section.
func (m *Model) FullHelp() [][]key.Binding {
	ks := m.keys
	return [][]key.Binding{
		{ks.Up, ks.Down, ks.PageUp, ks.PageDown, ks.Top, ks.Bottom},
		{common.WithHelp(ks.Copy, "copy the whole view"), common.WithHelp(ks.Back, "back to the details")},
	}
}

// sync rebuilds the content when the task, the width, a time shown or
// the palette changed, keeping the scroll position (clamped).
func (m *Model) sync() {
	w, h := m.w, max(m.h-1, 1)
	k := contentKey{ok: true, ver: m.ver, w: w, dark: m.st.Dark, loc: m.clock.Loc.String(), gone: m.gone}
	if m.key == k && m.clock.Fresh(m.span) {
		if m.vp.Height() != h {
			m.vp.SetHeight(h)
			m.vp.SetYOffset(m.vp.YOffset()) // clamped to the new bottom
		}
		return
	}
	m.key = k
	var d *common.Doc
	m.span = m.clock.SpanOf(func() {
		if m.gone {
			d = &common.Doc{W: w}
			d.Text("", "This task is no longer watched. esc goes back.", common.Prose)
		} else {
			d = m.doc(m.task, w)
		}
	})
	m.text = d.CopyText()
	m.vp.SetWidth(w)
	m.vp.SetHeight(h)
	m.vp.SetContentLines(d.Lines)
}
