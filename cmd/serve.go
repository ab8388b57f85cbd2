package cmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/loopback"
	"github.com/trtcwatch/trtcwatch/serve"
	"github.com/trtcwatch/trtcwatch/ui"
)

// serveFlags are team mode's flags: the backend's (API, watch list,
// interval, demo, bell, mouse, log) plus where and to whom the SSH server
// answers.
type serveFlags struct {
	backend     backendFlags
	listen      string
	authKeys    string
	hostKey     string
	maxSessions int
	idle        time.Duration
}

// serveShutdownWait bounds the goodbyes on SIGTERM.
const serveShutdownWait = 10 * time.Second

// runServe runs one engine and serves its dashboard over SSH (team mode).
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, keys ui.KeyMap) int {
	f, b, err := newServe(args, stdout, keys)
	if err != nil {
		return fail(stderr, err)
	}
	return f.serve(ctx, b, stdout, stderr)
}

// newServe parses and checks serve's flags and TASKs and builds its
// backend, opening nothing: every usage error comes from here (a help
// request too, written to stdout).
func newServe(args []string, stdout io.Writer, keys ui.KeyMap) (*serveFlags, *backend, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f serveFlags
	f.backend.register(fs)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:2222", "address to serve SSH on (loopback unless --listen-any)")
	fs.Lookup("listen-any").Usage = "allow a --listen or --callbacks address beyond loopback (0.0.0.0, ::, a LAN address); prefer an SSH jump host, and a reverse proxy or a tunnel for callbacks"
	fs.StringVar(&f.authKeys, "authorized-keys", "", "OpenSSH authorized_keys file of who may connect (required; re-read on change; option "+serve.ReadOnlyOption+" or restrict: look only)")
	fs.StringVar(&f.hostKey, "host-key", "", "the server's SSH host key, created (ed25519, mode 600) if absent (default beside the watch list)")
	fs.IntVar(&f.maxSessions, "max-sessions", serve.DefaultMaxSessions, "most dashboards served at once")
	fs.DurationVar(&f.idle, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long without input")
	if err := refuseDashboardOnly(args); err != nil {
		return nil, nil, err
	}
	if err := parseFlags(fs, serveUsage, args, stdout); err != nil {
		return nil, nil, err
	}
	if err := f.validate(); err != nil {
		return nil, nil, err
	}
	b, err := newBackend(&f.backend, fs.Args(), keys, serveRole)
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(f.authKeys); err != nil {
		return nil, nil, usagef("--authorized-keys: %v", err)
	}
	return &f, b, nil
}

// serve opens the backend newServe built, runs it and serves SSH until
// ctx ends, the server fails or a goroutine panics.
func (f *serveFlags) serve(ctx context.Context, b *backend, stdout, stderr io.Writer) (code int) {
	defer b.close()
	if err := b.open(); err != nil {
		return fail(stderr, err)
	}
	hostKey := f.hostKey
	if hostKey == "" {
		hostKey = filepath.Join(filepath.Dir(b.statePath), "ssh_host_ed25519_key")
		if f.backend.demo {
			hostKey = filepath.Join(filepath.Dir(b.statePath), "demo_host_key")
		}
	}
	hk, err := serve.LoadOrCreateHostKey(hostKey)
	if err != nil {
		return fail(stderr, err)
	}
	ln, err := f.listenLoopback()
	if err != nil {
		return fail(stderr, err)
	}
	defer ln.Close()

	defer b.catchPanic(stderr, &code)
	b.start(ctx, stderr)
	srv, err := serve.New(serve.Config{
		HostKeyPEM: hk.PEM, AuthorizedKeys: f.authKeys, Engine: b.eng, Options: b.uiOptions(),
		MaxSessions: f.maxSessions, IdleTimeout: f.idle, Log: b.log,
	})
	if err != nil {
		return fail(stderr, usagef("%v", err))
	}
	served := make(chan error, 1)
	b.guard.spawn(func() { served <- srv.Serve(ln) })
	made := ""
	if hk.Created {
		made = " (new)"
	}
	for _, w := range append([]string{hk.Warning}, srv.Warnings()...) {
		if w != "" {
			b.log.Warn(w)
			fmt.Fprintln(stderr, "trtcwatch: warning:", w)
		}
	}
	fmt.Fprintf(stdout, "trtcwatch serve: listening on %s\nhost key %s%s: %s\n%s",
		ln.Addr(), hostKey, made, hk.Fingerprint, connectHint(ln.Addr(), os.Hostname))
	if u := b.callbackURL(); u != "" {
		fmt.Fprintf(stdout, "receiving TRTC's recording callbacks on %s\n", u)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case <-b.guard.panicked:
	case serveErr = <-served:
	}
	sctx, scancel := context.WithTimeout(context.Background(), serveShutdownWait)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		b.log.Warn("serve shutdown", "err", err)
	}
	if serveErr == nil && !b.guard.failed() {
		serveErr = <-served // nil once Shutdown closed it
	}
	if serveErr != nil {
		serveErr = fmt.Errorf("serve: %w", serveErr)
	}
	return b.exit(ctx, stderr, serveErr)
}

