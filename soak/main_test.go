package soak

import (
	"testing"

	"github.com/trtcwatch/trtcwatch/internal/waittest"
)

// TestMain runs the soaks side by side: they wait out real-time windows
// (an auth failure, an outage) far more than they compute.
func TestMain(m *testing.M) { waittest.Main(m) }
