// Package callback receives TRTC's on-cloud recording callbacks (event
// group 3, types 301–312): the wire format (Body, the payload types), the
// signature (Sign, Verify) and an HTTP receiver (Receiver) that checks each
// callback and hands the accepted ones on without ever making TRTC wait.
// The emulator posts the same Body, signed with the same Sign, so both
// sides of a test share one definition.
//
// Sources: "Cloud Recording Callback" (https://trtc.io/document/54914,
// https://cloud.tencent.com/document/product/647/81113), the recording
// guide's callback section (https://trtc.io/document/45169) and "Verify
// Signature Example" (https://trtc.io/document/54912), whose documented
// key "123654" and 204 body sign to kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA=
// (TestSignDocumentedExample).
//
// # What the receiver checks
//
// In this order, each failure refused with its Reason's HTTP status,
// counted per reason, and never handed on: POST (405); Content-Type
// application/json (415); the body within MaxBody, read whole before the
// server's ReadTimeout (413, 400); Sign = base64(HMAC-SHA256(key, raw
// body)), compared in constant time (401), unless the receiver was made
// Insecure; the SdkAppId header a number (400) that the caller watches
// (403); the body one JSON object with EventGroupId 3 (422), a valid
// TaskId, CallbackTs and EventMsTs or EventTs (400); CallbackTs within
// ±Window of this machine's clock (401 stale: a replay or a wrong clock).
// The signature is checked before the SdkAppId so that a stranger cannot
// learn which applications are watched.
//
// Liberal where TRTC's own pages disagree: RoomId a string or a number,
// EventTs and other integers a number or a string of digits, EventMsTs
// absent (EventTs×1000 is used), unknown fields and event types kept (a
// type beyond 312 is handed on, shown by number). The payload is decoded
// only when a consumer asks (Event.Detail), so an odd payload never costs
// the callback.
//
// # Accepted callbacks are never lost, and never wait
//
// An accepted callback is answered 200 {"code":0} at once. It goes into an
// inbox (a slice under a mutex: O(1) to append) and wakes the consumer
// through Ready, a one-slot channel written without blocking. The consumer
// takes the whole inbox with Drain, which swaps slices (O(1), no copying),
// and files the batch at its own pace: the HTTP answer never depends on
// the consumer, and nothing accepted is ever dropped. The inbox is bounded
// (MaxPending): when it is full a callback is refused 503 before it is
// accepted, and not remembered by the duplicate filter, so TRTC sends it
// again (at once, then every 10 s for a minute). A consumer that drains
// every few milliseconds never lets that happen (TestLoad offers 10,000
// callbacks a second for 10 s over loopback: 9,600-9,800 a second were
// reached on a shared two-core machine, none lost or handed on twice, the
// inbox never above ~400, the handler's median 9 µs).
//
// Duplicates and retries (same task, type, event time and payload; see
// dedupe) are answered 200 and counted, not handed on again. The filter
// forgets an entry only once no copy of that message could pass the
// CallbackTs check, so a captured body replayed later is refused either
// as a duplicate or as stale. It costs ~65 bytes a callback while it
// remembers it, and gives the room back once they expire.
//
// # How the engine should consume callbacks (the wiring of stage 2)
//
// A callback is a hint; the API is the truth. The engine never sets a
// task's status from a callback: it records what the callback said and
// asks the API at once.
//
//   - A goroutine the engine owns waits on Receiver.Ready, calls
//     Drain(previous) and hands the batch to the engine under its lock in
//     one go. Filing is O(1) per event (a map look-up by SdkAppId and
//     TaskId, an append), so 10,000 callbacks a second cost the engine
//     milliseconds, and the UI, which only reads snapshots, is never
//     blocked.
//   - For a watched task (any region: a callback names no region, so the
//     engine indexes its tasks by SdkAppId and TaskId), an accepted
//     callback records an event at once (the events pane, the event log,
//     the hooks) with source "callback" and Event.Summary as its text, and
//     asks about the task (the existing ask class: the front of the poll
//     queue), so the row shows the confirmed state one round trip later.
//     Asks are coalesced: at most one confirming call per task per second,
//     however many callbacks arrive, so a burst never spends the quota.
//   - Out of order never rolls back. What callbacks tell is kept per task
//     keyed by Event.At (EventMsTs), not by arrival: the latest event of
//     each type wins only if its At is later; files (307), MP4 files (310)
//     and VOD commits (311) are sets keyed by file name; "recorder
//     stopped" (302) and "VOD task finished" (312) are final once seen.
//     The status shown is always the API's.
//   - Shown beside the API's fields (details, describe, export): the
//     RoomId and robot UserId, the UserId and TrackType of each file (from
//     307, which DescribeCloudRecording never gives), failovers (306) with
//     their times, upload start and stop (303/305) with status, the
//     LeaveCode and its meaning (302), MP4 (310) and VOD (311/312) results.
//   - A callback for a task not in the list: with --adopt, and only for a
//     watched SdkAppId, the task is added (region: the default one),
//     marked adopted with its RoomId, at most N tasks in all and M a
//     minute (e.g. 500 and 60; the rest counted and listed as "not
//     watched"). Without --adopt it is counted and listed in the events
//     pane as "not watched", with a key to add it.
//   - Adaptive polling: a task whose callbacks keep arriving (one in the
//     last --confirm-interval) may be polled less often, stretched up to
//     once per --confirm-interval (default 30 s) and never less; any
//     callback asks at once anyway. The quota still bounds everything: at
//     20 calls/s, 2,000 tasks can be visited once per 100 s at best, so
//     the order is asks from callbacks first, then tasks without callbacks
//     at the normal interval, then confirmations, oldest first; with
//     callbacks the calls go where something changed instead of to tasks
//     that only confirm what a callback already said.
//
// Proposed engine API (package watch; not implemented here):
//
//	// PushOptions configure Engine.Push.
//	type PushOptions struct {
//		Adopt           bool          // add unknown tasks of watched apps
//		MaxAdopted      int           // in all (default 500)
//		AdoptPerMinute  int           // default 60
//		ConfirmInterval time.Duration // longest unpolled gap for a task with callbacks (default 30s)
//		ConfirmGap      time.Duration // shortest gap between two confirming calls of a task (default 1s)
//	}
//
//	// ConsumeCallbacks drains r until ctx ends, filing each batch with Push.
//	func (e *Engine) ConsumeCallbacks(ctx context.Context, r *callback.Receiver)
//
//	// Push files accepted callbacks: events (Kind EventCallback, Source
//	// "callback", Text ev.Summary()), asks, adoption. Never blocks on I/O.
//	func (e *Engine) Push(evs []callback.Event) PushResult
//
//	// PushResult counts what Push did with a batch.
//	type PushResult struct{ Filed, Adopted, NotWatched int }
//
//	// Task gains Push *Pushed (nil until a callback names the task):
//	type Pushed struct {
//		RoomID, RobotID string
//		Adopted         bool
//		Last            map[callback.EventType]time.Time // latest At per type
//		LeaveCode       *int64
//		Failovers       []time.Time
//		UploadStatus    *int64 // 305
//		Files           []callback.FileStarted // 307, by FileName
//		MP4             []callback.MP4File
//		VOD             []callback.VODCommitted
//	}
//
// and the header reads Receiver.Stats().String() next to the engine's
// figures ("callbacks 12 ok · 3 refused"), Stats.Reasons() in describe.
package callback
