package ui

import (
	"testing"

	"github.com/trtcwatch/trtcwatch/internal/waittest"
)

// TestMain runs four tests at once (two per core): TestEndToEnd spends
// five seconds waiting on the emulator's timeline, which at one per core
// it did after the sweeps, alone, instead of beside them.
func TestMain(m *testing.M) { waittest.Main(m) }
