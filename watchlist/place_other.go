//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package watchlist

import "io/fs"

// Without Unix owners and modes only the symbolic-link check applies.
func safeDir(string, fs.FileInfo, bool) error { return nil }

func ownedByUs(string, fs.FileInfo) error { return nil }

func writableByOthers(string, fs.FileInfo) error { return nil }

type fileStamp struct {
	exists  bool
	size    int64
	mtimeNs int64
}

func stampOf(fi fs.FileInfo) fileStamp {
	return fileStamp{exists: true, size: fi.Size(), mtimeNs: fi.ModTime().UnixNano()}
}
