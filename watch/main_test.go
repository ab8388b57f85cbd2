package watch

import (
	"testing"

	"github.com/trtcwatch/trtcwatch/internal/waittest"
)

// TestMain runs four tests at once (two per core): TestPushEndToEnd and
// TestEmulatorLifecycleFaultsAndGone spend seconds waiting on the
// emulator's timeline, which at one per core the second of them did
// after the first, beside nothing.
func TestMain(m *testing.M) { waittest.Main(m) }
