//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package safefile

import (
	"io/fs"
	"os"
)

// Owner: without Unix owners there is none to check.
func Owner(fs.FileInfo) (uint32, bool) { return 0, false }

func openNonblock(path string) (*os.File, error) { return os.Open(path) }
