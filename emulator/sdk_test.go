package emulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// A scenario with one streaming task, shared by the request-level tests.
var oneTask = &Scenario{Tasks: []ScenarioTask{{TaskID: demoIDs[0], Users: []string{"alice"}, Timeline: []Step{{0, statusInProgress}}}}}

// TestSDKRequests drives the server with the official Go SDK's CommonClient
// and checks every auth and validation code it must answer.
func TestSDKRequests(t *testing.T) {
	ok := describeParams(1400000001, demoIDs[0])
	tests := []struct {
		name             string
		cfg              Config
		skew             time.Duration // server clock ahead of real time
		id, key, token   string
		region, version  string
		action           string
		params           any
		want, wantStatus string
	}{
		{name: "success", params: ok, wantStatus: statusInProgress},
		{name: "SdkAppId as a numeric string", params: describeParams("1400000001", demoIDs[0]), wantStatus: statusInProgress},
		{name: "custom key pair", cfg: Config{SecretID: "AKIDcustom", SecretKey: "custom"}, id: "AKIDcustom", key: "custom", params: ok, wantStatus: statusInProgress},
		{name: "wrong secret key", key: "not-the-key", params: ok, want: codeSignatureFailure},
		{name: "unknown secret id", id: "AKIDunknown000000000000000000000000", params: ok, want: codeSecretIDNotFound},
		{name: "server clock 6 minutes ahead", skew: 6 * time.Minute, params: ok, want: codeSignatureExpire},
		{name: "server clock 4 minutes ahead", skew: 4 * time.Minute, params: ok, wantStatus: statusInProgress},
		{name: "token required, none sent", cfg: Config{Token: "session-token"}, params: ok, want: codeTokenFailure},
		{name: "token required, wrong one", cfg: Config{Token: "session-token"}, token: "other", params: ok, want: codeTokenFailure},
		{name: "token required, right one", cfg: Config{Token: "session-token"}, token: "session-token", params: ok, wantStatus: statusInProgress},
		{name: "any token accepted when none configured", token: "anything", params: ok, wantStatus: statusInProgress},
		{name: "unknown version", version: "2020-01-01", params: ok, want: "NoSuchVersion"},
		{name: "unknown action", action: "DescribeCloudRecordings", params: ok, want: "InvalidAction"},
		{name: "unsupported region", region: "ap-tokyo", params: ok, want: "UnsupportedRegion"},
		{name: "missing region", region: "-", params: ok, want: "UnsupportedRegion"},
		{name: "missing TaskId", params: map[string]any{"SdkAppId": 1400000001}, want: "MissingParameter.TaskId"},
		{name: "empty TaskId", params: describeParams(1400000001, ""), want: "MissingParameter.TaskId"},
		{name: "missing SdkAppId", params: map[string]any{"TaskId": demoIDs[0]}, want: "MissingParameter.SdkAppId"},
		{name: "SdkAppId zero", params: describeParams(0, demoIDs[0]), want: "InvalidParameter.SdkAppId"},
		{name: "SdkAppId negative", params: describeParams(-5, demoIDs[0]), want: "InvalidParameter.SdkAppId"},
		{name: "SdkAppId fraction", params: describeParams(1.5, demoIDs[0]), want: "InvalidParameter.SdkAppId"},
		{name: "SdkAppId word", params: describeParams("abc", demoIDs[0]), want: "InvalidParameter.SdkAppId"},
		{name: "SdkAppId boolean", params: describeParams(true, demoIDs[0]), want: "InvalidParameter.SdkAppId"},
		{name: "TaskId null", params: map[string]any{"SdkAppId": 1400000001, "TaskId": nil}, want: "MissingParameter.TaskId"},
		{name: "TaskId a number", params: map[string]any{"SdkAppId": 1400000001, "TaskId": 7}, want: "InvalidParameter"},
		{name: "unknown task", params: describeParams(1400000001, DemoNeverFoundTaskID), want: "ResourceNotFound"},
		{name: "task of another app", params: describeParams(1400000002, demoIDs[0]), want: "ResourceNotFound"},
		{name: "configured gone code", cfg: Config{GoneCode: "FailedOperation.TaskNotExist"}, params: describeParams(1400000001, DemoNeverFoundTaskID), want: "FailedOperation.TaskNotExist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Scenario = oneTask
			var clk *manualClock
			if tt.skew != 0 {
				clk = newClock()
				clk.Advance(tt.skew)
			}
			s := startServer(t, cfg, clk)
			id, key := DemoSecretID, DemoSecretKey
			if tt.cfg.SecretID != "" {
				id, key = tt.cfg.SecretID, tt.cfg.SecretKey
			}
			if tt.id != "" {
				id = tt.id
			}
			if tt.key != "" {
				key = tt.key
			}
			region := "ap-singapore"
			if tt.region == "-" {
				region = ""
			} else if tt.region != "" {
				region = tt.region
			}
			version, action := apiVersion, "DescribeCloudRecording"
			if tt.version != "" {
				version = tt.version
			}
			if tt.action != "" {
				action = tt.action
			}
			r, err := send(context.Background(), sdkClient(s, id, key, tt.token, region), version, action, tt.params)
			wantCode(t, err, tt.want)
			if tt.want == "" {
				mustOK(t, r, err)
				if r.Status != tt.wantStatus || r.TaskId != demoIDs[0] {
					t.Fatalf("reply %+v, want status %s", r, tt.wantStatus)
				}
			}
			if got := s.Stats().Total(); s.Stats().Requests() != 1 || got.Errors[tt.want] != boolInt(tt.want != "") {
				t.Fatalf("stats %+v", got)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRawHTTPShape checks what a non-SDK client sees: HTTP 200, JSON, a
// Response wrapper and a UUID v4 RequestId, even without any signature.
func TestRawHTTPShape(t *testing.T) {
	s := startServer(t, Config{}, nil)
	for _, tt := range []struct {
		name, method, body, ct, want string
	}{
		{"POST without Authorization", http.MethodPost, `{"SdkAppId":1,"TaskId":"x"}`, "application/json", codeInvalidAuthorization},
		{"GET without signature", http.MethodGet, "", "", codeInvalidAuthorization},
		{"v1 form without Signature", http.MethodPost, "Action=DescribeCloudRecording&SecretId=" + DemoSecretID, "application/x-www-form-urlencoded", codeInvalidAuthorization},
		{"PUT", http.MethodPut, "", "", "UnsupportedProtocol"},
		{"oversized body", http.MethodPost, strings.Repeat(" ", maxBody+1), "application/json", "RequestSizeLimitExceeded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, s.URL()+"/", strings.NewReader(tt.body))
			if tt.ct != "" {
				req.Header.Set("Content-Type", tt.ct)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			var env struct {
				Response struct {
					Error     struct{ Code, Message string }
					RequestId string
				}
			}
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			u, err := uuid.Parse(env.Response.RequestId)
			if err != nil || u.Version() != 4 {
				t.Fatalf("RequestId %q is not a UUID v4", env.Response.RequestId)
			}
			if env.Response.Error.Code != tt.want || env.Response.Error.Message == "" {
				t.Fatalf("error %+v, want code %s", env.Response.Error, tt.want)
			}
		})
	}
}

// TestCreateValidation checks the documented Create codes one field at a
// time, starting from a valid request.
func TestCreateValidation(t *testing.T) {
	s := startServer(t, Config{RateLimit: -1}, nil)
	c := demoClient(s)
	sub := func(m map[string]any, keys ...string) map[string]any {
		for _, k := range keys {
			m = m[k].(map[string]any)
		}
		return m
	}
	tests := []struct {
		name   string
		mutate func(p map[string]any)
		want   string
	}{
		{"valid", func(p map[string]any) {}, ""},
		{"valid VOD", func(p map[string]any) {
			p["StorageParams"] = map[string]any{"CloudVod": map[string]any{"TencentVod": map[string]any{"ExpireTime": 0}}}
		}, ""},
		{"valid string room", func(p map[string]any) { p["RoomId"] = "room-α"; p["RoomIdType"] = 0 }, ""},
		{"missing SdkAppId", func(p map[string]any) { delete(p, "SdkAppId") }, "MissingParameter.SdkAppId"},
		{"bad SdkAppId", func(p map[string]any) { p["SdkAppId"] = "14x" }, "InvalidParameter.SdkAppId"},
		{"missing RoomId", func(p map[string]any) { delete(p, "RoomId") }, "MissingParameter.RoomId"},
		{"string room with int room type", func(p map[string]any) { p["RoomId"] = "room-α" }, "InvalidParameter.RoomId"},
		{"missing UserId", func(p map[string]any) { delete(p, "UserId") }, "MissingParameter.UserId"},
		{"missing UserSig", func(p map[string]any) { p["UserSig"] = "" }, "MissingParameter.UserSig"},
		{"missing RecordParams", func(p map[string]any) { delete(p, "RecordParams") }, "MissingParameter.RecordParams"},
		{"missing RecordMode", func(p map[string]any) { delete(sub(p, "RecordParams"), "RecordMode") }, "MissingParameter.RecordMode"},
		{"RecordMode 3", func(p map[string]any) { sub(p, "RecordParams")["RecordMode"] = 3 }, "InvalidParameter.OutOfRange"},
		{"MaxIdleTime 4", func(p map[string]any) { sub(p, "RecordParams")["MaxIdleTime"] = 4 }, "InvalidParameter.OutOfRange"},
		{"MaxIdleTime 86401", func(p map[string]any) { sub(p, "RecordParams")["MaxIdleTime"] = 86401 }, "InvalidParameter.OutOfRange"},
		{"StreamType 3", func(p map[string]any) { sub(p, "RecordParams")["StreamType"] = 3 }, "InvalidParameter.OutOfRange"},
		{"ResourceExpiredHour 5", func(p map[string]any) { p["ResourceExpiredHour"] = 5 }, "InvalidParameter.OutOfRange"},
		{"missing StorageParams", func(p map[string]any) { delete(p, "StorageParams") }, "MissingParameter.StorageParams"},
		{"empty StorageParams", func(p map[string]any) { p["StorageParams"] = map[string]any{} }, "MissingParameter.CloudStorage"},
		{"both storages", func(p map[string]any) { sub(p, "StorageParams")["CloudVod"] = map[string]any{} }, "InvalidParameter"},
		{"missing Vendor", func(p map[string]any) { delete(sub(p, "StorageParams", "CloudStorage"), "Vendor") }, "MissingParameter.Vendor"},
		{"Vendor 2", func(p map[string]any) { sub(p, "StorageParams", "CloudStorage")["Vendor"] = 2 }, "InvalidParameter.OutOfRange"},
		{"missing Region", func(p map[string]any) { delete(sub(p, "StorageParams", "CloudStorage"), "Region") }, "MissingParameter.Region"},
		{"missing Bucket", func(p map[string]any) { delete(sub(p, "StorageParams", "CloudStorage"), "Bucket") }, "MissingParameter.Bucket"},
		{"missing AccessKey", func(p map[string]any) { delete(sub(p, "StorageParams", "CloudStorage"), "AccessKey") }, "MissingParameter.AccessKey"},
		{"missing SecretKey", func(p map[string]any) { delete(sub(p, "StorageParams", "CloudStorage"), "SecretKey") }, "MissingParameter.SecretKey"},
		{"bad prefix", func(p map[string]any) { sub(p, "StorageParams", "CloudStorage")["FileNamePrefix"] = []string{"a/b"} }, "InvalidParameter"},
		{"subscription not a list", func(p map[string]any) {
			sub(p, "RecordParams")["SubscribeStreamUserIds"] = map[string]any{"SubscribeAudioUserIds": 5}
		}, "InvalidParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := createParams("alice")
			tt.mutate(p)
			r, err := do(t, c, "CreateCloudRecording", p)
			wantCode(t, err, tt.want)
			if tt.want == "" && len(mustOK(t, r, err).TaskId) != 76 {
				t.Fatalf("TaskId %q is not 76 characters", r.TaskId)
			}
		})
	}
}

// TestSDKProfiles: the TC3 variations the SDK can produce are accepted.
func TestSDKProfiles(t *testing.T) {
	s := startServer(t, Config{RateLimit: -1, Scenario: oneTask}, nil)
	tests := []struct {
		name  string
		setup func(c *common.Client, cpf *profile.ClientProfile)
		want  string // "" = success
	}{
		{"unsigned payload", func(c *common.Client, cpf *profile.ClientProfile) { cpf.UnsignedPayload = true }, ""},
		{"endpoint with a path", func(c *common.Client, cpf *profile.ClientProfile) { cpf.HttpProfile.Endpoint += "/api/v3" }, ""},
		// The SDK sends no CommonRequest parameters by GET; the signature
		// still passes and the parameter check answers.
		{"GET", func(c *common.Client, cpf *profile.ClientProfile) { cpf.HttpProfile.ReqMethod = "GET" }, "MissingParameter.SdkAppId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := demoClient(s)
			cpf := profile.NewClientProfile()
			cpf.HttpProfile.Endpoint = strings.TrimPrefix(s.URL(), "http://")
			cpf.HttpProfile.Scheme = "HTTP"
			cpf.DisableRegionBreaker = true
			tt.setup(c, cpf)
			c.WithProfile(cpf)
			r, err := do(t, c, "DescribeCloudRecording", describeParams(1400000001, demoIDs[0]))
			wantCode(t, err, tt.want)
			if tt.want == "" && mustOK(t, r, err).Status != statusInProgress {
				t.Fatalf("%+v", r)
			}
		})
	}
}

// TestReplayAccepted: the SDK's rate-limit retry resends the very same
// signed request; the server must accept it again.
func TestReplayAccepted(t *testing.T) {
	s := startServer(t, Config{Scenario: oneTask}, nil)
	req := signedV1(t, s, "HmacSHA256", http.MethodPost, map[string]string{"Action": "DescribeCloudRecording", "SdkAppId": "1400000001", "TaskId": demoIDs[0]})
	body, _ := io.ReadAll(req.Body)
	for i := 0; i < 3; i++ {
		again, _ := http.NewRequest(http.MethodPost, req.URL.String(), strings.NewReader(string(body)))
		again.Header = req.Header.Clone()
		if r := doV1(t, again); r.Response.Error.Code != "" || r.Response.Status != statusInProgress {
			t.Fatalf("replay %d: %+v", i, r.Response)
		}
	}
}
