package ui

import (
	"os"
	"testing"

	"github.com/trtcwatch/trtcwatch/internal/waittest"
)

// TestMain runs four tests at once (two per core): TestEndToEnd spends
// five seconds waiting on the emulator's timeline, which at one per core
// it did after the sweeps, alone, instead of beside them.
func TestMain(m *testing.M) {
	waittest.RaiseParallel()
	os.Exit(m.Run())
}
