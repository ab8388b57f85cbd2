package watch

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/trtcwatch/trtcwatch/client"
)

// TestAnswerPacksAndUnpacks: whatever goes into an answer comes back out
// exactly, and FileCount and LastBegin agree with the files.
func TestAnswerPacksAndUnpacks(t *testing.T) {
	begin := time.UnixMilli(1764300000123)
	secs := time.Unix(1622186279, 0)
	big := strings.Repeat("x", 70_000) // longer than the deflate window
	tests := []struct {
		name  string
		files []File
		raw   []byte
	}{
		{"nothing", nil, nil},
		{"raw only", nil, []byte(`{"Status":"Idle","RequestId":"r"}`)},
		{"files only", []File{{UserID: "u", FileName: "a.m3u8", TrackType: "audio"}}, nil},
		{"zero and set begins", []File{{FileName: "a", Begin: begin}, {FileName: "b"}, {FileName: "c", Begin: secs}}, []byte(`{}`)},
		{"empty strings", []File{{}, {}}, []byte(`{"StorageFileList":[{},{}]}`)},
		{"hostile bytes", []File{{UserID: "\x1b]52;c;x\x07", FileName: "\x00\xff\u202e", TrackType: "\r\n"}}, []byte("\x00\x1b[2J")},
		{"large", []File{{FileName: big}, {FileName: big + "y"}}, []byte(big)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := time.Unix(100, 0)
			a := NewAnswer("InProgress", "req-1", at, tt.files, tt.raw)
			if a.Status != "InProgress" || a.RequestID != "req-1" || !a.At.Equal(at) || a.FileCount != len(tt.files) {
				t.Fatalf("answer %+v", a)
			}
			got := a.Files()
			if !slices.EqualFunc(got, tt.files, func(x, y File) bool {
				return x.UserID == y.UserID && x.FileName == y.FileName && x.TrackType == y.TrackType && x.Begin.Equal(y.Begin)
			}) {
				t.Errorf("files = %+v, want %+v", got, tt.files)
			}
			if !bytes.Equal(a.Raw(), tt.raw) {
				t.Errorf("raw = %q, want %q", a.Raw(), tt.raw)
			}
			var latest time.Time
			for _, f := range tt.files {
				if f.Begin.After(latest) {
					latest = f.Begin
				}
			}
			if !a.LastBegin.Equal(latest) {
				t.Errorf("LastBegin = %v, want %v", a.LastBegin, latest)
			}
		})
	}
}

// TestAnswerOwnsItsBytes: the caller may reuse what it passed in, and each
// Files call is a fresh copy, so a reader cannot change what another sees.
func TestAnswerOwnsItsBytes(t *testing.T) {
	raw := []byte(`{"RequestId":"r"}`)
	files := []File{{FileName: "a.m3u8"}}
	a := NewAnswer("Idle", "r", time.Time{}, files, raw)
	raw[2], files[0].FileName = 'X', "changed"
	if string(a.Raw()) != `{"RequestId":"r"}` || a.Files()[0].FileName != "a.m3u8" {
		t.Fatalf("answer changed with its inputs: %q %+v", a.Raw(), a.Files())
	}
	f := a.Files()
	f[0].FileName = "mine"
	if a.Files()[0].FileName != "a.m3u8" {
		t.Error("a reader's edit reached the answer")
	}
}

// TestAnswerNilAndCorrupt: a nil answer has no files or raw, and a packed
// form that is not what pack wrote gives nothing rather than a panic.
func TestAnswerNilAndCorrupt(t *testing.T) {
	var none *Answer
	if none.Files() != nil || none.Raw() != nil {
		t.Error("nil answer has files or raw")
	}
	good := NewAnswer("Idle", "r", time.Time{}, []File{{FileName: "a"}}, []byte("{}"))
	for _, packed := range [][]byte{nil, {0}, {1, 2, 3}, good.packed[:len(good.packed)/2], append([]byte{0xff}, good.packed...)} {
		a := &Answer{FileCount: 1, packed: packed}
		if f := a.Files(); f != nil {
			t.Errorf("corrupt %x: files %+v", packed, f)
		}
		_ = a.Raw()
	}
	// A packed form that claims more files than it holds.
	bad := pack([]File{{FileName: "a"}}, nil)
	files, _, err := unpack(bad)
	if err != nil || len(files) != 1 {
		t.Fatalf("unpack: %v %+v", err, files)
	}
	for _, plain := range [][]byte{{5}, {1, 3, 'a'}, {1, 0, 0, 0, 1}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}} {
		if _, _, err := unpack(deflate(plain)); err == nil {
			t.Errorf("plain %x unpacked without error", plain)
		}
	}
}

// TestAnswerIsSmall: a typical answer (20 files named as the API names
// them) packs to a small fraction of its JSON. This is issue 14's memory
// line at the size of one task; BenchmarkMemory10k measures the whole.
func TestAnswerIsSmall(t *testing.T) {
	resp := typicalResponse("task-00042-aGVsbG8tdHJ0Yy1yZWNvcmRpbmc", 20)
	a := AnswerFrom(resp, time.Now())
	if a.FileCount != 20 || len(a.Files()) != 20 {
		t.Fatalf("files: %d", a.FileCount)
	}
	if got, limit := len(a.packed), len(resp.Raw)/4; got > limit {
		t.Errorf("packed %d bytes of %d raw, want at most %d", got, len(resp.Raw), limit)
	}
	t.Logf("raw %d bytes, packed %d", len(resp.Raw), len(a.packed))
}

