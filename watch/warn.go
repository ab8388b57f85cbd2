package watch

import (
	"maps"
	"slices"
)

// SetWarning shows text among Stats().WatchWarnings (the dashboard's
// banner) until it is set again; "" clears it. source names who warns (for
// example "event log"), so several parts of the program can warn at once
// without clearing each other's. The engine stays the one place the UI
// reads warnings from, whoever raised them. Readers are told at once.
func (e *Engine) SetWarning(source, text string) {
	e.mu.Lock()
	if text == "" {
		delete(e.extWarn, source)
	} else {
		if e.extWarn == nil {
			e.extWarn = map[string]string{}
		}
		e.extWarn[source] = text
	}
	e.mu.Unlock()
	e.signal()
}

// extraWarningsLocked is SetWarning's texts in the order of their sources.
func (e *Engine) extraWarningsLocked() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(e.extWarn)) {
		out = append(out, e.extWarn[k])
	}
	return out
}
