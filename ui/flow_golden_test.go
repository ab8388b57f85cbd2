package ui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenFlow pins the workflow's screens as plain text: marked rows
// with the count in the header, the bulk removal's question, and the
// command line with a completion listed.
func TestGoldenFlow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		w, h  int
		keys  []string
		typed string
	}{
		{name: "marked_100", w: 100, h: 30, keys: []string{"space", "j", "j", "space"}},
		{name: "marked_60", w: 60, h: 20, keys: []string{"space", "j", "j", "space"}},
		{name: "remove_gone_100", w: 100, h: 30, keys: []string{"D"}},
		{name: "remove_marked_60", w: 60, h: 20, keys: []string{"*", "d"}},
		{name: "cmdline_100", w: 100, h: 30, keys: []string{":"}, typed: "region ap-s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := loaded(t, newCountingEngine(), tc.w, tc.h)
			pressFlow(m, tc.keys...)
			if tc.typed != "" {
				typeText(m, tc.typed)
				pressFlow(m, "tab")
			}
			golden.RequireEqual(t, ansi.Strip(content(m)))
		})
	}
}
