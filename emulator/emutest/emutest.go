// Package emutest starts the emulator for the tests of other packages, the
// way net/http/httptest starts a server: on a loopback port, closed when the
// test ends, failing the test when it cannot start. (The emulator's own
// tests, and the ones that restart it on a fixed address, start it by hand.)
package emutest

import (
	"testing"

	"github.com/trtcwatch/trtcwatch/emulator"
)

// Start serves the emulator with cfg on 127.0.0.1 until the test ends. A
// non-empty scenario (the JSON that `trtcwatch emulator --scenario` reads)
// replaces cfg.Scenario.
func Start(t testing.TB, cfg emulator.Config, scenario string) *emulator.Server {
	t.Helper()
	if scenario != "" {
		sc, err := emulator.ParseScenario([]byte(scenario))
		if err != nil {
			t.Fatalf("emulator scenario: %v", err)
		}
		cfg.Scenario = sc
	}
	s, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("emulator: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
