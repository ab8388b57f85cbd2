//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package cmd

// discardInput is a no-op where there is no termios flush; typed-ahead
// keys may then reach the dashboard.
func discardInput(uintptr) error { return nil }
