package watch

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
)

// arrivals sits in front of the emulator as the network and the server's
// front end: it holds each request for a jitter drawn per request (the
// server's processing time stretching, a congested path) and records when
// each one reaches the emulator's quota check, split by caller: requests for
// a task id starting with "other-" are the other tool's.
type arrivals struct {
	next    http.Handler
	latency time.Duration        // the server's own processing time, before the quota check
	jitter  func() time.Duration // nil: none

	mu          sync.Mutex
	mine, other []time.Time
	log         []arrival // every request, at the quota check
}

// arrival is one request as the server's quota check saw it.
type arrival struct {
	at     time.Time
	task   string
	remote string // the client's address: a new one is a new connection
	other  bool
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	d := a.latency
	if a.jitter != nil {
		d += a.jitter()
	}
	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	now := time.Now()
	other := bytes.Contains(body, []byte(`"other-`))
	a.mu.Lock()
	if other {
		a.other = append(a.other, now)
	} else {
		a.mine = append(a.mine, now)
	}
	a.log = append(a.log, arrival{at: now, task: bodyTask(body), remote: r.RemoteAddr, other: other})
	a.mu.Unlock()
	a.next.ServeHTTP(w, r)
}

// serveWithArrivals serves s's handler behind an arrivals recorder with the
// given per-request jitter (uniform in [0, jitter)), until the benchmark ends.
func serveWithArrivals(b *testing.B, s *emulator.Server, latency, jitter time.Duration, seed uint64) (*arrivals, string) {
	a := &arrivals{next: s, latency: latency}
	if jitter > 0 {
		var mu sync.Mutex
		rng := rand.New(rand.NewPCG(seed, seed+1))
		a.jitter = func() time.Duration {
			mu.Lock()
			defer mu.Unlock()
			return time.Duration(rng.Int64N(int64(jitter)))
		}
	}
	hs := httptest.NewServer(a)
	b.Cleanup(hs.Close)
	return a, hs.URL
}

// gapStats describes the spacing of one caller's arrivals: the share of
// consecutive gaps under 5 ms and the most arrivals within any 100 ms.
func gapStats(ts []time.Time) (under5ms float64, most100ms int) {
	ts = slices.SortedFunc(slices.Values(ts), time.Time.Compare)
	short, j := 0, 0
	for i := range ts {
		if i > 0 && ts[i].Sub(ts[i-1]) < 5*time.Millisecond {
			short++
		}
		for j < len(ts) && ts[j].Sub(ts[i]) < 100*time.Millisecond {
			j++
		}
		most100ms = max(most100ms, j-i)
	}
	if len(ts) > 1 {
		under5ms = float64(short) / float64(len(ts)-1)
	}
	return under5ms, most100ms
}

// realClientTimeout is realClient with a per-call timeout that outlasts the
// benchmark's latency and jitter.
func realClientTimeout(b *testing.B, url string, rate float64, slowest time.Duration) *client.Client {
	b.Helper()
	c, err := client.New(client.Config{Region: "ap-singapore", Endpoint: url, Rate: rate, Timeout: slowest + 2*time.Second,
		Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// Latency passes the client's estimate through, so the engine sizes its
// concurrency as it does with the bare client.
func (m *meteredAPI) Latency() time.Duration {
	if ls, ok := m.API.(latencySource); ok {
		return ls.Latency()
	}
	return 0
}
