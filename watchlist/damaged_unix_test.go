//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"path/filepath"
	"syscall"
	"testing"
)

// A FIFO at the path would block a plain open forever.
func TestLoadFIFO(t *testing.T) {
	checkDamaged(t, func(t *testing.T, dir string) string {
		path := filepath.Join(dir, "watchlist.json")
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}, 0, untouched, []string{"cannot read watch list", "(it is not a regular file but a FIFO)"})
}
