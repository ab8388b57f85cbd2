package demo

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
)

// Feeding pace of the dashboard's demo: a new task every feedEvery, each
// stopped feedLife after it was created.
const (
	feedEvery = 20 * time.Second
	feedLife  = 75 * time.Second
)

// Attached is the demo as the dashboard runs it: the emulator with its
// tasks, and a throwaway watch list, so --demo touches neither a cloud
// account nor the user's own list. The dashboard only wires it in.
type Attached struct {
	*Env
	// StatePath is the demo's watch list, in a temporary directory.
	StatePath string
	dir       string
}

// Attach starts the demo emulator and makes the temporary watch list;
// Close undoes both. The emulator posts every task's recording callbacks
// to callbackURL signed with callbackKey, as TRTC would, so the demo shows
// push too; an empty callbackURL posts none.
func Attach(log *slog.Logger, callbackURL, callbackKey string) (*Attached, error) {
	env, err := startEnv(log, callbackURL, callbackKey)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "trtcwatch-demo-")
	if err != nil {
		env.Close() //nolint:errcheck // the temp dir error is the one to report
		return nil, fmt.Errorf("demo watch list: %w", err)
	}
	return &Attached{Env: env, StatePath: filepath.Join(dir, "watchlist.json"), dir: dir}, nil
}

// Run gives the demo's tasks their notes, then feeds new tasks through c
// into w until ctx ends; it returns only once every timer it started is
// done (see feed), so Close may follow it safely.
func (a *Attached) Run(ctx context.Context, c *client.Client, w Adder, log *slog.Logger) {
	for r, note := range a.Notes {
		if err := w.SetNote(r, note, 0); err != nil {
			log.Warn("demo note", "err", err)
		}
	}
	feed(ctx, c, w, feedEvery, feedLife, log)
}

// Close removes the demo's watch list and stops its emulator. Call it
// after Run has returned.
func (a *Attached) Close() error {
	rmErr := os.RemoveAll(a.dir)
	if err := a.Env.Close(); err != nil {
		return fmt.Errorf("stop the demo emulator: %w", err)
	}
	if rmErr != nil {
		return fmt.Errorf("remove the demo watch list: %w", rmErr)
	}
	return nil
}
