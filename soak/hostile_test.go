//go:build long

package soak

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trtcwatch/trtcwatch/client/hostiletest"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// hostileRate is the share of calls the proxy answers itself. With the
// emulator's own faults (faultRate 0.2, of which about 0.16 land as
// failures) about 30% of calls fail: 1-0.84×0.82.
const hostileRate = 0.18

// hostileCases are the answers of issue 10 that once crashed the program,
// leaked a secret or grew it without bound. None uses an AuthFailure code:
// those rightly shut the engine's gate and would stall the soak.
var hostileCases = []struct {
	name  string
	reply hostiletest.Reply
}{
	{"null", hostiletest.Reply{Body: []byte(`null`)}},
	{"array", hostiletest.Reply{Body: []byte(`[]`)}},
	{"Response null", hostiletest.Reply{Body: []byte(`{"Response":null}`)}},
	{"truncated", hostiletest.Reply{Body: []byte(`{"Response":{"TaskId":`)}},
	{"gzip bomb", hostiletest.Reply{Encoding: "gzip", Body: []byte("0"), Size: 64 << 20}},
	{"deflate bomb", hostiletest.Reply{Encoding: "deflate", Body: []byte("0"), Size: 64 << 20}},
	{"endless chunked", hostiletest.Reply{Body: []byte(`{"Response":{"x":"`), Size: -1}},
	{"redirect", hostiletest.Reply{Status: 302}}, // Location set in start
	{"secret echoed", hostiletest.Reply{Body: []byte(`{"Response":{"Error":{"Code":"InternalError","Message":"sig {{header:Authorization}}"},"RequestId":"{{header:Authorization}}"}}`)}},
	{"5 MB RequestId", hostiletest.Reply{Body: []byte(`{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"` + strings.Repeat("R", 5<<20) + `"}}`)}},
	{"another task", hostiletest.Reply{Body: []byte(`{"Response":{"TaskId":"someone-else","Status":"InProgress","RequestId":"r"}}`)}},
}

// hostileProxy sits between the client and the emulator and answers a
// share of the calls with a hostile case, the rest from the emulator.
type hostileProxy struct {
	store     *watchlist.File
	elsewhere *hostiletest.Server // where redirects point; must see no request

	closers []func() // the servers and transport start made

	mu     sync.Mutex
	rate   float64
	rng    *rand.Rand
	served map[string]int
	total  int // requests through the proxy
}

func newHostileProxy(t *testing.T) *hostileProxy {
	return &hostileProxy{
		store: watchlist.Open(filepath.Join(t.TempDir(), "watchlist.json"), watchlist.Options{}),
		rate:  hostileRate, rng: rand.New(rand.NewPCG(10, 20260314)), served: map[string]int{},
	}
}

// start serves the proxy in front of target and returns its URL.
func (h *hostileProxy) start(t testing.TB, target string) string {
	h.elsewhere = hostiletest.Start(t, hostiletest.Reply{Body: []byte(`{"Response":{"RequestId":"elsewhere"}}`)})
	hostile := hostiletest.Start(t, hostiletest.Reply{})
	hostile.SetFunc(func(r *http.Request) hostiletest.Reply {
		i, _ := r.Context().Value(caseKey{}).(int)
		rep := hostileCases[i].reply
		if hostileCases[i].name == "redirect" {
			rep.Header = http.Header{"Location": {h.elsewhere.URL + "/steal"}}
		}
		return rep
	})
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	tr := &http.Transport{DisableCompression: true}
	rp.Transport = tr
	rp.ErrorLog = log.New(io.Discard, "", 0) // a client hanging up on a stall is expected
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.total++
		pick := -1
		if h.rng.Float64() < h.rate {
			pick = h.rng.IntN(len(hostileCases))
			h.served[hostileCases[pick].name]++
		}
		h.mu.Unlock()
		if pick < 0 {
			rp.ServeHTTP(w, r)
			return
		}
		hostile.Config.Handler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), caseKey{}, pick)))
	}))
	t.Cleanup(front.Close)
	h.closers = []func(){front.Close, hostile.Close, h.elsewhere.Close, tr.CloseIdleConnections}
	return front.URL
}

// close stops the proxy's servers now, before the goroutine count.
func (h *hostileProxy) close() {
	for _, c := range h.closers {
		c()
	}
}

type caseKey struct{}

// heal stops the hostile answers, as the emulator's faults stop.
func (h *hostileProxy) heal() {
	h.mu.Lock()
	h.rate = 0
	h.mu.Unlock()
}

// check: every case was served; nothing reached the redirect target; no
// task kept a secret or an unbounded string; the watch list on disk holds
// every task.
func (h *hostileProxy) check(t *testing.T, tasks []watch.Task, refs []taskref.Ref) {
	t.Helper()
	h.mu.Lock()
	served, total := h.served, h.total
	h.mu.Unlock()
	for _, c := range hostileCases {
		if served[c.name] == 0 {
			t.Errorf("hostile case %q never served (served %v)", c.name, served)
		}
	}
	if n := len(h.elsewhere.Requests()); n != 0 {
		t.Errorf("the redirect target received %d requests", n)
	}
	for _, tk := range tasks {
		b, _ := json.Marshal(tk)
		if s := string(b); strings.Contains(s, emulator.DemoSecretID) || strings.Contains(s, emulator.DemoSecretKey) {
			t.Fatalf("task %s keeps a secret: %.300s", tk.Ref.TaskID, s)
		}
		// the client bounds a RequestId to 128 bytes and a message to 2 KiB
		// (client/scrub.go), plus the cut marker
		if f := tk.LastErr; f != nil && (len(f.RequestID) > 128+32 || len(f.Message) > 2048+32) {
			t.Fatalf("task %s keeps an unbounded error: RequestId %d, message %d bytes", tk.Ref.TaskID, len(f.RequestID), len(f.Message))
		}
	}
	entries, warns := h.store.Load()
	have := map[taskref.Ref]bool{}
	for _, e := range entries {
		have[e.Ref] = true
	}
	for _, r := range refs {
		if !have[r] {
			t.Fatalf("watch list on disk lost %s (%d entries, warnings %v)", r.TaskID, len(entries), warns)
		}
	}
	n := 0
	for _, k := range served {
		n += k
	}
	t.Logf("hostile answers: %d of %d calls through the proxy, by case %v", n, total, served)
}

// TestHostileSoak is the soak at about 30% faults, a third of them the
// hostile server's cases: no panic, memory flat, goroutines flat, every
// task back to the truth, no secret kept, the watch list whole.
func TestHostileSoak(t *testing.T) {
	runSoak(t, soakSizeFromEnv(), newHostileProxy(t))
}
