package hook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// On Linux each hook runs under a supervisor: this same program, started
// again (/proc/self/exe, argv[0] supervisorName) with the hook's scrubbed
// environment, so it never held the API secret. It makes itself a child subreaper, so whatever the
// hook leaves behind (in the background, in a new session with setsid)
// is reparented to it rather than to init, can be found and is killed at
// the deadline; it waits until the hook and all it left have ended or the
// deadline comes, reaps them all, and reports an outcome on fd 3. And the
// program that starts hooks makes itself non-dumpable (protect), so a hook,
// running as the same user, cannot read its memory or its environment
// (/proc/PID/environ, mem), where the API secret is.

// supervisorName, as argv[0], makes this program a hook's supervisor (see
// init): argv[1] is the hook's timeout, the rest the hook's argv. A name no
// one types, so no user command line can start a supervisor by mistake.
const supervisorName = "trtcwatch-hook-supervisor"

// supervisorGrace is how long past the hook's timeout the runner waits for
// the supervisor before it stops the supervisor itself.
const supervisorGrace = 5 * time.Second

func init() {
	if len(os.Args) > 1 && os.Args[0] == supervisorName {
		os.Exit(supervise(os.Args[1], os.Args[2:]))
	}
}

// protect makes this process non-dumpable: no core file, and processes of
// the same user (a hook) may no longer read /proc/PID/environ or mem, nor
// attach a debugger. Root still may.
func protect() error { return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0) }

// runOnce runs argv under a supervisor with env, stdin and the timeout,
// and returns how it ended. stderr gets the hook's stderr.
func runOnce(argv, env []string, stdin []byte, stderr io.Writer, timeout time.Duration) outcome {
	pr, pw, err := os.Pipe()
	if err != nil {
		return outcome{StartErr: "report pipe: " + err.Error()}
	}
	defer pr.Close()
	// The supervisor keeps the timeout; the context is only a backstop.
	ctx, cancel := context.WithTimeout(context.Background(), timeout+supervisorGrace)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/proc/self/exe", append([]string{timeout.String()}, argv...)...)
	cmd.Args[0] = supervisorName
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stderr = stderr
	cmd.ExtraFiles = []*os.File{pw}
	// Its own process group: a signal to the terminal's group (ctrl+c at
	// `trtcwatch serve`) reaches trtcwatch, which lets hooks finish.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // it then kills all it supervises
	cmd.WaitDelay = time.Second
	err = cmd.Start()
	pw.Close()
	if err != nil {
		return outcome{StartErr: "hook supervisor: " + err.Error()}
	}
	report := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(pr, 4096))
		report <- b
	}()
	werr := cmd.Wait()
	var o outcome
	if err := json.Unmarshal(<-report, &o); err != nil {
		return outcome{StartErr: "the hook supervisor ended without a report (" + errText(werr) + ")"}
	}
	return o
}

func errText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// supervise is the supervisor's whole life: run argv, report on fd 3.
func supervise(spec string, argv []string) int {
	report := os.NewFile(3, "report")
	if fi, err := report.Stat(); err != nil || fi.Mode()&os.ModeNamedPipe == 0 { // not started by runOnce
		os.Stderr.WriteString(supervisorName + ": for trtcwatch's own use\n")
		return 2
	}
	syscall.CloseOnExec(3) // the hook must not hold the report open
	o := superviseRun(spec, argv)
	if err := json.NewEncoder(report).Encode(o); err != nil {
		return 125
	}
	return 0
}

// reaped is one child wait4 collected.
type reaped struct {
	pid int
	ws  syscall.WaitStatus
}

func superviseRun(spec string, argv []string) (o outcome) {
	timeout, err := time.ParseDuration(spec)
	if err != nil || len(argv) == 0 {
		return outcome{StartErr: "bad supervisor call"}
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return outcome{StartErr: "hook supervisor: subreaper: " + err.Error()}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	parent := os.Getppid()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return outcome{StartErr: err.Error()}
	}
	hook := cmd.Process.Pid
	// wait4(-1) collects the hook and every process it left behind, which
	// reparent here; no exec.Cmd.Wait, which would race it. Closed when
	// nothing is left.
	ch := make(chan reaped)
	go func() {
		defer close(ch)
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, 0, nil)
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if err != nil {
				return
			}
			ch <- reaped{pid, ws}
		}
	}()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	killed := map[int]bool{}
	killing := false
	kill := func() {
		killing = true
		alive := descendants(os.Getpid()) // before anything dies, to count them
		unix.Kill(-hook, unix.SIGKILL)    //nolint:errcheck // the group may be gone
		for _, pid := range alive {
			unix.Kill(pid, unix.SIGKILL) //nolint:errcheck // it may be dead already, by the group's kill
			if pid != hook {
				killed[pid] = true
			}
		}
	}
	for {
		select {
		case r, ok := <-ch:
			if !ok {
				o.Left = len(killed)
				return o
			}
			if r.pid == hook {
				if r.ws.Exited() {
					o.Exited, o.Code = true, r.ws.ExitStatus()
				} else {
					o.Signal = r.ws.Signal().String()
				}
			}
		case <-deadline.C:
			o.TimedOut = true
			kill()
		case <-stop:
			kill()
		case <-tick.C:
			// Again while killing: a process forked meanwhile is caught too.
			// And if the program that started us is gone, nobody waits for
			// the hook any more.
			if killing || os.Getppid() != parent {
				kill()
			}
		}
	}
}

// descendants lists the live processes below pid, read from /proc: every
// process whose parent chain leads to pid. Zombies are left out (they are
// only waiting to be reaped).
func descendants(pid int) []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	kids := map[int][]int{}
	for _, name := range names {
		p, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + name + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 || f[0] == "Z" {
			continue
		}
		if pp, err := strconv.Atoi(f[1]); err == nil {
			kids[pp] = append(kids[pp], p)
		}
	}
	var out []int
	for queue := kids[pid]; len(queue) > 0; {
		p := queue[0]
		queue = append(queue[1:], kids[p]...)
		out = append(out, p)
	}
	return out
}
