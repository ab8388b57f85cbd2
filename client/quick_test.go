//go:build !long

package client

// The sizes of the normal suite, which must stay quick under -race on two
// cores; long_test.go has the full ones (go test -race -tags long, a step of
// its own in CI).

// hugeField is the length of TestHostileAnswers' huge RequestId (its huge
// code and message are 3/5 and 4/5 of it). 1 MiB is still 8,000 times the
// RequestId's bound and 500 times the message's; each megabyte of a body
// is copied and scanned a few times through the race detector (the SDK
// decodes it, the guard validates it, the SDK formats its error), so the
// 5 MB of the long run were a third of the package's CPU.
const hugeField = 1 << 20
