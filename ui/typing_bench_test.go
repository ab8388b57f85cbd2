package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkTypeFilter is typing into / over 10,000 tasks, one key at a
// time with a frame drawn after each, as Bubble Tea does (issue 19: 256 KB
// typed into / burned 22 CPU-seconds and froze the session for 30 s).
//   - first-256: the first 256 keys of a filter (a TaskId's prefix, then
//     more), each refiltering the list; ns/op is the 256 keys.
//   - past-limit: one key once the box is full, what the rest of a 256 KB
//     flood costs per key; ns/op is one key.
func BenchmarkTypeFilter(b *testing.B) {
	key := tea.KeyPressMsg{Code: 'z', Text: "z"}
	b.Run("first-256", func(b *testing.B) {
		m := bigModel(b)
		text := "1-rjp4nqik2fyujd8rvxoklgau0e-0"
		text += strings.Repeat("z", 256-len(text))
		b.ReportAllocs()
		for b.Loop() {
			press(m, "/")
			for _, r := range text {
				m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				_ = m.View()
			}
			press(m, "esc")
		}
	})
	b.Run("past-limit", func(b *testing.B) {
		m := bigModel(b)
		press(m, "/")
		for range 300 {
			m.Update(key)
		}
		_ = m.View()
		b.ReportAllocs()
		for b.Loop() {
			m.Update(key)
			_ = m.View()
		}
	})
}

// BenchmarkTypeAddBox is one key typed into the add box after a whole
// watch list (10,000 TaskIds, 330 KB) was pasted into it, with a frame
// drawn: the text input measured the whole list on every key.
func BenchmarkTypeAddBox(b *testing.B) {
	m := bigModel(b)
	ids := make([]string, 10000)
	for i := range ids {
		ids[i] = fmt.Sprintf("1400000001:pasted-task-%05d", i)
	}
	m.Update(tea.PasteMsg{Content: strings.Join(ids, "\n")})
	_ = m.View()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// A letter then backspace, so the box stays the same size.
		if i%2 == 0 {
			m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
		} else {
			m.Update(keyMsg("backspace"))
		}
		i++
		_ = m.View()
	}
}
