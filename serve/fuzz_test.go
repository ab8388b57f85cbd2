package serve

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// fuzzKeys are whole keys and sequences a terminal sends; the fuzzer also
// sends random escape sequences, pastes and bytes.
var fuzzKeys = []string{
	"j", "k", "g", "G", "/", "a", "d", "n", "p", "r", "R", "s", "S", "f", "y", "Y", "v", "x", "z", "?", ":", "*", " ", "D", "e", "q", "\x03",
	"\r", "\t", "\x1b", "\x7f", "\x08", "\x15", "\x17", "\x0c", "\x01", "\x05", "\x1a", "\x04",
	"\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F", "\x1b[5~", "\x1b[6~", "\x1b[3~", "\x1b[Z", "\x1bOP", "\x1b[1;5C",
	"\x1b[<0;10;5M", "\x1b[<0;10;5m", "\x1b[<64;3;3M", "\x1b[<65;3;3M", "\x1b[I", "\x1b[O",
	":export csv\r", ":sdkappid\r", ":alert idle>1m\r", ": \t", ":e\t\t", "y", "task-0001", "1400000001:task-0002",
}

// fuzzInput is one random burst for a session.
func fuzzInput(rng *rand.Rand) string {
	switch rng.IntN(10) {
	case 0: // a bracketed paste: task IDs, junk, control and escape bytes, up to 80 KB
		var b strings.Builder
		n := rng.IntN(2000)
		if rng.IntN(20) == 0 {
			n = 80 << 10 // past MaxPaste
		}
		for b.Len() < n {
			switch rng.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "task-%04d ", rng.IntN(10000))
			case 1:
				b.WriteString(fuzzKeys[rng.IntN(len(fuzzKeys))])
			default:
				b.WriteByte(byte(rng.IntN(256)))
			}
		}
		return "\x1b[200~" + strings.ReplaceAll(b.String(), "\x1b[201~", "") + "\x1b[201~"
	case 1: // a random CSI or OSC sequence
		if rng.IntN(2) == 0 {
			return fmt.Sprintf("\x1b[%d;%d%c", rng.IntN(1000), rng.IntN(1000), 0x40+rng.IntN(0x3f))
		}
		return fmt.Sprintf("\x1b]%d;%s\x07", rng.IntN(200), strings.Repeat("x", rng.IntN(100)))
	case 2: // random bytes
		b := make([]byte, 1+rng.IntN(16))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	var b strings.Builder
	for range 1 + rng.IntN(8) {
		b.WriteString(fuzzKeys[rng.IntN(len(fuzzKeys))])
	}
	return b.String()
}

