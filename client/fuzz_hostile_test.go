package client

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client/hostiletest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// FuzzHostile drives the real client (real signatures, real transport and
// the guard) against the hostile server answering a fuzzed status, header,
// encoding and body. Whatever comes back: no panic; a success has a
// RequestId and bounded, secret-free fields; a failure is a classified
// *Error, bounded and secret-free.
//
//	go test -run=^$ -fuzz=FuzzHostile -fuzztime=60s ./client/
func FuzzHostile(f *testing.F) {
	seeds := []struct {
		status      uint16
		hname, hval string
		mode        uint8
		enc         string
		body        []byte
	}{
		{200, "", "", 0, "", okAnswer("")},
		{200, "", "", 1, "", okAnswer("")},
		{200, "", "", 2, "", okAnswer("")},
		{200, "Content-Type", "text/event-stream", 0, "", okAnswer("")},
		{200, "", "", 0, "", []byte(`null`)},
		{200, "", "", 0, "", []byte(`{"Response":null}`)},
		{200, "", "", 3, "br", okAnswer("")},
		{302, "Location", "http://evil.example/{{header:X-TC-Token}}", 0, "", nil},
		{500, "", "", 0, "", []byte(`{"Response":{"Error":{"Code":"{{header:X-TC-Token}}","Message":"{{header:Authorization}}"},"RequestId":"{{header:X-TC-Token}}"}}`)},
		{200, "", "", 0, "", []byte(`{"Response":{"TaskId":"t","Status":"{{header:X-TC-Token}}","StorageFileList":[{"FileName":"\u0068ostileSecretKey-0123456789"}],"RequestId":"r"}}`)},
		{200, "", "", 0, "", []byte(`{"Response":{"TaskId":"other","RequestId":"r"}}`)},
		{200, "Content-Length", "5", 0, "", okAnswer("")},
	}
	for _, s := range seeds {
		f.Add(s.status, s.hname, s.hval, s.mode, s.enc, s.body)
	}
	srv := hostiletest.Start(f, hostiletest.Reply{})
	c := hostileClient(f, srv.URL, 2*time.Second, nil)
	ref := taskref.Ref{SdkAppID: app, TaskID: taskT}
	f.Fuzz(func(t *testing.T, status uint16, hname, hval string, mode uint8, enc string, body []byte) {
		r := hostiletest.Reply{Status: int(status%500) + 100, Header: http.Header{}, Body: body}
		if r.Status < 200 {
			r.Status = 200 // 1xx are interim answers the server would follow with a 200 anyway
		}
		if hname != "" {
			r.Header.Add(hname, hval)
		}
		switch mode % 4 {
		case 1:
			r.Encoding = "gzip"
		case 2:
			r.Encoding = "deflate"
		case 3:
			r.Header.Set("Content-Encoding", enc)
		}
		srv.Set(r)
		resp, err := c.Describe(context.Background(), ref)
		if err == nil {
			if resp == nil || Deref(resp.RequestId) == "" {
				t.Fatalf("success without RequestId: %+v", resp)
			}
			checkNoSecret(t, "answer", Deref(resp.Status)+Deref(resp.TaskId)+Deref(resp.RequestId)+Deref(resp.RecorderKey)+string(resp.Raw))
			for _, fl := range resp.StorageFileList {
				if fl != nil {
					s := Deref(fl.UserId) + Deref(fl.FileName) + Deref(fl.TrackType)
					checkNoSecret(t, "file", s)
					if len(s) > 3*(maxFileFieldBytes+32) {
						t.Fatalf("unbounded file fields: %d bytes", len(s))
					}
				}
			}
			if len(resp.StorageFileList) > maxFiles || len(resp.Raw) > maxRawBytes+32 || len(Deref(resp.Status)) > maxStatusBytes+32 {
				t.Fatal("unbounded answer")
			}
			return
		}
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("error %T is not *client.Error: %v", err, err)
		}
		if e.Kind == KindUnknown || e.Code == "" || resp != nil {
			t.Fatalf("badly classified: %+v", e)
		}
		checkBounded(t, e)
	})
}
