package emulator

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The vectors of trtc-api.md §4, observed from the Go SDK 1.3.211 and the
// Node SDK 3.0.1335 (SecretKey "secretkey").
const (
	vecBody   = `{"SdkAppId":1400000001,"TaskId":"abc"}`
	vecGoSig  = "2a31c170c830ca9a5257233182eea4fd2020d18a0ca06b4846a2747676bc77db"
	vecNodeTC = "1cc6e878d52fa50717b1bf40f2541d824b39ece3b50c7c8b064c5ac12caef48f"
	vecNodeV1 = "+CdzsJzO+iM62ZAjIq/C+BhGjbhfs7NlAn//IQ1kiXQ="
	vecV1Form = "Action=DescribeCloudRecording&Language=en-US&Nonce=6110&Region=ap-singapore&RequestClient=SDK_NODEJS_INTL_EN3.0.1335&SdkAppId=1400000001&SecretId=AKIDtest&SignatureMethod=HmacSHA256&TaskId=abc&Timestamp=1795636432&Version=2019-07-22"
)

func vecVerifier(now int64) *verifier {
	return &verifier{secretID: "AKIDtest", secretKey: "secretkey", now: func() time.Time { return time.Unix(now, 0) }}
}

func tc3Request(ts, service, sig, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:18080/", strings.NewReader(body))
	r.Host = "127.0.0.1:18080"
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Timestamp", ts)
	r.Header.Set("X-TC-Action", "DescribeCloudRecording")
	r.Header.Set("X-TC-Version", apiVersion)
	r.Header.Set("X-TC-Region", "ap-singapore")
	// Both vector timestamps fall on 2026-11-25 UTC.
	r.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKIDtest/2026-11-25/"+service+"/tc3_request, SignedHeaders=content-type;host, Signature="+sig)
	return r
}

