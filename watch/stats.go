package watch

import (
	"fmt"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
)

// meter counts events in one-second buckets over the last minute, enough
// for the header's live rate and the throttles-per-minute figure.
type meter struct {
	sec   [60]int64 // unix second each bucket holds
	count [60]int
}

func (m *meter) add(now time.Time) {
	s := now.Unix()
	i := int(s % 60)
	if i < 0 {
		i += 60
	}
	if m.sec[i] != s {
		m.sec[i], m.count[i] = s, 0
	}
	m.count[i]++
}

// sum counts the events of the last n whole seconds before now's second (the
// current second is still filling, and counting it would make the rate dip
// at every second boundary).
func (m *meter) sum(now time.Time, n int) int {
	total := 0
	cur := now.Unix()
	for s := cur - int64(n); s < cur; s++ {
		i := int(s % 60)
		if i < 0 {
			i += 60
		}
		if m.sec[i] == s {
			total += m.count[i]
		}
	}
	return total
}

const (
	rateSpan    = 5               // seconds the header rate averages over
	downRun     = 10              // consecutive transport failures that mean "down" at once
	downSlowRun = 3               // ... or this many spread over downSpan
	downSpan    = 5 * time.Second //
)

// health follows what recent calls say about the API as a whole, and decides
// the gate: an auth failure or an API that is down is not a per-task problem,
// so the engine stops hammering it and sends one probe at a time instead.
type health struct {
	gate      gate
	authFail  *Failure  // what put us in gateAuth
	run       int       // consecutive transient failures, any task
	runSince  time.Time // first failure of that run
	runLast   *Failure
	lastFail  *Failure // any failure but "gone", for the degraded state
	downSince time.Time
}

// observe records one call outcome (f nil for an answer) and reports whether
// the gate changed.
func (h *health) observe(f *Failure, now time.Time) bool {
	before := h.gate
	switch {
	case f == nil || f.Kind == client.KindGone:
		h.run = 0
		h.gate = gateOpen
	case f.Kind == client.KindAuth:
		h.lastFail, h.authFail = f, f
		h.run = 0
		h.gate = gateAuth
	case f.Kind == client.KindConfig:
		// The endpoint is wrong (its host does not resolve, nothing
		// listens): every call would fail the same way, so the API counts
		// as down at once and only the probe goes out until it answers.
		h.lastFail, h.runLast = f, f
		if h.run == 0 {
			h.runSince = now
		}
		h.run++
		if h.gate == gateOpen {
			h.gate, h.downSince = gateDown, now
		}
	case f.Kind == client.KindTransient:
		h.lastFail, h.runLast = f, f
		if h.run == 0 {
			h.runSince = now
		}
		h.run++
		if h.gate == gateOpen && (h.run >= downRun || h.run >= downSlowRun && now.Sub(h.runSince) >= downSpan) {
			h.gate, h.downSince = gateDown, now
		}
	default: // throttled, bad request: the API is up and read our signature
		if f.Kind == client.KindThrottled {
			h.lastFail = f // a bad request is that task's problem, not the API's
		}
		h.run = 0
		h.gate = gateOpen
	}
	return h.gate != before
}

// state is what the header shows, with what to do about it.
// A failure within degradedFor of now keeps the header "degraded".
func (h *health) state(now time.Time, probeEvery, downEvery, degradedFor time.Duration) (Health, string) {
	switch h.gate {
	case gateAuth:
		return HealthAuth, authHint(h.authFail) + fmt.Sprintf("; polling paused, one probe every %s", probeEvery)
	case gateDown:
		// The time the API went down is Stats.DownSince: the UI writes it
		// in the zone the user chose.
		return HealthDown, fmt.Sprintf("%s; showing last known data, one probe every %s",
			failText(h.runLast), downEvery)
	}
	if h.lastFail != nil && now.Sub(h.lastFail.At) < degradedFor {
		return HealthDegraded, "some calls fail: " + failText(h.lastFail)
	}
	return HealthOK, ""
}

func failText(f *Failure) string {
	if f == nil {
		return ""
	}
	if f.Code == "" {
		return f.Message
	}
	return f.Code
}

// authHint says what to fix for an auth failure. It names where the
// credentials come from, never their values.
func authHint(f *Failure) string {
	if f == nil {
		return "credentials rejected"
	}
	code := f.Code
	var fix string
	switch {
	case code == "AuthFailure.SignatureFailure":
		fix = "the SecretKey does not match the SecretId: check TENCENTCLOUD_SECRET_KEY (or your credentials profile)"
	case code == "AuthFailure.SecretIdNotFound", code == "AuthFailure.InvalidSecretId":
		fix = "the SecretId is unknown or disabled: check TENCENTCLOUD_SECRET_ID (or your credentials profile)"
	case code == "AuthFailure.SignatureExpire":
		fix = "this machine's clock is more than 5 minutes off: sync the clock"
	case code == "AuthFailure.TokenFailure":
		fix = "the session token is invalid or expired: refresh TENCENTCLOUD_SESSION_TOKEN (or TENCENTCLOUD_TOKEN) or re-assume the role"
	case code == "AuthFailure.UnauthorizedOperation", strings.HasPrefix(code, "UnauthorizedOperation"):
		fix = "this (sub)account may not call DescribeCloudRecording: grant it trtc:DescribeCloudRecording in CAM"
	case code == "ClientError.CredentialError":
		fix = "no usable credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"
	default:
		fix = "credentials rejected: check TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"
	}
	if code == "" {
		return fix
	}
	return code + ": " + fix
}
