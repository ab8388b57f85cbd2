//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"os"
	"syscall"
)

// openFlags keeps readFile from blocking on a FIFO.
const openFlags = syscall.O_NONBLOCK

// lockFile takes an exclusive flock on "<path>.lock". The lock file is
// never removed: deleting it would let two writers lock different inodes.
// The kernel drops the lock when a holder dies, so a crash cannot wedge it.
func lockFile(path string) (unlock func(), err error) {
	fd, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(fd.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		fd.Close()
		return nil, &os.PathError{Op: "flock", Path: fd.Name(), Err: err}
	}
	return func() {
		syscall.Flock(int(fd.Fd()), syscall.LOCK_UN)
		fd.Close()
	}, nil
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
