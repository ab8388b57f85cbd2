package loopback

import (
	"errors"
	"net"
	"strings"
	"testing"
)

func TestListen(t *testing.T) {
	tests := []struct {
		name, addr string
		any        bool
		want       string // error substring; "" = accepted
	}{
		{"loopback v4", "127.0.0.1:0", false, ""},
		{"loopback v6", "[::1]:0", false, ""},
		{"localhost", "localhost:0", false, ""},
		{"all v4 interfaces", "0.0.0.0:0", false, "0.0.0.0:0 is not a loopback address"},
		{"no host", ":0", false, ":0 is not a loopback address"},
		{"all v6 interfaces", "[::]:0", false, "[::]:0 is not a loopback address"},
		{"a remote address", "10.1.2.3:2222", false, "10.1.2.3:2222 is not a loopback address"},
		{"any, on loopback", "127.0.0.1:0", true, ""},
		{"no port", "127.0.0.1", false, "missing port"},
		{"no such port", "127.0.0.1:99999", false, "invalid port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := Listen(tt.addr, tt.any)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
					t.Errorf("listens on %v", ln.Addr())
				}
				ln.Close()
				return
			}
			if err == nil {
				ln.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Listen(%s) = %v, want %q", tt.addr, err, tt.want)
			}
			if refused := strings.Contains(tt.want, "loopback"); errors.Is(err, ErrNotLoopback) != refused {
				t.Errorf("errors.Is(ErrNotLoopback) = %v, want %v", !refused, refused)
			}
		})
	}
}
