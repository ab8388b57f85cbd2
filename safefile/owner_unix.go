//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package safefile

import (
	"io/fs"
	"os"
	"syscall"
)

// Owner is the uid that owns the file, if the system has owners.
func Owner(fi fs.FileInfo) (uint32, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Uid, true
}

func openNonblock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
