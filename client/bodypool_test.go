package client

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
)

// TestBodyPoolIsBounded: a body buffer is reused for the next answer, but
// one larger than maxPooledBody (a huge, perhaps hostile, answer) never is.
func TestBodyPoolIsBounded(t *testing.T) {
	for _, c := range []struct {
		name   string
		size   int
		reused bool
	}{
		{"an ordinary answer", 8 << 10, true},
		{"at the bound", maxPooledBody, true},
		{"past the bound", maxPooledBody + 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			for getBody() != nil { // empty the pool
			}
			// The race detector makes sync.Pool drop a share of Puts at
			// random: a few tries tell "never" from "usually".
			reused := false
			for range 20 {
				putBody(make([]byte, 10, c.size))
				if got := getBody(); cap(got) == c.size && len(got) == 0 {
					reused = true
				}
			}
			if reused != c.reused {
				t.Errorf("buffer of %d bytes reused: %v, want %v", c.size, reused, c.reused)
			}
		})
	}
}

// TestAnswersOutliveTheirBuffers: an answer's Raw and strings are its own
// after the body buffer goes back to the pool: later answers, read into the
// same buffer, do not change them.
func TestAnswersOutliveTheirBuffers(t *testing.T) {
	s := emutest.Start(t, emulator.Config{RateLimit: -1, FileEvery: 10 * time.Millisecond}, `{"tasks":[
		{"task_id":"task-a","sdk_app_id":1400000001,"users":["alice","bob"],"timeline":[{"at":"0s","status":"InProgress"}]},
		{"task_id":"task-b","sdk_app_id":1400000001,"users":["carol"],"timeline":[{"at":"0s","status":"Idle"}]}]}`)
	c := emuClient(t, s, nil)
	first, err := c.Describe(context.Background(), ref("task-a"))
	if err != nil {
		t.Fatal(err)
	}
	raw, status := bytes.Clone(first.Raw), *first.Status
	for range 20 {
		if _, err := c.Describe(context.Background(), ref("task-b")); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(first.Raw, raw) || *first.Status != status || !bytes.Contains(raw, []byte(`"task-a"`)) {
		t.Fatalf("the first answer changed after later calls: %s (was %s), status %q", first.Raw, raw, *first.Status)
	}
}
