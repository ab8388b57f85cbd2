package ui

import (
	"github.com/trtcwatch/trtcwatch/ui/common"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// command is one `:` command (k9s-style). run gets the words after the
// name; it changes only the model and returns what must run outside
// Update.
type command struct {
	name  string
	args  string                                // shown in errors and help, e.g. "ID"
	does  string                                // one line for help and the README
	words func(m *Model) []string               // what tab completes the argument from
	run   func(m *Model, args []string) tea.Cmd // nil args: the bare command
	// off says why the command does nothing in this session (nil or "":
	// it works); an off command is not offered, and running it says why.
	off func(m *Model) string
}

// offIn is why c does nothing in m's session, or "".
func (c command) offIn(m *Model) string {
	if c.off == nil {
		return ""
	}
	return c.off(m)
}

// histMax bounds the command history.
const histMax = 50

// commands is the command line's table, in the order tab lists them.
func commands() []command {
	return []command{
		{name: "sdkappid", args: "ID", does: "the SdkAppId for tasks typed without one, e.g. :sdkappid 1400000002", run: cmdSdkAppID},
		{name: "region", args: "REGION", does: "the region for typed tasks, e.g. :region ap-mumbai", run: cmdRegion,
			words: func(*Model) []string { return client.Regions }},
		{name: "export", args: "FORMAT", does: "write the marked (else the shown) tasks to a file, e.g. :export md", run: cmdExport,
			words: func(m *Model) []string { return m.opts.ExportFormats }, off: exportOffWhy},
		{name: "alert", args: "RULE", does: "flag tasks that meet a rule, e.g. :alert idle>10m (:alert lists them, :alert clear drops them)", run: cmdAlert,
			words: func(m *Model) []string { return append(slices.Clone(m.opts.AlertExamples), "clear") }},
		{name: "events", does: "open the events pane", run: func(*Model, []string) tea.Cmd {
			return func() tea.Msg { return eventsMsg{} }
		}},
		{name: "q", does: "quit", run: func(m *Model, _ []string) tea.Cmd { return m.quit() }},
	}
}

// commandNames are the commands this session offers (tab, the
// placeholder, the unknown-command answer).
func commandNames(m *Model) []string {
	var out []string
	for _, c := range commands() {
		if c.offIn(m) == "" {
			out = append(out, c.name)
		}
	}
	return out
}

func cmdSdkAppID(m *Model, args []string) tea.Cmd {
	if len(args) == 0 {
		if m.opts.SdkAppID == 0 {
			return m.setFlash("no default SdkAppId: typed tasks must be SDKAPPID:TASKID (:sdkappid ID sets one)", common.FlashInfo, common.FlashLongTTL)
		}
		return m.setFlash("typed tasks use SdkAppId "+strconv.FormatUint(m.opts.SdkAppID, 10), common.FlashInfo, common.FlashTTL)
	}
	if len(args) > 1 {
		return m.setFlash(":sdkappid takes one SdkAppId, got "+common.Itoa(len(args))+" words", common.FlashErr, common.FlashLongTTL)
	}
	n, err := taskref.ParseSdkAppID(args[0])
	if err != nil {
		return m.setFlash(":sdkappid: "+common.Clean(err.Error()), common.FlashErr, common.FlashLongTTL)
	}
	m.opts.SdkAppID = n
	return m.setFlash("typed tasks now use SdkAppId "+strconv.FormatUint(n, 10), common.FlashInfo, common.FlashTTL)
}

func cmdRegion(m *Model, args []string) tea.Cmd {
	if len(args) == 0 {
		return m.setFlash("typed tasks use region "+common.Clean(m.opts.Region)+" (one of "+strings.Join(client.Regions, ", ")+")", common.FlashInfo, common.FlashLongTTL)
	}
	if len(args) > 1 || !slices.Contains(client.Regions, args[0]) {
		return m.setFlash(":region: "+common.Cut(common.Clean(strings.Join(args, " ")), 40)+" is not one of "+strings.Join(client.Regions, ", "), common.FlashErr, common.FlashLongTTL)
	}
	m.opts.Region, m.opts.RegionFrom = args[0], "" // typed now: no longer the profile's
	return m.setFlash("typed tasks now use region "+args[0], common.FlashInfo, common.FlashTTL)
}

// openCmdline gives the keyboard to the `:` line.
func (m *Model) openCmdline() tea.Cmd {
	cmd := m.startInput(focusCmdline, "")
	m.input.Prompt = ":"
	m.input.Placeholder = "command (tab completes: " + strings.Join(commandNames(m), ", ") + ")"
	m.input.SetWidth(max(1, m.w-common.Width(m.input.Prompt)-1))
	m.flow.histAt, m.flow.draft = len(m.flow.hist), ""
	return cmd
}

// cmdKey is the command line's keyboard: enter runs, esc closes, tab
// completes, up/down walk the history; the rest is typed. Only keys that
// type nothing act (an arrow is up, a typed k is a letter).
func (m *Model) cmdKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	switch {
	case k.Text == "" && key.Matches(k, ks.Quit):
		return m.quit()
	case key.Matches(k, ks.Back):
		m.endInput()
		return nil
	case k.Text == "" && key.Matches(k, ks.Submit):
		line := m.input.Value()
		m.endInput()
		return m.runCommand(line)
	case k.Text == "" && key.Matches(k, ks.Complete):
		return m.complete()
	case k.Text == "" && key.Matches(k, ks.Up):
		m.walkHistory(-1)
		return nil
	case k.Text == "" && key.Matches(k, ks.Down):
		m.walkHistory(1)
		return nil
	}
	if strings.IndexFunc(k.Text, common.Unwanted) >= 0 {
		return nil
	}
	cmd, _ := m.typeKey(k)
	return cmd
}

