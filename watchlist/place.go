package watchlist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// unsafePathError says why the watch list's place was refused: a symbolic
// link at the path, a file owned by someone else, or a directory another
// user could swap files in. trtcwatch then neither reads nor writes the list
// for the session, because every rename or replace there could be turned
// against a file the user never meant to touch.
type unsafePathError struct {
	Path   string // the file or directory refused
	Reason string // completes "PATH ..."
}

func (e *unsafePathError) Error() string { return e.Path + " " + e.Reason }

// place is where the list really lives: the directory with its symbolic
// links resolved (and checked), and the file's name in it.
type place struct {
	dir, file string
}

// checkPlace resolves and checks the watch list's location. Symbolic links
// among the directory components are followed once, here, and every later
// operation uses the resolved directory; the file itself must not be a link.
// The resolved directory must not be writable by other users (even with the
// sticky bit, which does not stop them planting names we are about to use),
// and neither it nor any directory above it may belong to another user
// (root excepted) or be writable by others without the sticky bit (like
// /tmp). A directory that does not exist yet yields exists=false and is
// checked again once created.
func checkPlace(path string) (p place, exists bool, err error) {
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if errors.Is(err, fs.ErrNotExist) {
		return place{}, false, nil
	}
	if err != nil {
		return place{}, false, fmt.Errorf("resolve directory: %w", err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return place{}, false, fmt.Errorf("resolve directory: %w", err)
	}
	p = place{dir: dir, file: filepath.Join(dir, filepath.Base(path))}
	if err := checkDirs(dir); err != nil {
		return place{}, true, err
	}
	fi, err := os.Lstat(p.file)
	if errors.Is(err, fs.ErrNotExist) {
		return p, true, nil
	}
	if err != nil {
		return place{}, true, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(p.file)
		return place{}, true, &unsafePathError{Path: path, Reason: fmt.Sprintf(
			"is a symbolic link (to %s); trtcwatch does not read or write its files through a link: pass --state with the real path", target)}
	}
	if err := ownedByUs(path, fi); err != nil {
		return place{}, true, err
	}
	return p, true, nil
}

// checkDirs checks dir (resolved, absolute) and every directory above it.
func checkDirs(dir string) error {
	for d, first := dir, true; ; d, first = filepath.Dir(d), false {
		fi, err := os.Lstat(d)
		if err != nil {
			return err
		}
		if err := safeDir(d, fi, first); err != nil {
			return err
		}
		if up := filepath.Dir(d); up == d {
			return nil
		}
	}
}

// CheckPrivate holds another file to the rules the watch list lives by,
// for a file whose content trtcwatch trusts: the event log, where a line
// forged by another user could name anyone as the author of an edit. It
// refuses path when it is a symbolic link, belongs to another user or is
// writable by group or others, when its directory belongs to another user
// or is writable by others, or when a directory above it belongs to
// another user (root aside) or is writable by others without the sticky
// bit. A file or directory that does not exist yet passes. A refusal is an
// *unsafePathError saying why.
func CheckPrivate(path string) error {
	p, exists, err := checkPlace(path)
	if err != nil || !exists {
		return err
	}
	fi, err := os.Lstat(p.file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return writableByOthers(path, fi)
}
