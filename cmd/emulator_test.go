package cmd

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/emulator"
)

// TestEmulatorRefusals: every way the emulator command refuses to start is
// one line naming the fix, exit 2, and nothing on stdout (no URL: it never
// listened).
func TestEmulatorRefusals(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	good := write("good.keys", "# mine\nSecretId = AKIDownKEY0000000000000000000000000\nSecretKey=own-secret-key-000000000000000\n", 0o600)
	open := write("open.keys", "SecretId=AKIDx\nSecretKey=k\n", 0o644)
	typo := write("typo.keys", "SecretId=AKIDx\nSecretKye=k\n", 0o600)
	half := write("half.keys", "SecretId=AKIDx\n", 0o600)
	big := write("big.keys", strings.Repeat("#", maxKeysFile+1), 0o600)
	// A sparse file one byte over the bound: refused by its size, never
	// read, and 16 MiB of spaces written and copied cost half a second
	// under -race.
	bigScenario := write("big.json", "", 0o600)
	if err := os.Truncate(bigScenario, 16<<20+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"wildcard v4", []string{"--listen", "0.0.0.0:0"}, nil, "--listen 0.0.0.0:0 is not a loopback address; use 127.0.0.1 or ::1, or add --listen-any"},
		{"wildcard v6", []string{"--listen", "[::]:0"}, nil, "not a loopback address"},
		{"no host", []string{"--listen", ":0"}, nil, "not a loopback address"},
		{"listen-any with the demo pair", []string{"--listen-any", "--listen", "0.0.0.0:0"}, nil, "public demo key pair"},
		{"listen-any with the demo key by flag", []string{"--listen-any", "--listen", "0.0.0.0:0", "--secret-id", "AKIDmine"}, nil, "public demo key pair"},
		{"own keys without listen-any", []string{"--keys-file", good, "--listen", "0.0.0.0:0"}, nil, "not a loopback address"},
		{"keys file readable by others", []string{"--keys-file", open}, nil, "readable by others"},
		{"keys file unknown name", []string{"--keys-file", typo}, nil, `unknown name "SecretKye"`},
		{"keys file without a key", []string{"--keys-file", half}, nil, "needs both"},
		{"keys file too big", []string{"--keys-file", big}, nil, "more than the 4096 allowed"},
		{"keys file a device", []string{"--keys-file", "/dev/zero"}, nil, "not a regular file"},
		{"keys file missing", []string{"--keys-file", filepath.Join(dir, "nope")}, nil, "--keys-file"},
		{"env id without key", nil, map[string]string{envEmuSecretID: "AKIDx"}, "both a SecretId and a SecretKey"},
		{"env and flag at once", []string{"--secret-key", "k2"}, map[string]string{envEmuSecretID: "AKIDx", envEmuSecretKey: "k"}, "give them one way"},
		{"env and file at once", []string{"--keys-file", good}, map[string]string{envEmuSecretID: "AKIDx", envEmuSecretKey: "k"}, "give them one way"},
		{"scenario endless device", []string{"--scenario", "/dev/zero"}, nil, "not a regular file"},
		{"scenario directory", []string{"--scenario", dir}, nil, "not a regular file"},
		{"scenario over the bound", []string{"--scenario", bigScenario}, nil, "more than the 16777216 allowed"},
		{"fault rate NaN", []string{"--fault-rate", "NaN"}, nil, "--fault-rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{envEmuSecretID, envEmuSecretKey, envEmuToken} {
				t.Setenv(k, tt.env[k])
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"emulator", "--quiet"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			msg := stderr.String()
			if code != exitUsage || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line with %q", code, msg, tt.want)
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout %q: it listened", stdout.String())
			}
		})
	}
}

// TestEmulatorKeysFromEnvAndFile: keys given by the environment or by a
// keys file are the ones the emulator accepts, and --listen-any with them
// starts (on loopback here: tests reach no other network).
func TestEmulatorKeysFromEnvAndFile(t *testing.T) {
	const id, key = "AKIDownKEY0000000000000000000000000", "own-secret-key-000000000000000"
	file := filepath.Join(t.TempDir(), "k")
	os.WriteFile(file, []byte("SecretId="+id+"\nSecretKey="+key+"\n"), 0o600)
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"env":  {nil, map[string]string{envEmuSecretID: id, envEmuSecretKey: key}},
		"file": {[]string{"--keys-file", file}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			for _, k := range []string{envEmuSecretID, envEmuSecretKey, envEmuToken} {
				t.Setenv(k, tc.env[k])
			}
			var cfg emulator.Config
			cfg.SecretID, cfg.SecretKey = emulator.DemoSecretID, emulator.DemoSecretKey
			fs := emulatorFlagsForTest(&cfg)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if err := emulatorKeys(fs, fs.Lookup("keys-file").Value.String(), &cfg); err != nil {
				t.Fatal(err)
			}
			if cfg.SecretID != id || cfg.SecretKey != key {
				t.Fatalf("keys = %q/%q, want the ones given", cfg.SecretID, cfg.SecretKey)
			}
			cfg.ListenAny = true
			srv, err := emulator.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			if err := srv.Start("127.0.0.1:0"); err != nil {
				t.Fatalf("own keys with listen-any: %v", err)
			}
		})
	}
}