// fuzzSeed is TRTCWATCH_FUZZ_SEED if set (to replay a run), else new.
func fuzzSeed(t *testing.T) uint64 {
	if s := os.Getenv("TRTCWATCH_FUZZ_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TRTCWATCH_FUZZ_SEED=%q: %v", s, err)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

// TestSSHKeyFuzz types random keys, escape sequences, pastes and window
// changes (huge ones too) into two real SSH sessions, one read-write and
// one read-only, for a bounded time (TRTCWATCH_FUZZ_TIME, default
// sshFuzzTime: 1.5 s, 10 s with -tags long; the
// seed is logged, TRTCWATCH_FUZZ_SEED replays it). A session that quits
// (q, ctrl+c) is opened again. Then: no session panicked, a session still
// answers (a resize draws a frame), and the server's goroutines and heap
// are back near where they started.
func TestSSHKeyFuzz(t *testing.T) {
	seed := fuzzSeed(t)
	t.Logf("seed %d (replay with TRTCWATCH_FUZZ_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	run := sshFuzzTime
	if s := os.Getenv("TRTCWATCH_FUZZ_TIME"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("TRTCWATCH_FUZZ_TIME=%q: %v", s, err)
		}
		run = d
	}
	var logged lockedBuffer
	r := startRig(t, 20, 500*time.Millisecond, func(c *Config) { c.Log = slog.New(slog.NewTextHandler(&logged, nil)) })
	goroutines, _ := serverGoroutines()
	heap := heapMB()
	keys := []gossh.Signer{r.alice, r.reader}
	terms := make([]*term, len(keys))
	inputs := make([]chan func(*term), len(keys))
	var writers sync.WaitGroup
	sent, reopened := 0, 0
	for end := time.Now().Add(run); time.Now().Before(end); {
		i := rng.IntN(len(keys))
		if terms[i] != nil {
			select {
			case <-terms[i].done: // it quit: open it again
				checkNoPanic(t, terms[i], &logged, seed)
				close(inputs[i])
				terms[i].c.Close()
				terms[i] = nil
				reopened++
			default:
			}
		}
		if terms[i] == nil {
			tm := openSized(t, r.addr, keys[i], 80+rng.IntN(120), 20+rng.IntN(40))
			tm.waitText(t, "task-00", wait)
			in := make(chan func(*term), 64)
			writers.Go(func() { // the client sends as fast as the server takes it
				for do := range in {
					do(tm)
				}
			})
			terms[i], inputs[i] = tm, in
		}
		var do func(*term)
		if rng.IntN(12) == 0 {
			h, w := rng.IntN(70000), rng.IntN(70000)
			do = func(tm *term) { tm.s.WindowChange(h, w) } //nolint:errcheck // as above
		} else {
			in := fuzzInput(rng)                            // drawn here, in order, so a seed replays the same inputs
			do = func(tm *term) { tm.in.Write([]byte(in)) } //nolint:errcheck // as above
		}
		select {
		case inputs[i] <- do:
			sent++
		case <-time.After(10 * time.Millisecond): // the server reads at its own pace
		}
	}
	t.Logf("%d inputs sent in %v, sessions reopened %d times", sent, run, reopened)
	for i, tm := range terms {
		close(inputs[i])
		checkNoPanic(t, tm, &logged, seed)
		select {
		case <-tm.done:
			continue
		default:
		}
		// Still answering: a resize draws a frame (once what was typed
		// before it is read).
		before := len(tm.out.String())
		for deadline := time.Now().Add(4 * wait); len(tm.out.String()) == before; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("seed %d: session %d no longer answers a resize", seed, i)
			}
			tm.s.WindowChange(30+rng.IntN(10), 100+rng.IntN(10)) //nolint:errcheck // checked by the frame
		}
		checkNoPanic(t, tm, &logged, seed)
		tm.s.Close()
		tm.c.Close()
	}
	writers.Wait()
	eventually(t, "the sessions end", func() bool { return r.srv.Sessions() == 0 })
	for deadline := time.Now().Add(wait); ; time.Sleep(20 * time.Millisecond) {
		n, dump := serverGoroutines()
		if n <= goroutines {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("seed %d: %d server goroutines left, %d before:\n%s", seed, n, goroutines, dump)
		}
	}
	// An ended session's model goes with its goroutines (its timers end
	// with the dashboard: ui's TestTimersEndWithTheDashboard); the heap is
	// waited for as the goroutines are, looking less and less often (each
	// look is a full collection, tens of ms under -race).
	for pause, deadline := 100*time.Millisecond, time.Now().Add(wait); ; pause = min(2*pause, time.Second) {
		grew := heapMB() - heap
		if grew <= 32 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("seed %d: the heap grew %.1f MB", seed, grew)
		}
		time.Sleep(pause)
	}
}

func checkNoPanic(t *testing.T, tm *term, logged *lockedBuffer, seed uint64) {
	t.Helper()
	if strings.Contains(tm.text(), panicGoodbye) || strings.Contains(logged.String(), "session panic") {
		var lines []string
		for _, l := range strings.Split(logged.String(), "\n") {
			if strings.Contains(l, "session panic") {
				lines = append(lines, strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(l))
			}
		}
		t.Fatalf("seed %d: a session panicked:\n%s", seed, strings.Join(lines, "\n"))
	}
}
