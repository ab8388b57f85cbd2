//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package emulator

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadScenarioNotRegular: `emulator --scenario` given a named pipe
// refuses it at once instead of waiting for a writer that never comes, and
// a device before reading it endlessly.
func TestLoadScenarioNotRegular(t *testing.T) {
	if _, err := LoadScenario("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("LoadScenario(/dev/zero) = %v, want a refusal", err)
	}
	fifo := filepath.Join(t.TempDir(), "scenario.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := LoadScenario(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "is not a regular file (a FIFO)") {
			t.Fatalf("LoadScenario(FIFO) = %v, want a refusal", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("LoadScenario hangs on a FIFO")
	}
}
