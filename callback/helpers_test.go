package callback

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

const (
	testKey = "trtcwatchTEST0key"
	testApp = 1400000001
	task1   = "9Hv8LU4IqiBqBxN3C3D1iiI625ac8gn1FYRzBtjrrjn9mPuLw5LU2YoDdYmtaeyyG0f8b5Sqtq4."
	task2   = "5tJwZfJ9P7417sFZ0nXkKjmDepS7bKvJ3zxrl98+fK9c9JUSgQ-5z374dP4lcufiXypgwdYDx5k."
)

// cbBody is a recording callback printed the way TRTC's sender prints JSON
// (tabs and newlines, as in the documented example), so that any receiver
// that re-encodes before checking the signature fails.
func cbBody(typ EventType, task string, at, sent time.Time, payload string) []byte {
	return fmt.Appendf(nil, "{\n\t\"EventGroupId\":\t3,\n\t\"EventType\":\t%d,\n\t\"CallbackTs\":\t%d,\n\t\"EventInfo\":\t{\n"+
		"\t\t\"RoomId\":\t\"20015\",\n\t\t\"EventTs\":\t%d,\n\t\t\"EventMsTs\":\t%d,\n\t\t\"UserId\":\t\"recorder_20015\",\n"+
		"\t\t\"TaskId\":\t%q,\n\t\t\"Payload\":\t%s\n\t}\n}", typ, sent.UnixMilli(), at.Unix(), at.UnixMilli(), task, payload)
}

// newTestReceiver makes a receiver keyed with testKey that watches testApp;
// mod adjusts the options first.
func newTestReceiver(t testing.TB, mod func(*Options)) *Receiver {
	t.Helper()
	o := Options{Key: testKey, Watched: func(app uint64) bool { return app == testApp }}
	if mod != nil {
		mod(&o)
	}
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// request is a signed POST of body as TRTC sends it; mod alters it.
func request(body []byte, mod func(*http.Request)) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sign", Sign(testKey, body))
	req.Header.Set("SdkAppId", strconv.Itoa(testApp))
	if mod != nil {
		mod(req)
	}
	return req
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// drainAll takes every waiting event.
func drainAll(r *Receiver) []Event {
	return r.Drain(nil)
}
