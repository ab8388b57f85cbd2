package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/trtcwatch/trtcwatch/internal/waittest"
)

func TestMain(m *testing.M) {
	waittest.RaiseParallel() // the parallel tests wait on the real clock, timeouts and stalls
	os.Exit(m.Run())
}

// setFaultKinds restricts random faults to the given kinds.
func (s *Server) setFaultKinds(k ...faultKind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultKinds = k
}

// inflightCount is how many requests the server is answering.
func (s *Server) inflightCount() int { return int(s.active.Load()) }

// cbStats count what the callback sender did.
type cbStats struct {
	Queued    int64 // messages taken on (duplicates included)
	Attempts  int64 // POSTs made
	Delivered int64 // messages answered 200
	GaveUp    int64 // messages still failing at a minute old
	Dropped   int64 // messages dropped because a queue was full
}

// callbackStats returns the callback sender's counters (zero when
// callbacks are off).
func (s *Server) callbackStats() cbStats {
	c := s.cb
	if c == nil {
		return cbStats{}
	}
	return cbStats{Queued: c.queued.Load(), Attempts: c.attempts.Load(), Delivered: c.delivered.Load(), GaveUp: c.gaveUp.Load(), Dropped: c.dropped.Load()}
}

// manualClock drives task timelines in tests. It starts at the real time so
// that signatures made by the SDK with the real clock stay within the
// five-minute window.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *manualClock { return &manualClock{t: time.Now()} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startServer starts an emulator on a free loopback port; clk, if not nil,
// replaces its clock.
func startServer(t testing.TB, cfg Config, clk *manualClock) *Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if clk != nil {
		s.now = clk.Now
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sdkClient is the official SDK's CommonClient set up as trtc-api.md §5
// recommends for a loopback endpoint.
func sdkClient(s *Server, id, key, token, region string) *common.Client {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = strings.TrimPrefix(s.URL(), "http://")
	cpf.HttpProfile.Scheme = "HTTP"
	cpf.HttpProfile.ReqTimeout = 20
	cpf.DisableRegionBreaker = true
	cpf.Language = "en-US"
	cred := common.NewTokenCredential(id, key, token)
	return common.NewCommonClient(cred, region, cpf)
}

func demoClient(s *Server) *common.Client {
	return sdkClient(s, DemoSecretID, DemoSecretKey, "", "ap-singapore")
}

// reply is a decoded success answer (the union of the four actions).
type reply struct {
	TaskId          string
	Status          string
	StorageFileList []storageFile
	RequestId       string
}

// send calls an action through the SDK; params may be a map or JSON text.
func send(ctx context.Context, c *common.Client, version, action string, params any) (*reply, error) {
	req := tchttp.NewCommonRequest("trtc", version, action)
	if err := req.SetActionParameters(params); err != nil {
		return nil, err
	}
	req.SetContext(ctx)
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		return nil, err
	}
	var env struct{ Response reply }
	if err := json.Unmarshal(resp.GetBody(), &env); err != nil {
		return nil, err
	}
	return &env.Response, nil
}

func do(t testing.TB, c *common.Client, action string, params any) (*reply, error) {
	t.Helper()
	return send(context.Background(), c, apiVersion, action, params)
}

// sdkCode is the error code the SDK reports ("" for success).
func sdkCode(err error) string {
	if err == nil {
		return ""
	}
	var e *sdkerrors.TencentCloudSDKError
	if errors.As(err, &e) {
		return e.GetCode()
	}
	return "non-SDK error: " + err.Error()
}

// mustDo calls an action that must succeed.
func mustDo(t testing.TB, c *common.Client, action string, params any) *reply {
	t.Helper()
	r, err := do(t, c, action, params)
	return mustOK(t, r, err)
}

func mustOK(t testing.TB, r *reply, err error) *reply {
	t.Helper()
	if err != nil {
		t.Fatalf("call failed: %v", err)
	}
	if _, perr := uuid.Parse(r.RequestId); perr != nil {
		t.Fatalf("RequestId %q is not a UUID", r.RequestId)
	}
	return r
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := sdkCode(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
	var e *sdkerrors.TencentCloudSDKError
	if code != "" && !strings.HasPrefix(code, "ClientError.") && errors.As(err, &e) {
		if _, perr := uuid.Parse(e.GetRequestId()); perr != nil {
			t.Fatalf("error RequestId %q is not a UUID", e.GetRequestId())
		}
	}
}

func describeParams(app any, id string) map[string]any {
	return map[string]any{"SdkAppId": app, "TaskId": id}
}

// createParams is a valid CreateCloudRecording request for COS storage;
// mutate it per test.
func createParams(users ...string) map[string]any {
	rp := map[string]any{"RecordMode": 1}
	if len(users) > 0 {
		rp["SubscribeStreamUserIds"] = map[string]any{"SubscribeAudioUserIds": users, "SubscribeVideoUserIds": users}
	}
	return map[string]any{
		"SdkAppId":     1400000001,
		"RoomId":       "8888",
		"UserId":       "recorder_bot",
		"UserSig":      "sig",
		"RecordParams": rp,
		"StorageParams": map[string]any{"CloudStorage": map[string]any{
			"Vendor": 0, "Region": "ap-singapore", "Bucket": "rec-1250000000",
			"AccessKey": "ak", "SecretKey": "sk", "FileNamePrefix": []string{"rec", "day1"},
		}},
	}
}
