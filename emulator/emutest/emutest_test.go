package emutest

import (
	"net/http"
	"testing"

	"github.com/trtcwatch/trtcwatch/emulator"
)

// TestStartServesUntilCleanup: the server answers on loopback while the
// test runs and is closed by the test's cleanup.
func TestStartServesUntilCleanup(t *testing.T) {
	var url string
	t.Run("inner", func(t *testing.T) {
		s := Start(t, emulator.Config{}, `{"tasks": [{"task_id": "emutest-1"}]}`)
		url = s.URL()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatalf("emulator not serving: %v", err)
		}
		resp.Body.Close()
	})
	if resp, err := http.Get(url); err == nil {
		resp.Body.Close()
		t.Errorf("emulator still serving at %s after its test ended", url)
	}
}
