package demo

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// TestAttachRunClose: Attach gives the dashboard all it wires in (an
// endpoint that answers with the demo key, tasks, a watch list path in a
// fresh directory of its own); Run notes every task and returns once its
// context ends; Close removes the directory and stops the emulator.
func TestAttachRunClose(t *testing.T) {
	a, err := Attach(nil, "", "")
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

// TestAttachPostsCallbacks: with a callback URL and key the demo's
// emulator posts its tasks' recording callbacks there, signed, from the
// start (every task's recorder starts at once), so --demo shows push
// within its first seconds.
func TestAttachPostsCallbacks(t *testing.T) {
	const key = "demoTestKey01"
	rcv, err := callback.New(callback.Options{Key: key, Watched: func(app uint64) bool { return app == SdkAppID }})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := rcv.Bind("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve() //nolint:errcheck // nil once closed
	defer srv.Close()
	a, err := Attach(nil, srv.URL(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	started := map[string]bool{}
	deadline := time.After(10 * time.Second)
	for len(started) < len(a.Refs)-1 { // all but the one that never existed
		select {
		case <-rcv.Ready():
		case <-deadline:
			t.Fatalf("%d of %d tasks' 301 arrived in 10 s; receiver %v", len(started), len(a.Refs)-1, rcv.Stats())
		}
		for _, ev := range rcv.Drain(nil) {
			if ev.Type == callback.RecorderStart {
				started[ev.TaskID] = true
			}
		}
	}
	if st := rcv.Stats(); st.RefusedTotal() != 0 {
		t.Errorf("refused: %v", st.Refused)
	}
}
