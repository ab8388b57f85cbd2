package watch

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// TestPushAsksCoalesced: a callback asks about its task at once, ahead of
// polling (Interval is an hour); a flood of callbacks for one task makes
// at most one call per ConfirmGap, each at least a ConfirmGap after the
// last; a task nobody's callbacks name is not called at all.
func TestPushAsksCoalesced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ct := newCallTimes()
		e := New(newFake(ct.answer("InProgress")), Config{Interval: time.Hour})
		r, quiet := ref(1), ref(2)
		e.Add([]taskref.Ref{r, quiet})
		start(t, e)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if ct.count(r) != 1 || ct.count(quiet) != 1 {
			t.Fatalf("added tasks asked %d, %d times; want once each", ct.count(r), ct.count(quiet))
		}

		e.Push([]callback.Event{cbAt(r, callback.RecorderStop, time.Now(), `{"LeaveCode": 0}`)})
		synctest.Wait()
		if n := ct.count(r); n != 2 {
			t.Fatalf("a callback 5 s after the last call: %d calls, want the confirming one at once", n)
		}
		if ts := ct.of(r); !ts[1].Equal(time.Now()) {
			t.Fatalf("confirmed %v after the callback, want at once", time.Since(ts[1]))
		}

		// 10 s of callbacks, 100 a second, for the same task.
		begin := time.Now()
		for i := range 1000 {
			e.Push([]callback.Event{cbAt(r, callback.FileSlice, time.Now(), fmt.Sprintf(`{"FileName": "%d"}`, i))})
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(2 * time.Second) // the last deferred confirmation
		synctest.Wait()
		ts := ct.of(r)
		flood := 0
		for _, at := range ts {
			if !at.Before(begin) {
				flood++
			}
		}
		if flood > 11 || flood < 10 {
			t.Errorf("%d calls for 1000 callbacks over 10 s; want one per second (10 or 11)", flood)
		}
		if g := minGap(ts); g < time.Second {
			t.Errorf("two calls for one task %v apart; ConfirmGap is 1s", g)
		}
		if ct.count(quiet) != 1 {
			t.Errorf("a task without callbacks was called %d times", ct.count(quiet))
		}
		st := e.Stats().Push
		if st.Filed != 1001 || int(st.Confirms) != len(ts)-1 {
			t.Errorf("stats %+v; want 1001 filed and %d confirms", st, len(ts)-1)
		}
	})
}

// TestPushDuringCallConfirmsAfter: a callback that arrives while a call is
// in flight is confirmed by another call after it (that one may have left
// before the change), ConfirmGap after the first; a callback before a
// queued ask is taken costs nothing more.
func TestPushDuringCallConfirmsAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		ct := newCallTimes()
		answer := ct.answer("Idle")
		f := newFake(func(ctx context.Context, r taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
			if n == 2 {
				<-release
			}
			return answer(ctx, r, n)
		})
		e := New(f, Config{Interval: time.Hour})
		r := ref(1)
		e.Push(nil) // nothing: no panic, no call
		e.Add([]taskref.Ref{r})
		e.Push([]callback.Event{cbAt(r, callback.RecorderStart, time.Now(), `{}`)}) // before the ask is taken
		start(t, e)
		synctest.Wait()
		if ct.count(r) != 1 {
			t.Fatalf("%d calls; the queued ask confirms the callback", ct.count(r))
		}
		time.Sleep(5 * time.Second)
		e.Push([]callback.Event{cbAt(r, callback.UploadStart, time.Now(), `{}`)}) // asks: call 2 hangs
		synctest.Wait()
		if task, _ := taskOf(e, r); !task.InFlight {
			t.Fatal("the confirming call is not in flight")
		}
		e.Push([]callback.Event{cbAt(r, callback.FileSlice, time.Now(), `{"FileName": "a"}`)}) // while it is
		synctest.Wait()
		time.Sleep(300 * time.Millisecond)
		close(release)
		synctest.Wait()
		if ct.count(r) != 2 {
			t.Fatalf("%d calls before the gap passed", ct.count(r))
		}
		time.Sleep(time.Second)
		synctest.Wait()
		ts := ct.of(r)
		if len(ts) != 3 || ts[2].Sub(ts[1]) < 700*time.Millisecond {
			t.Fatalf("calls at %v; want a third one ConfirmGap after the second was sent", ts)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if ct.count(r) != 3 {
			t.Errorf("%d calls: a confirmed callback asked again", ct.count(r))
		}
	})
}

