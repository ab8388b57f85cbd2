package ui

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// exportedMsg is the answer of an export: where the file went.
type exportedMsg struct {
	format string
	n      int
	path   string
	err    error
}

// exportTasks are what x and :export write: the marked tasks when any are
// marked, else every task the list shows (filter, f and sort respected).
func (m *Model) exportTasks() []watch.Task {
	rs := m.visible
	if m.markCount() > 0 {
		rs = m.targets()
	}
	out := make([]watch.Task, len(rs))
	for i, r := range rs {
		out[i] = r.t
	}
	return out
}

// exportOffText is what x, :export and the help say in team mode, where
// Options.Export is nil: a file would be written on the server.
const exportOffText = "export is off in team mode (it would write on the server)"

// exportOff reports whether this session has no export (team mode).
func (m *Model) exportOff() bool { return m.opts.Export == nil || len(m.opts.ExportFormats) == 0 }

// exportOffWhy is :export's command.off.
func exportOffWhy(m *Model) string {
	if m.exportOff() {
		return exportOffText
	}
	return ""
}

// export starts writing the file in a command; format "" is x's: the last
// one :export used, else the first of Options.ExportFormats.
func (m *Model) export(format string) tea.Cmd {
	if m.exportOff() {
		return m.setFlash(exportOffText, common.FlashWarn, common.FlashTTL)
	}
	if format == "" {
		format = orDefault(m.exportFormat, m.opts.ExportFormats[0])
	}
	tasks := m.exportTasks()
	if len(tasks) == 0 {
		return m.setFlash("nothing to export: no task is shown", common.FlashInfo, common.FlashTTL)
	}
	write, loc, now := m.opts.Export, m.clock.Location(), m.opts.Now()
	return tea.Batch(func() tea.Msg {
		path, err := write(format, tasks, loc, now)
		return exportedMsg{format: format, n: len(tasks), path: path, err: err}
	}, m.setFlash("exporting "+common.Plural(len(tasks), "task")+" as "+format+"…", common.FlashInfo, common.FlashTTL))
}

func orDefault(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func cmdExport(m *Model, args []string) tea.Cmd {
	if len(args) != 1 {
		return m.setFlash(":export takes one format: "+strings.Join(m.opts.ExportFormats, ", "), common.FlashErr, common.FlashLongTTL)
	}
	f := strings.ToLower(args[0])
	if f == "markdown" {
		f = "md"
	}
	if !slices.Contains(m.opts.ExportFormats, f) {
		return m.setFlash(":export: "+common.Cut(common.Clean(args[0]), 24)+" is not one of "+strings.Join(m.opts.ExportFormats, ", "), common.FlashErr, common.FlashLongTTL)
	}
	m.exportFormat = f
	return m.export(f)
}

// onExported says where the file went, whole: the path is what the user
// opens next.
func (m *Model) onExported(msg exportedMsg) tea.Cmd {
	if msg.err != nil {
		return m.setFlash("export failed: "+common.Clean(msg.err.Error()), common.FlashErr, common.FlashLongTTL)
	}
	path := common.Clean(msg.path)
	text := "exported " + common.Plural(msg.n, "task") + " (" + msg.format + ") to " + path
	if common.Width(text) > m.w {
		text = "exported to " + path // the path is what is read next: it goes whole
	}
	if common.Width(text) > m.w {
		text = path
	}
	return m.setFlash(text, common.FlashInfo, 3*common.FlashLongTTL/2)
}
