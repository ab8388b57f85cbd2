package cmd

import "golang.org/x/sys/unix"

// discardInput drops what was typed on the terminal but not yet read, so
// keys pressed while start-up waited are not replayed into the dashboard
// (as a task name in the add prompt, say).
func discardInput(fd uintptr) error {
	return unix.IoctlSetInt(int(fd), unix.TCFLSH, unix.TCIFLUSH)
}
