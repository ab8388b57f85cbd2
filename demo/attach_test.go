package demo

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// TestAttachRunClose: Attach gives the dashboard all it wires in (an
// endpoint that answers with the demo key, tasks, a watch list path in a
// fresh directory of its own); Run notes every task and returns once its
// context ends; Close removes the directory and stops the emulator.
func TestAttachRunClose(t *testing.T) {
	a, err := Attach(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(a.StatePath)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("the demo watch list's directory %s: %v", dir, err)
	}
	c, err := client.New(client.Config{Region: Region, Endpoint: a.URL(), Credential: a.Credential(), Rate: 100})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Describe(context.Background(), a.Refs[0]); err != nil {
		t.Fatalf("the demo's first task does not answer: %v", err)
	}
	rec := &recorder{notes: map[taskref.Ref]string{}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a.Run(ctx, c, rec, slog.New(slog.DiscardHandler))
	for _, r := range a.Refs {
		if rec.notes[r] == "" {
			t.Errorf("%s has no note after Run", r.TaskID)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Close left %s (%v)", dir, err)
	}
	if _, err := c.Describe(context.Background(), a.Refs[0]); err == nil {
		t.Error("the emulator still answers after Close")
	}
}
