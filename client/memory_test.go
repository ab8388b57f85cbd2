package client

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client/hostiletest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// memoryCases are the answers that grew the dashboard to gigabytes before
// the bounds: each is far larger than maxBodyBytes, and each call against
// one must fail as TestHostileAnswers' cases do, with msgHas in its message.
var memoryCases = []struct {
	name   string
	reply  hostiletest.Reply
	msgHas []string
}{
	{"gzip bomb 1 GiB", hostiletest.Reply{Encoding: "gzip", Body: []byte("0"), Size: 1 << 30}, []string{"decompresses (gzip)", "8 MiB"}},
	{"deflate bomb 1 GiB", hostiletest.Reply{Encoding: "deflate", Body: []byte("0"), Size: 1 << 30}, []string{"decompresses (deflate)", "8 MiB"}},
	{"endless chunked", hostiletest.Reply{Body: []byte(`{"Response":{"x":"`), Size: -1}, []string{"as sent", "8 MiB"}},
	{"256 MiB plain", hostiletest.Reply{Body: []byte("{"), Size: 256 << 20}, []string{"as sent", "8 MiB"}},
}

// TestMemoryBounded: a call against a huge answer allocates a bounded
// amount (readCapped's doublings up to maxBodyBytes, about twice it, and a
// little for the decompressor and the server: at most 2.5×maxBodyBytes,
// whatever the answer's size), and after it the live heap is back where it
// started: within half a maxBodyBytes, so that a body kept by each call, or
// one kept across calls (a pool), fails it by 4 MiB. One call per answer:
// each reads 8 MiB through the race detector. (Two, with one maxBodyBytes
// allowed, caught a body kept by each call by as much, 16 MiB against 8,
// but one body kept across calls by 36 KB.) The call must also fail
// cleanly (checkFailure), and the log hold no secret: these are
// TestHostileAnswers' checks of these answers.
func TestMemoryBounded(t *testing.T) {
	for _, mc := range memoryCases {
		t.Run(mc.name, func(t *testing.T) {
			s := hostiletest.Start(t, mc.reply)
			var logs bytes.Buffer
			c := hostileClient(t, s.URL, 10*time.Second, &logs)
			ref := taskref.Ref{SdkAppID: app, TaskID: taskT}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			resp, err := c.Describe(context.Background(), ref)
			checkFailure(t, resp, err, codeTooLarge, mc.msgHas)
			runtime.GC()
			runtime.ReadMemStats(&after)
			checkNoSecret(t, "logs", logs.String())
			allocated := after.TotalAlloc - before.TotalAlloc
			live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			t.Logf("allocated %.1f MiB, live heap %+.1f MiB after the call", float64(allocated)/(1<<20), float64(live)/(1<<20))
			if allocated > 5*maxBodyBytes/2 {
				t.Fatalf("allocated %d bytes, want at most %d", allocated, 5*maxBodyBytes/2)
			}
			if live > maxBodyBytes/2 {
				t.Fatalf("live heap grew by %d bytes", live)
			}
		})
	}
}

// BenchmarkHostileBomb reports what one call against a 1 GiB gzip bomb
// costs (B/op is the figure that must stay near maxBodyBytes):
//
//	go test -run XXX -bench HostileBomb -benchmem ./client
func BenchmarkHostileBomb(b *testing.B) {
	s := hostiletest.Start(b, memoryCases[0].reply)
	c := hostileClient(b, s.URL, 10*time.Second, nil)
	ref := taskref.Ref{SdkAppID: app, TaskID: taskT}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Describe(context.Background(), ref); KindOf(err) != KindTransient {
			b.Fatal(err)
		}
	}
}
