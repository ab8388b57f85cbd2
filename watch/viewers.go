package watch

// SetViewers publishes how many dashboards watch this engine (team mode:
// one per SSH session), so every header can say the view is shared. It
// wakes every reader, since the count is in the Stats each Collect carries.
func (e *Engine) SetViewers(n int) {
	e.mu.Lock()
	changed := e.viewers != max(n, 0)
	e.viewers = max(n, 0)
	e.mu.Unlock()
	if changed {
		e.signal()
	}
}