func v1Request(form string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:18080/", strings.NewReader(form+"&Signature="+url.QueryEscape(vecNodeV1)))
	r.Host = "127.0.0.1:18080"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestVerifySDKVectors(t *testing.T) {
	tests := []struct {
		name     string
		now      int64
		req      func() *http.Request
		body     string
		wantCode string
	}{
		{"go tc3", 1795636424, func() *http.Request { return tc3Request("1795636424", "trtc", vecGoSig, vecBody) }, vecBody, ""},
		{"node tc3 host without port, service 127", 1795636431, func() *http.Request { return tc3Request("1795636431", "127", vecNodeTC, vecBody) }, vecBody, ""},
		{"node v1 HmacSHA256", 1795636432, func() *http.Request { return v1Request(vecV1Form) }, vecV1Form, ""},
		{"go tc3 replayed 4m59s later", 1795636424 + 299, func() *http.Request { return tc3Request("1795636424", "trtc", vecGoSig, vecBody) }, vecBody, ""},
		{"go tc3 5m01s later", 1795636424 + 301, func() *http.Request { return tc3Request("1795636424", "trtc", vecGoSig, vecBody) }, vecBody, codeSignatureExpire},
		{"go tc3 from the future", 1795636424 - 301, func() *http.Request { return tc3Request("1795636424", "trtc", vecGoSig, vecBody) }, vecBody, codeSignatureExpire},
		{"node v1 expired", 1795636432 + 400, func() *http.Request { return v1Request(vecV1Form) }, vecV1Form, codeSignatureExpire},
		{"body changed", 1795636424, func() *http.Request {
			return tc3Request("1795636424", "trtc", vecGoSig, `{"SdkAppId":1400000001,"TaskId":"abd"}`)
		}, `{"SdkAppId":1400000001,"TaskId":"abd"}`, codeSignatureFailure},
		{"service changed", 1795636424, func() *http.Request { return tc3Request("1795636424", "cvm", vecGoSig, vecBody) }, vecBody, codeSignatureFailure},
		{"v1 param changed", 1795636432, func() *http.Request { return v1Request(strings.Replace(vecV1Form, "abc", "abd", 1)) },
			strings.Replace(vecV1Form, "abc", "abd", 1), codeSignatureFailure},
		{"v1 unknown SecretId", 1795636432, func() *http.Request { return v1Request(strings.Replace(vecV1Form, "AKIDtest", "AKIDother", 1)) },
			strings.Replace(vecV1Form, "AKIDtest", "AKIDother", 1), codeSecretIDNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req()
			body, err := io.ReadAll(r.Body)
			if err != nil || (tt.body != "" && !strings.HasPrefix(string(body), tt.body)) {
				t.Fatalf("test request body %q, %v", body, err)
			}
			c, aerr := vecVerifier(tt.now).verify(r, body)
			got := ""
			if aerr != nil {
				got = aerr.Code
			}
			if got != tt.wantCode {
				t.Fatalf("verify = %q (%v), want %q", got, aerr, tt.wantCode)
			}
			if aerr == nil && (c.Action != "DescribeCloudRecording" || c.Version != apiVersion || c.Region != "ap-singapore" || c.SecretID != "AKIDtest") {
				t.Fatalf("call = %+v", c)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	good := "TC3-HMAC-SHA256 Credential=AKIDtest/2026-11-25/trtc/tc3_request, SignedHeaders=content-type;host, Signature=" + vecGoSig
	tests := []struct {
		name, auth, ts, token string
		want                  string
	}{
		{"no auth at all", "", "1795636424", "", codeInvalidAuthorization},
		{"other algorithm", "HMAC-SHA1 abc", "1795636424", "", codeInvalidAuthorization},
		{"no signature", "TC3-HMAC-SHA256 Credential=AKIDtest/2026-11-25/trtc/tc3_request, SignedHeaders=content-type;host", "1795636424", "", codeInvalidAuthorization},
		{"short credential", strings.Replace(good, "/trtc/tc3_request", "/tc3_request", 1), "1795636424", "", codeInvalidAuthorization},
		{"signature not hex", strings.Replace(good, vecGoSig, strings.Repeat("z", 64), 1), "1795636424", "", codeInvalidAuthorization},
		{"unknown field", good + ", Extra=1", "1795636424", "", codeInvalidAuthorization},
		{"missing timestamp", good, "", "", codeInvalidAuthorization},
		{"unknown secret id", strings.Replace(good, "AKIDtest", "AKIDnope", 1), "1795636424", "", codeSecretIDNotFound},
		{"scope date not the timestamp's", strings.Replace(good, "2026-11-25", "2026-11-24", 1), "1795636424", "", codeSignatureFailure},
		{"wrong signature", strings.Replace(good, vecGoSig[:8], "00000000", 1), "1795636424", "", codeSignatureFailure},
		{"good", good, "1795636424", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tc3Request(tt.ts, "trtc", vecGoSig, vecBody)
			r.Header.Set("Authorization", tt.auth)
			if tt.ts == "" {
				r.Header.Del("X-TC-Timestamp")
			}
			_, aerr := vecVerifier(1795636424).verify(r, []byte(vecBody))
			got := ""
			if aerr != nil {
				got = aerr.Code
			}
			if got != tt.want {
				t.Fatalf("code %q (%v), want %q", got, aerr, tt.want)
			}
		})
	}
}

func TestVerifyToken(t *testing.T) {
	for _, tt := range []struct {
		name, server, sent, want string
	}{
		{"no token required, none sent", "", "", ""},
		{"no token required, any accepted", "", "whatever", ""},
		{"token required, right one", "tok", "tok", ""},
		{"token required, wrong one", "tok", "tok2", codeTokenFailure},
		{"token required, none sent", "tok", "", codeTokenFailure},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := vecVerifier(1795636424)
			v.token = tt.server
			r := tc3Request("1795636424", "trtc", vecGoSig, vecBody)
			if tt.sent != "" {
				r.Header.Set("X-TC-Token", tt.sent)
			}
			_, aerr := v.verify(r, []byte(vecBody))
			if got := codeOf(aerr); got != tt.want {
				t.Fatalf("code %q, want %q", got, tt.want)
			}
		})
	}
}

func codeOf(e *apiError) string {
	if e == nil {
		return ""
	}
	return e.Code
}
