package soak

import (
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/watch"
)

// authBanner checks the screen has exactly one banner line about the
// credentials, that it names what to fix, and that no other API banner
// competes with it.
func authBanner(t *testing.T, sv screenView, fix string) {
	t.Helper()
	var banner []string
	for _, l := range sv.lines {
		if strings.Contains(l, "AUTH FAILED:") {
			banner = append(banner, l)
		}
	}
	switch {
	case len(banner) != 1:
		t.Errorf("%d auth banners, want 1:\n%s", len(banner), sv.text())
	case !strings.Contains(banner[0], "AuthFailure.SignatureFailure") || !strings.Contains(banner[0], fix):
		t.Errorf("auth banner does not name the code and %s: %q", fix, banner[0])
	}
	if sv.count("API DOWN") > 0 || sv.count("API errors") > 0 {
		t.Errorf("another API banner beside the auth one:\n%s", sv.text())
	}
}

// authQuiet is how long the wrong key's dashboard is watched after the
// engine settled: at most one probe may come in it.
const authQuiet = 3500 * time.Millisecond

// TestAuthFailureStopsTheStorm: with a wrong SecretKey, 50 watched tasks
// cost a handful of calls, then one probe every ProbeInterval (12s by
// default), not 20 failing calls a second; the screen has one banner that
// says which setting to fix. When the credentials start working again (an
// auth fault window that ends) polling resumes by itself.
func TestAuthFailureStopsTheStorm(t *testing.T) {
	t.Parallel()
	const n = 50
	t.Run("wrong key", func(t *testing.T) {
		t.Parallel()
		sc, refs := steadyScenario("auth", n)
		srv := startEmulator(t, emulator.Config{Scenario: sc}, "127.0.0.1:0")
		defer srv.Close()
		began := time.Now()
		d := startDash(t, newClient(t, srv.URL(), "not-the-demo-secret-key-000000000", 20, 2*time.Second),
			watch.Config{}, refs, 160, 70)
		defer d.stop(t)
		d.waitScreen(t, "the auth banner", 5*time.Second, func(sv screenView) bool { return sv.count("AUTH FAILED:") > 0 })
		// Settled: the gate is closed and every call the engine had out
		// has come back (was answered or called back). Watched from then
		// on for as long as the fixed 2 s to 5.5 s window this replaces.
		waitTasks(t, d.eng, "the calls out when the gate closed to come back", func(ts []watch.Task) bool {
			for _, tk := range ts {
				if tk.InFlight {
					return false
				}
			}
			return d.eng.Stats().Health == watch.HealthAuth
		})
		settledAfter := time.Since(began)
		settled := srv.Stats().Requests()
		time.Sleep(authQuiet)
		total := srv.Stats().Requests()
		// A storm would be 20 calls a second. The engine closes the gate at
		// the first answer and calls back what its 16 workers had already
		// taken (they wait in the client's pacer), so only the calls already
		// on the wire reach the server; then nothing but the probe, 12s
		// after the first failure. Without the call-back this is 16 or more.
		if total > 4 || total-settled > 1 {
			t.Errorf("%d requests in %v (%d in the %v after the engine settled), want at most 4, then at most one probe",
				total, time.Since(began).Round(time.Millisecond), total-settled, authQuiet)
		}
		if h := d.eng.Stats().Health; h != watch.HealthAuth {
			t.Errorf("health %q, want %q", h, watch.HealthAuth)
		}
		sv := parseScreen(d.screen(t))
		authBanner(t, sv, "TENCENTCLOUD_SECRET_KEY")
		if len(sv.rows) != n {
			t.Errorf("%d rows, want %d", len(sv.rows), n)
		}
		for id, r := range sv.rows {
			if r.label != "auth error" && r.label != "pending" {
				t.Errorf("%s shows %s %q with bad credentials", id, r.label, r.code)
			}
		}
		t.Logf("wrong key: %d requests in %v (settled after %v, %d in the %v after)", total, time.Since(began).Round(time.Millisecond),
			settledAfter.Round(time.Millisecond), total-settled, authQuiet)
	})
	t.Run("auth fault window ends", func(t *testing.T) {
		t.Parallel()
		const window = 3 * time.Second
		sc, refs := steadyScenario("authwin", n)
		for _, r := range refs {
			sc.Faults = append(sc.Faults, emulator.FaultWindow{TaskID: r.TaskID, At: 0, For: window, Code: "AuthFailure.SignatureFailure"})
		}
		// A quota of 50 calls a second (the real one is 20: the emulator's,
		// the client's and the engine's) polls the 50 tasks again in a
		// second once the window ends, not in 2.5 s, and makes a storm
		// during it (150 calls) that much plainer.
		srv := startEmulator(t, emulator.Config{Scenario: sc, RateLimit: 50}, "127.0.0.1:0")
		defer srv.Close()
		began := time.Now()
		// A short probe interval keeps the test quick; "wrong key" covers
		// the default pace.
		d := startDash(t, newClient(t, srv.URL(), emulator.DemoSecretKey, 50, 2*time.Second),
			watch.Config{Interval: 500 * time.Millisecond, ProbeInterval: 500 * time.Millisecond, Quota: 50}, refs, 160, 70)
		defer d.stop(t)
		sv := d.waitScreen(t, "the auth banner", window, func(sv screenView) bool { return sv.count("AUTH FAILED:") > 0 })
		authBanner(t, sv, "TENCENTCLOUD_SECRET_KEY")
		time.Sleep(time.Until(began.Add(window - 100*time.Millisecond)))
		during := srv.Stats().Requests()
		if max := 16 + int(window/(500*time.Millisecond)) + 1; during > max {
			t.Errorf("%d requests during the %v auth failure, want at most %d (first calls, then one probe per 500ms)", during, window, max)
		}
		d.waitScreen(t, "polling to resume by itself", 12*time.Second, func(sv screenView) bool {
			return sv.count("AUTH FAILED") == 0 && fresh(n)(sv)
		})
		if h := d.eng.Stats().Health; h == watch.HealthAuth {
			t.Errorf("health still %q after the credentials work again", h)
		}
		t.Logf("auth window: %d requests during %v; all %d rows fresh %v after start", during, window, n, time.Since(began).Round(time.Millisecond))
	})
}
