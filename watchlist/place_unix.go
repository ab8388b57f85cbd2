//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/trtcwatch/trtcwatch/safefile"
)

// safeDir refuses a directory another user could swap our files in. own is
// the watch list's own directory: no write by others at all there.
func safeDir(path string, fi fs.FileInfo, own bool) error {
	if uid, ok := safefile.Owner(fi); ok && uid != uint32(os.Geteuid()) && uid != 0 {
		return &unsafePathError{Path: path, Reason: fmt.Sprintf(
			"belongs to another user (uid %d), who could replace the watch list; use a directory of your own with --state", uid)}
	}
	m := fi.Mode()
	switch {
	case m.Perm()&0o002 == 0:
		return nil
	case own:
		return &unsafePathError{Path: path, Reason: "is writable by every user, who could plant or replace files there; keep the watch list in a directory of your own (--state)"}
	case m&fs.ModeSticky == 0:
		return &unsafePathError{Path: path, Reason: "is writable by every user and has no sticky bit, so the directories below it can be swapped; keep the watch list elsewhere (--state)"}
	}
	return nil
}

// ownedByUs refuses a watch list file that belongs to another user: writing
// it back would hand their content our trust (and change its owner).
func ownedByUs(path string, fi fs.FileInfo) error {
	if uid, ok := safefile.Owner(fi); ok && uid != uint32(os.Geteuid()) {
		return &unsafePathError{Path: path, Reason: fmt.Sprintf("belongs to another user (uid %d); trtcwatch only uses files of your own", uid)}
	}
	return nil
}

// writableByOthers refuses a file that users other than its owner may
// write, so its content may not be the owner's (CheckPrivate).
func writableByOthers(path string, fi fs.FileInfo) error {
	if why := safefile.Writable(fi); why != "" {
		return &unsafePathError{Path: path, Reason: why + ", so others could have written any of it; chmod go-w it"}
	}
	return nil
}

// fileStamp identifies one version of the file cheaply, without reading it:
// a rename gives a new inode, an in-place edit a new size or times.
type fileStamp struct {
	exists           bool
	dev, ino         uint64
	size             int64
	mtimeNs, ctimeNs int64
}

func stampOf(fi fs.FileInfo) fileStamp {
	s := fileStamp{exists: true, size: fi.Size(), mtimeNs: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.dev, s.ino = uint64(st.Dev), uint64(st.Ino)
		s.ctimeNs = ctimeNs(st)
	}
	return s
}
