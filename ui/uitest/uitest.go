// Package uitest holds the recording fixtures the tests of ui and of its
// sub-models share: a task with documented file names (two users, a screen
// share, a failover, a mixed file, a last error and a history), the same
// with 200 files, and the demo's files. Written once so that the root's
// details and the describe view are tested on the same task.
package uitest

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// T0 is the fixed clock of the tests that use these fixtures.
var T0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// RequestIds as the API writes them: 36 characters.
const (
	RecReq1 = "2e9d4422-8190-4406-8bf1-852d2123eb89"
	RecReq2 = "467950eb-26de-458d-9a1b-0c2f3e4d5a6b"
	RecReq3 = "9706e566-6155-4bef-bb5b-1aab3931370f"
	RecErr  = "c0ffee00-1111-4222-8333-944455556666"
)

const RecTaskID = "PvRgmGoZMQ21X+H2BFj8j+VYuYvrAVyzly+B4Mu7p4TpLvH4dkRfllBszzX2eDydAthZnwfb+nA."

// B64 is the recording names' encoding, written here independently.
func B64(s string) string {
	return strings.NewReplacer("/", "-", "=", ".").Replace(base64.StdEncoding.EncodeToString([]byte(s)))
}

// RecName is a documented single-stream index file name.
func RecName(prefix, user, media, typ string) string {
	return RecTaskID + "/" + prefix + "1400000001_20002__UserId_s_" + B64(user) + "__UserId_e_" + media + "_" + typ + ".m3u8"
}

// RecordingTask has documented names: two users (one with a long id), a
// screen share, a failover and a mixed file, a last error and history.
func RecordingTask() watch.Task {
	long := "student_with_a_rather_long_user_id_0001"
	files := []watch.File{
		{UserID: "teacher_li", TrackType: "audio", FileName: RecName("", "teacher_li", "main", "audio"), Begin: T0.Add(-3 * time.Minute)},
		{UserID: long, TrackType: "video", FileName: RecName("", long, "main", "video"), Begin: T0.Add(-2 * time.Minute)},
		{UserID: "teacher_li", TrackType: "video", FileName: RecName("", "teacher_li", "aux", "video"), Begin: T0.Add(-90 * time.Second)},
		{UserID: "teacher_li", TrackType: "audio", FileName: RecName("ha1_", "teacher_li", "main", "audio"), Begin: T0.Add(-time.Minute)},
		{UserID: "", TrackType: "audio_video", FileName: RecTaskID + "/1400000001_20002.m3u8", Begin: T0.Add(-time.Minute)},
	}
	raw := `{"Status":"InProgress","StorageFileList":[{"UserId":"teacher_li","FileName":"` + files[0].FileName +
		`","TrackType":"audio","BeginTimeStamp":1}],"RequestId":"` + RecReq3 + `","TaskId":"` + RecTaskID + `"}`
	return watch.Task{
		Ref: taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: RecTaskID}, Note: "ticket 4711", Phase: watch.InProgress, Since: T0.Add(-3 * time.Minute), AddedAt: T0.Add(-time.Hour),
		Last:     watch.NewAnswer("InProgress", RecReq3, T0.Add(-2*time.Second), files, []byte(raw)),
		LastErr:  &watch.Failure{Kind: client.KindTransient, Code: "InternalError.CRInternalError", Message: "on-cloud recording internal error, try again later please", RequestID: RecErr, At: T0.Add(-time.Second)},
		Failures: 1, Stale: true, SeenLive: true, NextPoll: T0.Add(time.Second),
		History: []watch.Transition{
			{At: T0.Add(-5 * time.Minute), From: watch.Pending, To: watch.Idle, RequestID: RecReq1},
			{At: T0.Add(-3 * time.Minute), From: watch.Idle, To: watch.InProgress, RequestID: RecReq2},
		},
	}
}

// DemoFiles are the files of the demo's "class of five": keys of about
// 150 characters, the TaskId as the folder.
func DemoFiles(taskID string) []watch.File {
	var fs []watch.File
	for _, u := range []string{"dGVhY2hlcl9saQ..", "c3R1ZGVudF8wMQ..", "5Li75pKtX+Wwj+aYjg.."} {
		for _, tr := range []string{"audio", "video"} {
			fs = append(fs, watch.File{UserID: "u", TrackType: tr, Begin: T0.Add(-time.Minute),
				FileName: taskID + "/1400000001_20002__UserId_s_" + u + "__UserId_e_main_" + tr + ".m3u8"})
		}
	}
	return fs
}

// BaseNames are the files' own names, after their folder.
func BaseNames(fs []watch.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.FileName[strings.LastIndexByte(f.FileName, '/')+1:])
	}
	return out
}

// BigRecording is a task with 200 documented files (a 25-user room over a
// few failovers) and a full history.
func BigRecording() watch.Task {
	t := RecordingTask()
	var files []watch.File
	for i := range 200 {
		user := fmt.Sprintf("student_%03d", i%25)
		prefix := ""
		if i >= 50 {
			prefix = fmt.Sprintf("ha%d_", min(i/50, 3))
		}
		files = append(files, watch.File{UserID: user, TrackType: "audio",
			FileName: RecName(prefix, user, "main", "audio"), Begin: T0.Add(-time.Duration(i) * time.Second)})
	}
	t.Last = watch.NewAnswer(t.Last.Status, t.Last.RequestID, t.Last.At, files, t.Last.Raw())
	for i := range 50 {
		t.History = append(t.History, watch.Transition{At: T0.Add(-time.Duration(i) * time.Minute), From: watch.Idle, To: watch.InProgress, RequestID: RecReq1})
	}
	return t
}
