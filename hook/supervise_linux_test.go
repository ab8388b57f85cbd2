package hook

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLeftoversKilledAtTheTimeout: what a hook puts in the background, in
// its own process group or in a new session (setsid), does not outlive the
// hook's timeout: the hook and all it started are killed and reaped (not
// even a zombie is left), and the failure says so in plain words. What it
// left that ends in time is let be.
func TestLeftoversKilledAtTheTimeout(t *testing.T) {
	t.Parallel() // bound by real timeouts, not CPU: they overlap
	const start = `sleep 1000 & echo $! > "$OUT/bg"; setsid sleep 1000 & echo $! > "$OUT/sid"; `
	for _, tc := range []struct {
		name, cmd, want string
	}{
		{"the hook waits for them", start + "wait", "timed out after 1s; killed it and 2 processes it started"},
		{"the hook exits at once", start + "exit 0", "finished, but left 2 processes running past the 1s timeout; killed them"},
		{"the hook exits 3", start + "exit 3", "exited with status 3, but left 2 processes running past the 1s timeout; killed them"},
		{"what it left ends in time", `(sleep 0.1; echo done > "$OUT/late") & exit 0`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var fails failures
			r, err := New(Config{Cmd: Shell(tc.cmd), Timeout: time.Second, OnFailure: fails.add,
				environ: shellEnv("OUT=" + dir)})
			if err != nil {
				t.Fatal(err)
			}
			r.Fire(event("t-bg"))
			r.Drain()
			r.Close()
			f := fails.all()
			if tc.want == "" {
				if len(f) != 0 {
					t.Fatalf("failures %v", f)
				}
				if b, _ := os.ReadFile(filepath.Join(dir, "late")); string(b) != "done\n" {
					t.Fatal("a background job that ends within the timeout was stopped")
				}
				return
			}
			if len(f) != 1 || !f[0].TimedOut || f[0].Err.Error() != tc.want {
				t.Fatalf("failures %v, want one saying %q", f, tc.want)
			}
			for _, name := range []string{"bg", "sid"} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
				if err != nil || pid <= 0 {
					t.Fatalf("the hook never wrote its %s pid: %v", name, err)
				}
				if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
					stat, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
					t.Errorf("the %s process %d is still there after the timeout: %s", name, pid, stat)
				}
			}
		})
	}
}

// TestHookCannotReadTheSecret: a hook runs as the same user as trtcwatch,
// which holds the API secret in its environment; the hook can read neither
// that environment through /proc/PID/environ nor the supervisor's, which
// never had it. Root can read any process's, so as root the test runs
// itself again as the unprivileged nobody.
func TestHookCannotReadTheSecret(t *testing.T) {
	t.Parallel() // bound by real timeouts, not CPU: they overlap
	const canary = "CANARY-secret-5f2b9e41c7d0"
	if os.Getenv("TENCENTCLOUD_SECRET_KEY") != canary {
		asNobody(t, "TENCENTCLOUD_SECRET_KEY="+canary)
		return
	}
	dir := t.TempDir()
	var fails failures
	r, err := New(Config{Cmd: helper("peek", dir), OnFailure: fails.add, environ: helperEnv("TESTPID=" + strconv.Itoa(os.Getpid()))})
	if err != nil {
		t.Fatal(err)
	}
	r.Fire(event("t-peek"))
	r.Drain()
	r.Close()
	if f := fails.all(); len(f) != 0 {
		t.Fatalf("failures %v", f)
	}
	seen, err := os.ReadFile(filepath.Join(dir, "peek"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("what the hook could read:\n%s", seen)
	if bytes.Contains(seen, []byte(canary)) {
		t.Fatalf("the hook read the secret:\n%s", seen)
	}
	me := strconv.Itoa(os.Getpid())
	if !bytes.Contains(seen, []byte("trtcwatch "+me+": \"\" open /proc/"+me+"/environ: permission denied")) {
		t.Fatalf("the hook's read of this process's environment did not fail as refused:\n%s", seen)
	}
}

// asNobody runs the calling test again in a copy of this test binary as
// the unprivileged user nobody, with env added, and checks it passed.
func asNobody(t *testing.T, env ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("%s must start as root (to become nobody) or with its environment set", t.Name())
	}
	dir, err := os.MkdirTemp("", "hook-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "hook.test")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + os.TempDir(), noRaceExitSleep}, env...)
	const nobody = 65534
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s as uid %d: %v\n%s", t.Name(), nobody, err, out)
	}
	t.Logf("ran as uid %d:\n%s", nobody, out)
}
