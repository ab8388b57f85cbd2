//go:build unix

package cmd

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/emulator"
)

// TestServeDemoThroughRealSSH: `trtcwatch serve --demo` answers the
// system's own ssh client in a pseudo-terminal with the dashboard, never
// with a secret, and q ends the session while the server keeps serving.
func TestServeDemoThroughRealSSH(t *testing.T) {
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh client on PATH: the real-client test needs OpenSSH's ssh")
	}
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "tester")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, _ := gossh.NewSignerFromKey(priv)
	authFile := filepath.Join(dir, "authorized_keys")
	os.WriteFile(authFile, append(gossh.MarshalAuthorizedKey(signer.PublicKey()), "\n"...), 0o600)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var errBuf lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--demo", "--listen", "127.0.0.1:0", "--authorized-keys", authFile}, nil, outW, &errBuf)
		outW.Close()
	}()
	var banner lockedBuffer
	portCh := make(chan string, 1)
	go func() {
		buf := make([]byte, 4096)
		re := regexp.MustCompile(`listening on 127\.0\.0\.1:(\d+)`)
		sent := false
		for {
			n, err := outR.Read(buf)
			banner.Write(buf[:n])
			if m := re.FindStringSubmatch(banner.String()); m != nil && !sent {
				portCh <- m[1]
				sent = true
			}
			if err != nil {
				return
			}
		}
	}()
	var port string
	select {
	case port = <-portCh:
	case c := <-code:
		t.Fatalf("serve exited %d: %s", c, errBuf.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start: %s", errBuf.String())
	}
	if !strings.Contains(banner.String(), "SHA256:") {
		t.Errorf("no host key fingerprint in %q", banner.String())
	}

	cmd := exec.Command(sshBin, "-F", "/dev/null", "-tt", "-p", port, "-i", keyFile,
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "oncall@127.0.0.1")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 140, Rows: 40})
	if err != nil {
		t.Fatalf("start ssh in a pty: %v", err)
	}
	defer tty.Close()
	var screen lockedBuffer
	go io.Copy(&screen, tty) //nolint:errcheck // ends with EIO when ssh exits
	sshDone := make(chan error, 1)
	go func() { sshDone <- cmd.Wait() }()
	defer cmd.Process.Kill() //nolint:errcheck // gone already when the test passed

	text := func() string { return ansi.Strip(screen.String()) }
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(text(), "DEMO"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("ssh never showed the dashboard; it shows:\n%s", tail(text(), 2000))
		}
	}
	tty.Write([]byte("q"))
	select {
	case err := <-sshDone:
		if err != nil {
			t.Fatalf("ssh ended with %v after q:\n%s", err, tail(text(), 500))
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("q did not end the session:\n%s", tail(text(), 2000))
	}
	if strings.Contains(screen.String(), emulator.DemoSecretKey) {
		t.Fatal("the session was sent the API secret")
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("serve exited %d: %s", c, errBuf.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}
