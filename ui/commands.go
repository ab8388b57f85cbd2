package ui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/cmdline"
	"github.com/trtcwatch/trtcwatch/ui/common"
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

// commandNames are the commands this session offers (the unknown-command
// answer; the line offers the same from its Command.Off).
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

// openCmdline gives the keyboard to the `:` line, over what has it.
func (m *Model) openCmdline() tea.Cmd {
	m.closeBox()
	m.focus.push(focusCmdline)
	m.ensureVisible()
	m.cmd.SetSize(m.w, 1)
	cmds := commands()
	specs := make([]cmdline.Command, len(cmds))
	for i, c := range cmds {
		specs[i] = cmdline.Command{Name: c.name, Off: c.offIn(m)}
		if c.words != nil {
			specs[i].Words = c.words(m)
		}
	}
	return m.cmd.Open(specs)
}

// cmdKey hands a key to the `:` line; ctrl+c still quits.
func (m *Model) cmdKey(k tea.KeyPressMsg) tea.Cmd {
	if k.Text == "" && key.Matches(k, m.keys.Quit) {
		return m.quit()
	}
	return m.child(m.cmd.Update(k))
}

// closeCmdline gives the keyboard back to what had it before the line.
func (m *Model) closeCmdline() {
	if m.focus.top() == focusCmdline {
		m.focus.pop()
	}
	m.ensureVisible()
}

// runCommand runs the command a line's words name; words that are not a
// command say so on one line and name the commands there are.
func (m *Model) runCommand(words []string) tea.Cmd {
	m.closeCmdline()
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
