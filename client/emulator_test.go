package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

const app = 1400000001

// emuClient is a client for s with the demo key, fast enough that tests
// which are not about pacing do not wait on it.
func emuClient(t testing.TB, s *emulator.Server, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{Region: "ap-singapore", Endpoint: s.URL(), Rate: 500, Timeout: 3 * time.Second,
		Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ref(id string) taskref.Ref { return taskref.Ref{SdkAppID: app, TaskID: id} }

// asError insists on the contract: every failure is a *client.Error.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v is not *client.Error", err, err)
	}
	return e
}

func TestDescribeAgainstEmulator(t *testing.T) {
	s := emutest.Start(t, emulator.Config{RateLimit: -1, FileEvery: 10 * time.Millisecond}, `{"tasks":[
		{"task_id":"task-cos","sdk_app_id":1400000001,"users":["alice","bob"],"timeline":[{"at":"0s","status":"InProgress"}]},
		{"task_id":"task-vod","sdk_app_id":1400000001,"storage":"vod","timeline":[{"at":"0s","status":"InProgress"}]},
		{"task_id":"task-idle","sdk_app_id":1400000001}]}`)
	var logs bytes.Buffer
	c := emuClient(t, s, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	ctx := context.Background()
	time.Sleep(60 * time.Millisecond) // let a few files appear

	resp, err := c.Describe(ctx, ref("task-cos"))
	if err != nil {
		t.Fatal(err)
	}
	if Deref(resp.Status) != "InProgress" || Deref(resp.TaskId) != "task-cos" || Deref(resp.RequestId) == "" {
		t.Fatalf("describe: status %q task %q rid %q", Deref(resp.Status), Deref(resp.TaskId), Deref(resp.RequestId))
	}
	if len(resp.StorageFileList) < 2 {
		t.Fatalf("want files after streaming, got %d", len(resp.StorageFileList))
	}
	now := uint64(time.Now().UnixMilli())
	for _, f := range resp.StorageFileList {
		if u := Deref(f.UserId); u != "alice" && u != "bob" {
			t.Errorf("file of unknown user %q", u)
		}
		if tr := Deref(f.TrackType); tr != "audio" && tr != "video" && tr != "audio_video" {
			t.Errorf("track type %q", tr)
		}
		if !strings.HasSuffix(Deref(f.FileName), ".m3u8") || f.BeginTimeStamp == nil ||
			*f.BeginTimeStamp > now || *f.BeginTimeStamp < now-60_000 {
			t.Errorf("file %q begins at %v (want ms within the last minute)", Deref(f.FileName), f.BeginTimeStamp)
		}
	}

	// VOD storage lists no files; a task in another region goes through a
	// second CommonClient sharing the limiter.
	vod, err := c.Describe(ctx, taskref.Ref{Region: "ap-mumbai", SdkAppID: app, TaskID: "task-vod"})
	if err != nil || Deref(vod.Status) != "InProgress" || len(vod.StorageFileList) != 0 {
		t.Fatalf("vod: %+v %v", vod, err)
	}
	idle, err := c.Describe(ctx, ref("task-idle"))
	if err != nil || Deref(idle.Status) != "Idle" {
		t.Fatalf("idle: %+v %v", idle, err)
	}
	if len(c.sdk) != 2 {
		t.Fatalf("%d region clients, want 2", len(c.sdk))
	}
	if !strings.Contains(logs.String(), "request_id="+Deref(resp.RequestId)) || strings.Contains(logs.String(), emulator.DemoSecretKey) {
		t.Fatalf("debug log should name the RequestId and never the key:\n%s", logs.String())
	}
}

func TestDocumentedErrorCodes(t *testing.T) {
	// Each documented code (plus the tolerated aliases) comes back through
	// the real HTTP path from a scenario fault window naming one task.
	codes := map[string]Kind{
		"FailedOperation.TaskNotExist":          KindGone,
		"FailedOperation.TaskFinished":          KindGone,
		"InvalidParameter.TaskId":               KindGone,
		"RequestLimitExceeded.UinLimitExceeded": KindThrottled,
		"AuthFailure.SignatureExpire":           KindAuth,
		"InternalError":                         KindTransient,
	}
	for c, k := range describeCodes {
		codes[c] = k
	}
	var faults []string
	ids := map[string]string{}
	for c := range codes {
		id := "fault-" + strings.ReplaceAll(c, ".", "-")
		ids[c] = id
		faults = append(faults, fmt.Sprintf(`{"task_id":%q,"at":"0s","for":"1h","code":%q}`, id, c))
	}
	s := emutest.Start(t, emulator.Config{RateLimit: -1}, `{"faults":[`+strings.Join(faults, ",")+`]}`)
	c := emuClient(t, s, nil)
	ctx := context.Background()
	for code, kind := range codes {
		t.Run(code, func(t *testing.T) {
			_, err := c.Describe(ctx, ref(ids[code]))
			e := asError(t, err)
			if e.Code != code || e.Kind != kind || e.RequestID == "" || e.Action != ActionDescribe {
				t.Fatalf("got %+v, want code %s kind %v with RequestId", e, code, kind)
			}
			if KindOf(err) != kind {
				t.Fatalf("KindOf = %v", KindOf(err))
			}
		})
	}
	// Delete sees the same window and keeps its action name.
	id, a := ids["ResourceNotFound"], uint64(app)
	_, err := c.DeleteCloudRecording(ctx, "ap-beijing", &DeleteCloudRecordingRequest{SdkAppId: &a, TaskId: &id})
	if e := asError(t, err); e.Code != "ResourceNotFound" || e.Action != actionDelete {
		t.Fatalf("delete: %+v", e)
	}
}

func TestErrorClassesAgainstEmulator(t *testing.T) {
	s := emutest.Start(t, emulator.Config{RateLimit: -1}, "")
	ctx := context.Background()
	good := emuClient(t, s, nil)
	a, id := uint64(app), "some-task"

	check := func(name string, err error, code string, kind Kind) {
		t.Helper()
		e := asError(t, err)
		if e.Code != code || e.Kind != kind {
			t.Errorf("%s: got %s (%v) %q, want %s (%v)", name, e.Code, e.Kind, e.Message, code, kind)
		}
		if strings.Contains(e.Error(), emulator.DemoSecretKey) {
			t.Errorf("%s: secret in error", name)
		}
	}
	_, err := good.Describe(ctx, ref("never-created"))
	check("unknown task", err, "ResourceNotFound", KindGone)
	_, err = good.describeCloudRecording(ctx, "ap-singapore", &describeCloudRecordingRequest{SdkAppId: &a})
	check("no TaskId", err, "MissingParameter.TaskId", KindBadRequest)
	_, err = good.describeCloudRecording(ctx, "ap-singapore", &describeCloudRecordingRequest{TaskId: &id})
	check("no SdkAppId", err, "MissingParameter.SdkAppId", KindBadRequest)
	_, err = good.describeCloudRecording(ctx, "ap-singapore", nil)
	check("nil request", err, "ClientError.InvalidParameter", KindBadRequest)

	before := s.Stats().Total().Requests
	_, err = good.Describe(ctx, taskref.Ref{Region: "eu-frankfurt", SdkAppID: app, TaskID: id})
	check("bad region", err, codeBadRegion, KindBadRequest)
	if s.Stats().Total().Requests != before {
		t.Error("a request was sent for an unsupported region")
	}

	wrongKey := emuClient(t, s, func(c *Config) { c.Credential = common.NewCredential(emulator.DemoSecretID, "wrong-key") })
	_, err = wrongKey.Describe(ctx, ref(id))
	check("wrong key", err, "AuthFailure.SignatureFailure", KindAuth)
	unknownID := emuClient(t, s, func(c *Config) { c.Credential = common.NewCredential("AKIDunknown", "k") })
	_, err = unknownID.Describe(ctx, ref(id))
	check("unknown id", err, "AuthFailure.SecretIdNotFound", KindAuth)

	// Throttled: a quota of 1 call/s, and a client allowed far more.
	tight := emutest.Start(t, emulator.Config{RateLimit: 1}, "")
	fast := emuClient(t, tight, nil)
	fast.Describe(ctx, ref(id))
	_, err = fast.Describe(ctx, ref(id))
	check("over quota", err, "RequestLimitExceeded", KindThrottled)
	if e := asError(t, err); !strings.Contains(e.Message, "exceeds the frequency limit `1`") || e.RequestID == "" {
		t.Errorf("throttle message/RequestId not kept: %+v", e)
	}

	// Transient: the answer comes after our timeout, or nobody listens.
	slow := emutest.Start(t, emulator.Config{RateLimit: -1, Latency: time.Second}, "")
	impatient := emuClient(t, slow, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	_, err = impatient.Describe(ctx, ref(id))
	check("timeout", err, "ClientError.NetworkError", KindTransient)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		t.Errorf("timeout should unwrap to DeadlineExceeded: %v", err)
	}
	ln, lerr := net.Listen("tcp", "127.0.0.1:0")
	if lerr != nil {
		t.Fatal(lerr)
	}
	ln.Close() // nothing listens on this port now
	down, derr := New(Config{Region: "ap-singapore", Endpoint: "http://" + ln.Addr().String(), Rate: 500,
		Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)})
	if derr != nil {
		t.Fatal(derr)
	}
	_, err = down.Describe(ctx, ref(id))
	// Nothing listening is a configuration problem (wrong --endpoint, or
	// the emulator not started): the engine gates on it instead of retrying.
	check("server down", err, codeRefused, KindConfig)
	if e := asError(t, err); !strings.Contains(e.Message, "connection refused") || !strings.Contains(e.Message, "--endpoint") {
		t.Errorf("refused connection not explained: %q", e.Message)
	}

	// The caller cancelling is told apart from a timeout.
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = emuClient(t, slow, nil).Describe(cctx, ref(id))
	check("cancelled", err, codeCanceled, KindTransient)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel should unwrap to context.Canceled: %v", err)
	}
}

