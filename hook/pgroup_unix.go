//go:build unix && !linux

package hook

import (
	"os/exec"
	"syscall"
)

// killGroup puts the hook in its own process group and makes the timeout
// kill the whole group, so a shell's children (curl under sh -c) die too.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
