package common

import (
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// What recording callbacks said about a task (watch.Pushed), the same in
// the detail pane, the describe view and what they copy: the facts beside
// the API's fields, and the files callbacks named that the API's list
// does not hold yet. Every string in them came from the network.

// pushedTitle heads the section.
const pushedTitle = "Callbacks (what TRTC pushed)"

// Pushed writes the section: each fact (watch.Pushed.Facts) as a field,
// its time as ts says, then the files callbacks named that listed (the
// API's latest list) lacks. Nothing when no callback named the task.
func Pushed(d *Doc, st *Styles, p *watch.Pushed, listed []watch.File, ts func(time.Time) string) {
	facts := p.Facts()
	if len(facts) == 0 {
		return
	}
	d.Title(st.Title, pushedTitle)
	indent := d.Indent
	d.Indent = max(indent, 1)
	for _, f := range facts {
		v := Clean(f.Text)
		if !f.At.IsZero() {
			v = ts(f.At) + "  " + v
		}
		sgr := ""
		if f.Label == "Error" {
			sgr = st.Bad
		}
		d.Field(st.Dim, f.Label, sgr, v, Prose)
	}
	if un := p.Unlisted(listed); len(un) > 0 {
		d.Field(st.Dim, "Files", "", Plural(len(un), "file")+" a callback (307) named that the API's list does not hold yet:", Prose)
		for _, f := range un {
			v := PushedUser(f.UserID) + "  " + Clean(f.TrackType)
			if !f.Begin.IsZero() {
				v += "  began " + ts(f.Begin)
			}
			d.Hang(d.Indent+2, d.Indent+4, st.Bold, v, Prose)
			d.Hang(d.Indent+4, d.Indent+6, "", Clean(f.FileName), Name)
			d.Plain = append(d.Plain, Spaces(d.Indent+2)+v+"  "+Clean(f.FileName))
		}
	}
	d.Indent = indent
}

// PushedUser is a file's UserId as a callback gave it: "" is a mixed
// stream's.
func PushedUser(id string) string {
	if id == "" {
		return `"" (mixed)`
	}
	return Clean(id)
}