func TestPacingHonoursContext(t *testing.T) {
	s := emutest.Start(t, emulator.Config{RateLimit: -1}, "")
	c := emuClient(t, s, func(c *Config) { c.Rate = 0.5 })
	ctx := context.Background()
	c.Describe(ctx, ref("x")) // takes the one token; the next slot is 2 s away
	dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := c.Describe(dctx, ref("x"))
	if e := asError(t, err); e.Code != codeRateWait || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline before the next slot: %+v", e)
	}
	cctx, cancel2 := context.WithCancel(ctx)
	cancel2()
	_, err = c.Describe(cctx, ref("x"))
	if e := asError(t, err); e.Code != codeCanceled || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while waiting: %+v", e)
	}
	if n := s.Stats().Total().Requests; n != 1 {
		t.Fatalf("%d requests reached the server, want 1", n)
	}
}

func TestRandomFaultsAreTransient(t *testing.T) {
	t.Parallel() // its own emulator; its stalls wait out the 150 ms timeout, beside TestQuota's 2 s
	s := emutest.Start(t, emulator.Config{RateLimit: -1, FaultRate: 1, Seed: 7, StallFor: 2 * time.Second}, "")
	c := emuClient(t, s, func(c *Config) { c.Timeout = 150 * time.Millisecond })
	seen := map[string]int{}
	for range 24 {
		_, err := c.Describe(context.Background(), ref("x"))
		e := asError(t, err)
		if e.Kind != KindTransient {
			t.Fatalf("fault classified %v: %+v", e.Kind, e)
		}
		seen[e.Code]++
	}
	if len(seen) < 3 {
		t.Fatalf("want several fault kinds (InternalError, 502 HTML, truncated JSON, stall), saw %v", seen)
	}
	s.SetFaultRate(0)
	if _, err := c.Describe(context.Background(), ref("x")); KindOf(err) != KindGone {
		t.Fatalf("after faults stop: %v", err)
	}
}

