package common

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// Input is a one-line text input that takes at most CharLimit runes: the
// text input measures its whole value on every key, so an unbounded box
// made typing quadratic (256 KB typed into / froze a team-mode session
// for 30 s). A key past the limit types what fits and is reported, so
// the box can say where its limit is (LimitText); while that is said,
// further such keys change nothing (Quiet) and cost next to nothing.
type Input struct {
	textinput.Model
	// LimitText is what the box says when a key would type past its limit.
	LimitText string
}

// NewInput is an empty input; set CharLimit and LimitText before use.
func NewInput() Input { return Input{Model: textinput.New()} }

// SetPrompt sets the prompt and the placeholder and fits the input to a
// line of w cells.
func (in *Input) SetPrompt(prompt, placeholder string, w int) {
	in.Prompt, in.Placeholder = prompt, placeholder
	in.Fit(w)
}

// Fit fits the input, its prompt included, to a line of w cells.
func (in *Input) Fit(w int) { in.SetWidth(max(1, w-Width(in.Prompt)-1)) }

// Type hands k to the input; a key that would type a control or an
// invisible format rune does nothing. over reports a key that would type
// past the limit (it types what fits); changed, whether the text changed.
func (in *Input) Type(k tea.KeyPressMsg) (cmd tea.Cmd, changed, over bool) {
	if strings.IndexFunc(k.Text, Unwanted) >= 0 {
		return nil, false, false
	}
	before := in.Value()
	over = k.Text != "" && utf8.RuneCountInString(before)+utf8.RuneCountInString(k.Text) > in.CharLimit
	in.Model, cmd = in.Model.Update(k)
	return cmd, in.Value() != before, over
}

// Insert puts text (a paste, already one line) at the cursor, cut at the
// limit; over reports that it did not all fit.
func (in *Input) Insert(text string) (over bool) {
	rs := []rune(in.Value())
	pos := min(max(in.Position(), 0), len(rs))
	n := utf8.RuneCountInString(text)
	over = len(rs)+n > in.CharLimit
	in.SetValue(string(rs[:pos]) + text + string(rs[pos:]))
	in.SetCursor(pos + n)
	return over
}

// Quiet reports whether k changes nothing: a letter typed into the full
// box while the message line says its limit (shown is what it says).
func (in *Input) Quiet(k tea.KeyPressMsg, shown string) bool {
	return k.Text != "" && strings.IndexFunc(k.Text, Unwanted) < 0 && shown == in.LimitText &&
		utf8.RuneCountInString(in.Value()) >= in.CharLimit
}
