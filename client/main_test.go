package client

import (
	"testing"

	"github.com/trtcwatch/trtcwatch/internal/waittest"
)

// TestMain runs the parallel tests four at a time: TestQuota and
// TestRandomFaultsAreTransient mostly wait (on the 20/s quota, on stalls
// that time out), and several of TestHostileAnswers' cases on drips.
func TestMain(m *testing.M) { waittest.Main(m) }
