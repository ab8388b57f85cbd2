package callback

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The documented example bodies of "Cloud Recording Callback"
// (https://trtc.io/document/54914, https://trtc.io/document/45169), as
// printed there: RoomId as a string, EventTs sometimes as a string, some
// without EventMsTs.
var documented = []struct {
	name    string
	body    string
	summary string
	detail  any
}{
	{"301 (EventTs as a string)", `{"EventGroupId": 3, "EventType": 301, "CallbackTs": 1622186275913, "EventInfo": {"RoomId": "xx", "EventTs": "1622186275", "EventMsTs": 1622186275757, "UserId": "xx", "TaskId": "xx", "Payload": {"Status": 0}}}`,
		"recorder started", &RecorderStarted{Status: 0}},
	{"302 (no EventMsTs)", `{"EventGroupId": 3, "EventType": 302, "CallbackTs": 1622186354806, "EventInfo": {"RoomId": "xx", "EventTs": "1622186354", "UserId": "xx", "TaskId": "xx", "Payload": {"LeaveCode": 0}}}`,
		"recorder stopped, LeaveCode 0: stopped through the API (DeleteCloudRecording)", &RecorderStopped{LeaveCode: 0}},
	{"303", `{"EventGroupId": 3, "EventType": 303, "CallbackTs": 1622191965320, "EventInfo": {"RoomId": "20015", "EventTs": 1622191965, "UserId": "xx", "TaskId": "xx", "Payload": {"Status": 0}}}`,
		"upload started", &UploadStarted{}},
	{"304", `{"EventGroupId": 3, "EventType": 304, "CallbackTs": 1622191965350, "EventInfo": {"RoomId": "20015", "EventTs": 1622191965, "UserId": "xx", "TaskId": "xx", "Payload": {"FileList": "xx.m3u8"}}}`,
		"index file uploaded: xx.m3u8", &IndexUploaded{FileList: "xx.m3u8"}},
	{"305 (81113's example)", `{"EventGroupId": 3, "EventType": 305, "CallbackTs": 1752580150082, "EventInfo": {"RoomId": "635055", "EventTs": 1752580150, "EventMsTs": 1752580150081, "UserId": "user1", "TaskId": "-m9-bVVU7idK-m928oZWQndiborbEWH3zY-lIXlprc-gQvQE", "Payload": {"Status": 0}}}`,
		"upload finished", &UploadStopped{}},
	{"305 (54914's field name)", `{"EventGroupId": 3, "EventType": 305, "CallbackTs": 1622191989674, "EventInfo": {"RoomId": "20015", "EventTs": 1622191989, "UserId": "xx", "TaskId": "xx", "Payload": {"LeaveCode": 1}}}`,
		"upload finished, some files left on the server (Status 1)", &UploadStopped{LeaveCode: numPtr(1)}},
	{"306", `{"EventGroupId": 3, "EventType": 306, "CallbackTs": 1622191989674, "EventInfo": {"RoomId": "20015", "EventTs": 1622191989, "EventMsTs": 1622186275757, "UserId": "xx", "TaskId": "xx", "Payload": {"Status": 0}}}`,
		"recorder failed over", &FailedOver{}},
	{"307", `{"EventGroupId": 3, "EventType": 307, "CallbackTs": 1622186289148, "EventInfo": {"RoomId": "xx", "EventTs": "1622186289", "UserId": "xx", "TaskId": "xx", "Payload": {"FileName": "xx.m3u8", "UserId": "xx", "TrackType": "audio", "BeginTimeStamp": 1622186279144}}}`,
		"file started: xx/audio xx.m3u8", &FileStarted{FileName: "xx.m3u8", UserId: "xx", TrackType: "audio", BeginTimeStamp: 1622186279144}},
	{"307 (BeginTimeStamp as a string, numeric room)", `{"EventGroupId": 3, "EventType": 307, "CallbackTs": 1622186289148, "EventInfo": {"RoomId": 12345, "EventTs": 1622186289, "UserId": "xx", "TaskId": "xx", "Payload": {"FileName": "a.m3u8", "UserId": "", "TrackType": "audio_video", "BeginTimeStamp": "1622186279144"}}}`,
		"file started: (mixed)/audio_video a.m3u8", &FileStarted{FileName: "a.m3u8", TrackType: "audio_video", BeginTimeStamp: 1622186279144}},
	{"308", `{"EventGroupId": 3, "EventType": 308, "CallbackTs": 1622191989674, "EventInfo": {"RoomId": "20015", "EventTs": 1622191989, "UserId": "xx", "TaskId": "xx", "Payload": {"Code": "InvalidParameter", "Message": "AccessKey invalid"}}}`,
		"upload error InvalidParameter: AccessKey invalid", &UploadFailed{Code: "InvalidParameter", Message: "AccessKey invalid"}},
	{"309 (trailing comma removed)", `{"EventGroupId": 3, "EventType": 309, "CallbackTs": 1622191989674, "EventInfo": {"RoomId": "20015", "EventTs": 1622191989, "UserId": "xx", "TaskId": "xx", "Payload": {"Url": "http://xx"}}}`,
		"image download failed: http://xx", &ImageFailed{Url: "http://xx"}},
	{"310", `{"EventGroupId": 3, "EventType": 310, "CallbackTs": 1622191965320, "EventInfo": {"RoomId": "20015", "EventTs": 1622191989, "EventMsTs": 1622186275757, "UserId": "xx", "TaskId": "xx", "Payload": {"Status": 0, "FileList": ["xxxx1.mp4", "xxxx2.mp4"], "FileMessage": [{"FileName": "xxxx1.mp4", "UserId": "xxxx", "TrackType": "audio_video", "MediaId": "main", "StartTimeStamp": 1622186279145, "EndTimeStamp": 1622186282145}, {"FileName": "xxxx2.mp4", "UserId": "xxxx", "TrackType": "audio_video", "MediaId": "main", "StartTimeStamp": 1622186279153, "EndTimeStamp": 1622186282153}]}}}`,
		"MP4 finished: 2 files", &MP4Stopped{FileList: []string{"xxxx1.mp4", "xxxx2.mp4"}, FileMessage: []MP4File{
			{FileName: "xxxx1.mp4", UserId: "xxxx", TrackType: "audio_video", MediaId: "main", StartTimeStamp: 1622186279145, EndTimeStamp: 1622186282145},
			{FileName: "xxxx2.mp4", UserId: "xxxx", TrackType: "audio_video", MediaId: "main", StartTimeStamp: 1622186279153, EndTimeStamp: 1622186282153}}}},
	{"311 committed", `{"EventGroupId": 3, "EventType": 311, "CallbackTs": 1622191965320, "EventInfo": {"RoomId": "20015", "EventTs": 1622191965, "EventMsTs": 1622186275757, "UserId": "xx", "TaskId": "xx", "Payload": {"Status": 0, "TencentVod": {"UserId": "xx", "TrackType": "audio_video", "MediaId": "main", "FileId": "xxxx", "VideoUrl": "http://xxxx", "CacheFile": "xxxx.mp4", "StartTimeStamp": 1622186279153, "EndTimeStamp": 1622186282153}}}}`,
		"VOD commit: xx/audio_video FileId xxxx", &VODCommitted{TencentVod: VODFile{UserId: "xx", TrackType: "audio_video", MediaId: "main", FileId: "xxxx", VideoUrl: "http://xxxx", CacheFile: "xxxx.mp4", StartTimeStamp: 1622186279153, EndTimeStamp: 1622186282153}}},
	{"311 failed", `{"EventGroupId": 3, "EventType": 311, "CallbackTs": 1622191965320, "EventInfo": {"RoomId": "20015", "EventTs": 1622191965, "EventMsTs": 1622186275757, "UserId": "xx", "TaskId": "xx", "Payload": {"Status": 1, "Errmsg": "xxx", "TencentVod": {"UserId": "123", "TrackType": "audio_video", "CacheFile": "xxx.mp4"}}}}`,
		"VOD commit of 123/audio_video failed (Status 1): xxx", &VODCommitted{Status: 1, Errmsg: "xxx", TencentVod: VODFile{UserId: "123", TrackType: "audio_video", CacheFile: "xxx.mp4"}}},
	{"312", `{"EventGroupId": 3, "EventType": 312, "CallbackTs": 1622191965320, "EventInfo": {"RoomId": "20015", "EventTs": 1622191965, "EventMsTs": 1622186275757, "UserId": "xx", "TaskId": "xx", "Payload": {"Status": 0}}}`,
		"VOD task finished", &VODStopped{}},
	{"a type beyond 312", `{"EventGroupId": 3, "EventType": 399, "CallbackTs": 1622191965320, "EventInfo": {"RoomId": "20015", "EventTs": 1622191965, "UserId": "xx", "TaskId": "xx", "Payload": {"New": true}}}`,
		"399 (unknown type)", nil},
}

