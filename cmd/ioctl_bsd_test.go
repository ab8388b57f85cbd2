//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package cmd

import "golang.org/x/sys/unix"

const ioctlGetTermios = unix.TIOCGETA
