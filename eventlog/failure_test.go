package eventlog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// A log that cannot be written (here a directory sits where the file goes,
// which fails for root too) is reported, retried, and recovers; nothing
// crashes and nothing queued meanwhile is lost.
func TestWriteFailureIsReportedAndRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), fileName)
		var mu sync.Mutex
		var reports []error
		w, err := openWriter(path, options{RetryEvery: time.Second, OnError: func(err error) {
			mu.Lock()
			reports = append(reports, err)
			mu.Unlock()
		}})
		if err != nil {
			t.Fatal(err)
		}
		os.Mkdir(path, 0o700)
		w.append(fromEvent(ev(0, watch.EventAdd), 0))
		synctest.Wait()
		if w.currentErr() == nil || len(reports) != 1 || reports[0] == nil {
			t.Fatalf("failure not reported: Err %v, reports %v", w.currentErr(), reports)
		}
		w.append(fromEvent(ev(1, watch.EventAdd), 0)) // fails the same way: no second report
		synctest.Wait()
		os.Remove(path)
		time.Sleep(time.Second) // the retry tick (fake time)
		synctest.Wait()
		if w.currentErr() != nil || len(reports) != 2 || reports[1] != nil {
			t.Fatalf("recovery not reported: Err %v, reports %v", w.currentErr(), reports)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		res, _ := load(path, Filter{})
		if len(res.Records) != 2 || w.droppedCount() != 0 {
			t.Fatalf("%d records written, %d dropped; want 2, 0", len(res.Records), w.droppedCount())
		}
	})
}

func TestDropsWhenFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), fileName)
		w, _ := openWriter(path, options{MaxPending: 600})
		os.Mkdir(path, 0o700) // the disk refuses, so pending fills
		for i := range 10 {
			w.append(fromEvent(ev(i, watch.EventAdd), 0))
			synctest.Wait()
		}
		if w.droppedCount() == 0 || w.droppedCount() == 10 {
			t.Fatalf("dropped %d of 10 with room for a few", w.droppedCount())
		}
		if err := w.Close(); err == nil {
			t.Error("Close hid the write error")
		}
		w.append(fromEvent(ev(11, watch.EventAdd), 0))
		if d := w.droppedCount(); d < 1 {
			t.Error("an append after Close was not counted")
		}
		if !errors.Is(w.Close(), w.currentErr()) {
			t.Error("second Close differs")
		}
	})
}

// The log holds only its fields: credentials in the environment (where the
// SDK reads them) never reach it, whatever the events say.
func TestNoSecretInLog(t *testing.T) {
	const id, key = "AKIDsecretsecretsecret0001", "s3cr3tKeyValueThatMustNotLeak"
	t.Setenv("TENCENTCLOUD_SECRET_ID", id)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", key)
	path := filepath.Join(t.TempDir(), fileName)
	r := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "t"}
	writeAll(t, path, options{},
		watch.Event{At: t0, Kind: watch.EventAdd, Ref: r, By: "local"},
		watch.Event{At: t0, Kind: watch.EventError, Ref: r, To: watch.AuthError, Code: "AuthFailure.SignatureFailure", RequestID: "rq"},
		watch.Event{At: t0, Kind: watch.EventNote, Ref: r, Note: "INC-7"},
	)
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		t.Fatal("nothing written", err)
	}
	for _, s := range []string{id, key, "SECRET", "secret"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("log holds %q:\n%s", s, b)
		}
	}
}
