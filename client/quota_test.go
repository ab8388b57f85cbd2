package client

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

func TestLifecycle(t *testing.T) {
	s := emutest.Start(t, emulator.Config{RateLimit: -1, StreamDelay: 20 * time.Millisecond,
		FileEvery: 20 * time.Millisecond, ExitLinger: 200 * time.Millisecond}, "")
	c := emuClient(t, s, nil)
	ctx, region := context.Background(), "ap-guangzhou"
	u := func(v uint64) *uint64 { return &v }
	str := func(v string) *string { return &v }
	created, err := c.CreateCloudRecording(ctx, region, &CreateCloudRecordingRequest{
		SdkAppId: u(app), RoomId: str("10001"), UserId: str("recorder_1"), UserSig: str("sig"),
		RecordParams: &RecordParams{RecordMode: u(1), MaxIdleTime: u(30), StreamType: u(0),
			SubscribeStreamUserIds: &SubscribeStreamUserIds{SubscribeAudioUserIds: []*string{str("alice")}}},
		StorageParams: &StorageParams{CloudStorage: &CloudStorage{Vendor: u(0), Region: str("ap-guangzhou"),
			Bucket: str("bucket-125"), AccessKey: str("ak"), SecretKey: str("sk")}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id := Deref(created.TaskId)
	if err := taskref.ValidateTaskID(id); err != nil || Deref(created.RequestId) == "" {
		t.Fatalf("created task id %q: %v", id, err)
	}
	r := taskref.Ref{Region: region, SdkAppID: app, TaskID: id}
	d, err := c.Describe(ctx, r)
	if err != nil || !slices.Contains([]string{"Idle", "InProgress"}, Deref(d.Status)) {
		t.Fatalf("describe new task: %+v %v", d, err)
	}
	del, err := c.DeleteCloudRecording(ctx, region, &DeleteCloudRecordingRequest{SdkAppId: u(app), TaskId: &id})
	if err != nil || Deref(del.TaskId) != id {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if d, err := c.Describe(ctx, r); err != nil || Deref(d.Status) != "Exited" {
		t.Fatalf("after delete: %+v %v", d, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.Describe(ctx, r)
		if KindOf(err) == KindGone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task never gone: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, err = c.DeleteCloudRecording(ctx, region, &DeleteCloudRecordingRequest{SdkAppId: u(app), TaskId: &id})
	if KindOf(err) != KindGone {
		t.Fatalf("delete of a gone task: %v", err)
	}
}

func TestQuota(t *testing.T) {
	t.Parallel() // its own emulators; one client's 40 calls take 2 s at 20/s
	const burst = 40
	t.Run("one client stays under", func(t *testing.T) {
		s := emutest.Start(t, emulator.Config{}, "") // 20/s like the real API
		c := emuClient(t, s, func(c *Config) { c.Rate = 0 })
		errs := fire(burst, func(int) error { _, err := c.Describe(context.Background(), ref("x")); return err })
		for _, err := range errs {
			if KindOf(err) != KindGone {
				t.Fatalf("call through one client: %v", err)
			}
		}
		if th := s.Stats().Total().Throttled; th != 0 {
			t.Fatalf("%d calls throttled through one client", th)
		}
	})
	t.Run("raw calls around the client go over", func(t *testing.T) {
		s := emutest.Start(t, emulator.Config{}, "")
		clients := make([]*Client, burst) // each with its own limiter: nothing shared
		for i := range clients {
			clients[i] = emuClient(t, s, func(c *Config) { c.Rate = 0 })
		}
		errs := fire(burst, func(i int) error { _, err := clients[i].Describe(context.Background(), ref("x")); return err })
		throttled := 0
		for _, err := range errs {
			if KindOf(err) == KindThrottled {
				throttled++
			}
		}
		if throttled == 0 || s.Stats().Total().Throttled != throttled {
			t.Fatalf("%d throttled by the client's count, %d by the server's; want >0 and equal", throttled, s.Stats().Total().Throttled)
		}
	})
}

// fire runs n calls at once and returns their errors.
func fire(n int, f func(int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}
