//go:build !unix

package hook

import "os/exec"

// killGroup: without process groups the timeout kills the hook itself
// (exec's default Cancel).
func killGroup(cmd *exec.Cmd) {}
