package ui

// What has the keyboard is the top of one stack: the task list at the
// bottom, then what was opened over it, in order. A key goes to the top;
// esc pops one level (back: one per press); the hint bar and the prompt
// line come from the top. What the body draws follows the stack too: a
// box over whatever was open, else the events pane or the describe view
// when one is open, else the list and detail panes.

// focus is one level of the stack.
type focus int

const (
	focusList     focus = iota // the task list: always at the bottom
	focusDetails               // the detail pane scrolls
	focusDescribe              // the full describe view of one task (over the details)
	focusEvents                // the events pane
	focusHelp                  // boxes over the body: `?`, keys and the legend
	focusReport                // after an add: every rejected entry and why
	focusCopied                // `v`: the last copied text, to select by hand
	focusAdd                   // the one-line inputs: add tasks
	focusFilter                // the filter (the events pane's while it is open)
	focusNote                  // a note for the selected or the marked tasks
	focusConfirm               // remove? y/n
	focusCmdline               // the `:` command line
)

// box reports a level that is a box over the body; a box is always the
// top level while it shows.
func (f focus) box() bool { return f == focusHelp || f == focusReport || f == focusCopied }

// input reports a level that types into the prompt line (not the y/n
// question, which takes one key).
func (f focus) input() bool {
	return f == focusAdd || f == focusFilter || f == focusNote || f == focusCmdline
}

// focusStack is the levels, bottom first; it is never empty.
type focusStack []focus

func newFocusStack() focusStack { return focusStack{focusList} }

func (s focusStack) top() focus { return s[len(s)-1] }

func (s *focusStack) push(f focus) { *s = append(*s, f) }

// pop leaves the top level; the list at the bottom stays.
func (s *focusStack) pop() {
	if len(*s) > 1 {
		*s = (*s)[:len(*s)-1]
	}
}

// under is the level below the top (the list when there is none).
func (s focusStack) under() focus {
	if len(s) < 2 {
		return focusList
	}
	return s[len(s)-2]
}

func (s focusStack) has(f focus) bool {
	for _, x := range s {
		if x == f {
			return true
		}
	}
	return false
}

// detailFocused reports whether the detail pane has the keyboard, or
// will again when what is over it closes (a box, the events pane, an
// input, the y/n question): it is drawn focused and the larger.
func (m *Model) detailFocused() bool {
	return m.focus.has(focusDetails) && !m.focus.has(focusDescribe)
}

// inputFocused reports whether the prompt line has the keyboard.
func (m *Model) inputFocused() bool { return m.focus.top().input() }
