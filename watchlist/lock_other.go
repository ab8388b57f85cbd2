//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package watchlist

import "time"

// On systems without flock, writes stay atomic but two processes sharing
// the file are not serialised: the last writer wins.
const openFlags = 0

func lockFile(string, time.Duration, func(int)) (func(), error) { return func() {}, nil }

func syncDir(string) error { return nil }