// emulatorFlagsForTest declares the key flags emulatorKeys looks at.
func emulatorFlagsForTest(cfg *emulator.Config) *flag.FlagSet {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.StringVar(&cfg.SecretID, "secret-id", cfg.SecretID, "")
	fs.StringVar(&cfg.SecretKey, "secret-key", cfg.SecretKey, "")
	fs.StringVar(&cfg.Token, "token", "", "")
	fs.String("keys-file", "", "")
	return fs
}

// TestEmulatorCallbackFlags: `emulator --callback-url URL` posts the
// scenario's callbacks to a real receiver over loopback, signed with the
// key given by --callback-key, the TRTCWATCH_CALLBACK_KEY environment or
// --callback-key-file (each accepted by a receiver that checks Sign; one
// keyed otherwise refuses them); a key given two ways, a key the TRTC
// console would not take, a file others can read and a key without a URL
// are refused before anything starts, naming the flag, never the key.
func TestEmulatorCallbackFlags(t *testing.T) {
	const key = "trtcwatchCallbackKey42"
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	keyFile := write("cb.key", key+"\n", 0o600)
	scenario := write("scenario.json", `{"tasks": [{"task_id": "cb-live-1", "timeline": [{"at": "0s", "status": "InProgress"}]}]}`, 0o600)
	for name, tc := range map[string]struct {
		args    []string
		env     string
		rcvKeys []string // the receivers' keys, each run in turn
	}{
		"flag": {args: []string{"--callback-key", key}, rcvKeys: []string{key, "anotherCallbackKey0"}},
		"env":  {env: key, rcvKeys: []string{key}},
		"file": {args: []string{"--callback-key-file", keyFile}, rcvKeys: []string{key}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(envCallbackKey, tc.env)
			for _, rcvKey := range tc.rcvKeys {
				rcv, err := callback.New(callback.Options{Key: rcvKey, Watched: func(app uint64) bool { return app == emulator.DemoSdkAppID }})
				if err != nil {
					t.Fatal(err)
				}
				rs, err := rcv.Bind("127.0.0.1:0", nil)
				if err != nil {
					t.Fatal(err)
				}
				go rs.Serve() //nolint:errcheck // nil once closed
				ctx, cancel := context.WithCancel(context.Background())
				var stderr lockedBuffer
				done := make(chan int, 1)
				go func() {
					done <- run(ctx, append([]string{"emulator", "--quiet", "--scenario", scenario, "--callback-url", rs.URL()}, tc.args...), nil, io.Discard, &stderr)
				}()
				for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
					st := rcv.Stats()
					if st.Accepted > 0 || st.RefusedTotal() > 0 {
						if (st.Accepted > 0) != (rcvKey == key) || (st.RefusedTotal() > 0) == (rcvKey == key) {
							t.Errorf("receiver keyed %s: %d accepted, refused %v", rcvKey, st.Accepted, st.Refused)
						}
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("no callback reached the receiver; stderr:\n%s", stderr.String())
					}
				}
				cancel()
				if code := <-done; code != 0 {
					t.Errorf("exit %d: %s", code, stderr.String())
				}
				rs.Close()
			}
		})
	}

	open := write("open.key", key, 0o644)
	empty := write("empty.key", "\n", 0o600)
	bad := write("bad.key", "\""+key+"\"", 0o600)
	url := "http://127.0.0.1:1/"
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"flag and env", []string{"--callback-url", url, "--callback-key", key}, key, "the callback key comes from --callback-key and the " + envCallbackKey + " environment at once"},
		{"flag and file", []string{"--callback-url", url, "--callback-key", key, "--callback-key-file", keyFile}, "", "give it one way"},
		{"file readable by others", []string{"--callback-url", url, "--callback-key-file", open}, "", "--callback-key-file " + open + " is readable by others"},
		{"empty file", []string{"--callback-url", url, "--callback-key-file", empty}, "", "--callback-key-file: callback key is empty"},
		{"quoted key in the file", []string{"--callback-url", url, "--callback-key-file", bad}, "", "--callback-key-file: callback key: character 1 is not a letter or digit"},
		{"key the console refuses", []string{"--callback-url", url, "--callback-key", "has space"}, "", "--callback-key: callback key: character 4 is not a letter or digit"},
		{"key without a URL", []string{"--callback-key", key}, "", "a callback key without a callback URL"},
		{"not a URL", []string{"--callback-url", "127.0.0.1:9000"}, "", "is not an http:// or https:// URL"},
		{"file a device", []string{"--callback-url", url, "--callback-key-file", "/dev/zero"}, "", "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envCallbackKey, tc.env)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"emulator", "--quiet"}, tc.args...), nil, &stdout, &stderr)
			msg := stderr.String()
			if code != exitUsage || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tc.want) || stdout.Len() != 0 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", code, stdout.String(), msg, tc.want)
			}
			if strings.Contains(msg, key) {
				t.Errorf("the key is quoted: %q", msg)
			}
		})
	}
	// Exported for another trtcwatch, the environment's key does not stop
	// an emulator that posts no callbacks.
	t.Setenv(envCallbackKey, key)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr bytes.Buffer
	if code := run(ctx, []string{"emulator", "--quiet"}, nil, io.Discard, &stderr); code != 0 {
		t.Errorf("plain emulator with %s set: exit %d, %s", envCallbackKey, code, stderr.String())
	}
}
