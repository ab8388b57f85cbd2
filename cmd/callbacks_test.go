//go:build unix

package cmd

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/hook"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

const cbTestKey = "trtcwatchPushKey2026"

// pushScenario: cb-push-1 streams, fails over at 2 s and exits at 3 s
// (gone at 4 s); cb-push-2 streams and is on no command line. The exit
// comes 3 s in so that the first poll, which may come 2.7 s late on a
// loaded machine, still sees the task recording and the exit is the
// callback's to announce.
const pushScenario = `{"tasks": [
  {"task_id": "cb-push-1", "sdk_app_id": 1400000001, "failovers": ["2s"],
   "timeline": [{"at": "0s", "status": "InProgress"}, {"at": "3s", "status": "Exited"}, {"at": "4s", "status": "gone"}]},
  {"task_id": "cb-push-2", "sdk_app_id": 1400000001, "timeline": [{"at": "0s", "status": "InProgress"}]}
]}`

// writeFile writes a test file of mode 600 in dir.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// freeLoopbackAddr is a loopback address with a port free a moment ago:
// the emulator must be told where callbacks go before the receiver, which
// needs the emulator's URL, binds there.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startEmulatorCmd runs `trtcwatch emulator` (the command, in this
// process) with args and the scenario, and returns its URL.
func startEmulatorCmd(t *testing.T, scenario string, args ...string) string {
	t.Helper()
	sc := writeFile(t, t.TempDir(), "scenario.json", scenario)
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"emulator", "--quiet", "--scenario", sc}, args...), nil, outW, &stderr)
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("emulator exit %d: %s", code, stderr.String())
		}
	})
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("emulator printed no URL (%v): %s", err, stderr.String())
	}
	go io.Copy(io.Discard, outR) //nolint:errcheck // ends when the emulator does
	return strings.TrimSpace(line)
}

// TestCallbackFlagRefusals: the dashboard and serve refuse what the push
// flags cannot mean, as one line naming the flag, exit 2, before anything
// is opened or saved: a receiver without a key (unless insecure), insecure
// with a key or beyond loopback, a callback flag without --callbacks, a
// key flag with --demo (the demo signs its own), a confirm interval out of
// bounds, a key the console would not take (never quoted).
func TestCallbackFlagRefusals(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	keyFile := writeFile(t, dir, "cb.key", cbTestKey+"\n")
	authKeys := writeFile(t, dir, "authorized_keys", "")
	state := filepath.Join(dir, "w.json")
	cb := []string{"--callbacks", "127.0.0.1:0"}
	with := func(a ...string) []string { return append(append([]string{}, cb...), a...) }
	for _, tc := range []struct {
		args          []string
		env           string
		want          string
		dashboardOnly bool
	}{
		{cb, "", "--callbacks needs the callback key set in the TRTC console: --callback-key-file FILE, env TRTCWATCH_CALLBACK_KEY or --callback-key (or --callback-insecure", false},
		{with("--callback-insecure", "--callback-key", cbTestKey), "", "--callback-insecure and a callback key (--callback-key, --callback-key-file or TRTCWATCH_CALLBACK_KEY) exclude each other", false},
		{with("--callback-insecure"), cbTestKey, "--callback-insecure and a callback key", false},
		{with("--callback-insecure", "--callback-key-file", keyFile), "", "--callback-insecure and a callback key", false},
		{with("--callback-insecure", "--listen-any"), "", "--callback-insecure cannot go with --listen-any", false},
		{with("--callback-key", cbTestKey, "--callback-key-file", keyFile), "", "the callback key comes from --callback-key and --callback-key-file at once", false},
		{with("--callback-key", "not a key!"), "", "--callback-key: callback key", false},
		{with("--callback-key", cbTestKey, "--confirm-interval", "0s"), "", "--confirm-interval must be between 1s and 1h0m0s, such as 30s, got 0s", false},
		{with("--callback-key", cbTestKey, "--confirm-interval", "2h"), "", "--confirm-interval must be between 1s and 1h0m0s", false},
		{[]string{"--callback-key", cbTestKey}, "", "--callback-key needs --callbacks ADDR", false},
		{[]string{"--callback-key-file", keyFile}, "", "--callback-key-file needs --callbacks ADDR", false},
		{[]string{"--callback-insecure"}, "", "--callback-insecure needs --callbacks ADDR", false},
		{[]string{"--adopt"}, "", "--adopt needs --callbacks ADDR", false},
		{[]string{"--confirm-interval", "10s"}, "", "--confirm-interval needs --callbacks ADDR", false},
		{[]string{"--demo", "--callback-key", cbTestKey}, "", "--callback-key is not for --demo", false},
		{[]string{"--demo", "--callback-insecure"}, "", "--callback-insecure is not for --demo", false},
		{[]string{"--listen-any"}, "", "--listen-any needs --callbacks ADDR", true},
	} {
		for _, cmd := range []string{"dashboard", "serve"} {
			if cmd == "serve" && tc.dashboardOnly {
				continue
			}
			args := append([]string{"--state", state, "--sdk-app-id", "1400000001"}, tc.args...)
			if cmd == "serve" {
				args = append([]string{"serve", "--authorized-keys", authKeys}, args...)
			}
			t.Setenv(envCallbackKey, tc.env)
			code, _, stderr := runArgs(append(args, "cb-task-1")...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("%s %v (env %q): exit %d, %q; want exit 2 saying %q", cmd, tc.args, tc.env, code, stderr, tc.want)
			}
			if strings.Contains(stderr, "not a key!") {
				t.Errorf("%s %v: the error quotes the key: %q", cmd, tc.args, stderr)
			}
		}
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("a refused command saved the watch list (%v)", err)
	}
}

