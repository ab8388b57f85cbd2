//go:build unix

package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
)

// The canary credential every path runs with. The SecretId is not a secret;
// the key and the token must never come out anywhere, not even in part.
const (
	canaryID    = "AKIDtrtcwatchCANARY00000000000000000"
	canaryKey   = "CANARYKEY-5f2b9e41c7d04a8e9b31d6f0a2c4e8b7"
	canaryToken = "CANARYTOKEN-0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"
)

// leaks names every canary fragment found in s: the whole values, their
// distinctive prefixes and their last 12 characters (a truncated echo).
func leaks(s string) []string {
	var found []string
	for _, sec := range []string{canaryKey, canaryToken} {
		for _, frag := range []string{sec, sec[:10], sec[len(sec)-12:]} {
			if strings.Contains(s, frag) {
				found = append(found, frag)
			}
		}
	}
	return found
}

func noLeak(t *testing.T, where, s string) {
	t.Helper()
	if l := leaks(s); len(l) > 0 {
		t.Errorf("%s leaks %q:\n%s", where, l, s)
	}
}

const secretScenario = `{"tasks": [
  {"task_id": "sec-live-1", "timeline": [{"at": "0s", "status": "InProgress"}]},
  {"task_id": "sec-idle-2"}
]}`

// secretEndpoints starts three emulators: the `trtcwatch emulator` command
// itself, given the canary pair and token (its request log is checked too),
// one that knows another key, and one that wants another token.
func secretEndpoints(t *testing.T) (ok, badKey, badToken string) {
	t.Helper()
	scen := filepath.Join(t.TempDir(), "scenario.json")
	if err := os.WriteFile(scen, []byte(secretScenario), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"emulator", "--secret-id", canaryID, "--secret-key", canaryKey, "--token", canaryToken,
			"--scenario", scen}, nil, pw, &stderr)
		pw.Close()
	}()
	url, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("emulator command: %v; stderr %s", err, stderr.String())
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("emulator command exit %d: %s", code, stderr.String())
		}
		noLeak(t, "emulator command log", stderr.String())
		if !strings.Contains(stderr.String(), "AKIDtrtcwatchCANARY") {
			t.Errorf("emulator command log shows no request: %s", stderr.String())
		}
	})
	start := func(cfg emulator.Config) string {
		cfg.SecretID = canaryID
		return emutest.Start(t, cfg, secretScenario).URL()
	}
	return strings.TrimSpace(url), start(emulator.Config{SecretKey: "another-secret-key-0000000000"}),
		start(emulator.Config{SecretKey: canaryKey, Token: "another-session-token-000000"})
}

