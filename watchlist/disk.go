package watchlist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/safefile"
)

var errNotExist = fs.ErrNotExist

// tooBig reports a file larger than maxSize, which is never read whole.
func tooBig(err error) bool {
	var big *safefile.TooLargeError
	return errors.As(err, &big)
}

// readFile reads at most maxSize bytes of a regular file with safefile's
// one reader, opened without blocking (a FIFO at the path is refused rather
// than waited on) and without following a link (openFlags).
func readFile(path string) ([]byte, error) {
	fd, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	data, _, err := safefile.Read(fd, maxSize)
	var odd *safefile.NotRegularError
	switch {
	case errors.As(err, &odd) && odd.Mode.IsDir():
		return nil, errors.New("it is a directory, not a file")
	case errors.As(err, &odd):
		return nil, fmt.Errorf("it is not a regular file but %s", safefile.Kind(odd.Mode))
	}
	return data, err
}

// writeAtomic replaces dst with data so that a crash leaves the old content
// or the new, never a mix: temp file in the same directory (named after
// target, so removeStaleTemps finds it), fsync, 0600, rename, fsync the dir.
func writeAtomic(target, dst string, data []byte) (err error) {
	dir := filepath.Dir(dst)
	tmp, err := os.CreateTemp(dir, filepath.Base(target)+tempInfix+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	return syncDir(dir)
}

const tempInfix = ".tmp-"

// removeStaleTemps deletes temp files a killed writer left next to target.
// It runs under the lock, and a writer holds the lock as long as its temp
// file exists, so every temp file seen here is stale.
func removeStaleTemps(target string) {
	dir, prefix := filepath.Dir(target), filepath.Base(target)+tempInfix
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	for {
		// In batches, so a directory of a million names costs time, not memory.
		entries, err := d.ReadDir(256)
		for _, e := range entries {
			// Regular files only: a link planted under a temp name is not ours.
			if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
		if err != nil {
			return
		}
	}
}

// keepAside preserves a damaged file under a new name before anything else
// happens to it. A wholly unusable file is renamed (even a 100 MB one costs
// nothing); one whose valid entries will be kept is copied first, so the
// original stays at the path until the rewrite replaces it.
func keepAside(target string, data []byte, whole bool) (string, error) {
	aside, err := asideName(target)
	if err != nil {
		return "", err
	}
	if !whole {
		return aside, writeAtomic(target, aside, data)
	}
	if err := os.Rename(target, aside); err != nil {
		return "", err
	}
	syncDir(filepath.Dir(target)) // best effort: the rename is done either way
	return aside, nil
}

func asideName(target string) (string, error) {
	base := target + ".corrupt-" + time.Now().UTC().Format("20060102T150405Z")
	name := base
	for i := 2; i < 1000; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return "", fmt.Errorf("no free name for a copy of %s", target)
}

// cause strips the path from an os error: messages already name the file.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
