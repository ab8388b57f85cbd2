package callback

import (
	"bytes"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestNewOptions(t *testing.T) {
	watch := func(uint64) bool { return true }
	tests := []struct {
		name string
		o    Options
		want string // error substring; "" = accepted
	}{
		{"key", Options{Key: testKey, Watched: watch}, ""},
		{"insecure", Options{Insecure: true, Watched: watch}, ""},
		{"no key", Options{Watched: watch}, "callback key is empty; set the key configured in the TRTC console, or choose insecure mode"},
		{"key with a newline", Options{Key: testKey + "\n", Watched: watch}, "character 18"},
		{"key and insecure", Options{Key: testKey, Insecure: true, Watched: watch}, "exclude each other"},
		{"insecure beyond loopback", Options{Insecure: true, ListenAny: true, Watched: watch}, "only listens on loopback"},
		{"no Watched", Options{Key: testKey}, "no Watched func"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(tt.o)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if r.opts.MaxBody != defaultMaxBody || r.opts.Window != DefaultWindow || r.opts.MaxPending != defaultMaxPending || r.opts.MaxRemembered != defaultMaxRemembered {
					t.Fatalf("defaults not applied: %+v", r.opts)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error with %q", err, tt.want)
			}
			if tt.o.Key != "" && strings.Contains(err.Error(), testKey) {
				t.Fatalf("the error shows the key: %v", err)
			}
		})
	}
}

// TestRefusals: every way a callback is refused, with its status and
// reason; none of them is handed on, each is counted once.
func TestRefusals(t *testing.T) {
	now := time.Now()
	good := cbBody(RecorderStart, task1, now, now, `{"Status": 0}`)
	resign := func(b []byte) func(*http.Request) {
		return func(req *http.Request) {
			req.Body = io.NopCloser(bytes.NewReader(b))
			req.ContentLength = int64(len(b))
			req.Header.Set("Sign", Sign(testKey, b))
		}
	}
	setHeader := func(k, v string) func(*http.Request) {
		return func(req *http.Request) { req.Header.Set(k, v) }
	}
	big := append(bytes.Repeat([]byte(" "), defaultMaxBody), good...)
	tests := []struct {
		name string
		mod  func(*http.Request)
		want Reason
	}{
		{"GET", func(req *http.Request) { req.Method = http.MethodGet }, reasonMethod},
		{"PUT", func(req *http.Request) { req.Method = http.MethodPut }, reasonMethod},
		{"no content type", setHeader("Content-Type", ""), reasonContentType},
		{"form", setHeader("Content-Type", "application/x-www-form-urlencoded"), reasonContentType},
		{"long content type", setHeader("Content-Type", "text/"+strings.Repeat("x", 5000)), reasonContentType},
		{"declared too large", func(req *http.Request) { resign(big)(req) }, reasonTooLarge},
		{"chunked too large", func(req *http.Request) { resign(big)(req); req.ContentLength = -1 }, reasonTooLarge},
		{"no sign", setHeader("Sign", ""), reasonNoSign},
		{"sign of another key", setHeader("Sign", Sign("otherKey1", good)), reasonBadSign},
		{"sign of the compacted body", setHeader("Sign", Sign(testKey, bytes.Join(bytes.Fields(good), nil))), reasonBadSign},
		{"the documented example's sign", setHeader("Sign", docSign), reasonBadSign},
		{"no SdkAppId", setHeader("SdkAppId", ""), reasonNoApp},
		{"SdkAppId not a number", setHeader("SdkAppId", "14000x"), reasonNoApp},
		{"SdkAppId not watched", setHeader("SdkAppId", "1400000002"), reasonNotWatched},
		{"not JSON", resign([]byte("EventGroupId=3")), reasonMalformed},
		{"JSON array", resign([]byte(`[{"EventGroupId": 3}]`)), reasonMalformed},
		{"bad TaskId", resign(cbBody(RecorderStart, "evil\x1b]0;x\x07", now, now, `{}`)), reasonMalformed},
		{"room event group", resign(bytes.Replace(good, []byte("\"EventGroupId\":\t3"), []byte("\"EventGroupId\":\t1"), 1)), reasonNotRecording},
		{"CallbackTs 11 minutes old", resign(cbBody(RecorderStart, task1, now, now.Add(-11*time.Minute), `{}`)), reasonStale},
		{"CallbackTs 11 minutes ahead", resign(cbBody(RecorderStart, task1, now, now.Add(11*time.Minute), `{}`)), reasonStale},
	}
	r := newTestReceiver(t, nil)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(r, request(good, tt.mod))
			if w.Code != tt.want.status() {
				t.Fatalf("status %d (%s), want %d", w.Code, w.Body, tt.want.status())
			}
			if !strings.Contains(w.Body.String(), `"message":"`+tt.want.String()) {
				t.Fatalf("body %s does not name the reason %q", w.Body, tt.want)
			}
			st := r.Stats()
			if len(st.Last.Detail) > maxDetail+len("…") || w.Body.Len() > 400 {
				t.Fatalf("the refusal quotes %d bytes of the sender's data", len(st.Last.Detail))
			}
			if st.Accepted != 0 || st.Pending != 0 || st.RefusedTotal() != int64(i+1) || st.Last.Reason != tt.want {
				t.Fatalf("stats %+v after refusal %d", st, i+1)
			}
		})
	}
	if got := r.Stats().Refused[reasonMethod]; got != 2 {
		t.Fatalf("method refusals %d, want 2", got)
	}
	if w := serve(r, request(good, nil)); w.Code != http.StatusOK || w.Body.String() != `{"code":0}` {
		t.Fatalf("the good body after all that: %d %s", w.Code, w.Body)
	}
	if evs := drainAll(r); len(evs) != 1 {
		t.Fatalf("%d events handed on, want only the good one", len(evs))
	}
	if allow := serve(r, request(good, func(req *http.Request) { req.Method = http.MethodGet })).Header().Get("Allow"); allow != "POST" {
		t.Fatalf("405 without Allow: POST (%q)", allow)
	}
}

