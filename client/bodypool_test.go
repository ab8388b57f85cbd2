package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/iotest"
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

// TestReadCapped: a body up to the limit comes back whole; past it, the
// first limit bytes and over, and the buffer never grows past the limit
// (one byte more is probed, not kept).
func TestReadCapped(t *testing.T) {
	boom := errors.New("boom")
	body := func(n int) []byte { return bytes.Repeat([]byte("b"), n) }
	for _, c := range []struct {
		name          string
		r             io.Reader
		limit, hint   int
		wantLen       int
		over          bool
		err           error
		wantCapAtMost int
	}{
		{"empty", bytes.NewReader(nil), 8, 0, 0, false, nil, 8},
		{"under", bytes.NewReader(body(7)), 8, 0, 7, false, nil, 8},
		{"exactly", bytes.NewReader(body(8)), 8, 0, 8, false, nil, 8},
		{"one over", bytes.NewReader(body(9)), 8, 0, 8, true, nil, 8},
		{"far over, a byte at a time", iotest.OneByteReader(bytes.NewReader(body(100))), 8, 0, 8, true, nil, 8},
		{"exactly, hinted", bytes.NewReader(body(5000)), 10000, 5000, 5000, false, nil, 5001},
		{"over, grown by doubling", bytes.NewReader(body(20000)), 10000, 0, 10000, true, nil, 10000},
		{"over, hinted at the limit", bytes.NewReader(body(20000)), 10000, 10000, 10000, true, nil, 10000},
		{"error", iotest.DataErrReader(io.MultiReader(bytes.NewReader(body(3)), iotest.ErrReader(boom))), 8, 0, 3, false, boom, 8},
		{"error at the limit", io.MultiReader(bytes.NewReader(body(8)), iotest.ErrReader(boom)), 8, 0, 8, false, boom, 8},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, over, err := readCapped(c.r, c.limit, c.hint, nil)
			if len(got) != c.wantLen || over != c.over || !errors.Is(err, c.err) || cap(got) > c.wantCapAtMost {
				t.Fatalf("got %d bytes (cap %d), over %v, %v; want %d (cap at most %d), over %v, %v",
					len(got), cap(got), over, err, c.wantLen, c.wantCapAtMost, c.over, c.err)
			}
		})
	}
}