func TestTokenCredential(t *testing.T) {
	s := emutest.Start(t, emulator.Config{RateLimit: -1, Token: "session-token-1"}, "")
	ctx := context.Background()
	withTok := emuClient(t, s, func(c *Config) {
		c.Credential = common.NewTokenCredential(emulator.DemoSecretID, emulator.DemoSecretKey, "session-token-1")
	})
	if _, err := withTok.Describe(ctx, ref("x")); KindOf(err) != KindGone {
		t.Fatalf("token credential: %v", err)
	}
	noTok := emuClient(t, s, nil)
	_, err := noTok.Describe(ctx, ref("x"))
	if e := asError(t, err); e.Code != "AuthFailure.TokenFailure" || e.Kind != KindAuth {
		t.Fatalf("missing token: %+v", e)
	}
	// The token reaches the wire through the env chain too.
	isolate(t)
	t.Setenv(envSecretID, emulator.DemoSecretID)
	t.Setenv(EnvSecretKey, emulator.DemoSecretKey)
	t.Setenv(EnvSessionToken, "session-token-1")
	envC := emuClient(t, s, func(c *Config) { c.Credential = nil })
	if _, err := envC.Describe(ctx, ref("x")); KindOf(err) != KindGone {
		t.Fatalf("env token: %v", err)
	}
}

// TestNoSecretInOutput runs success and failure paths with a known key and
// token and greps every error and log line for them.
func TestNoSecretInOutput(t *testing.T) {
	const token = "tok-" + testSecret
	s := emutest.Start(t, emulator.Config{RateLimit: 1, SecretID: "AKIDsecrettest", SecretKey: testSecret, Token: token},
		`{"tasks":[{"task_id":"t1","sdk_app_id":1400000001}],"faults":[{"task_id":"f1","at":"0s","for":"1h","code":"AuthFailure"}]}`)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var out []string
	for _, cred := range []*common.Credential{
		common.NewTokenCredential("AKIDsecrettest", testSecret, token),
		common.NewTokenCredential("AKIDsecrettest", testSecret, "wrong-"+token),
		common.NewTokenCredential("AKIDsecrettest", testSecret+"x", token),
	} {
		c := emuClient(t, s, func(c *Config) { c.Credential, c.Logger = cred, logger })
		for _, id := range []string{"t1", "f1", "nope", "t1"} { // the last one is over the quota of 1/s
			_, err := c.Describe(context.Background(), ref(id))
			out = append(out, fmt.Sprintf("%v %+v %#v", err, err, err))
		}
	}
	out = append(out, logs.String())
	for _, o := range out {
		if strings.Contains(o, testSecret) {
			t.Fatalf("secret in output: %s", o)
		}
	}
	if !strings.Contains(strings.Join(out, "\n"), "AuthFailure.TokenFailure") {
		t.Fatalf("expected the token failure path to run:\n%s", strings.Join(out, "\n"))
	}
}
