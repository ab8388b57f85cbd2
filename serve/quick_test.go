//go:build !long

package serve

import (
	"time"

	"github.com/trtcwatch/trtcwatch/serve/attack"
)

// The sizes of the normal suite, which must stay quick under -race on two
// cores; long_test.go has the full ones (go test -race -tags long, a step of
// its own in CI).

// stressMix is TestServeUnderAttack's hostile connections: every kind the
// issue names, each reopened whenever the server closes it, with one huge
// terminal instead of five and two env floods instead of five. Each huge
// terminal is a dashboard the server draws at its 50,000-cell clamp on
// every resize, 20 a second: five were half the package's CPU under
// -race. Each env flood sends 30 KB requests without pause until the
// server closes it at maxEnvFlood (7.5 MB a connection), then reopens:
// five were a third of the test's CPU (3.5 -> 2.3 s), and two keep one
// flooding while the other reconnects. What one of a kind proves beside
// the rest (the server bounds it and a real engineer still gets in) five
// only repeat.
var stressMix = attack.Mix{Silent: 15, Slow: 15, Idle: 10, EnvFlood: 2, HugePty: 1}

// sshFuzzTime is how long TestSSHKeyFuzz types: a core for as long under
// -race. It is a smoke test of the SSH path (no panic, the session still
// answers, goroutines and heap come back), not the finder of key bugs:
// with the old ": space tab" panic put back it found it in 2 of 14 runs
// at 1.5 s and 0 of 4 at 10 s; ui's TestKeyFuzz drives the model's keys
// in process. The long run types for 10 s.
const sshFuzzTime = 1500 * time.Millisecond

// quitMidInputSessions is how many sessions TestQuitMidInputLeavesNothing
// quits with keys in flight. Each one left its input reader blocked
// before the fix (8 of 8 in each of 3 runs), so 3 show a leak as surely
// as 8 at less than half the CPU; the long run quits 8.
const quitMidInputSessions = 3

// costSessions is how many sessions TestSessionsCostNoAPICalls opens after
// one: a session's own call would show with one; several open at once
// show none either, and ten (the long run's) only repeat them.
const costSessions = 3

// idleLogins is how many `ssh -N` connections TestIdleLoginsDoNotLockOut
// logs in with one key: four times maxWaitingPerKey.
const idleLogins = 16
