// Package soak holds trtcwatch's fault tests: the real dashboard model in a
// real Bubble Tea program, over the real watch engine and client, against
// the emulator while it misbehaves. It has no code of its own, only tests,
// because what it checks is how the other packages hold up together:
//
//   - TestSoak: 200 tasks at a 20% fault rate (InternalError, HTTP 502 with
//     HTML, truncated JSON, stalls past the client timeout) plus throttling
//     and error fault windows. No panic, no goroutine growth, no task
//     dropped, every failure shown on its row, every task back to the
//     emulator's truth within one sweep once the faults stop, memory flat.
//   - TestEmulatorRestart: the API killed and restarted on the same port;
//     the dashboard says it is down, keeps the last data dimmed as stale,
//     and recovers by itself.
//   - TestAuthFailureStopsTheStorm: a wrong SecretKey costs a handful of
//     calls and one banner that says what to fix, not 20 failing calls a
//     second; an auth fault window that ends lets polling resume by itself.
//
// TestSoak and TestHostileSoak are built with -tags long only: they poll
// at 200 calls/s for 6 s or more of real time and their goroutine and heap
// checks are process-wide, so they run one after the other, which took a
// minute of the normal suite's wall time on two cores. CI runs them in a
// step of its own (.ci/run):
//
//	go test -race -tags long ./soak/
//
// That is the quick soak (about 1,200 calls at up to 200 calls/s on
// loopback). The full soak (at least 10,000 calls, about 90 s) prints its
// figures (calls, faults by kind, goroutines, heap, RSS):
//
//	TRTCWATCH_SOAK=full go test -race -tags long -run TestSoak -v -timeout 20m ./soak/
//
// TestEmulatorRestart and TestAuthFailureStopsTheStorm are in the normal
// suite.
//
// Run it once more without -race for RSS figures: the race detector's own
// memory dwarfs the program's (peaks above 1 GB against about 70 MB).
package soak
