package emulator

import "time"

// The demo credentials: the key pair the emulator accepts when Config leaves
// SecretID/SecretKey empty, so `trtcwatch --demo` and `trtcwatch emulator`
// work with no setup. They are shaped like real keys (36-character SecretId
// starting with AKID, 32-character SecretKey) and are public on purpose:
// they only ever open the local emulator.
const (
	DemoSecretID  = "AKIDtrtcwatchDEMO0000000000000000000"
	DemoSecretKey = "trtcwatchDEMOsecretKEY0000000000"
)

// DemoSdkAppID is the SdkAppId of every demo task.
const DemoSdkAppID uint64 = defaultAppID

// DemoNeverFoundTaskID is well formed but names no task, so the demo can
// show the "never found" row.
const DemoNeverFoundTaskID = "-c6O99mbCbzqCK48LjB65o8jAUd2PfawjI-1f4XgopV3H3yUhd0nBNlcG56HuZDve7I7FKXcqgA."

// demoIDs are fixed so that a watch list saved during one demo still names
// the same tasks in the next.
var demoIDs = []string{
	"5NKVI7IqxL3DKwaGTctS4GiGA47RnV4UFssvJl0GikVgQx10xGwbniuZ0qEVdpE1dN+8MbBuaH4.",
	"PvRgmGoZMQ21X+H2BFj8j+VYuYvrAVyzly+B4Mu7p4TpLvH4dkRfllBszzX2eDydAthZnwfb+nA.",
	"IHVs6j4+9Renry4M2dVAPKnfcJX+PQHclPDT-BYQUkCehkKsHZRZ4aubN0ZM0ZlB4BPm4S5YSb0.",
	"dFyBGhRY3EBAuF5ZR9C3bNs9GzSXebKGTMp4wJWIA8VDdNIrsnVNfaRETTdC-Eze3-mQmvWn2l8.",
	"JN6QCJdpT2lyF-D7nyIcZBofjFkfwVJAuOH+ApFdu6cGYQQOcU9jXThE9SGugNtK2VQpEhq72s0.",
	"mgJtzRfujGxTU0aNeyfuMcKR2EuRaUnXRyzi-KnU0Ycs51ErInkWBJLJJ5jSaST1dr3rTjoMxxA.",
	"kZn9Rze6uwF8YeHoM7H5-w3LAb45KGNpOwyjb14Kuz1vQThrmcqRRb-EsELTNVEgQvSKtCQCxB8.",
	"qhe4Dci3sqDkT1Vk1x00RBbpFmOksX2j1JG4rfctR4BxSsxc2DD3+LgPtOKHMUinsi3f6Ku-vPI.",
	"+V0McEYChs5RyxprKH8XxJZ4N5+De2RaYs6rnss3xUV0jviN32HNEFStsCSbr5tSOLy0Ax11Y-Y.",
	"d6YdUhqUzRtnIwSBYX8IIgC9omEHbeUTfcgwKRR7YffQWEgRJK9Nz9YPKFZPgWiQXEkAM0mLv2A.",
	"XyXWUAxSNeco-3-GaLpKI-Iuv5AztRbF-BYpILH+0K1uR3l1mtO+B5J+AX2PRnWkSx3SYAXTmx4.",
	"yYu8u4mrKoQgQyy7BjkdxgftlK9+EhfzUxauYNYAb2dzl2Qie-GtISmr7GoMHqfCymvTP+10zo4.",
	"zBQ8kCz0HvlOtCVr9tvqHEUuLCALBkzuxNap5uV8IjKHk5rktVd185HeO2HfF3i7eDv+yML5WJ0.",
	"g8stxz2ps3CjJPZyG0odNaFxQ5OIiFH1dNOHd0XKfSVaplmCbP-lxmLC8VJQYIjulUcIk7y-9MY.",
}

// demoHostileUser is the demo user whose name carries terminal escapes, a
// bell and a right-to-left override; the dashboard must show it defanged.
const demoHostileUser = "evil\x1b]0;pwned\x07\u202e"