// TestDocumentedBodyThroughReceiver: the signature page's example, signed
// with its documented key and Sign, passes the signature check over its
// raw bytes, and is then refused only because it is a media event (group
// 2), not a recording one.
func TestDocumentedBodyThroughReceiver(t *testing.T) {
	r := newTestReceiver(t, func(o *Options) { o.Key = docKey; o.Window = 100 * 365 * 24 * time.Hour })
	w := serve(r, request([]byte(docBody), func(req *http.Request) { req.Header.Set("Sign", docSign) }))
	if w.Code != http.StatusUnprocessableEntity || r.Stats().Refused[reasonNotRecording] != 1 {
		t.Fatalf("documented example: %d %s, want refused as not recording after its Sign passed", w.Code, w.Body)
	}
}

func TestAcceptedEvent(t *testing.T) {
	r := newTestReceiver(t, nil)
	at := time.UnixMilli(time.Now().UnixMilli() - 1500)
	body := cbBody(FileSlice, task1, at, time.Now(), `{"FileName": "a.m3u8", "UserId": "alice", "TrackType": "video", "BeginTimeStamp": 1}`)
	w := serve(r, request(body, func(req *http.Request) { req.Header.Set("Content-Type", "application/json; charset=utf-8") }))
	if w.Code != http.StatusOK || w.Body.String() != `{"code":0}` || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("answer %d %q %q", w.Code, w.Body, w.Header().Get("Content-Type"))
	}
	select {
	case <-r.Ready():
	default:
		t.Fatal("Ready not signalled")
	}
	evs := drainAll(r)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	e := evs[0]
	if e.SdkAppID != testApp || e.TaskID != task1 || e.Type != FileSlice || !e.At.Equal(at) || e.RoomID.String() != "20015" || e.RobotID != "recorder_20015" {
		t.Fatalf("event %+v", e)
	}
	if _, s := e.Read(); s != "file started: alice/video a.m3u8" {
		t.Fatalf("summary %q", s)
	}
	if st := r.Stats(); st.Accepted != 1 || st.String() != "callbacks 1 ok · 0 refused" {
		t.Fatalf("stats %+v %q", st, st)
	}
}