func setCanaryEnv(t *testing.T) {
	t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", "")
	os.Unsetenv("TENCENTCLOUD_CREDENTIALS_FILE")
	for _, kv := range canaryEnviron(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// canaryEnviron is the canary credential and a home of the test's own as
// a child's environment (startPTY's env): a test whose program runs as a
// child passes it there rather than calling setCanaryEnv, and so may run
// in parallel. The environment's credential comes first in the chain, so
// a credentials file the test's own environment names is never read.
func canaryEnviron(t *testing.T) []string {
	return []string{"HOME=" + t.TempDir(), "TENCENTCLOUD_SECRET_ID=" + canaryID, "TENCENTCLOUD_SECRET_KEY=" + canaryKey,
		"TENCENTCLOUD_SESSION_TOKEN=" + canaryToken}
}

// secretCase is one API the canary credential meets, and what proves a
// run against it went through: the answer or the auth error.
type secretCase struct {
	name, url string
	wantCode  int    // snapshot's exit
	want      string // what snapshot prints
	dashWant  string // what the dashboard draws
}

// secretCases starts the APIs (secretEndpoints): one that accepts the
// canary key, one that rejects it and one that rejects its token.
func secretCases(t *testing.T) []secretCase {
	ok, badKey, badToken := secretEndpoints(t)
	return []secretCase{
		{"accepted", ok, 0, "InProgress", "● InProgress"}, // gone is an answer too: exit 0
		{"wrong key", badKey, 1, "AuthFailure.SignatureFailure", "AUTH FAILED: AuthFailure.SignatureFailure"},
		{"wrong token", badToken, 1, "AuthFailure.TokenFailure", "AUTH FAILED: AuthFailure.TokenFailure"},
	}
}

// TestSecretsNeverShown runs snapshot (table and JSON) with the canary
// credential against every secretCases API and greps everything it wrote;
// TestSecretsNeverShownOnTheDashboard does the same for the dashboard and
// TestCredentialErrorsNeverEchoSecrets for broken credential setups.
func TestSecretsNeverShown(t *testing.T) {
	setCanaryEnv(t)
	for _, ep := range secretCases(t) {
		for _, format := range [][]string{nil, {"--json"}} {
			t.Run("snapshot "+ep.name+" "+strings.Join(format, ""), func(t *testing.T) {
				t.Parallel()
				args := append([]string{"snapshot", "--endpoint", ep.url, "--sdk-app-id", "1400000001"}, format...)
				args = append(args, "sec-live-1", "sec-idle-2", "sec-missing-3")
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
				if code != ep.wantCode || !strings.Contains(stdout.String()+stderr.String(), ep.want) {
					t.Errorf("exit %d (want %d), output lacks %q:\n%s%s", code, ep.wantCode, ep.want, stdout.String(), stderr.String())
				}
				noLeak(t, "stdout", stdout.String())
				noLeak(t, "stderr", stderr.String())
			})
		}
	}
}

// TestSecretsNeverShownOnTheDashboard: the dashboard with the canary
// credential (in its own environment, so the test runs in parallel)
// against every secretCases API: screen, watch list file, event log and
// --log-file (dashboardNoLeak).
func TestSecretsNeverShownOnTheDashboard(t *testing.T) {
	t.Parallel()
	for _, ep := range secretCases(t) {
		t.Run(ep.name, func(t *testing.T) { t.Parallel(); dashboardNoLeak(t, ep.url, ep.dashWant) })
	}
}

// dashboardNoLeak runs the real program (in a pseudo-terminal) with
// --log-file and --state, waits for want, and presses the keys that show
// the most: details, copy details (OSC 52, decoded before the grep, since
// it is base64), help. Then it greps every byte drawn, the watch list and
// the log.
func dashboardNoLeak(t *testing.T, endpoint, want string) {
	dir := t.TempDir()
	logPath, statePath := filepath.Join(dir, "debug.log"), filepath.Join(dir, "watchlist.json")
	// No display: copy must take the OSC 52 path that lands in the output,
	// not a developer's real clipboard.
	c := startPTY(t, []string{"--endpoint", endpoint, "--sdk-app-id", "1400000001", "--interval", "200ms",
		"--log-file", logPath, "--state", statePath, "sec-live-1", "sec-idle-2"},
		append(canaryEnviron(t), "DISPLAY=", "WAYLAND_DISPLAY="), 160, 40)
	c.waitText(t, want, 15*time.Second)
	for _, k := range []string{"\r", "Y", "\x1b", "?"} {
		mark := len(c.out.String())
		c.tty.Write([]byte(k))
		for deadline := time.Now().Add(5 * time.Second); len(c.out.String()) == mark; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("nothing drawn after key %q", k)
			}
		}
	}
	c.waitText(t, "sent task details to the terminal (OSC 52)", 5*time.Second) // no system clipboard in the pty
	c.tty.Write([]byte("q"))
	if code := c.wait(t, 15*time.Second); code != 0 {
		t.Errorf("dashboard exit %d:\n%s", code, tail(c.text(), 2000))
	}

	out := c.out.String()
	noLeak(t, "drawn output", out)
	copied := osc52(out)
	if !strings.Contains(copied, "TaskId: sec-live-1") {
		t.Errorf("no task details copied through OSC 52, so the grep proves nothing: %q", copied)
	}
	noLeak(t, "copied text", copied)
	eventsPath := filepath.Join(dir, "events.jsonl") // the event log, beside --state
	for _, path := range []string{statePath, logPath, eventsPath} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		noLeak(t, filepath.Base(path), string(b))
		for _, sdkDebug := range []string{"Authorization", "TC3-HMAC-SHA256", "X-TC-Token", "Signature="} {
			if strings.Contains(string(b), sdkDebug) {
				t.Errorf("%s shows %q (SDK debug output is on?):\n%s", filepath.Base(path), sdkDebug, b)
			}
		}
	}
	if b, _ := os.ReadFile(statePath); !strings.Contains(string(b), "sec-live-1") {
		t.Errorf("the watch list was not written: %s", b)
	}
	if b, _ := os.ReadFile(eventsPath); !strings.Contains(string(b), `"task_id":"sec-live-1"`) {
		t.Errorf("the event log has no event of the task, so grepping it proves nothing: %s", b)
	}
	if b, _ := os.ReadFile(logPath); !strings.Contains(string(b), "api call") {
		t.Errorf("the log has no call in it, so grepping it proves nothing: %s", b)
	}
}

