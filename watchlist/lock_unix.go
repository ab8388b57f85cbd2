//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// openFlags keeps readFile from blocking on a FIFO and from following a
// symbolic link planted at the path after checkPlace looked.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOFOLLOW

// lockPoll is how often a waiter retries a held lock.
const lockPoll = 50 * time.Millisecond

// lockFile takes an exclusive flock on "<file>.lock", waiting at most
// timeout (calling waiting once, with the holder's pid, if it has to wait).
// The lock file is never removed: deleting it would let two writers lock
// different inodes. The kernel drops the lock when a holder dies, so a crash
// cannot wedge it. The holder writes its pid into the file so that a waiter
// can say whom it waits for. The file is opened without following links and
// must be a regular file of ours.
func lockFile(file string, timeout time.Duration, waiting func(pid int)) (unlock func(), err error) {
	name := file + ".lock"
	fd, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, &unsafePathError{Path: name, Reason: "is a symbolic link; refusing to open the lock through it"}
	}
	if err != nil {
		return nil, err
	}
	if fi, err := fd.Stat(); err != nil || !fi.Mode().IsRegular() {
		fd.Close()
		if err == nil {
			err = &unsafePathError{Path: name, Reason: "is not a regular file"}
		}
		return nil, err
	} else if err := ownedByUs(name, fi); err != nil {
		fd.Close()
		return nil, err
	}
	start := time.Now()
	for {
		err = syscall.Flock(int(fd.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == syscall.EINTR {
			continue
		}
		if err != syscall.EWOULDBLOCK {
			break
		}
		waited := time.Since(start)
		if waited >= timeout {
			pid := holderPid(fd)
			fd.Close()
			return nil, &lockTimeoutError{Lock: name, Pid: pid, Waited: timeout}
		}
		if waiting != nil {
			waiting(holderPid(fd))
			waiting = nil
		}
		time.Sleep(min(lockPoll, timeout-waited))
	}
	if err != nil {
		fd.Close()
		return nil, &os.PathError{Op: "flock", Path: name, Err: err}
	}
	writePid(fd)
	return func() {
		syscall.Flock(int(fd.Fd()), syscall.LOCK_UN)
		fd.Close()
	}, nil
}

// holderPid reads the pid the current holder wrote; 0 when unknown. The
// read is bounded: the file holds one number.
func holderPid(fd *os.File) int {
	buf := make([]byte, 24)
	n, _ := fd.ReadAt(buf, 0)
	pid, err := strconv.Atoi(string(trimSpace(buf[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}

// writePid records the holder, best effort: the lock works without it.
func writePid(fd *os.File) {
	s := fmt.Sprintf("%d\n", os.Getpid())
	if _, err := fd.WriteAt([]byte(s), 0); err == nil {
		fd.Truncate(int64(len(s)))
	}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
