package events

import (
	"strconv"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// row is one event and what is derived from it once: its text on the
// row (sanitised) and the lower-case text the filter matches.
type row struct {
	ev     watch.Event
	what   string
	headW  int // the cells of what before the free text (a note): what the TaskId gives way to
	search string
}

// newRow derives an event's row text and filter key, sanitised. A
// callback's row says so first and what it said last (the callback's
// Text, from the network); a task not watched names its SdkAppId, why it
// was not adopted, and addKey, which adds it.
func newRow(ev watch.Event, addKey string) row {
	var what, tail string // tail: the free text, last so it cannot push the rest off
	by := ev.By
	switch ev.Kind {
	case watch.EventCallback:
		what, tail, by = "callback", common.Clean(ev.Text), ""
	case watch.EventNotWatched:
		what = "not watched, SdkAppId " + strconv.FormatUint(ev.Ref.SdkAppID, 10)
		if ev.Code != "" {
			what += " (not adopted: " + common.Clean(ev.Code) + ")"
		}
		what += "  " + addKey + " adds it"
		tail = "callback " + common.Clean(ev.Text)
		by = ""
	case watch.EventTransition:
		what = common.Clean(string(ev.From)) + " → " + common.Clean(string(ev.To))
	case watch.EventError:
		what = "error " + common.Clean(ev.Code)
		if ev.Code == "" {
			what = "error cleared"
		}
	case watch.EventAdd:
		what = "added"
	case watch.EventRemove:
		what = "removed"
	case watch.EventNote:
		what, tail = "note", common.Clean(ev.Note)
		if ev.Note == "" {
			what = "note cleared"
		}
	default:
		what = common.Clean(string(ev.Kind))
	}
	if ev.RequestID != "" {
		what += "  " + common.Clean(ev.RequestID)
	}
	if by != "" {
		what += "  by " + common.Clean(by)
	}
	headW := common.Width(what)
	if tail != "" {
		what += "  " + tail
	}
	id := common.Clean(ev.Ref.TaskID)
	return row{ev: ev, what: what, headW: headW, search: strings.ToLower(id + " " + ev.Ref.String() + " " + what)}
}

// View is the pane in the body, h lines of w cells: bordered (when the
// body has the height for borders) and titled with what it shows, one
// event a line, newest first.
func (m *Model) View() string {
	shown := m.shownRows()
	h := m.h
	border := h >= common.MinBordered
	inner := max(h-2, 0)
	w := max(m.w-2, 1)
	if !border {
		inner, w = max(h-1, 0), m.w
	}
	p := m
	p.offset = common.ClampOffset(p.offset, p.cursor, inner, len(shown))
	body := make([]string, 0, inner)
	loc := m.clock.Location()
	// The TaskId gives way first: what happened and its RequestId are what
	// an engineer quotes, so they keep their cells and the TaskId (whole
	// in the details and in Y) is shortened in the middle to what is left.
	whatW, idsW := 0, 0
	for i := p.offset; i < len(shown) && i-p.offset < inner; i++ {
		r := &p.ring[shown[i]]
		whatW = max(whatW, min(r.headW, maxWhatW))
		idsW = max(idsW, common.Width(common.Clean(r.ev.Ref.TaskID)))
	}
	idW := min(max(w-len("15:04:05")-4-whatW, minIDW), idsW)
	// When the selected row is cut, its change and RequestId are shown
	// whole under the rows (wrapped between words, a RequestId never
	// broken), so a narrow terminal still shows what an engineer quotes.
	strip := m.strip(shown, idW, w, inner, loc)
	rows := inner - len(strip)
	// What start-up left unread of the log is said under the oldest event,
	// kept in view when the cursor reaches it.
	older := m.older
	if older != "" && len(shown) > 0 && p.cursor == len(shown)-1 && rows > 1 {
		rows--
	}
	p.offset = common.ClampOffset(p.offset, p.cursor, rows, len(shown))
	for i := p.offset; i < len(shown) && len(body) < rows; i++ {
		line := common.Fit(m.line(&p.ring[shown[i]], idW, loc), w)
		if i == p.cursor {
			line = common.Styled(m.st.Selected, line)
		}
		body = append(body, line)
	}
	if len(shown) == 0 {
		body = append(body, common.Fit(m.noneText(), w))
	}
	if older != "" && p.offset+len(body) >= len(shown) && len(body) < inner {
		body = append(body, common.Styled(m.st.Dim, common.Fit(common.Clean(older), w)))
	}
	if len(strip) > 0 {
		for len(body) < rows {
			body = append(body, "")
		}
		for _, l := range strip {
			body = append(body, common.Styled(m.st.Title, common.Fit(l, w)))
		}
	}
	title := "Events: all tasks"
	if p.follow {
		title = "Events: " + common.Brief(common.Clean(m.sel.TaskID))
	}
	if m.filter != "" {
		title += " /" + common.Clean(m.filter)
	}
	title += " (" + common.Itoa(len(shown)) + ", newest first, " + m.clock.ZoneName() + ")"
	var lines []string
	if !border {
		lines = common.AppendPadded([]string{common.Styled(m.st.Title, common.Cut(title, m.w))}, body, h-1)
	} else {
		lines = m.st.Pane(title, true, w, h, body, false)
	}
	return strings.Join(lines, "\n")
}

// line is an event's row before it is fitted to the pane: its time,
// its TaskId shortened to idW, and what happened.
func (m *Model) line(r *row, idW int, loc *time.Location) string {
	id := strings.TrimRight(common.ShortenMiddle(common.Clean(r.ev.Ref.TaskID), idW), " ")
	return m.time(r.ev.At, loc) + "  " + common.Fit(id, idW) + "  " + r.what
}

// strip is the selected event's change, RequestId and note, whole,
// when its row is wider than w; nil when the row shows them whole or the
// pane has too few rows to spare the lines.
func (m *Model) strip(shown []int, idW, w, inner int, loc *time.Location) []string {
	p := m
	if p.cursor >= len(shown) {
		return nil
	}
	r := &p.ring[shown[p.cursor]]
	if common.Width(m.line(r, idW, loc)) <= w {
		return nil
	}
	strip := common.Wrap("▸ "+r.what, w)
	if inner-len(strip) < stripMinRows {
		return nil
	}
	return strip
}

// stripMinRows is the fewest event rows the pane keeps when it shows
// the selected event's strip.
const stripMinRows = 4

// An event row's TaskId column is whole when there is room, and never
// narrower than both ends of an id; maxWhatW is the most a row's "what"
// (change and RequestId) may claim from it.
const (
	minIDW   = 12
	maxWhatW = 58
)

// time is an event's time on its row: the time of day today, the
// date too on another day; the zone is in the pane's title.
func (m *Model) time(t time.Time, loc *time.Location) string {
	lt, ln := t.In(loc), m.clock.Now.In(loc)
	if lt.YearDay() == ln.YearDay() && lt.Year() == ln.Year() {
		return lt.Format("15:04:05")
	}
	return lt.Format("Jan 02 15:04")
}

// noneText is what the pane says when it shows no event.
func (m *Model) noneText() string {
	switch {
	case m.filter != "":
		return "no events match the filter (/ then esc clears it)"
	case m.follow:
		return "no events for this task yet (t shows all tasks)"
	}
	return "no events yet: changes of state, errors, adds, removes, notes and callbacks appear here"
}

// text is one event whole, for a ticket: the time in ISO 8601 with
// its offset, the task as SDKAPPID:TASKID, and every field it has.
func (m *Model) text(ev watch.Event) string {
	parts := []string{common.ISOText(ev.At, m.clock.Location()), common.Clean(ev.Ref.String()), common.Clean(ev.Ref.Region), string(ev.Kind)}
	switch {
	case ev.Kind == watch.EventTransition:
		parts = append(parts, common.Clean(string(ev.From))+" → "+common.Clean(string(ev.To)))
	case ev.To != "":
		parts = append(parts, "state "+common.Clean(string(ev.To)))
	}
	for _, f := range []struct{ name, v string }{{"code", ev.Code}, {"RequestId", ev.RequestID}, {"by", ev.By}, {"note", ev.Note}, {"callback", ev.Text}} {
		if f.v != "" {
			parts = append(parts, f.name+" "+common.Clean(f.v))
		}
	}
	return strings.Join(parts, "  ")
}