// TestCallbackBindRefusals: an address beyond loopback without
// --listen-any, and a port already taken, are usage errors naming
// --callbacks, before the TASK is saved (serve here; the dashboard opens
// the same backend, see TestDashboardBackendBindRefusal).
func TestCallbackBindRefusals(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("TENCENTCLOUD_SECRET_ID", emulator.DemoSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", emulator.DemoSecretKey)
	authKeys := writeFile(t, dir, "authorized_keys", "")
	state := filepath.Join(dir, "w.json")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for addr, want := range map[string]string{
		"0.0.0.0:0":           "--callbacks 0.0.0.0:0 is not a loopback address; use 127.0.0.1 or ::1 behind a reverse proxy or a tunnel, or add --listen-any",
		"[::]:0":              "--callbacks [::]:0 is not a loopback address",
		taken.Addr().String(): "--callbacks " + taken.Addr().String() + ": listen tcp " + taken.Addr().String() + ": bind: address already in use",
		"127.0.0.1":           "--callbacks 127.0.0.1: address 127.0.0.1: missing port in address",
	} {
		code, stdout, stderr := runArgs("serve", "--authorized-keys", authKeys, "--state", state, "--endpoint", "http://127.0.0.1:1",
			"--sdk-app-id", "1400000001", "--callbacks", addr, "--callback-key", cbTestKey, "cb-task-1")
		if code != exitUsage || !strings.Contains(stderr, want) || strings.Contains(stdout, "listening") {
			t.Errorf("--callbacks %s: exit %d, %q %q; want exit 2 saying %q", addr, code, stdout, stderr, want)
		}
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("a refused receiver's command saved the watch list (%v)", err)
	}
}

// dashBackend is the dashboard's backend as runDashboard builds it, with
// its hooks, run without a terminal.
type dashBackend struct {
	*backend
	stopHooks, drainHooks func()
}

// openDashBackend parses args as the dashboard does and opens its
// backend (the receiver bound, the client made) and starts it. Without
// --demo the client signs with the emulator's key pair, given in the
// backend's client configuration as the environment would give it, so
// the test needs no t.Setenv and may run in parallel.
func openDashBackend(t *testing.T, args ...string) (*dashBackend, error) {
	t.Helper()
	fs := flag.NewFlagSet("trtcwatch", flag.ContinueOnError)
	var f dashboardFlags
	f.register(fs)
	if err := parseFlags(fs, dashboardUsage, args, io.Discard); err != nil {
		return nil, err
	}
	if err := f.hooks.validate(); err != nil {
		return nil, err
	}
	b, err := newBackend(&f.backend, fs.Args(), ui.DefaultKeyMap(), dashboardRole)
	if err != nil {
		return nil, err
	}
	if !f.backend.demo {
		b.cfg.Credential = common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)
	}
	t.Cleanup(b.close)
	d := &dashBackend{backend: b}
	if err := b.open(); err != nil {
		return d, err
	}
	b.start(context.Background(), io.Discard)
	var o ui.Options
	d.stopHooks, d.drainHooks, err = f.hooks.startHooks(func() hook.Feed { return b.eng.Session("hooks") }, b.guard.spawn, &o, b.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stopHooks)
	return d, nil
}