// TestDuplicates: a retry (the same message sent again with a new
// CallbackTs, so another signature) and a replay of the very same request
// are answered 200 and counted once; two different files of one task in
// the same millisecond are two callbacks.
func TestDuplicates(t *testing.T) {
	r := newTestReceiver(t, nil)
	now := time.Now()
	at := now.Add(-time.Second)
	file := func(name string) string {
		return `{"FileName": "` + name + `", "UserId": "alice", "TrackType": "audio", "BeginTimeStamp": 1}`
	}
	first := cbBody(FileSlice, task1, at, now, file("a.m3u8"))
	retry := cbBody(FileSlice, task1, at, now.Add(10*time.Second), file("a.m3u8"))
	compacted := bytes.Join(bytes.Fields(retry), []byte(" ")) // whitespace differs too
	otherFile := cbBody(FileSlice, task1, at, now, file("b.m3u8"))
	otherTask := cbBody(FileSlice, task2, at, now, file("a.m3u8"))
	otherType := cbBody(FileInfo, task1, at, now, `{"FileList": "a.m3u8"}`)
	for _, b := range [][]byte{first, first, retry, compacted, otherFile, otherTask, otherType} {
		if w := serve(r, request(b, nil)); w.Code != http.StatusOK || w.Body.String() != `{"code":0}` {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	if st := r.Stats(); st.Accepted != 4 || st.Duplicates != 3 {
		t.Fatalf("accepted %d, duplicates %d; want 4 and 3", st.Accepted, st.Duplicates)
	}
	if n := len(drainAll(r)); n != 4 {
		t.Fatalf("%d events handed on, want 4", n)
	}
}

// TestOutOfOrder: callbacks are handed on in arrival order with their own
// event times, so the consumer can tell that a 301 arriving after a 302 is
// older and must not roll the task back.
func TestOutOfOrder(t *testing.T) {
	r := newTestReceiver(t, nil)
	now := time.Now()
	start, stop := time.UnixMilli(now.Add(-time.Minute).UnixMilli()), time.UnixMilli(now.Add(-time.Second).UnixMilli())
	serve(r, request(cbBody(RecorderStop, task1, stop, now, `{"LeaveCode": 99}`), nil))
	serve(r, request(cbBody(RecorderStart, task1, start, now, `{"Status": 0}`), nil))
	evs := drainAll(r)
	if len(evs) != 2 || evs[0].Type != RecorderStop || evs[1].Type != RecorderStart || !evs[1].At.Before(evs[0].At) || !evs[1].At.Equal(start) {
		t.Fatalf("events %+v", evs)
	}
}

// TestBusyIsNotRemembered: with the inbox full a callback is refused 503
// before it is accepted, and its retry is taken once there is room.
func TestBusyIsNotRemembered(t *testing.T) {
	r := newTestReceiver(t, func(o *Options) { o.MaxPending = 2 })
	now := time.Now()
	body := func(i int) []byte {
		return cbBody(FileInfo, task1, now.Add(time.Duration(i)*time.Millisecond), now, `{"FileList": "f.m3u8"}`)
	}
	for i := range 2 {
		if w := serve(r, request(body(i), nil)); w.Code != http.StatusOK {
			t.Fatal(w.Code)
		}
	}
	w := serve(r, request(body(2), nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "10" {
		t.Fatalf("full inbox: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	spare := drainAll(r)
	if w := serve(r, request(body(2), nil)); w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	evs := r.Drain(spare)
	if st := r.Stats(); len(evs) != 1 || st.Accepted != 3 || st.Duplicates != 0 || st.Refused[reasonBusy] != 1 {
		t.Fatalf("after the retry: %d events, stats %+v", len(evs), st)
	}
}

// TestInsecure: without a key nothing is checked but the rest, and Stats
// says so for the header.
func TestInsecure(t *testing.T) {
	r := newTestReceiver(t, func(o *Options) { o.Key, o.Insecure = "", true })
	now := time.Now()
	w := serve(r, request(cbBody(RecorderStart, task1, now, now, `{"Status": 0}`), func(req *http.Request) { req.Header.Del("Sign") }))
	if w.Code != http.StatusOK {
		t.Fatal(w.Code)
	}
	if s := r.Stats().String(); s != "callbacks 1 ok · 0 refused · insecure" {
		t.Fatal(s)
	}
	// Everything but the signature is still checked.
	if w := serve(r, request(cbBody(RecorderStart, task1, now, now, `{}`), func(req *http.Request) { req.Header.Set("SdkAppId", "7") })); w.Code != http.StatusForbidden {
		t.Fatal(w.Code)
	}
}

// TestDedupeMemory: remembered callbacks are forgotten once no copy of them
// could pass the CallbackTs check, and never more than MaxRemembered are
// kept.
func TestDedupeMemory(t *testing.T) {
	clock := time.Now()
	r := newTestReceiver(t, func(o *Options) { o.MaxRemembered = 100 })
	r.now = func() time.Time { return clock }
	send := func(i int, sent time.Time) int {
		at := time.UnixMilli(1_700_000_000_000 + int64(i))
		return serve(r, request(cbBody(FileInfo, task1, at, sent, `{"FileList": "f.m3u8"}`), nil)).Code
	}
	for i := range 150 {
		send(i, clock)
	}
	st := r.Stats()
	if len(r.dd.seen) != 100 || st.Forgotten != 50 || st.Accepted != 150 {
		t.Fatalf("remembered %d, forgotten %d, accepted %d; want 100, 50, 150", len(r.dd.seen), st.Forgotten, st.Accepted)
	}
	send(149, clock) // still remembered
	if r.Stats().Duplicates != 1 {
		t.Fatal("a remembered callback was not taken for a duplicate")
	}
	// Just before expiry a replay (same CallbackTs) is stale anyway; the
	// entry goes only when the window and the retry horizon have passed.
	clock = clock.Add(DefaultWindow + retryHorizon - time.Millisecond)
	if send(149, clock.Add(time.Second-DefaultWindow)) != http.StatusOK || r.Stats().Duplicates != 2 {
		t.Fatal("an entry expired early")
	}
	clock = clock.Add(time.Millisecond)
	send(1000, clock)
	if len(r.dd.seen) != 1 || len(r.dd.order)-r.dd.head != 1 {
		t.Fatalf("after expiry %d entries remembered (queue %d), want only the new one", len(r.dd.seen), len(r.dd.order)-r.dd.head)
	}
}

func TestDrainReusesSpare(t *testing.T) {
	r := newTestReceiver(t, nil)
	now := time.Now()
	var batch []Event
	for round := range 3 {
		for i := range 5 {
			serve(r, request(cbBody(FileInfo, task1, now.Add(time.Duration(round*10+i)*time.Millisecond), now, `{"FileList": "f"}`), nil))
		}
		batch = r.Drain(batch)
		if len(batch) != 5 {
			t.Fatalf("round %d: %d events", round, len(batch))
		}
	}
	if n := len(r.Drain(nil)); n != 0 {
		t.Fatalf("%d events left", n)
	}
}

func TestStatsString(t *testing.T) {
	st := Stats{Accepted: 12, Refused: map[Reason]int64{reasonBadSign: 2, reasonStale: 1}}
	if st.String() != "callbacks 12 ok · 3 refused" {
		t.Fatalf("%q", st)
	}
}

// TestDedupeShrinks: after a burst expires, the filter's map and queue give
// their room back (a Go map never shrinks by itself).
func TestDedupeShrinks(t *testing.T) {
	d := newDedupe(1 << 20)
	at := time.Now()
	before := heapNow()
	for i := range 50000 {
		d.add(dedupeKey{uint64(i), 1}, at)
	}
	full := heapNow()
	d.add(dedupeKey{0, 2}, at.Add(time.Hour)) // one that stays
	d.expire(at.Add(time.Second))
	after := heapNow()
	if len(d.seen) != 1 || !d.has(dedupeKey{0, 2}) {
		t.Fatalf("%d entries left", len(d.seen))
	}
	if grew, left := int64(full)-int64(before), int64(after)-int64(before); grew < 1<<20 || left > 64<<10 {
		t.Fatalf("the burst took %d bytes and %d remain", grew, left)
	}
	runtime.KeepAlive(&d)
}
