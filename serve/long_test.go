//go:build long

package serve

import (
	"time"

	"github.com/trtcwatch/trtcwatch/serve/attack"
)

// The full sizes (-tags long); quick_test.go has the normal suite's.

// stressMix is the 50 hostile connections: sockets that never
// speak, stalled handshakes, ssh -N logins, env floods and huge terminals,
// each reopened whenever the server closes it.
var stressMix = attack.Mix{Silent: 15, Slow: 15, Idle: 10, EnvFlood: 5, HugePty: 5}

// sshFuzzTime is how long TestSSHKeyFuzz types in the long run.
const sshFuzzTime = 10 * time.Second

// quitMidInputSessions is how many sessions TestQuitMidInputLeavesNothing
// quits with keys in flight in the long run.
const quitMidInputSessions = 8

// costSessions is how many sessions TestSessionsCostNoAPICalls opens
// after one in the long run.
const costSessions = 10

// idleLogins is how many `ssh -N` connections TestIdleLoginsDoNotLockOut
// logs in with one key in the long run.
const idleLogins = 30
