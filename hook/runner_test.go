package hook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var evTime = time.Date(2026, 11, 28, 22, 43, 1, 0, time.FixedZone("CST", 8*3600))

func event(id string) Event {
	return Event{Time: evTime, SdkAppID: 1400000001, TaskID: id, Region: "ap-singapore", Kind: transitionKind,
		From: "Idle", To: "InProgress", RequestID: "req-1", Note: "n"}
}

// failures collects OnFailure reports.
type failures struct {
	mu   sync.Mutex
	list []Failure
}

func (f *failures) add(x Failure) { f.mu.Lock(); f.list = append(f.list, x); f.mu.Unlock() }
func (f *failures) all() []Failure {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Failure(nil), f.list...)
}

func TestEventJSON(t *testing.T) {
	b, err := json.Marshal(event("t1"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2026-11-28T22:43:01+08:00","sdk_app_id":1400000001,"task_id":"t1","region":"ap-singapore","kind":"transition","from":"Idle","to":"InProgress","request_id":"req-1","error_code":"","rule":"","note":"n","text":""}`
	if string(b) != want {
		t.Errorf("event JSON\n got %s\nwant %s", b, want)
	}
}

// TestStdinAndEnv: the hook gets the event exactly on stdin, the basics
// sanitised in its environment, and no credential of any spelling.
func TestStdinAndEnv(t *testing.T) {
	dir := t.TempDir()
	var fails failures
	r, err := New(Config{Cmd: helper("record", dir), OnFailure: fails.add, environ: helperEnv(
		"TENCENTCLOUD_SECRET_ID=AKIDcanary", "TENCENTCLOUD_SECRET_KEY=canary-key", "TENCENTCLOUD_SESSION_TOKEN=canary-token",
		"tencentcloud_secret_key=canary-lower", "TRTCWATCH_EMULATOR_SECRET_KEY=canary-emu", "TRTCWATCH_TASK_ID=stale", "KEEP_ME=yes")})
	if err != nil {
		t.Fatal(err)
	}
	ev := event("task-\x1b]52;c;aGk=\x07|evil")
	ev.From, ev.Rule = "", "idle>5m"
	r.Fire(ev)
	r.Drain()
	r.Close()
	if f := fails.all(); len(f) != 0 {
		t.Fatalf("failures: %v", f)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("%d hook runs recorded, want 1", len(ents))
	}
	raw, _ := os.ReadFile(filepath.Join(dir, ents[0].Name()))
	stdin, env, _ := strings.Cut(strings.TrimPrefix(string(raw), "STDIN "), "ENV\n")
	var got Event
	if err := json.Unmarshal([]byte(stdin), &got); err != nil || !got.Time.Equal(ev.Time) || got.TaskID != ev.TaskID || got.Rule != "idle>5m" {
		t.Errorf("stdin %q: %+v, %v", stdin, got, err)
	}
	vars := strings.Split(env, "\n")
	for _, want := range []string{`TRTCWATCH_TASK_ID=task-\x1b]52;c;aGk=\x07|evil`, "TRTCWATCH_SDKAPPID=1400000001",
		"TRTCWATCH_REGION=ap-singapore", "TRTCWATCH_EVENT=transition", "TRTCWATCH_FROM=", "TRTCWATCH_TO=InProgress", "KEEP_ME=yes"} {
		found := false
		for _, v := range vars {
			found = found || v == want
		}
		if !found {
			t.Errorf("env lacks %q:\n%s", want, env)
		}
	}
	if strings.Contains(env, "canary") || strings.Contains(env, "stale") || strings.ContainsRune(env, 0x1b) {
		t.Errorf("env leaks a secret, a stale TRTCWATCH_ value or a raw escape:\n%s", env)
	}
}

func TestFailingHook(t *testing.T) {
	var fails failures
	r, err := New(Config{Cmd: helper("fail"), OnFailure: fails.add, environ: helperEnv()})
	if err != nil {
		t.Fatal(err)
	}
	r.Fire(event("t-fail"))
	r.Drain()
	r.Close()
	f := fails.all()
	if len(f) != 1 || f[0].ExitCode != 3 || f[0].TimedOut || f[0].Event.TaskID != "t-fail" {
		t.Fatalf("failures %+v", f)
	}
	if !strings.HasPrefix(f[0].stderr, `boom \x1b[2J`) || len(f[0].stderr) > stderrLimit+16 || strings.ContainsRune(f[0].stderr, 0x1b) {
		t.Errorf("stderr not bounded and sanitised: %d bytes %q", len(f[0].stderr), f[0].stderr[:20])
	}
	if s := f[0].String(); !strings.HasPrefix(s, `hook for task t-fail: exit status 3: boom \x1b[2Jxxx`) {
		t.Errorf("banner line %q", s[:60])
	}
	if st := r.Stats(); st.Started != 1 || st.Failed != 1 || st.Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestCannotStart(t *testing.T) {
	t.Parallel() // bound by real timeouts, not CPU: they overlap
	var fails failures
	dir := t.TempDir()
	r, err := New(Config{Cmd: []string{filepath.Join(dir, "no-such-hook")}, OnFailure: fails.add, environ: []string{noRaceExitSleep}})
	if err != nil {
		t.Fatal(err)
	}
	r.Fire(event("t1"))
	r.Drain()
	r.Close()
	if f := fails.all(); len(f) != 1 || !strings.Contains(f[0].Err.Error(), "could not start "+filepath.Join(dir, "no-such-hook")+": no such file or directory") || f[0].ExitCode != -1 {
		t.Fatalf("failures %+v", f)
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New accepted no command")
	}
}

// TestHangingHookKilled: a hook that never exits is killed at the timeout,
// with the grandchild it started (the whole process group), and reported.
// The timeout is real time: a process cannot run inside a synctest bubble.
func TestHangingHookKilled(t *testing.T) {
	t.Parallel() // bound by real timeouts, not CPU: they overlap
	dir := t.TempDir()
	var fails failures
	r, err := New(Config{Cmd: Shell(hangHook), Timeout: time.Second, OnFailure: fails.add, environ: shellEnv("OUT=" + dir)})
	if err != nil {
		t.Fatal(err)
	}
	r.Fire(event("t-hang"))
	r.Drain() // returns only once the hook is killed
	r.Close()
	f := fails.all()
	if len(f) != 1 || !f[0].TimedOut || f[0].Err.Error() != "timed out after 1s; killed it and 1 process it started" {
		t.Fatalf("failures %+v", f)
	}
	pidText, err := os.ReadFile(filepath.Join(dir, "grandchild"))
	if err != nil {
		t.Fatalf("the hook never started its grandchild: %v", err)
	}
	pid, _ := strconv.Atoi(string(pidText))
	if runtime.GOOS == "linux" && !dead(pid) {
		t.Errorf("grandchild %d survived the timeout: the process group was not killed", pid)
	}
}

// dead waits (bounded) for pid to be gone or a zombie awaiting its reaper.
func dead(pid int) bool {
	for range 500 {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return true
		}
		if syscall.Kill(pid, 0) != nil {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
