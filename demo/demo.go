// Package demo runs trtcwatch with no cloud account: it starts the emulator
// in-process on loopback with the built-in scenario and keeps creating and
// stopping tasks through the real API, so the dashboard always has something
// moving. Nothing here is used outside --demo.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// SdkAppID is the application every demo task belongs to: the emulator's.
const SdkAppID = emulator.DemoSdkAppID

// Region is the region the demo reports; the emulator serves all of them.
const Region = "ap-singapore"

// Env is a running demo backend.
type Env struct {
	srv *emulator.Server
	// Refs are the tasks to watch from the start: the scenario's tasks and
	// one ID that never existed, so the "not found" row shows too.
	Refs []taskref.Ref
	// Notes say what each of Refs is there to show, so a first-time user
	// knows what to look for (and sees what notes are for).
	Notes map[taskref.Ref]string
}

// notes follow emulator.DemoScenario's tasks, in order.
var notes = []string{
	"robot in the room, nobody streaming",
	"a class of five, files keep coming",
	"starts streaming at 12s",
	"VOD storage: no file list, by design",
	"Exited at 35s, ended at 40s",
	"InternalError from 20s to 35s",
	"throttled from 45s to 55s",
	"user names with escape sequences",
	"flaps idle/streaming, ends at 165s",
	"VOD storage, ends after 3 min",
	"a big room: ten users",
	"nobody streams: Exited at 90s",
	"mixed recording: one file, no user",
	"recorder fails over at 45s: ha1_ files",
}

// startEnv serves the emulator with the demo scenario on a loopback port,
// posting callbacks to callbackURL (signed with callbackKey) if not empty.
func startEnv(log *slog.Logger, callbackURL, callbackKey string) (*Env, error) {
	sc := emulator.DemoScenario()
	srv, err := emulator.New(emulator.Config{Scenario: sc, CallbackURL: callbackURL, CallbackKey: callbackKey})
	if err != nil {
		return nil, fmt.Errorf("demo emulator: %w", err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("demo emulator: %w", err)
	}
	env := &Env{srv: srv, Notes: map[taskref.Ref]string{}}
	for i, id := range sc.TaskIDs() {
		r := taskref.Ref{Region: Region, SdkAppID: SdkAppID, TaskID: id}
		env.Refs = append(env.Refs, r)
		if i < len(notes) {
			env.Notes[r] = notes[i]
		}
	}
	never := taskref.Ref{Region: Region, SdkAppID: SdkAppID, TaskID: emulator.DemoNeverFoundTaskID}
	env.Refs = append(env.Refs, never)
	env.Notes[never] = "never existed: not found"
	if log != nil {
		log.Info("demo emulator started", "url", srv.URL())
	}
	return env, nil
}

// URL is the emulator's base URL, used as the client's endpoint.
func (e *Env) URL() string { return e.srv.URL() }

// Credential is the demo key pair the emulator accepts.
func (e *Env) Credential() *common.Credential {
	return common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)
}

// Close stops the emulator.
func (e *Env) Close() error { return e.srv.Close() }

// Adder is the part of the watch engine the feeder needs.
type Adder interface {
	Add(refs []taskref.Ref) ([]taskref.Ref, error)
	SetNote(ref taskref.Ref, note string, seq uint64) error
}

// feed creates a recording task through the API every `every`, adds it to
// the watch list, and stops it again after `life`, so new rows keep
// appearing and old ones go Exited and then ended. It returns when ctx ends.
func feed(ctx context.Context, c *client.Client, w Adder, every, life time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	// Every stop timer is joined before feed returns: one not yet fired is
	// stopped, one firing is waited for (its call ends with ctx), so the
	// caller may tear the emulator and the watch list down afterwards.
	var (
		stops  sync.WaitGroup
		timers []*time.Timer
	)
	defer func() {
		for _, tm := range timers {
			if tm.Stop() {
				stops.Done()
			}
		}
		stops.Wait()
	}()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n++
		id, err := createTask(ctx, c, n)
		if err != nil {
			if log != nil {
				log.Warn("demo: create task", "err", err)
			}
			continue
		}
		ref := taskref.Ref{Region: Region, SdkAppID: SdkAppID, TaskID: id}
		if _, err := w.Add([]taskref.Ref{ref}); err != nil && log != nil {
			log.Warn("demo: add task", "err", err)
		}
		storage := "COS"
		if vod(n) {
			storage = "VOD"
		}
		note := fmt.Sprintf("new from the demo (%s), stopped after %s", storage, life)
		if err := w.SetNote(ref, note, 0); err != nil && log != nil {
			log.Warn("demo: note task", "err", err)
		}
		stops.Add(1)
		timers = append(timers, time.AfterFunc(life, func() { defer stops.Done(); stopTask(ctx, c, id, log) }))
	}
}

func createTask(ctx context.Context, c *client.Client, n int) (string, error) {
	users := []*string{ptr(fmt.Sprintf("host-%d", n)), ptr(fmt.Sprintf("guest-%d", rand.IntN(1000)))}
	storage := &client.StorageParams{CloudStorage: &client.CloudStorage{
		Vendor: ptr[uint64](0), Region: ptr("ap-singapore"), Bucket: ptr("demo-1250000000"),
		AccessKey: ptr("demo-access"), SecretKey: ptr("demo-secret"), FileNamePrefix: []*string{ptr("demo")},
	}}
	if vod(n) {
		storage = &client.StorageParams{CloudVod: &client.CloudVod{TencentVod: &client.TencentVod{}}}
	}
	resp, err := c.CreateCloudRecording(ctx, Region, &client.CreateCloudRecordingRequest{
		SdkAppId: ptr[uint64](SdkAppID),
		RoomId:   ptr(fmt.Sprintf("%d", 8000+n)),
		UserId:   ptr(fmt.Sprintf("recorder-%d", n)),
		UserSig:  ptr("demo-usersig"),
		RecordParams: &client.RecordParams{
			RecordMode:             ptr[uint64](1),
			MaxIdleTime:            ptr[uint64](30),
			SubscribeStreamUserIds: &client.SubscribeStreamUserIds{SubscribeAudioUserIds: users, SubscribeVideoUserIds: users},
		},
		StorageParams: storage,
	})
	if err != nil {
		return "", fmt.Errorf("create demo task %d: %w", n, err)
	}
	if resp.TaskId == nil {
		return "", fmt.Errorf("create demo task %d: answer without TaskId", n)
	}
	return *resp.TaskId, nil
}

func stopTask(ctx context.Context, c *client.Client, id string, log *slog.Logger) {
	_, err := c.DeleteCloudRecording(ctx, Region, &client.DeleteCloudRecordingRequest{
		SdkAppId: ptr[uint64](SdkAppID), TaskId: ptr(id),
	})
	if err != nil && ctx.Err() == nil && log != nil {
		log.Warn("demo: stop task", "task", id, "err", err)
	}
}

// vod says which created tasks store to VOD: every third.
func vod(n int) bool { return n%3 == 0 }

func ptr[T any](v T) *T { return &v }