// walkHistory moves through the commands run before; past the newest it
// gives back what was being typed.
func (m *Model) walkHistory(d int) {
	f := &m.flow
	if f.histAt == len(f.hist) {
		f.draft = m.input.Value()
	}
	f.histAt = min(max(f.histAt+d, 0), len(f.hist))
	if f.histAt == len(f.hist) {
		m.input.SetValue(f.draft)
	} else {
		m.input.SetValue(f.hist[f.histAt])
	}
	m.input.CursorEnd()
}

// runCommand runs one line; a line that is not a command says so on one
// line and names the commands there are.
func (m *Model) runCommand(line string) tea.Cmd {
	words := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), ":"))
	if len(words) == 0 {
		return nil
	}
	if h := m.flow.hist; len(h) == 0 || h[len(h)-1] != strings.Join(words, " ") {
		m.flow.hist = append(m.flow.hist, strings.Join(words, " "))
		if len(m.flow.hist) > histMax {
			m.flow.hist = m.flow.hist[len(m.flow.hist)-histMax:]
		}
	}
	name := strings.ToLower(words[0])
	if name == "quit" {
		name = "q"
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		if why := c.offIn(m); why != "" {
			return m.setFlash(why, common.FlashWarn, common.FlashTTL)
		}
		return c.run(m, words[1:])
	}
	return m.setFlash("unknown command :"+common.Cut(common.Clean(words[0]), 24)+" (commands: "+strings.Join(commandNames(m), ", ")+")", common.FlashErr, common.FlashLongTTL)
}

// complete is tab: the command name, then its argument, to the longest
// prefix the candidates share; when several remain they are listed.
// Spaces typed before the name are kept (runCommand ignores them).
func (m *Model) complete() tea.Cmd {
	v := m.input.Value()
	var cands []string
	head, word := "", v
	if i := strings.LastIndexByte(v, ' '); i >= 0 {
		head, word = v[:i+1], v[i+1:]
	}
	switch before := strings.Fields(head); len(before) {
	case 0: // the command's name
		cands = commandNames(m)
	case 1: // its argument
		name := strings.ToLower(before[0])
		for _, c := range commands() {
			if c.name != name {
				continue
			}
			if why := c.offIn(m); why != "" {
				return m.setFlash(why, common.FlashWarn, common.FlashTTL)
			}
			if c.words != nil {
				cands = c.words(m)
			}
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
		return m.setFlash("no completion for "+common.Cut(common.Clean(word), 24)+": "+strings.Join(cands, ", "), common.FlashWarn, common.FlashTTL)
	case 1:
		m.input.SetValue(head + match[0] + " ")
	default:
		m.input.SetValue(head + commonPrefix(match))
		m.input.CursorEnd()
		return m.setFlash(strings.Join(match, "  "), common.FlashInfo, common.FlashTTL)
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
