package serve

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSessionsCostNoAPICalls: the emulator counts the same calls over the
// same window with 0, 1 and 10 sessions watching, since sessions only read
// what the one engine publishes. (Were each session to poll, 10 sessions
// would multiply the count by ten.)
func TestSessionsCostNoAPICalls(t *testing.T) {
	// 8 tasks every 500 ms is 16 calls/s: under the emulator's quota of 20,
	// so no throttle (and the rate cut that follows) muddies the counts.
	r := startRig(t, 8, 500*time.Millisecond)
	const window = 2 * time.Second
	var counts []int
	for _, n := range []int{0, 1, 10} {
		terms := make([]*term, n)
		for i := range terms {
			terms[i] = open(t, r.addr, r.alice, nil, true)
		}
		for _, tm := range terms {
			tm.waitText(t, "task-0007", wait)
		}
		before := r.emu.Stats().Requests()
		time.Sleep(window) // the measured window, not a wait for an outcome
		counts = append(counts, r.emu.Stats().Requests()-before)
		for _, tm := range terms {
			tm.s.Close()
			tm.c.Close()
		}
		for deadline := time.Now().Add(wait); r.srv.Sessions() != 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d sessions still open", r.srv.Sessions())
			}
		}
	}
	t.Logf("API calls over %v with 0, 1, 10 sessions: %v", window, counts)
	base := counts[0]
	if base == 0 {
		t.Fatal("the engine made no calls")
	}
	// Sessions never add calls. (On a starved CPU the engine may make
	// fewer in the window; that is the machine, not the sessions' calls.)
	for i, n := range []int{0, 1, 10} {
		if d := counts[i] - base; d*4 > base {
			t.Errorf("%d sessions: %d calls, vs %d with none", n, counts[i], base)
		}
	}
}

func TestAuthorizedKeysFile(t *testing.T) {
	a, b, c := newKey(t), newKey(t), newKey(t)
	path := filepath.Join(t.TempDir(), "keys")
	writeFile(t, path, "# comment\n\n"+authLine(a, "", "alice")+authLine(b, `restrict,from="10.0.0.1"`, "bob")+
		authLine(c, ReadOnlyOption, "carol \x1b[31mred")+"not a key\nssh-ed25519 AAAAbroken x\n")
	keys, n, err := readAuthorizedKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("%d keys, want 3", n)
	}
	want := map[string]Viewer{
		string(a.PublicKey().Marshal()): {Name: "alice"},
		string(b.PublicKey().Marshal()): {Name: "bob", ReadOnly: true},
	}
	for k, v := range want {
		if keys[k] != v {
			t.Errorf("got %+v, want %+v", keys[k], v)
		}
	}
	carol := keys[string(c.PublicKey().Marshal())]
	if !carol.ReadOnly || carol.Name == "" || containsControl(carol.Name) {
		t.Errorf("carol %+v: want read-only with a safe name", carol)
	}
}

func containsControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

func TestHostKeyCreatedOnceMode600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "host_key")
	_, fp1, created, err := LoadOrCreateHostKey(path)
	if err != nil || !created {
		t.Fatalf("first start: created %v, %v", created, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v, %v", st.Mode(), err)
	}
	_, fp2, created, err := LoadOrCreateHostKey(path)
	if err != nil || created || fp1 != fp2 {
		t.Fatalf("second start: created %v, fingerprint %s then %s, %v", created, fp1, fp2, err)
	}
	if len(fp1) < 10 || fp1[:7] != "SHA256:" {
		t.Fatalf("fingerprint %q", fp1)
	}
	writeFile(t, path, "junk")
	if _, _, _, err := LoadOrCreateHostKey(path); err == nil {
		t.Fatal("a broken host key was accepted")
	}
}
