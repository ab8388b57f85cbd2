package serve

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/serve/attack"
)

// rssMB is this process's resident set in MB (Linux; 0 elsewhere).
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// TestServeUnderAttack: with the stressMix connections running (the issue's
// 50 with -tags long), 10 real engineers log in at once (TCP connect to the
// key accepted), each within 2 s, and this process (server, attackers and
// clients together, so the server alone is less) stays under 300 MB of RSS:
// the bounds of correctness, not speed figures (see attack.Bounds
// for the race detector's). The shell and the first frame are logged, not
// bounded.
func TestServeUnderAttack(t *testing.T) {
	r := startRig(t, 50, time.Second)
	mallory := newKey(t)
	f, err := os.OpenFile(r.keysPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(authLine(mallory, "", "mallory@inside"))
	f.Close()
	began := time.Now()
	a := attack.Start(r.addr, mallory, stressMix)
	defer a.Stop()
	// Every attacker in place (connected, logged in, its session or huge
	// dashboard open) before the engineers come: the attack at full
	// strength, and no longer than it takes to get there.
	eventually(t, "every attacker holds its connection", func() bool { return a.Ready() == int64(stressMix.Total()) })
	ready := time.Since(began)
	peak := rssMB()
	var wg sync.WaitGroup
	sessions := make([]*attack.Session, 10)
	errs := make([]error, 10)
	for i := range sessions {
		key := r.alice
		if i%2 == 1 {
			key = r.reader
		}
		wg.Go(func() { sessions[i], errs[i] = attack.Login(r.addr, key, "task-0000", wait) })
	}
	wg.Wait()
	var logins, shells, frames []string
	for i, s := range sessions {
		if errs[i] != nil {
			t.Fatalf("engineer %d could not log in beside the attack: %v", i+1, errs[i])
		}
		defer s.Client.Close()
		logins = append(logins, s.Login.Round(time.Millisecond).String())
		shells = append(shells, s.Shell.Round(time.Millisecond).String())
		frames = append(frames, s.Frame.Round(time.Millisecond).String())
	}
	peak = max(peak, rssMB())
	loginBound, rssBound, race := attack.Bounds()
	t.Logf("10 logins beside %d hostile connections (all in place after %v, %d opened so far): logged in %v, shell %v, first frame %v; RSS of this process %.0f MB (bounds %v, %.0f MB; race detector %v)",
		stressMix.Total(), ready.Round(time.Millisecond), a.Connections(), logins, shells, frames, peak, loginBound, rssBound, race)
	for i, s := range sessions {
		if s.Login > loginBound {
			t.Errorf("engineer %d took %v to log in, more than %v", i+1, s.Login, loginBound)
		}
	}
	if peak > rssBound {
		t.Errorf("RSS %.0f MB under the attack, more than %.0f MB", peak, rssBound)
	}
}
