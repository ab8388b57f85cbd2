package describe

import (
	"testing"

	"github.com/trtcwatch/trtcwatch/ui/uitest"
)

// BenchmarkDescribeView is the describe view's content rebuilt from
// scratch, as on each second or change while it is open.
func BenchmarkDescribeView(b *testing.B) {
	t := uitest.BigRecording()
	m := newView(t, 200, 60)
	for b.Loop() {
		m.doc(t, 200)
	}
}