// osc52 decodes every clipboard write (OSC 52) in out.
func osc52(out string) string {
	var b strings.Builder
	for _, m := range regexp.MustCompile(`\x1b\]52;[a-z]*;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)`).FindAllStringSubmatch(out, -1) {
		dec, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			b.WriteString("undecodable OSC 52: " + m[1])
		}
		b.Write(dec)
	}
	return b.String()
}

// TestCredentialErrorsNeverEchoSecrets: an incomplete or broken credential
// setup is reported naming the variable or file, never its value.
func TestCredentialErrorsNeverEchoSecrets(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string // on top of a clean environment
		files map[string]string // relative to HOME; "$CRED" is TENCENTCLOUD_CREDENTIALS_FILE
		names string            // the error names this variable or file
	}{
		{"key without id", map[string]string{"TENCENTCLOUD_SECRET_KEY": canaryKey, "TENCENTCLOUD_SESSION_TOKEN": canaryToken}, nil, "TENCENTCLOUD_SECRET_ID"},
		{"id and token without key", map[string]string{"TENCENTCLOUD_SECRET_ID": canaryID, "TENCENTCLOUD_SESSION_TOKEN": canaryToken}, nil, "TENCENTCLOUD_SECRET_KEY"},
		{"token alone", map[string]string{"TENCENTCLOUD_SESSION_TOKEN": canaryToken}, nil, "TENCENTCLOUD_SECRET_KEY"},
		{"credentials file not INI", nil, map[string]string{"$CRED": "{\"secret_key\": \"" + canaryKey + "\"\n[default"}, "credentials.ini"},
		{"credentials file without id", nil, map[string]string{"$CRED": "[default]\nsecret_key = " + canaryKey + "\n"}, "credentials.ini"},
		{"tccli file broken", nil, map[string]string{".tccli/default.credential": "{\"secretKey\": \"" + canaryKey + "\", \"token\": \"" + canaryToken}, "default.credential"},
		{"tccli file without id", nil, map[string]string{".tccli/default.credential": "{\"secretKey\": \"" + canaryKey + "\", \"token\": \"" + canaryToken + "\"}"}, "default.credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			for _, v := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN", "TENCENTCLOUD_CREDENTIALS_FILE", "TCCLI_PROFILE"} {
				t.Setenv(v, "")
				os.Unsetenv(v)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			for name, content := range tt.files {
				path := filepath.Join(home, name)
				if name == "$CRED" {
					path = filepath.Join(home, "credentials.ini")
					t.Setenv("TENCENTCLOUD_CREDENTIALS_FILE", path)
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"snapshot", "--endpoint", "http://127.0.0.1:1", "1400000001:sec-1"},
				strings.NewReader(""), &stdout, &stderr)
			if code == 0 || !strings.Contains(stderr.String(), tt.names) {
				t.Fatalf("exit %d with stderr %q, want a credential error naming %s", code, stderr.String(), tt.names)
			}
			noLeak(t, "stderr", stderr.String())
			noLeak(t, "stdout", stdout.String())
		})
	}
}
