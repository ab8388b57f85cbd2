// Package cmdline is the `:` command line (k9s-style): a bounded input
// with tab completion of a command's name and then its argument, and a
// history walked with up and down. It knows the commands only as names,
// argument words and why one is off in this session; what a command does
// is the root model's: enter hands it the line's words (RunMsg).
package cmdline

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// maxRunes is the most the line takes: room for any command and its
// arguments.
const maxRunes = 1024

// histMax bounds the history.
const histMax = 50

// Command is what the line knows of one command.
type Command struct {
	Name  string
	Words []string // what tab completes its argument from
	Off   string   // why it does nothing in this session ("": it works); an off command is not offered
}

// KeyMap is what the line reacts to; every other key is typed. Only keys
// that type nothing act (an arrow walks the history, a typed k is a
// letter).
type KeyMap struct {
	Submit, Back, Complete, Prev, Next key.Binding
}

// What the line hands the root model; both close it.
type (
	// RunMsg: run the command the line's words name (the leading ':' gone).
	RunMsg struct{ Words []string }
	// CloseMsg: the line was left without running anything.
	CloseMsg struct{}
)

// Model is the command line.
type Model struct {
	keys  KeyMap
	input common.Input
	cmds  []Command
	w     int

	hist   []string // commands run, oldest first
	histAt int      // where up/down is in hist; len(hist) is the draft
	draft  string   // what was typed before up was pressed
}

// New is a closed command line.
func New(keys KeyMap) *Model {
	in := common.NewInput()
	in.CharLimit = maxRunes
	in.LimitText = "the command line takes up to " + common.Itoa(maxRunes) + " characters"
	return &Model{keys: keys, input: in}
}

// Open gives the line the keyboard, empty, for these commands (in the
// order tab lists them); it returns the input's cursor blink.
func (m *Model) Open(cmds []Command) tea.Cmd {
	m.cmds = cmds
	m.input.Reset()
	m.input.SetPrompt(":", "command (tab completes: "+strings.Join(m.names(), ", ")+")", m.w)
	m.histAt, m.draft = len(m.hist), ""
	return m.input.Focus()
}

// SetStyles is the input's palette.
func (m *Model) SetStyles(st *common.Styles) { m.input.SetStyles(st.Input) }

// SetSize is the line's width (its height is one line).
func (m *Model) SetSize(w, _ int) {
	m.w = w
	m.input.Fit(w)
}

// Quiet reports whether k changes nothing: a letter typed into the full
// line while the message line says so (shown).
func (m *Model) Quiet(k tea.KeyPressMsg, shown string) bool { return m.input.Quiet(k, shown) }

// names are the commands this session offers.
func (m *Model) names() []string {
	var out []string
	for _, c := range m.cmds {
		if c.Off == "" {
			out = append(out, c.Name)
		}
	}
	return out
}

// Update is the line's keyboard: enter runs, esc closes, tab completes,
// up and down walk the history; the rest is typed, and a paste is put in
// at the cursor. Other messages (the cursor's blink) go to the input.
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.input.Insert(msg.Content) {
			return m.limit(), nil
		}
		return nil, nil
	}
	var cmd tea.Cmd
	m.input.Model, cmd = m.input.Model.Update(msg)
	return nil, cmd
}

func (m *Model) key(k tea.KeyPressMsg) (tea.Msg, tea.Cmd) {
	ks := &m.keys
	switch {
	case key.Matches(k, ks.Back):
		m.input.Blur()
		return CloseMsg{}, nil
	case k.Text == "" && key.Matches(k, ks.Submit):
		m.input.Blur()
		words := strings.Fields(strings.TrimPrefix(strings.TrimSpace(m.input.Value()), ":"))
		if len(words) == 0 {
			return CloseMsg{}, nil
		}
		m.remember(strings.Join(words, " "))
		return RunMsg{Words: words}, nil
	case k.Text == "" && key.Matches(k, ks.Complete):
		return m.complete(), nil
	case k.Text == "" && key.Matches(k, ks.Prev):
		m.walk(-1)
		return nil, nil
	case k.Text == "" && key.Matches(k, ks.Next):
		m.walk(1)
		return nil, nil
	}
	cmd, _, over := m.input.Type(k)
	if over {
		return m.limit(), cmd
	}
	return nil, cmd
}

// limit says the line's limit, once while keys keep coming.
func (m *Model) limit() tea.Msg {
	return common.FlashMsg{Text: m.input.LimitText, Kind: common.FlashWarn, TTL: common.FlashTTL, Once: true}
}

// remember keeps a line run in the history, once if run again at once.
func (m *Model) remember(line string) {
	if len(m.hist) > 0 && m.hist[len(m.hist)-1] == line {
		return
	}
	m.hist = append(m.hist, line)
	if len(m.hist) > histMax {
		m.hist = m.hist[len(m.hist)-histMax:]
	}
}

// walk moves through the commands run before; past the newest it gives
// back what was being typed.
func (m *Model) walk(d int) {
	if m.histAt == len(m.hist) {
		m.draft = m.input.Value()
	}
	m.histAt = min(max(m.histAt+d, 0), len(m.hist))
	if m.histAt == len(m.hist) {
		m.input.SetValue(m.draft)
	} else {
		m.input.SetValue(m.hist[m.histAt])
	}
	m.input.CursorEnd()
}

// complete is tab: the command name, then its argument, to the longest
// prefix the candidates share; when several remain they are listed.
// Spaces typed before the name are kept (a run ignores them).
func (m *Model) complete() tea.Msg {
	v := m.input.Value()
	var cands []string
	head, word := "", v
	if i := strings.LastIndexByte(v, ' '); i >= 0 {
		head, word = v[:i+1], v[i+1:]
	}
	switch before := strings.Fields(head); len(before) {
	case 0: // the command's name
		cands = m.names()
	case 1: // its argument
		name := strings.ToLower(before[0])
		for _, c := range m.cmds {
			if c.Name != name {
				continue
			}
			if c.Off != "" {
				return common.FlashMsg{Text: c.Off, Kind: common.FlashWarn, TTL: common.FlashTTL}
			}
			cands = c.Words
		}
	}
	var match []string
	for _, c := range cands {
		if strings.HasPrefix(c, strings.ToLower(word)) {
			match = append(match, c)
		}
	}
	switch len(match) {
	case 0:
		if len(cands) == 0 {
			return nil
		}
		return common.FlashMsg{Text: "no completion for " + common.Cut(common.Clean(word), 24) + ": " + strings.Join(cands, ", "),
			Kind: common.FlashWarn, TTL: common.FlashTTL}
	case 1:
		m.input.SetValue(head + match[0] + " ")
	default:
		m.input.SetValue(head + commonPrefix(match))
		m.input.CursorEnd()
		return common.FlashMsg{Text: strings.Join(match, "  "), Kind: common.FlashInfo, TTL: common.FlashTTL}
	}
	m.input.CursorEnd()
	return nil
}

func commonPrefix(ss []string) string {
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// View is the line as the prompt line shows it.
func (m *Model) View() string { return common.Cut(m.input.View(), m.w) }

// ShortHelp is the hint bar's part while the line is open. The line has
// no help screen of its own: `?` is typed here.
func (m *Model) ShortHelp() []key.Binding {
	ks := m.keys
	return []key.Binding{common.WithHelp(ks.Submit, "run"), ks.Complete, common.WithHelp(ks.Back, "close"),
		common.OnlyKey(ks.Prev, "↑/↓", "history")}
}
