package watch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// TestUnsavedUntilASaveSucceeds: the real watch-list file, whose directory
// is replaced by a plain file after start (as a full or vanished disk
// refuses every write). Edits made then are kept in memory, Flush names
// each of them (adds, the removal, the note) in an *UnsavedError, and
// Stats().Unsaved says so for as long as the disk refuses, however long
// that is. Once the directory is back, Run retries on its own, without a
// new edit: the file gets the edits and the banner goes.
func TestUnsavedUntilASaveSucceeds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "state")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "watchlist.json")
		e := New(newFake(status("Idle")), Config{Store: watchlist.Open(path, watchlist.Options{}), ReloadInterval: time.Second})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		if _, err := e.Add([]taskref.Ref{ref(1), ref(9)}); err != nil {
			t.Fatal(err)
		}
		mustFlush(t, e)

		if err := os.Rename(dir, dir+".away"); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Add([]taskref.Ref{ref(2), ref(3)}); err != nil {
			t.Fatal(err)
		}
		if err := e.Remove(ref(1)); err != nil {
			t.Fatal(err)
		}
		if err := e.SetNote(ref(9), "INC-7", 0); err != nil {
			t.Fatal(err)
		}
		err := e.Flush()
		var u *UnsavedError
		if !errors.As(err, &u) {
			t.Fatalf("Flush with the directory gone = %v, want an *UnsavedError", err)
		}
		if !slices.Equal(u.Added, []taskref.Ref{ref(2), ref(3)}) || !slices.Equal(u.Removed, []taskref.Ref{ref(1)}) || !slices.Equal(u.Noted, []taskref.Ref{ref(9)}) {
			t.Errorf("unsaved: added %v, removed %v, noted %v", u.Added, u.Removed, u.Noted)
		}
		want := "added " + ref(2).String() + ", " + ref(3).String() + "; removed " + ref(1).String() + "; note on " + ref(9).String()
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("Flush error %q, want the cause and %q", err, want)
		}
		time.Sleep(10 * time.Minute) // fake time: long after any flash would have gone
		// The retry due at this instant too (every ReloadInterval) runs to its
		// failure before the directory comes back: a writer still running as
		// it did would make the directory itself (MkdirAll) and the rename
		// below fail with "file exists" (2 full runs of the package in 25).
		synctest.Wait()
		if s := e.Stats().Unsaved; !strings.Contains(s, "NOT SAVED") || !strings.Contains(s, want) {
			t.Errorf("Stats().Unsaved after 10 minutes = %q, want it to name %q", s, want)
		}

		if err := os.Remove(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(dir+".away", dir); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second) // two retry ticks, and no edit
		synctest.Wait()
		if s := e.Stats().Unsaved; s != "" {
			t.Fatalf("Stats().Unsaved after the disk came back = %q", s)
		}
		mustFlush(t, e)
		got, _ := watchlist.Open(path, watchlist.Options{}).Load()
		var on []string
		for _, en := range got {
			on = append(on, en.Ref.String()+" "+en.Note)
		}
		if want := []string{ref(9).String() + " INC-7", ref(2).String() + " ", ref(3).String() + " "}; !slices.Equal(on, want) {
			t.Errorf("file after the retry: %q, want %q", on, want)
		}
	})
}
