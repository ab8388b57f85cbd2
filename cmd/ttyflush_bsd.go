//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package cmd

import "golang.org/x/sys/unix"

// discardInput drops what was typed on the terminal but not yet read, so
// keys pressed while start-up waited are not replayed into the dashboard
// (as a task name in the add prompt, say).
func discardInput(fd uintptr) error {
	return unix.IoctlSetPointerInt(int(fd), unix.TIOCFLUSH, fread)
}

// fread is FREAD from <sys/fcntl.h>: flush the input queue only.
const fread = 0x1