// TestPushPausedAndEnded: while polling is paused a callback is filed but
// its call waits until polling resumes; a task the API no longer knows is
// asked again only when a recorder starts, not by what follows a stop.
func TestPushPausedAndEnded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		live, gone := ref(1), ref(2)
		ct := newCallTimes()
		answer := ct.answer("InProgress")
		e := New(newFake(func(ctx context.Context, r taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
			if r == gone && n < 3 {
				ct.answer("")(ctx, r, n)
				return nil, cerr(client.KindGone, "ResourceNotFound")
			}
			return answer(ctx, r, n)
		}), Config{Interval: time.Hour})
		e.Add([]taskref.Ref{live, gone})
		start(t, e)
		time.Sleep(5 * time.Second)
		synctest.Wait()

		e.SetPaused(true, 0)
		e.Push([]callback.Event{cbAt(live, callback.RecorderStop, time.Now(), `{"LeaveCode": 2}`)})
		time.Sleep(time.Minute)
		synctest.Wait()
		if ct.count(live) != 1 || pushedOf(e, live).Stopped.LeaveCode != 2 {
			t.Fatalf("paused: %d calls, pushed %+v; want the callback filed and no call", ct.count(live), pushedOf(e, live))
		}
		e.SetPaused(false, 0)
		synctest.Wait()
		if ct.count(live) != 2 {
			t.Fatalf("resumed: %d calls, want the waiting confirmation", ct.count(live))
		}

		if task, _ := taskOf(e, gone); task.Phase != NotFound {
			t.Fatalf("gone task %q", task.Phase)
		}
		for _, typ := range []callback.EventType{callback.UploadStop, callback.MP4Stop, callback.VODCommit, callback.VODStop, callback.RecorderStop} {
			e.Push([]callback.Event{cbAt(gone, typ, time.Now(), `{}`)})
			time.Sleep(2 * time.Second)
		}
		synctest.Wait()
		if ct.count(gone) != 1 {
			t.Fatalf("%d calls for a task the API does not know, after stop callbacks", ct.count(gone))
		}
		e.Push([]callback.Event{cbAt(gone, callback.RecorderStart, time.Now(), `{}`)})
		synctest.Wait()
		if ct.count(gone) != 2 {
			t.Fatalf("a recorder start for a task not found: %d calls, want it asked", ct.count(gone))
		}
	})
}

// TestPushStretchesPolling: a task whose callbacks keep arriving is polled
// at most once per ConfirmInterval instead of every Interval, never less
// often; its callbacks still ask at once; once they stop, it goes back to
// Interval after one ConfirmInterval. A ConfirmInterval below Interval
// changes nothing.
func TestPushStretchesPolling(t *testing.T) {
	const iv, ci = 2 * time.Second, 30 * time.Second
	tests := []struct {
		name     string
		confirm  time.Duration
		minCalls int // during the two minutes of callbacks
		maxCalls int
		maxGap   time.Duration
	}{
		{"stretched to the confirm interval", ci, 12, 13, 10 * time.Second},
		{"a confirm interval below the interval", time.Second, 60, 75, iv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ct := newCallTimes()
				e := New(newFake(ct.answer("InProgress")), Config{Interval: iv, Push: PushConfig{ConfirmInterval: tt.confirm}})
				r := ref(1)
				e.Add([]taskref.Ref{r})
				start(t, e)
				time.Sleep(time.Second)
				begin := time.Now()
				for range 12 { // a callback every 10 s for two minutes
					e.Push([]callback.Event{cbAt(r, callback.FileSlice, time.Now(), fmt.Sprintf(`{"FileName": "%d"}`, time.Now().UnixNano()))})
					time.Sleep(10 * time.Second)
				}
				end := time.Now()
				time.Sleep(2 * time.Minute) // quiet again
				synctest.Wait()
				var during, after []time.Time
				for _, at := range ct.of(r) {
					switch {
					case at.Before(begin):
					case at.Before(end):
						during = append(during, at)
					default:
						after = append(after, at)
					}
				}
				if len(during) < tt.minCalls || len(during) > tt.maxCalls {
					t.Errorf("%d calls during the callbacks, want %d to %d", len(during), tt.minCalls, tt.maxCalls)
				}
				all := append(append([]time.Time{begin}, during...), after...)
				gaps := 0
				for i := 1; i < len(all); i++ {
					g := all[i].Sub(all[i-1])
					if g > max(iv, tt.confirm) {
						t.Errorf("a gap of %v between calls: never more than %v", g, max(iv, tt.confirm))
					}
					if i <= len(during) && g > tt.maxGap {
						gaps++
					}
				}
				if gaps > 0 {
					t.Errorf("%d gaps over %v while callbacks came every 10 s: each must ask", gaps, tt.maxGap)
				}
				// Quiet for two minutes: back to Interval after one ConfirmInterval.
				if n, want := len(after), int((2*time.Minute-max(iv, tt.confirm))/iv); n < want {
					t.Errorf("%d calls in the two quiet minutes, want at least %d", n, want)
				}
			})
		})
	}
}

