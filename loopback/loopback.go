// Package loopback binds the TCP listeners a user names by address (serve's
// SSH server, the emulator, the callback receiver) so that they stay on
// this machine unless the user asked for more: a typo such as ":2222" or
// "0.0.0.0:2222" must not open a port to the network, even for a moment.
package loopback

import (
	"errors"
	"fmt"
	"net"
)

// ErrNotLoopback is wrapped by Listen's refusals, so that a caller can
// name its own flag and say how to allow other hosts.
var ErrNotLoopback = errors.New("not a loopback address")

// Listen binds addr (host:port) on TCP. Unless any is true, an address
// beyond loopback is refused: a literal wildcard, empty or remote host
// before it is bound, and a host name ("localhost" among them) once it
// resolved and was bound, when the listener is closed again. The refusals
// wrap ErrNotLoopback.
func Listen(addr string, any bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if !any && host != "localhost" {
		if ip := net.ParseIP(host); host == "" || ip != nil && !ip.IsLoopback() {
			return nil, fmt.Errorf("%s is %w", addr, ErrNotLoopback)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !any && (!ok || !tcp.IP.IsLoopback()) {
		ln.Close()
		return nil, fmt.Errorf("%s resolved to %v, %w", addr, ln.Addr(), ErrNotLoopback)
	}
	return ln, nil
}
