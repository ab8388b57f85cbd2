package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// hintLine is the one-line key hint. Its right end is reserved for the
// way out (? help and q quit in the list) so they never drop off; the
// keys before it are dropped from the end when the line is short. Toggles
// show what they would do now (p resume, f all tasks, z to UTC).
func (m *Model) hintLine() string {
	var head, tail []key.Binding
	must := 0 // the first must of head stay as long as they fit at all
	ks := m.keys
	kind := 0
	switch {
	case m.focus.top() == focusCmdline:
		kind = 6
		head = m.cmd.ShortHelp()
		tail = []key.Binding{common.OnlyKey(ks.Quit, "ctrl+c", "quit")}
	case m.inputFocused():
		kind = 1
		head = []key.Binding{ks.Submit, common.WithHelp(ks.Back, "cancel")}
		tail = []key.Binding{common.OnlyKey(ks.Quit, "ctrl+c", "quit")}
	case m.focus.top() == focusConfirm:
		kind = 2
		head = []key.Binding{ks.Yes, key.NewBinding(key.WithHelp("other keys", "keep"))}
		must = 2
		tail = []key.Binding{common.OnlyKey(ks.Quit, "ctrl+c", "quit")}
	case m.focus.top().box():
		kind = 3
		head = []key.Binding{
			common.OnlyKey(ks.Down, "↑↓/jk", "scroll"), common.OnlyKey(ks.PageDown, "pgup/pgdn", "page"),
			common.OnlyKey(ks.Top, "g/G", "top/bottom"),
		}
		tail = []key.Binding{common.WithHelp(ks.Back, "close"), ks.Quit}
	case m.focus.top() == focusEvents:
		kind = 10 + boolInt(m.evp.Follow()) + 2*boolInt(m.evp.OnNotWatched())
		for _, b := range m.evp.ShortHelp() {
			if _, off := m.keyNote(b); !off { // a read-only session's a is off
				head = append(head, b)
			}
		}
		tail = []key.Binding{ks.Help, ks.Quit}
	case m.focus.top() == focusDescribe:
		kind = 5
		head = append(m.desc.ShortHelp(), m.zoneHint())
		tail = []key.Binding{ks.Help, ks.Quit}
	case m.focus.top() == focusDetails:
		kind = 4
		head = []key.Binding{
			common.OnlyKey(ks.Down, "↑↓/jk", "scroll"), common.OnlyKey(ks.Submit, "enter", "describe"), common.WithHelp(ks.Back, "list"),
			ks.Copy, ks.CopyDetails, m.zoneHint(),
		}
		tail = []key.Binding{ks.Help, ks.Quit}
	default:
		// A toggle that is on comes first, so its state never drops off.
		var on []key.Binding
		for _, b := range ks.shortHelp() {
			if _, off := m.keyNote(b); off {
				continue // never offer a key that is off in this session
			}
			switch {
			case keyIs(b, ks.Help), keyIs(b, ks.Quit):
				continue
			case keyIs(b, ks.Pause) && m.pauseReq.want:
				on = append(on, common.WithHelp(b, "resume"))
				continue
			case keyIs(b, ks.Problems) && m.problems:
				on = append(on, common.WithHelp(b, "all tasks"))
				continue
			case keyIs(b, ks.Zone):
				b = m.zoneHint()
			}
			head = append(head, b)
		}
		if m.markCount() > 0 {
			// While tasks are marked the keys act on them: say how to stop.
			kind = 7
			on = append(on, common.WithHelp(ks.ClearMarks, "clear marks"))
		}
		head = append(on, head...)
		must = len(on)
		tail = []key.Binding{ks.Help, ks.Quit}
	}
	_, off := m.clock.Now.In(m.clock.Loc).Zone() // the local zone's name in the hint follows daylight saving time
	hk := [7]int{m.w, kind, boolInt(m.st.Dark), boolInt(m.pauseReq.want), boolInt(m.problems), int(m.clock.Zone), off}
	if m.hint.key == hk && m.hint.s != "" {
		return m.hint.s
	}
	m.hint.key, m.hint.s = hk, m.renderHint(head, must, tail)
	return m.hint.s
}

// renderHint fits head before the reserved tail; a dropped key leaves "…"
// where there is room for it, but never at the cost of one of the first
// must keys (the state of a toggle).
func (m *Model) renderHint(head []key.Binding, must int, tail []key.Binding) string {
	st := m.st.Hint
	sep := st.ShortSeparator.Render(" • ")
	sepW := common.Width(sep)
	item := func(b key.Binding) string {
		h := b.Help()
		return st.ShortKey.Render(h.Key) + " " + st.ShortDesc.Render(h.Desc)
	}
	var tparts []string
	for _, b := range tail {
		tparts = append(tparts, item(b))
	}
	t := strings.Join(tparts, sep)
	room := m.w - common.Width(t)
	if room < 0 {
		return common.Cut(t, m.w)
	}
	var b strings.Builder
	used := 0
	for i, hb := range head {
		s := item(hb)
		sw := common.Width(s) + sepW
		more := 0
		if i >= must && i < len(head)-1 {
			more = 2 // room for "… " if a later one drops
		}
		if used+sw+more > room {
			if used+2 <= room {
				b.WriteString(st.Ellipsis.Render("…") + " ")
				used += 2
			}
			break
		}
		b.WriteString(s)
		b.WriteString(sep)
		used += sw
	}
	return b.String() + t
}

// zoneHint says what z does now, as the other toggles do (p resume, f all
// tasks): "z to UTC+8" while times are in UTC. Every time on screen names
// the zone it is in.
func (m *Model) zoneHint() key.Binding {
	return common.WithHelp(m.keys.Zone, "to "+m.clock.ZoneNameOf((m.clock.Zone+1)%common.NZones))
}

// keyIs reports whether two bindings are the same binding (same keys).
func keyIs(a, b key.Binding) bool {
	ak, bk := a.Keys(), b.Keys()
	if len(ak) != len(bk) || len(ak) == 0 {
		return false
	}
	for i := range ak {
		if ak[i] != bk[i] {
			return false
		}
	}
	return true
}