// DemoScenario is the built-in scenario behind `trtcwatch --demo`: a dozen
// tasks that between them show every state and failure the dashboard must
// render within the first few minutes (idle, streaming with growing file
// lists, VOD with an empty list, Exited then gone, a fault window, a
// throttling burst, a hostile user name, a mixed recording, a recorder
// failover) and, when the emulator posts callbacks, every kind it sends.
// Task order and IDs are stable.
func DemoScenario() *Scenario {
	const sec = time.Second
	type st = []Step
	tasks := []ScenarioTask{
		// Robot in the room, nobody streaming yet.
		{Users: []string{"alice"}},
		// A class streaming from the start: five users, ten files over ~100 s, a pause later.
		{Users: []string{"teacher_li", "student_01", "student_02", "student_03", "主播_小明"},
			Timeline: st{{0, statusInProgress}, {240 * sec, statusIdle}, {260 * sec, statusInProgress}}},
		// Starts streaming after a while.
		{Users: []string{"bob", "carol"}, Timeline: st{{12 * sec, statusInProgress}}},
		// VOD storage: streaming, but the file list stays empty.
		{Storage: storageVOD, Users: []string{"dave", "erin"}, Timeline: st{{0, statusInProgress}}},
		// Ends on its own: Exited at 35 s, gone at 40 s; writes MP4 too (a 310 callback).
		{Users: []string{"frank"}, Timeline: st{{0, statusInProgress}, {35 * sec, statusExited}, {40 * sec, statusGone}}, MP4: true},
		// Answers InternalError.CRInternalError for 15 s (see faults).
		{Users: []string{"grace", "heidi"}, Timeline: st{{2 * sec, statusInProgress}}},
		// Answers RequestLimitExceeded for 10 s (see faults).
		{Users: []string{"ivan"}, Timeline: st{{5 * sec, statusInProgress}}},
		// Hostile user names for the sanitiser.
		{Users: []string{demoHostileUser, "mallory\r\n[fake] log line", "normal_user"}, Timeline: st{{3 * sec, statusInProgress}}},
		// Flaps between streaming and idle, then ends.
		{Users: []string{"judy", "ken"}, Timeline: st{{5 * sec, statusInProgress}, {50 * sec, statusIdle}, {80 * sec, statusInProgress}, {130 * sec, statusIdle}, {160 * sec, statusExited}, {165 * sec, statusGone}}},
		// VOD task that ends after three minutes.
		{Storage: storageVOD, Users: []string{"leo"}, Timeline: st{{10 * sec, statusInProgress}, {180 * sec, statusExited}, {185 * sec, statusGone}}},
		// A big room: ten users, files keep arriving for over three minutes.
		{Users: []string{"u01", "u02", "u03", "u04", "u05", "u06", "u07", "u08", "u09", "u10"}, Timeline: st{{20 * sec, statusInProgress}}},
		// Nobody ever streams: exits as if MaxIdleTime ran out (LeaveCode 99 in its callback).
		{Users: []string{"nina"}, Timeline: st{{90 * sec, statusExited}, {95 * sec, statusGone}}, LeaveCode: 99},
		// Mixed recording: one <SdkAppId>_<RoomId>.m3u8 for the whole room, UserId empty.
		{Mixed: true, Users: []string{"host", "guest_1", "guest_2"}, Timeline: st{{4 * sec, statusInProgress}}},
		// The recorder fails over at 45 s: every file is written again with the ha1_ prefix.
		{Users: []string{"olga", "pete"}, Timeline: st{{0, statusInProgress}}, Failovers: []time.Duration{45 * sec}},
	}
	for i := range tasks {
		tasks[i].TaskID = demoIDs[i]
		tasks[i].SdkAppID = DemoSdkAppID
		tasks[i].RoomID = uint64(20001 + i)
	}
	return &Scenario{
		Tasks: tasks,
		Faults: []FaultWindow{
			{TaskID: demoIDs[5], At: 20 * sec, For: 15 * sec, Code: "InternalError.CRInternalError"},
			{TaskID: demoIDs[6], At: 45 * sec, For: 10 * sec, Code: "RequestLimitExceeded"},
		},
		// With callbacks on, a few arrive twice or out of order, as TRTC's may.
		Callbacks: CallbackChaos{Duplicates: 0.05, Reorder: 0.05},
	}
}
