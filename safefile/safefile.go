// Package safefile reads the small files that decide who may do what (the
// team-mode authorized keys, host key, the watch list's owner checks)
// without trusting the path: a FIFO must not hang the reader, a device
// must not be read until memory runs out, and a file another user could
// have written must not be trusted silently. One implementation, so every
// caller refuses the same things.
package safefile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ReadRegular reads path if it is a regular file of at most limit bytes.
// It opens without blocking (opening a FIFO for reading waits for a writer
// otherwise) and then reads as Read does. It returns the opened file's
// information for owner and mode checks.
func ReadRegular(path string, limit int64) ([]byte, fs.FileInfo, error) {
	f, err := openNonblock(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return Read(f, limit)
}

// Read reads f, opened by the caller without blocking (ReadRegular, or the
// watch list with its own flags), if it is a regular file of at most limit
// bytes. It checks the opened file itself with fstat, so a swap between a
// check and the open cannot slip a FIFO or a device in, and reads at most
// limit+1 bytes, so a file that grows while read is refused too. The
// refusals are a *NotRegularError and a *TooLargeError.
func Read(f *os.File, limit int64) ([]byte, fs.FileInfo, error) {
	path := f.Name()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fi, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if fi.Size() > limit {
		return nil, fi, &TooLargeError{Path: path, Size: fi.Size(), Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fi, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fi, &TooLargeError{Path: path, Size: int64(len(data)), Limit: limit, Grew: true}
	}
	return data, fi, nil
}

// NotRegularError is a path that is a FIFO, a device, a directory or
// anything but a regular file: never read.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file (%v)", e.Path, Kind(e.Mode))
}

// TooLargeError is a file over the reader's limit: refused before it was
// read whole. Size is the file's size, or what was read when it grew past
// the limit while being read (Grew).
type TooLargeError struct {
	Path        string
	Size, Limit int64
	Grew        bool
}

func (e *TooLargeError) Error() string {
	if e.Grew {
		return fmt.Sprintf("%s grew past the %d bytes allowed while being read", e.Path, e.Limit)
	}
	return fmt.Sprintf("%s is %d bytes, more than the %d allowed", e.Path, e.Size, e.Limit)
}

// Kind names what a file that is not regular is, for error messages.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// Loose says why a file that grants trust (who may log in, the server's
// identity) could have been written by someone other than the user running
// trtcwatch: it belongs to another user (root aside, who may write it
// anyway), or its group or every user may write it. "" when neither.
// OpenSSH's StrictModes refuses such files for the same reason.
func Loose(fi fs.FileInfo) string {
	if uid, ok := Owner(fi); ok && uid != uint32(os.Geteuid()) && uid != 0 {
		return fmt.Sprintf("belongs to another user (uid %d)", uid)
	}
	return Writable(fi)
}

// Writable says who besides its owner may write the file ("is writable by
// its group (mode 0664)"), or "" when nobody may: the one rule the watch
// list, the event log and team mode's key files are held to.
func Writable(fi fs.FileInfo) string {
	p := fi.Mode().Perm()
	if p&0o022 == 0 {
		return ""
	}
	who := "every user"
	if p&0o002 == 0 {
		who = "its group"
	}
	return fmt.Sprintf("is writable by %s (mode %04o)", who, p)
}
