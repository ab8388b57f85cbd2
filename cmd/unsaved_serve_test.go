//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cmd

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
)

// TestServeSIGTERMWithUnsavedEdits: team mode, run as main runs it; after
// start the watch list's directory goes and an engineer adds a task over
// SSH. Their screen says NOT SAVED; on SIGTERM their goodbye says the list
// could not be saved and names the task, the operator's stderr lists it on
// a line of its own, and serve exits 1. Nobody is told "saved".
func TestServeSIGTERMWithUnsavedEdits(t *testing.T) {
	setCanaryEnv(t)
	ep := emutest.Start(t, emulator.Config{SecretID: canaryID, SecretKey: canaryKey}, secretScenario).URL()
	top := t.TempDir()
	dir := filepath.Join(top, "state")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "watchlist.json")
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(top, "authorized_keys")
	if err := os.WriteFile(keys, gossh.MarshalAuthorizedKey(signer.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--endpoint", ep, "--sdk-app-id", "1400000001", "--interval", "200ms",
			"--state", state, "--host-key", filepath.Join(top, "host_key"), "--listen", "127.0.0.1:0",
			"--authorized-keys", keys, "sec-live-1"}, nil, outW, &stderr)
		outW.Close()
	}()
	buf := make([]byte, 4096)
	n, err := outR.Read(buf)
	m := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`).FindSubmatch(buf[:n])
	if err != nil || m == nil {
		t.Fatalf("serve did not start: %q %v %s", buf[:n], err, stderr.String())
	}
	go io.Copy(io.Discard, outR) //nolint:errcheck // the rest of the banner
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(state); strings.Contains(string(b), "sec-live-1") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the command-line task was never saved")
		}
	}
	loseStateDir(t, dir)

	client, err := gossh.Dial("tcp", string(m[1]), &gossh.ClientConfig{User: "oncall", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var screen lockedBuffer
	sess.Stdout = &screen
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 30, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	waitScreen := func(s string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !strings.Contains(ansi.Strip(screen.String()), s); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the session never showed %q:\n%s", s, tail(ansi.Strip(screen.String()), 3000))
			}
		}
	}
	waitScreen("sec-live-1")
	in.Write([]byte("a"))
	waitScreen("TASKID or SDKAPPID:TASKID")
	in.Write([]byte("lost-three\r"))
	waitScreen("WATCH LIST NOT SAVED")

	cancel(signalCause{syscall.SIGTERM})
	select {
	case c := <-code:
		if c != 1 {
			t.Errorf("serve exited %d, want 1; stderr:\n%s", c, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	waitScreen("the watch list could NOT be saved")
	if got := ansi.Strip(screen.String()); !strings.Contains(got, "not saved: added 1400000001:lost-three. Goodbye.") || strings.Contains(got, "is saved") {
		t.Errorf("the goodbye does not name the unsaved task, or claims saved:\n%s", tail(got, 1000))
	}
	out := stderr.String()
	if !strings.Contains(out, "trtcwatch: stopped by SIGTERM\n") || !strings.Contains(out, "could NOT be saved") ||
		!strings.Contains(out, "\n1400000001:lost-three\n") || strings.Contains(out, "is saved") {
		t.Errorf("operator's stderr:\n%s", out)
	}
	noLeak(t, "stderr", out)
}
