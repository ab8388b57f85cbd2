package emulator

import (
	"os"
	"path/filepath"
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

// TestReadFileBounded: a device, a directory, a FIFO-like non-regular file
// and a file over the limit are refused; a file at the limit is read whole.
func TestReadFileBounded(t *testing.T) {
	dir := t.TempDir()
	at := filepath.Join(dir, "at")
	over := filepath.Join(dir, "over")
	os.WriteFile(at, []byte("0123456789"), 0o600)
	os.WriteFile(over, []byte("0123456789A"), 0o600)
	tests := []struct {
		name, path, want string
	}{
		{"at the limit", at, ""},
		{"over the limit", over, "11 bytes, more than the 10 allowed"},
		{"endless device", "/dev/zero", "not a regular file"},
		{"directory", dir, "not a regular file"},
		{"missing", filepath.Join(dir, "nope"), "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := ReadFileBounded(tt.path, 10)
			if tt.want == "" {
				if err != nil || string(data) != "0123456789" {
					t.Fatalf("got %q, %v", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := LoadScenario("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("LoadScenario(/dev/zero) = %v, want a refusal", err)
	}
}
