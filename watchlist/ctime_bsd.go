//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import "syscall"

func ctimeNs(st *syscall.Stat_t) int64 { return st.Ctimespec.Nano() }
