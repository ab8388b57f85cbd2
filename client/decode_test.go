package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// canned answers every request with one fixed HTTP response. It sits under
// the SDK in place of the network, so the bytes go through the SDK's real
// parse path (decompression, TryReadErr, ParseFromHttpResponse) and our
// validation: the decoder can be fed answers no honest server would send.
type canned struct {
	status   int
	ctype    string
	encoding string
	body     []byte
}

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	h := http.Header{}
	if c.ctype != "" {
		h.Set("Content-Type", c.ctype)
	}
	if c.encoding != "" {
		h.Set("Content-Encoding", c.encoding)
	}
	return &http.Response{
		StatusCode: c.status, Status: http.StatusText(c.status), Header: h,
		Body: io.NopCloser(bytes.NewReader(c.body)), Request: r, ContentLength: int64(len(c.body)),
	}, nil
}

// decodeOnce sends one Describe whose answer is c.
func decodeOnce(t testing.TB, c canned) (*DescribeCloudRecordingResponse, error) {
	cl, err := newClient(Config{Region: "ap-singapore", Endpoint: "http://127.0.0.1:1", Rate: 1e6,
		Credential: common.NewCredential("AKIDfuzz", testSecret)}, c)
	if err != nil {
		t.Fatal(err)
	}
	return cl.Describe(context.Background(), taskref.Ref{SdkAppID: 1400000001, TaskID: "t"})
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

const okBody = `{"Response":{"TaskId":"t","Status":"InProgress","StorageFileList":[{"UserId":"u","FileName":"f.m3u8","TrackType":"audio","BeginTimeStamp":1622186279144}],"RequestId":"r-1"}}`

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   canned
		code string // "" = success
		kind Kind
	}{
		{"ok", canned{200, "application/json", "", []byte(okBody)}, "", 0},
		{"ok gzip", canned{200, "application/json", "gzip", gz(okBody)}, "", 0},
		{"api error", canned{200, "application/json", "", []byte(`{"Response":{"Error":{"Code":"ResourceNotFound","Message":"no"},"RequestId":"r"}}`)}, "ResourceNotFound", KindGone},
		{"api error on 500", canned{500, "application/json", "", []byte(`{"Response":{"Error":{"Code":"InternalError","Message":"x"},"RequestId":"r"}}`)}, "InternalError", KindTransient},
		{"502 html", canned{502, "text/html", "", []byte("<html><body>Bad Gateway</body></html>")}, codeHTTPStatus, KindTransient},
		{"503 json", canned{503, "application/json", "", []byte(`{"Response":{"RequestId":"r"}}`)}, "ClientError.HttpStatusCodeError", KindTransient},
		{"truncated", canned{200, "application/json", "", []byte(okBody[:60])}, CodeBadResponse, KindTransient},
		{"empty body", canned{200, "application/json", "", nil}, CodeBadResponse, KindTransient},
		{"no Response", canned{200, "application/json", "", []byte(`{}`)}, CodeBadResponse, KindTransient},
		{"null Response", canned{200, "application/json", "", []byte(`{"Response":null}`)}, CodeBadResponse, KindTransient},
		{"no RequestId", canned{200, "application/json", "", []byte(`{"Response":{"Status":"Idle"}}`)}, CodeBadResponse, KindTransient},
		{"wrong types", canned{200, "application/json", "", []byte(`{"Response":{"Status":7,"RequestId":"r"}}`)}, "ClientError.ParseJsonError", KindTransient},
		{"negative timestamp", canned{200, "application/json", "", []byte(`{"Response":{"StorageFileList":[{"BeginTimeStamp":-1}],"RequestId":"r"}}`)}, "ClientError.ParseJsonError", KindTransient},
		{"legacy error", canned{200, "application/json", "", []byte(`{"code":4100,"message":"auth","codeDesc":"AuthFailure"}`)}, CodeBadResponse, KindTransient}, // the 2.0 API shape: not an answer of this API
		{"legacy empty codeDesc", canned{200, "application/json", "", []byte(`{"code":5,"message":"m","codeDesc":""}`)}, CodeBadResponse, KindTransient},
		{"bad gzip", canned{200, "application/json", "gzip", []byte("not gzip")}, CodeBadResponse, KindTransient},
		{"unknown encoding", canned{200, "application/json", "br", []byte(okBody)}, CodeBadResponse, KindTransient},
		{"event stream", canned{200, "text/event-stream", "", []byte("data: x\n\n")}, CodeBadResponse, KindTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := decodeOnce(t, tt.in)
			if tt.code == "" {
				if err != nil || resp == nil || Deref(resp.RequestId) == "" {
					t.Fatalf("want success, got %v %v", resp, err)
				}
				if f := resp.StorageFileList; len(f) != 1 || *f[0].BeginTimeStamp != 1622186279144 {
					t.Fatalf("files not decoded: %+v", f)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Kind != tt.kind || e.Action != ActionDescribe {
				t.Fatalf("got %#v, want code %s kind %v", err, tt.code, tt.kind)
			}
			if resp != nil {
				t.Fatal("a failed call returned a response")
			}
		})
	}
}

// FuzzDecodeResponse feeds arbitrary answers through the SDK's parse path
// and our validation: no panic, and every outcome is either a response with
// a RequestId or a classified *Error that holds no secret.
func FuzzDecodeResponse(f *testing.F) {
	seeds := []struct {
		status     int
		ctype, enc string
		body       []byte
	}{
		{200, "application/json", "", []byte(okBody)},
		{200, "application/json", "gzip", gz(okBody)},
		{200, "application/json", "", []byte(`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"Your current request times equals to ` + "`21`" + ` in a second"},"RequestId":"r"}}`)},
		{502, "text/html", "", []byte("<html>Bad Gateway</html>")},
		{200, "application/json", "", []byte(okBody[:70])},
		{200, "application/json", "", []byte(`{"Response":null}`)},
		{200, "application/json", "", []byte(`{"code":1,"message":"m","codeDesc":"X"}`)},
		{200, "text/event-stream", "", []byte("data: x\n\n")},
		{200, "application/octet-stream", "", []byte(okBody)},
		{200, "application/json", "", []byte(`{"Response":{"StorageFileList":[null,{"BeginTimeStamp":1e30}],"RequestId":"r"}}`)},
		{200, "application/json", "deflate", []byte{0x78, 0x9c, 0xff}},
		{200, "application/json", "", []byte("{\"Response\":{\"Status\":\"\x1b]52;c;AAAA\x07\",\"RequestId\":\"\xff\xfe\"}}")},
	}
	for _, s := range seeds {
		f.Add(uint16(s.status), s.ctype, s.enc, s.body)
	}
	f.Fuzz(func(t *testing.T, status uint16, ctype, enc string, body []byte) {
		st := int(status%500) + 100
		resp, err := decodeOnce(t, canned{st, ctype, enc, body})
		if err == nil {
			if resp == nil || Deref(resp.RequestId) == "" {
				t.Fatalf("success without RequestId: %+v", resp)
			}
			return
		}
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("error %T is not *client.Error: %v", err, err)
		}
		if e.Kind == KindUnknown || e.Code == "" || len(e.Message) > maxMessageBytes+32 || resp != nil {
			t.Fatalf("badly classified: %+v", e)
		}
		if strings.Contains(e.Error(), testSecret) {
			t.Fatal("secret in error")
		}
	})
}