// TestStatusInterned: thousands of answers repeat a status, so they share
// one copy of it, also after collections (a weakly held canonical string
// whose handle was dropped stops being canonical after a GC).
func TestStatusInterned(t *testing.T) {
	for _, status := range []Phase{Idle, InProgress, Exited} {
		resp := typicalResponse("task-1", 1)
		resp.Status = new(string(status))
		a := AnswerFrom(resp, time.Now())
		runtime.GC()
		runtime.GC()
		resp = typicalResponse("task-2", 1)
		resp.Status = new(strings.Clone(string(status))) // a fresh copy, as a decoder makes
		b := AnswerFrom(resp, time.Now())
		if a.Status != string(status) || unsafe.StringData(a.Status) != unsafe.StringData(b.Status) {
			t.Errorf("%s: status not interned", status)
		}
	}
	// A status the API does not document is kept as received.
	odd := typicalResponse("task-3", 0)
	odd.Status = new("Paused\x1b[2J")
	if got := AnswerFrom(odd, time.Now()).Status; got != "Paused\x1b[2J" {
		t.Errorf("unknown status = %q", got)
	}
}

func typicalResponse(task string, files int) *client.DescribeCloudRecordingResponse {
	var raw strings.Builder
	fmt.Fprintf(&raw, `{"TaskId":%q,"Status":"InProgress","StorageFileList":[`, task)
	resp := &client.DescribeCloudRecordingResponse{Status: new(string(InProgress)), RequestId: new("req-1b2c-4d5e")}
	for i := range files {
		user, track := fmt.Sprintf("user_%d", i/2), [2]string{"audio", "video"}[i%2]
		name := fmt.Sprintf("rec/%s/1400000001_room42__UserId_s_dXNlcl8%d__UserId_e_main_%s.m3u8", task, i/2, track)
		ts := uint64(1764300000000 + i*1000)
		resp.StorageFileList = append(resp.StorageFileList, &client.StorageFile{UserId: &user, FileName: &name, TrackType: &track, BeginTimeStamp: &ts})
		if i > 0 {
			raw.WriteByte(',')
		}
		fmt.Fprintf(&raw, `{"UserId":%q,"FileName":%q,"TrackType":%q,"BeginTimeStamp":%d}`, user, name, track, ts)
	}
	raw.WriteString(`],"RequestId":"req-1b2c-4d5e"}`)
	resp.Raw = []byte(raw.String())
	return resp
}

// BenchmarkAnswerFrom is the cost of keeping one typical answer (20 files)
// and of reading its files back, as the detail pane does on a rebuild.
//
//	go test -run XXX -bench 'AnswerFrom|AnswerFiles' ./watch
func BenchmarkAnswerFrom(b *testing.B) {
	resp := typicalResponse("task-00042-aGVsbG8tdHJ0Yy1yZWNvcmRpbmc", 20)
	b.ReportAllocs()
	for b.Loop() {
		AnswerFrom(resp, time.Time{})
	}
}

func BenchmarkAnswerFiles(b *testing.B) {
	a := AnswerFrom(typicalResponse("task-00042-aGVsbG8tdHJ0Yy1yZWNvcmRpbmc", 20), time.Time{})
	b.ReportAllocs()
	for b.Loop() {
		a.Files()
	}
}

// FuzzPack: any files and raw bytes come back exactly, and any bytes given
// to unpack give an error or files, never a panic.
//
//	go test -run XXX -fuzz FuzzPack -fuzztime 30s ./watch
func FuzzPack(f *testing.F) {
	f.Add("user_1", "a/b_main_audio.m3u8", "audio", int64(1764300000), []byte(`{"RequestId":"r"}`))
	f.Add("", "", "", int64(0), []byte{})
	f.Add("\x1b]52;c;x\x07", "\xff\xfe", "\u202e", int64(-1), []byte{0x78, 0x9c})
	f.Fuzz(func(t *testing.T, user, name, track string, sec int64, raw []byte) {
		file := File{UserID: user, FileName: name, TrackType: track}
		if sec != 0 {
			file.Begin = time.Unix(sec, 0)
		}
		a := NewAnswer("Idle", "r", time.Time{}, []File{file, {FileName: name + name}}, raw)
		got := a.Files()
		if len(got) != 2 || got[0].UserID != user || got[0].FileName != name || got[0].TrackType != track ||
			!got[0].Begin.Equal(file.Begin) || got[1].FileName != name+name {
			t.Fatalf("files %+v", got)
		}
		if len(raw) > 0 && !bytes.Equal(a.Raw(), raw) {
			t.Fatalf("raw %q, want %q", a.Raw(), raw)
		}
		_, _, _ = unpack(raw)          // arbitrary bytes as a packed form
		_, _, _ = unpack(deflate(raw)) // arbitrary bytes as the plain form
	})
}