// TestPushDuplicatesCountOnce: TRTC's retries of one callback, through a
// real receiver, are one event and one fact; another file of the same task
// at the same moment is not a duplicate. The receiver's counters are part
// of the engine's stats while it is consumed.
func TestPushDuplicatesCountOnce(t *testing.T) {
	const key = "pushTestKey01"
	e := New(newFake(status("InProgress")), Config{})
	r := ref(1)
	e.Add([]taskref.Ref{r})
	e.Collect()
	rcv, err := callback.New(callback.Options{Key: key, Watched: e.WatchesApp})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.ConsumeCallbacks(ctx, rcv); close(done) }()
	defer cancel()
	eventually(t, "consuming", func() bool { return e.Stats().Push.Receiver != nil })

	at := time.Now().Add(-time.Second)
	post := func(typ callback.EventType, payload string) int {
		body := signedBody(r.TaskID, typ, at, time.Now(), payload)
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("SdkAppId", strconv.FormatUint(r.SdkAppID, 10))
		req.Header.Set("Sign", callback.Sign(key, body))
		w := httptest.NewRecorder()
		rcv.ServeHTTP(w, req)
		return w.Code
	}
	for range 3 {
		if code := post(callback.FileSlice, `{"FileName": "a.m3u8", "UserId": "u", "TrackType": "audio"}`); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	post(callback.FileSlice, `{"FileName": "b.m3u8", "UserId": "u", "TrackType": "video"}`)
	if code := post(callback.FileSlice, `{"FileName": "c"}`); code != http.StatusOK {
		t.Fatal(code)
	}
	eventually(t, "filed", func() bool { return e.Stats().Push.Filed == 3 })
	u := e.Collect()
	if evs := kindEvents(u, EventCallback); len(evs) != 3 {
		t.Fatalf("%d callback events, want 3 (a, b, c): %+v", len(evs), evs)
	}
	if p := pushedOf(e, r); len(p.Files) != 3 || p.Callbacks != 3 {
		t.Fatalf("pushed %+v", p)
	}
	if st := rcv.Stats(); st.Accepted != 3 || st.Duplicates != 2 {
		t.Fatalf("receiver %+v", st)
	}

	// The receiver's counters reach the engine's stats, refusals too
	// (which file nothing and wake nobody), and go once it is not consumed.
	bad := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(signedBody(r.TaskID, 301, at, time.Now(), `{}`)))
	bad.Header.Set("Content-Type", "application/json")
	bad.Header.Set("Sign", "forged")
	rcv.ServeHTTP(httptest.NewRecorder(), bad)
	rs := e.Stats().Push.Receiver
	if rs == nil || rs.String() != "callbacks 3 ok · 1 refused" || rs.Duplicates != 2 || fmt.Sprint(rs.Refused) != "map[bad sign:1]" {
		t.Fatalf("engine stats carry the receiver's %+v", rs)
	}
	cancel()
	<-done
	if rs := e.Stats().Push.Receiver; rs != nil {
		t.Errorf("no receiver is consumed, stats still show %+v", rs)
	}
}

// signedBody is a callback's body as TRTC prints it.
func signedBody(task string, typ callback.EventType, at, sent time.Time, payload string) []byte {
	return fmt.Appendf(nil, "{\n\t\"EventGroupId\":\t3,\n\t\"EventType\":\t%d,\n\t\"CallbackTs\":\t%d,\n\t\"EventInfo\":\t{\n"+
		"\t\t\"RoomId\":\t\"20015\",\n\t\t\"EventTs\":\t%d,\n\t\t\"EventMsTs\":\t%d,\n\t\t\"UserId\":\t\"recorder_20015\",\n"+
		"\t\t\"TaskId\":\t%q,\n\t\t\"Payload\":\t%s\n\t}\n}", typ, sent.UnixMilli(), at.Unix(), at.UnixMilli(), task, payload)
}