// TestDashboardBackendBindRefusal: the dashboard's backend refuses a
// taken --callbacks port at open, as a usage error, before start.
func TestDashboardBackendBindRefusal(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, err = openDashBackend(t, "--demo", "--callbacks", taken.Addr().String())
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--callbacks "+taken.Addr().String()+": ") {
		t.Fatalf("a taken port: %v", err)
	}
}

// waitEngine waits until cond holds for the engine's snapshot.
func waitEngine(t *testing.T, e *watch.Engine, what string, cond func([]watch.Task, watch.Stats) bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		st := e.Stats()
		if cond(e.Tasks(), st) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never %s; push stats %+v", what, st.Push)
		}
	}
}

// TestDashboardBackendTakesCallbacks: the dashboard's backend with
// --callbacks and a key takes what `trtcwatch emulator --callback-url`
// posts: the watched task's callbacks are filed (events with their text,
// in the event log too) and confirmed by the API although --interval 60s
// would not poll it again for a minute (its exit shows within seconds);
// --adopt adds the task no command line named; the failover reaches the
// --on-change hook as kind callback; a callback for a task not watched
// while adoption is off never reaches the hooks.
func TestDashboardBackendTakesCallbacks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := writeFile(t, dir, "cb.key", cbTestKey+"\n")
	hooked := filepath.Join(dir, "hooks.jsonl")
	state := filepath.Join(dir, "w.json")
	cbAddr := freeLoopbackAddr(t)
	ep := startEmulatorCmd(t, pushScenario, "--callback-url", "http://"+cbAddr+"/", "--callback-key-file", keyFile)
	d, err := openDashBackend(t, "--endpoint", ep, "--region", "ap-singapore", "--sdk-app-id", "1400000001", "--state", state, "--interval", "60s",
		"--callbacks", cbAddr, "--callback-key-file", keyFile, "--adopt", "--confirm-interval", "45s",
		"--on-change", "cat >> "+hooked+"; echo >> "+hooked, "cb-push-1")
	if err != nil {
		t.Fatal(err)
	}
	waitEngine(t, d.eng, "confirmed cb-push-1's exit and adopted cb-push-2", func(tasks []watch.Task, st watch.Stats) bool {
		var exited, adopted bool
		for _, tk := range tasks {
			switch tk.Ref.TaskID {
			case "cb-push-1":
				exited = (tk.Phase == watch.Exited || tk.Phase == watch.Ended) && tk.Pushed != nil
			case "cb-push-2":
				adopted = tk.Pushed != nil && tk.Pushed.Adopted
			}
		}
		return exited && adopted && st.Push.Receiver != nil && st.Push.Receiver.RefusedTotal() == 0
	})
	if st := d.eng.Stats().Push; st.Confirms == 0 || st.Filed == 0 || st.Adopted != 1 {
		t.Errorf("push stats %+v: want callbacks filed, confirmed and one adoption", st)
	}
	d.drainHooks()
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"events", "--state", state, "--task", "cb-push-1"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("events: exit %d %s", code, errOut.String())
	}
	for _, want := range []string{"301 recorder started", "recorder failover", "306 recorder failed over", "302 recorder stopped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the event log lacks %q:\n%s", want, out.String())
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(hooked)
		if strings.Contains(string(b), `"kind":"callback"`) {
			if !strings.Contains(string(b), `"task_id":"cb-push-1"`) || !strings.Contains(string(b), `"error_code":"recorder failover","rule":"","note":"","text":"306 recorder failed over"`) {
				t.Errorf("the hook heard:\n%s", b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no callback hook; the hooks heard:\n%s", b)
		}
	}
	// Stopping shuts the receiver: its port is free again.
	if err := d.stop(); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cbAddr)
	if err != nil {
		t.Fatalf("the receiver's port is still taken after stop: %v", err)
	}
	ln.Close()
}

