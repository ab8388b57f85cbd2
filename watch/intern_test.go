package watch

import (
	"testing"
	"time"
	"unsafe"

	"github.com/trtcwatch/trtcwatch/client"
)

func within(s string, b []byte) bool {
	if len(s) == 0 || len(b) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(&b[0]))
	return p >= lo && p+uintptr(len(s)) <= lo+uintptr(len(b))
}

// TestAnswerKeepsOneCopy: file names share the raw answer's memory when it
// holds them verbatim, and only then; user ids and track types are one
// copy across answers; the RequestId (kept in History after the answer
// goes) never pins the raw answer.
func TestAnswerKeepsOneCopy(t *testing.T) {
	for _, c := range []struct {
		name, raw, file string
		shared          bool
	}{
		{"verbatim", `{"StorageFileList":[{"FileName":"a/b_main_audio.m3u8"}],"RequestId":"r-1"}`, "a/b_main_audio.m3u8", true},
		{"escaped in the raw JSON", `{"StorageFileList":[{"FileName":"a\/b.m3u8"}],"RequestId":"r-1"}`, "a/b.m3u8", false},
		{"only as part of a longer string", `{"StorageFileList":[{"FileName":"xa.m3u8"}],"RequestId":"r-1"}`, "a.m3u8", false},
		{"redacted in the raw JSON", `{"StorageFileList":[{"FileName":"***"}],"RequestId":"r-1"}`, "key.m3u8", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			mk := func() *Answer {
				user, track, req := string([]byte("user_1")), string([]byte("audio")), "r-1"
				file := string([]byte(c.file))
				return AnswerFrom(&client.DescribeCloudRecordingResponse{
					Status: new("InProgress"), RequestId: &req, Raw: []byte(c.raw),
					StorageFileList: []*client.StorageFile{{UserId: &user, FileName: &file, TrackType: &track}, nil},
				}, time.Unix(1, 0))
			}
			a, b := mk(), mk()
			if len(a.Files) != 1 || cap(a.Files) != 1 || a.Files[0].FileName != c.file {
				t.Fatalf("files %+v (cap %d)", a.Files, cap(a.Files))
			}
			if got := within(a.Files[0].FileName, a.Raw); got != c.shared {
				t.Errorf("file name shares the raw answer: %v, want %v", got, c.shared)
			}
			if within(a.RequestID, a.Raw) || a.RequestID != "r-1" {
				t.Errorf("RequestID %q shares the raw answer", a.RequestID)
			}
			if unsafe.StringData(a.Files[0].UserID) != unsafe.StringData(b.Files[0].UserID) ||
				unsafe.StringData(a.Files[0].TrackType) != unsafe.StringData(b.Files[0].TrackType) ||
				unsafe.StringData(a.Status) != unsafe.StringData(b.Status) {
				t.Error("user id, track type or status not interned")
			}
		})
	}
}
