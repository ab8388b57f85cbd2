package emulator

import (
	"strings"
	"testing"
)

// TestStartListenAddress: loopback only, unless ListenAny is set together
// with keys that are not the public demo pair.
func TestStartListenAddress(t *testing.T) {
	own := Config{SecretID: "AKIDownKEY000000000000000000000000000", SecretKey: "own-secret-key-0000000000000000"}
	withAny := func(c Config) Config { c.ListenAny = true; return c }
	tests := []struct {
		name string
		cfg  Config
		addr string
		want string // error substring; "" = accepted
	}{
		{"loopback v4", Config{}, "127.0.0.1:0", ""},
		{"localhost", Config{}, "localhost:0", ""},
		{"all v4 interfaces", Config{}, "0.0.0.0:0", "not a loopback address"},
		{"all interfaces, no host", Config{}, ":0", "not a loopback address"},
		{"all v6 interfaces", Config{}, "[::]:0", "not a loopback address"},
		{"own keys without listen-any", own, "0.0.0.0:0", "not a loopback address"},
		{"listen-any with the demo pair", withAny(Config{}), "0.0.0.0:0", "public demo key pair"},
		{"listen-any with the demo key", withAny(Config{SecretID: own.SecretID, SecretKey: DemoSecretKey}), "0.0.0.0:0", "public demo key pair"},
		{"listen-any with own keys", withAny(own), "127.0.0.1:0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Start(tt.addr)
			defer s.Close()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Start(%s): %v", tt.addr, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Start(%s) = %v, want an error containing %q", tt.addr, err, tt.want)
			}
			if s.URL() != "" {
				t.Fatalf("refused, yet listening at %s", s.URL())
			}
		})
	}
}
