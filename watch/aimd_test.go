package watch

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAIMDCut(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	tests := []struct {
		name   string
		sent   time.Time
		at     time.Time
		cut    bool
		rateTo float64
	}{
		{"a throttle at the ceiling cuts a little", ms(-50), ms(0), true, 18},
		{"same burst: no second cut", ms(10), ms(500), false, 18},
		{"queued before the cut: no cut", ms(-10), ms(1500), false, 18},
		{"a new burst within one gentle cut of the ceiling: gentle again", ms(1200), ms(1300), true, 16.2},
		{"a new burst further below cuts deep", ms(2400), ms(2500), true, 11.34},
		{"and again", ms(3600), ms(3700), true, 7.938},
	}
	a := newAIMD(20, t0)
	for _, tt := range tests {
		if got := a.throttled(tt.sent, tt.at); got != tt.cut || !near(a.rate, tt.rateTo) {
			t.Fatalf("%s: cut=%v rate=%v; want %v, %v", tt.name, got, a.rate, tt.cut, tt.rateTo)
		}
	}
	// The floor: however many bursts, never below 1/s.
	for i := range 30 {
		at := ms(4000 + 1100*i)
		a.throttled(at, at)
	}
	if a.rate != aimdFloor {
		t.Errorf("rate after many cuts = %v, want floor %v", a.rate, aimdFloor)
	}
}

func TestAIMDClimb(t *testing.T) {
	t0 := time.Unix(1000, 0)
	sec := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Second))) }
	a := newAIMD(20, t0)
	if a.climb(sec(1)) || a.rate != 20 {
		t.Fatalf("at the ceiling climb must not move: %v", a.rate)
	}
	a.throttled(t0, sec(1)) // at the ceiling: 18, and no wmax to creep up on
	a.climb(sec(2))
	if a.rate != 19 {
		t.Fatalf("after a lone throttle the climb is fast: %v, want 19", a.rate)
	}
	a.rate = 17                 // further below the ceiling than one gentle cut
	a.throttled(sec(2), sec(2)) // so: wmax = 17, rate 11.9
	steps := []struct {
		at   float64
		rate float64
	}{
		{3, 12.9},    // fast: far below wmax, +1/s
		{5, 14.9},    // ≥ 14.45 = 0.85 × 17: now near the last cut
		{6, 14.95},   // slow: +0.05/s
		{11, 15.2},   //
		{100, 15.45}, // a stalled ticker counts at most 5s
	}
	for _, s := range steps {
		a.climb(sec(s.at))
		if math.Abs(a.rate-s.rate) > 1e-6 {
			t.Fatalf("t=%v: rate %v, want %v", s.at, a.rate, s.rate)
		}
	}
	// Far above the old cut point the climb is fast again, and stops at the ceiling.
	b := newAIMD(20, t0)
	b.throttled(t0, t0)         // 18
	b.throttled(sec(2), sec(2)) // 16.2
	b.throttled(sec(4), sec(4)) // 11.34
	b.throttled(sec(6), sec(6)) // wmax 11.34, rate 7.938
	b.climb(sec(8))             // +2 fast → 9.938 (≥ 0.85×11.34=9.639: slow from here)
	b.climb(sec(10))            // +0.1 → 10.038
	if math.Abs(b.rate-10.038) > 1e-6 {
		t.Fatalf("rate %v, want 10.038", b.rate)
	}
	b.rate = 13 // above 1.1 × wmax
	b.climb(sec(11))
	if math.Abs(b.rate-14) > 1e-6 {
		t.Fatalf("above the old cut the climb is fast again: %v", b.rate)
	}
	for i := 12; i < 60; i++ {
		b.climb(sec(float64(i)))
	}
	if b.rate != 20 {
		t.Fatalf("climb must stop at the ceiling: %v", b.rate)
	}
}

func TestMeter(t *testing.T) {
	var m meter
	t0 := time.Unix(5000, 0)
	for i := range 10 {
		for range i + 1 {
			m.add(t0.Add(time.Duration(i) * time.Second))
		}
	}
	now := t0.Add(9*time.Second + 500*time.Millisecond) // 10 events in the current second
	if got := m.sum(now, 5); got != 5+6+7+8+9 {
		t.Errorf("sum last 5 whole seconds = %d", got)
	}
	if got := m.sum(now.Add(time.Second), 60); got != 55 {
		t.Errorf("sum incl. current = %d, want 55", got)
	}
	if got := m.sum(now.Add(2*time.Minute), 60); got != 0 {
		t.Errorf("old buckets must not count: %d", got)
	}
}