// TestServeTakesCallbacks: serve with --callbacks runs one receiver for
// the whole team: it says where, files the emulator's callbacks and has
// the API confirm the exit they announce (with --interval 60s polling
// cannot explain it), all in the shared event log, where a task not
// watched is listed as such (no --adopt).
func TestServeTakesCallbacks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	keyFile := writeFile(t, dir, "cb.key", cbTestKey+"\n")
	state := filepath.Join(dir, "w.json")
	cbAddr := freeLoopbackAddr(t)
	ep := startEmulatorCmd(t, pushScenario, "--callback-url", "http://"+cbAddr+"/", "--callback-key-file", keyFile)
	s := startServeKey(t, common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey), "--endpoint", ep, "--region", "ap-singapore", "--sdk-app-id", "1400000001", "--state", state, "--interval", "60s",
		"--callbacks", cbAddr, "--callback-key-file", keyFile, "cb-push-1")
	waitFor(t, &s.stdout, "receiving TRTC's recording callbacks on http://"+cbAddr+"/\n")
	var out strings.Builder
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		out.Reset()
		run(context.Background(), []string{"events", "--state", state}, nil, &out, io.Discard)
		if strings.Contains(out.String(), "302 recorder stopped") && (strings.Contains(out.String(), "InProgress→Exited") || strings.Contains(out.String(), "InProgress→ended")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no confirmed exit after the 302 callback; the event log:\n%s\nstderr: %s", out.String(), s.stderr.String())
		}
	}
	// Without --adopt the task no one watches is listed as not watched,
	// with what its callback said, and not added.
	if !strings.Contains(out.String(), "1400000001:cb-push-2  not-watched  ") || !strings.Contains(out.String(), "  301 recorder started") ||
		strings.Contains(out.String(), "1400000001:cb-push-2  add") {
		t.Errorf("a task not watched, without --adopt:\n%s", out.String())
	}
	s.cancel(signalCause{syscall.SIGTERM})
	if c := s.wait(t); c != 128+int(syscall.SIGTERM) {
		t.Fatalf("exit %d:\n%s", c, s.stderr.String())
	}
	if ln, err := net.Listen("tcp", cbAddr); err != nil {
		t.Errorf("the receiver's port is still taken after serve ended: %v", err)
	} else {
		ln.Close()
	}
}

// TestDemoTakesCallbacks: --demo runs a receiver of its own, which the
// demo's emulator posts to, signed with the run's key: within seconds the
// engine's receiver counts accepted callbacks (the header's counter) and
// none refused, and the demo's tasks have callback events.
func TestDemoTakesCallbacks(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	d, err := openDashBackend(t, "--demo")
	if err != nil {
		t.Fatal(err)
	}
	if d.push.key == "" || len(d.push.key) > maxCallbackKey {
		t.Fatalf("demo key %d letters", len(d.push.key))
	}
	waitEngine(t, d.eng, "counted the demo's callbacks", func(tasks []watch.Task, st watch.Stats) bool {
		pushed := 0
		for _, tk := range tasks {
			if tk.Pushed != nil {
				pushed++
			}
		}
		r := st.Push.Receiver
		return r != nil && r.Accepted >= 14 && r.RefusedTotal() == 0 && pushed >= 13 && st.Push.NotWatched == 0
	})
	if s := d.eng.Stats().Push.Receiver.String(); !strings.HasPrefix(s, "callbacks ") || strings.Contains(s, "insecure") {
		t.Errorf("header figure %q", s)
	}
}

// TestCallbackKeyRedactedOnPanic: the callback key is one of the secrets
// a crash report redacts, as the API keys are.
func TestCallbackKeyRedactedOnPanic(t *testing.T) {
	const key = "CallbackCanary5f2b9e41c7d04a8e"
	t.Setenv("HOME", t.TempDir())
	testSpawn = func(spawn func(func())) { spawn(func() { panic("goroutine holding " + key) }) }
	t.Cleanup(func() { testSpawn = nil })
	t.Setenv("TENCENTCLOUD_SECRET_ID", emulator.DemoSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", emulator.DemoSecretKey)
	t.Setenv(envCallbackKey, key)
	dir := t.TempDir()
	logFile := filepath.Join(dir, "debug.log")
	s := startServe(t, "--endpoint", "http://127.0.0.1:1", "--sdk-app-id", "1400000001", "--state", filepath.Join(dir, "w.json"),
		"--log-file", logFile, "--callbacks", "127.0.0.1:0", "cb-task-1")
	if c := s.wait(t); c != exitPanic {
		t.Fatalf("exit %d, want %d:\n%s", c, exitPanic, s.stderr.String())
	}
	log, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(log), "panic: goroutine holding [redacted]") || strings.Contains(string(log)+s.stderr.String(), key) {
		t.Errorf("the crash log does not redact the callback key (%v):\n%s", err, log)
	}
}
