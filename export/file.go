package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// defaultDir is where the dashboard writes exports when no directory is
// given: $XDG_STATE_HOME/trtcwatch/exports, or ~/.local/state/trtcwatch/exports
// when XDG_STATE_HOME is unset (the XDG default), or the current directory
// when there is no home either. Beside the event log, out of the way of the
// working directory, and private to the user.
func defaultDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "trtcwatch", "exports")
	}
	if h, err := os.UserHomeDir(); err == nil && h != "" {
		return filepath.Join(h, ".local", "state", "trtcwatch", "exports")
	}
	return "."
}

// maxSameName bounds how many exports made in the same second get a
// "-2", "-3"... suffix before WriteFile gives up.
const maxSameName = 100

// WriteFile writes tasks to a new file in dir (defaultDir when empty,
// created 0700 if missing) and returns its path. The file is named after
// now in loc, e.g. trtcwatch-20261128-224301.md; it is created 0600 with
// O_EXCL so an export never overwrites anything: a name taken gets a
// "-2", "-3"... suffix. A failed write removes the partial file.
func WriteFile(dir string, format Format, tasks []watch.Task, loc *time.Location, now time.Time) (string, error) {
	if _, err := ParseFormat(string(format)); err != nil {
		return "", err
	}
	if loc == nil {
		loc = time.UTC
	}
	if dir == "" {
		dir = defaultDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("export: create %s: %w", dir, err)
	}
	base := "trtcwatch-" + now.In(loc).Format("20060102-150405")
	for i := 1; i <= maxSameName; i++ {
		name := base
		if i > 1 {
			name += "-" + strconv.Itoa(i)
		}
		path := filepath.Join(dir, name+"."+format.ext())
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("export: create %s: %w", path, err)
		}
		werr := Write(f, format, tasks, loc, now)
		if werr == nil {
			werr = f.Sync()
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return "", fmt.Errorf("export: write %s: %w", path, werr)
		}
		return path, nil
	}
	return "", fmt.Errorf("export: %d exports named %s.* already exist in %s", maxSameName, base, dir)
}