func (f *serveFlags) validate() error {
	if f.authKeys == "" {
		return usagef("--authorized-keys FILE is required: the OpenSSH public keys of who may connect")
	}
	if f.maxSessions < 1 || f.maxSessions > 1000 {
		return usagef("--max-sessions must be between 1 and 1000, got %d", f.maxSessions)
	}
	if f.idle < time.Second {
		return usagef("--idle-timeout must be at least 1s, such as 30m, got %v", f.idle)
	}
	return nil
}

// listenLoopback binds --listen, refusing an address beyond loopback
// unless --listen-any says so (loopback.Listen, as the emulator and the
// callback receiver do).
func (f *serveFlags) listenLoopback() (net.Listener, error) {
	ln, err := loopback.Listen(f.listen, f.backend.listenAny)
	if errors.Is(err, loopback.ErrNotLoopback) {
		return nil, usagef("--listen %v; use 127.0.0.1 or ::1 (and an SSH jump host), or add --listen-any", err)
	}
	if err != nil {
		return nil, usagef("--listen %s: %v", f.listen, err)
	}
	return ln, nil
}

// connectHint is the ssh command that reaches the server, as true as this
// machine can tell: the listen address when it is one, this machine's name
// for a wildcard listen (0.0.0.0, ::), and for loopback the address on this
// machine plus the jump through this machine from elsewhere. Without a
// name, only what works on this machine.
func connectHint(a net.Addr, hostname func() (string, error)) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return ""
	}
	name, err := hostname()
	known := err == nil && name != ""
	host := tcp.IP.String()
	switch {
	case tcp.IP.IsUnspecified() && known:
		return fmt.Sprintf("connect with: ssh -t -p %d %s\n", tcp.Port, name)
	case tcp.IP.IsUnspecified() || tcp.IP.IsLoopback():
		if tcp.IP.IsUnspecified() {
			host = "127.0.0.1"
		}
		hint := fmt.Sprintf("connect with: ssh -t -p %d %s (on this machine)\n", tcp.Port, host)
		if known {
			hint += fmt.Sprintf("  or from yours: ssh -t -J %s -p %d %s\n", name, tcp.Port, host)
		}
		return hint
	}
	return fmt.Sprintf("connect with: ssh -t -p %d %s\n", tcp.Port, host)
}

// dashboardOnlyFlags are the dashboard's flags team mode does not take.
func dashboardOnlyFlags() *flag.FlagSet {
	skip := flag.NewFlagSet("", flag.ContinueOnError)
	var escalation escalationFlags
	var hooks hookFlags
	escalation.register(skip)
	hooks.register(skip)
	return skip
}

// refuseDashboardOnly names a dashboard-only flag given to serve, rather
// than the flag package's "not defined", which reads like a typo.
func refuseDashboardOnly(args []string) error {
	skip := dashboardOnlyFlags()
	for _, a := range args {
		if a == "--" {
			return nil
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name != "" && skip.Lookup(name) != nil {
			return usagef("--%s is not for serve: team mode has no alert rules, exports or hooks (they would run on the server); run a dashboard of your own for those", name)
		}
	}
	return nil
}

const serveUsage = `Usage: trtcwatch serve --authorized-keys FILE [flags] [TASK...]

Team mode: one engine polls the tasks once for everyone, and every engineer
runs "ssh -t -p 2222 <this machine>" to get a dashboard of their own on the
shared list (serve prints the exact command when it starts). With
--callbacks ADDR --callback-key-file FILE it also takes TRTC's recording
callbacks, one receiver for the whole team (README: Push).

Flags:
`