func TestHealth(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	f := func(k client.Kind, code string, ms int) *Failure {
		return &Failure{Kind: k, Code: code, At: at(ms)}
	}
	type obs struct {
		f  *Failure
		ms int
	}
	tests := []struct {
		name   string
		seq    []obs
		gate   gate
		health Health
		detail string
	}{
		{"ok", []obs{{nil, 0}}, gateOpen, HealthOK, ""},
		{"gone is fine", []obs{{f(client.KindGone, "ResourceNotFound", 0), 0}}, gateOpen, HealthOK, ""},
		{"one failure: degraded", []obs{{f(client.KindTransient, "InternalError", 0), 0}, {nil, 10}}, gateOpen, HealthDegraded, "InternalError"},
		{"auth stops the storm", []obs{{f(client.KindAuth, "AuthFailure.SignatureFailure", 0), 0}},
			gateAuth, HealthAuth, "TENCENTCLOUD_SECRET_KEY"},
		{"auth survives a network error", []obs{{f(client.KindAuth, "AuthFailure.SecretIdNotFound", 0), 0}, {f(client.KindTransient, "ClientError.NetworkError", 10), 10}},
			gateAuth, HealthAuth, "TENCENTCLOUD_SECRET_ID"},
		{"auth ends on an answer", []obs{{f(client.KindAuth, "AuthFailure.SignatureFailure", 0), 0}, {nil, 10}}, gateOpen, HealthDegraded, "AuthFailure"},
		{"ten quick transport failures: down", repeat(obs{f(client.KindTransient, "ClientError.NetworkError", 0), 0}, 10),
			gateDown, HealthDown, "ClientError.NetworkError"},
		{"a wrong endpoint is down at once, with its cause", []obs{{&Failure{Kind: client.KindConfig, Code: "ClientError.NoSuchHost",
			Message: "endpoint https://x.cm: no such host (the name does not resolve): check --endpoint"}, 0}},
			gateDown, HealthDown, "NoSuchHost"},
		{"nine quick: not down", repeat(obs{f(client.KindTransient, "ClientError.NetworkError", 0), 0}, 9),
			gateOpen, HealthDegraded, "NetworkError"},
		{"three over 5s: down", []obs{{f(client.KindTransient, "E", 0), 0}, {f(client.KindTransient, "E", 2500), 2500}, {f(client.KindTransient, "E", 5000), 5000}},
			gateDown, HealthDown, "showing last known data"},
		{"an answer breaks the run", []obs{{f(client.KindTransient, "E", 0), 0}, {nil, 2500}, {f(client.KindTransient, "E", 5000), 5000}, {f(client.KindTransient, "E", 6000), 6000}},
			gateOpen, HealthDegraded, "E"},
		{"down recovers on an answer", append(repeat(obs{f(client.KindTransient, "E", 0), 0}, 12), obs{nil, 100}), gateOpen, HealthDegraded, "E"},
		{"throttle means the API is up", append(repeat(obs{f(client.KindTransient, "E", 0), 0}, 12), obs{f(client.KindThrottled, "RequestLimitExceeded", 100), 100}),
			gateOpen, HealthDegraded, "RequestLimitExceeded"},
		{"a bad request is the task's problem", []obs{{f(client.KindBadRequest, "UnsupportedRegion", 0), 0}}, gateOpen, HealthOK, ""},
	}
	for _, tt := range tests {
		var h health
		last := 0
		for _, o := range tt.seq {
			h.observe(o.f, at(o.ms))
			last = o.ms
		}
		if h.gate != tt.gate {
			t.Errorf("%s: gate %v, want %v", tt.name, h.gate, tt.gate)
		}
		// Degraded lasts Config.DegradedSpan after the last failure: the
		// default 10 s and a test's short one alike.
		for _, span := range []time.Duration{Config{}.withDefaults().DegradedSpan, 300 * time.Millisecond} {
			got, detail := h.state(at(last+1), 12*time.Second, 2*time.Second, span)
			if got != tt.health || !strings.Contains(detail, tt.detail) {
				t.Errorf("%s (span %v): state %q %q, want %q containing %q", tt.name, span, got, detail, tt.health, tt.detail)
			}
			if later, _ := h.state(at(last+int(span.Milliseconds())), 12*time.Second, 2*time.Second, span); h.gate == gateOpen && later != HealthOK {
				t.Errorf("%s: degraded should fade %v after the last failure, got %q", tt.name, span, later)
			}
		}
	}
}

func repeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}
