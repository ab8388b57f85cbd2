package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signedV1 builds, by hand, a request signed with the legacy v1 signature
// the way the Node SDK sends it by default: every parameter (numbers as
// strings, nested ones flattened) in a form body (POST) or the query (GET),
// signed over METHOD + host:port + path + "?" + sorted raw k=v pairs.
// params override the common ones; a value of "-" removes one.
func signedV1(t testing.TB, s *Server, method, httpMethod string, params map[string]string) *http.Request {
	t.Helper()
	host := strings.TrimPrefix(s.URL(), "http://")
	p := map[string]string{
		"Version": apiVersion, "Region": "ap-singapore", "Timestamp": strconv.FormatInt(time.Now().Unix(), 10),
		"Nonce": "6110", "SecretId": DemoSecretID, "SignatureMethod": method, "Language": "en-US",
		"RequestClient": "SDK_NODEJS_INTL_EN3.0.1335",
	}
	key := DemoSecretKey
	for k, v := range params {
		if k == "-key" {
			key = v
			continue
		}
		p[k] = v
	}
	for k, v := range p {
		if v == "-" || v == "" {
			delete(p, k)
		}
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	form := url.Values{}
	for _, k := range keys {
		pairs = append(pairs, k+"="+p[k])
		form.Set(k, p[k])
	}
	h := sha1.New
	if method == "HmacSHA256" {
		h = func() hash.Hash { return sha256.New() }
	}
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(httpMethod + host + "/?" + strings.Join(pairs, "&")))
	form.Set("Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	var req *http.Request
	var err error
	if httpMethod == http.MethodGet {
		req, err = http.NewRequest(http.MethodGet, s.URL()+"/?"+form.Encode(), nil)
	} else {
		req, err = http.NewRequest(httpMethod, s.URL()+"/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type rawReply struct {
	Response struct {
		reply
		Error struct{ Code, Message string }
	}
}

func doV1(t *testing.T, req *http.Request) rawReply {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var r rawReply
	if res.StatusCode != 200 || json.Unmarshal(body, &r) != nil {
		t.Fatalf("HTTP %d %q", res.StatusCode, body)
	}
	return r
}

func TestV1Signature(t *testing.T) {
	s := startServer(t, Config{RateLimit: -1, Token: "tok", Scenario: oneTask}, nil)
	describe := map[string]string{"Action": "DescribeCloudRecording", "SdkAppId": "1400000001", "TaskId": demoIDs[0], "Token": "tok"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range describe {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	create := with(map[string]string{
		"Action": "CreateCloudRecording", "TaskId": "-", "RoomId": "8888", "UserId": "bot", "UserSig": "sig",
		"RecordParams.RecordMode": "1", "RecordParams.MaxIdleTime": "60",
		"RecordParams.SubscribeStreamUserIds.SubscribeAudioUserIds.0": "alice",
		"RecordParams.SubscribeStreamUserIds.SubscribeAudioUserIds.1": "bob",
		"StorageParams.CloudStorage.Vendor":                           "0", "StorageParams.CloudStorage.Region": "ap-singapore",
		"StorageParams.CloudStorage.Bucket": "b", "StorageParams.CloudStorage.AccessKey": "ak",
		"StorageParams.CloudStorage.SecretKey": "sk", "StorageParams.CloudStorage.FileNamePrefix.0": "p",
	})
	tests := []struct {
		name, method, httpMethod string
		params                   map[string]string
		want, wantStatus         string
	}{
		{"HmacSHA256 form POST", "HmacSHA256", http.MethodPost, describe, "", statusInProgress},
		{"HmacSHA1 form POST", "HmacSHA1", http.MethodPost, describe, "", statusInProgress},
		{"no SignatureMethod means HmacSHA1", "", http.MethodPost, describe, "", statusInProgress},
		{"HmacSHA256 GET", "HmacSHA256", http.MethodGet, describe, "", statusInProgress},
		{"Create with flattened parameters", "HmacSHA256", http.MethodPost, create, "", ""},
		{"wrong key", "HmacSHA256", http.MethodPost, with(map[string]string{"-key": "nope"}), codeSignatureFailure, ""},
		{"SHA1 signature claiming SHA256", "HmacSHA1", http.MethodPost, with(map[string]string{"SignatureMethod": "HmacSHA256"}), codeSignatureFailure, ""},
		{"unknown method", "HmacMD5", http.MethodPost, describe, codeInvalidAuthorization, ""},
		{"unknown SecretId", "HmacSHA256", http.MethodPost, with(map[string]string{"SecretId": "AKIDnope"}), codeSecretIDNotFound, ""},
		{"old timestamp", "HmacSHA256", http.MethodPost, with(map[string]string{"Timestamp": strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10)}), codeSignatureExpire, ""},
		{"missing token", "HmacSHA256", http.MethodPost, with(map[string]string{"Token": "-"}), codeTokenFailure, ""},
		{"unsupported region", "HmacSHA256", http.MethodPost, with(map[string]string{"Region": "eu-frankfurt"}), "UnsupportedRegion", ""},
		{"bad SdkAppId", "HmacSHA256", http.MethodPost, with(map[string]string{"SdkAppId": "12a"}), "InvalidParameter.SdkAppId", ""},
		{"missing Action", "HmacSHA256", http.MethodPost, with(map[string]string{"Action": "-"}), "MissingParameter", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := signedV1(t, s, tt.method, tt.httpMethod, tt.params)
			r := doV1(t, req)
			if r.Response.Error.Code != tt.want {
				t.Fatalf("code %q (%s), want %q", r.Response.Error.Code, r.Response.Error.Message, tt.want)
			}
			if tt.wantStatus != "" && r.Response.Status != tt.wantStatus {
				t.Fatalf("status %q, want %q", r.Response.Status, tt.wantStatus)
			}
			if tt.name == "Create with flattened parameters" && len(r.Response.TaskId) != 76 {
				t.Fatalf("create answered %+v", r.Response)
			}
		})
	}
}