func numPtr(n Num) *Num { return &n }

func TestDecodeDocumentedBodies(t *testing.T) {
	for _, tt := range documented {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := decode([]byte(tt.body), 1400000001, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var b Body
			json.Unmarshal([]byte(tt.body), &b) //nolint:errcheck // decode succeeded
			want := int64(b.EventInfo.EventMsTs)
			if want == 0 {
				want = int64(b.EventInfo.EventTs) * 1000
			}
			if ev.At.UnixMilli() != want || ev.Sent.UnixMilli() != int64(b.CallbackTs) || ev.Type != b.EventType || ev.SdkAppID != 1400000001 {
				t.Fatalf("event %+v: times or type wrong", ev)
			}
			d, err := ev.detail()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d, tt.detail) {
				t.Fatalf("detail = %#v, want %#v", d, tt.detail)
			}
			if rd, rs := ev.Read(); !reflect.DeepEqual(rd, tt.detail) || rs != tt.summary {
				t.Fatalf("Read = %#v, %q; want %#v, %q", rd, rs, tt.detail, tt.summary)
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	ok := `{"EventGroupId": 3, "EventType": 301, "CallbackTs": 1, "EventInfo": {"EventMsTs": 1, "TaskId": "xx"}}`
	if _, err := decode([]byte(ok), 1, time.Now()); err != nil {
		t.Fatalf("the minimal body is refused: %v", err)
	}
	tests := []struct{ name, body, want string }{
		{"empty", ``, "not a JSON object"},
		{"array", `[1]`, "not a JSON object"},
		{"truncated", ok[:40], "unexpected end"},
		{"trailing data", ok + `{}`, "invalid character"},
		{"room group", strings.Replace(ok, `"EventGroupId": 3`, `"EventGroupId": 1`, 1), "not a recording callback: EventGroupId 1"},
		{"no group", strings.Replace(ok, `"EventGroupId": 3, `, ``, 1), "EventGroupId 0"},
		{"no TaskId", strings.Replace(ok, `"TaskId": "xx"`, `"TaskId": ""`, 1), "TaskId: empty"},
		{"TaskId with an escape", strings.Replace(ok, `"xx"`, `"x\u001b[2Jx"`, 1), "TaskId"},
		{"no CallbackTs", strings.Replace(ok, `"CallbackTs": 1, `, ``, 1), "CallbackTs missing"},
		{"no event time", strings.Replace(ok, `"EventMsTs": 1, `, ``, 1), "neither EventMsTs nor EventTs"},
		{"no type", strings.Replace(ok, `"EventType": 301, `, ``, 1), "EventType missing"},
		{"fractional time", strings.Replace(ok, `"CallbackTs": 1`, `"CallbackTs": 1.5`, 1), "not an integer"},
		{"room as an object", strings.Replace(ok, `"EventInfo": {`, `"EventInfo": {"RoomId": {}, `, 1), "RoomId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode([]byte(tt.body), 1, time.Now())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decode = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestBodyRoundTrip: what the emulator marshals is read back the same, a
// numeric room as a number and a string room as a string.
func TestBodyRoundTrip(t *testing.T) {
	for _, room := range []RoomID{{ID: "12345", Numeric: true}, {ID: "class-7"}} {
		payload, _ := json.Marshal(FileStarted{FileName: "f.m3u8", UserId: "u", TrackType: "audio", BeginTimeStamp: 42})
		in := Body{EventGroupId: 3, EventType: FileSlice, CallbackTs: 1700000000123, EventInfo: EventInfo{
			RoomId: room, EventTs: 1700000000, EventMsTs: 1700000000100, UserId: "robot", TaskId: "xx", Payload: payload}}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"RoomId":` + map[bool]string{true: `12345`, false: `"class-7"`}[room.Numeric]; !strings.Contains(string(b), want) {
			t.Fatalf("%s lacks %s", b, want)
		}
		var out Body
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("round trip: %+v, want %+v", out, in)
		}
	}
}

func TestEventTypeNames(t *testing.T) {
	if s := EventType(300).String(); s != "300 (unknown type)" {
		t.Fatal(s)
	}
	for c, want := range map[int64]string{99: "no other user streamed", 101: "same user entered", 7: "undocumented"} {
		if !strings.Contains(LeaveCodeText(c), want) {
			t.Errorf("LeaveCodeText(%d) = %q", c, LeaveCodeText(c))
		}
	}
}

// TestProblem: the callbacks that report a failure or an abnormal end are
// named (the dashboard's hooks fire for them), the routine ones are not:
// the documented bodies, and each failing status.
func TestProblem(t *testing.T) {
	want := map[string]string{ // documented[i].name → Problem; absent: ""
		"305 (54914's field name)":     "files left on the server",
		"306":                          "recorder failover",
		"308":                          "upload error",
		"309 (trailing comma removed)": "image download failed",
		"311 failed":                   "VOD commit failed",
	}
	for _, tt := range documented {
		if got := Problem(tt.detail); got != want[tt.name] {
			t.Errorf("%s: Problem = %q, want %q", tt.name, got, want[tt.name])
		}
	}
	for _, tt := range []struct {
		d    any
		want string
	}{
		{&RecorderStarted{Status: 1}, "recorder start failed"},
		{&UploadStarted{Status: 1}, "upload start failed"},
		{&UploadStopped{Status: 1}, "files left on the server"},
		{&UploadStopped{Status: 2}, ""}, // the files left behind were uploaded later
		{&FailedOver{Status: 1}, "recorder failover"},
		{&MP4Stopped{Status: 2}, "MP4 incomplete"},
		{&VODCommitted{Status: 2}, "VOD commit failed"},
		{&VODStopped{Status: 1}, "VOD task ended abnormally"},
		{&RecorderStopped{LeaveCode: 99}, ""},
		{nil, ""},
	} {
		if got := Problem(tt.d); got != tt.want {
			t.Errorf("Problem(%#v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
