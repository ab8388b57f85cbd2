// Package callback receives TRTC's on-cloud recording callbacks (event
// group 3, types 301–312): the wire format (Body, the payload types), the
// signature (Sign) and an HTTP receiver (Receiver) that checks each
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
// server's read timeout (413, 400); Sign = base64(HMAC-SHA256(key, raw
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
// only when a consumer asks (Event.Read), so an odd payload never costs
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
// # How the engine consumes callbacks
//
// Package watch does it (watch/push.go, pushed.go, adopt.go); in short:
//
//   - Engine.ConsumeCallbacks(ctx, r) waits on Ready, calls Drain and
//     hands each batch to Engine.Push, which decodes the payloads (Read)
//     outside the engine's lock and files them under it, 256 at a time:
//     O(1) per callback in the number of tasks (a map look-up by SdkAppId
//     and TaskId: a callback names no region), no I/O, so the inbox never
//     fills and the UI, which reads snapshots, is never held for long.
//   - Options.Watched is Engine.WatchesApp: the SdkAppIds of the watched
//     tasks and of watch.PushConfig.Apps, read from an atomic set.
//   - A callback is a hint; the API is the truth. For a watched task it
//     records an event (watch.EventCallback, By "callback", Text the type
//     and Read's summary), keeps what DescribeCloudRecording never says on
//     Task.Pushed (room, robot, files with their users, failovers, upload
//     start and stop, the LeaveCode, MP4 and VOD results), keyed by event
//     time so that out of order never rolls back, bounded per task; and
//     asks the API about the task at once, at most once per ConfirmGap
//     (1 s) however many arrive. The phase shown is always the API's.
//   - A callback for a task not watched: with PushConfig.Adopt the task
//     is added in PushConfig.Region, marked adopted with its room (and so
//     saved in the watch list), at most MaxAdopted (500) at once and
//     AdoptPerMinute (60); otherwise, or past a bound, it is counted and
//     listed as watch.EventNotWatched with the ref to add.
//   - A task whose callbacks keep arriving is polled at most once per
//     ConfirmInterval (30 s) instead of every Interval.
//
// The engine's stats carry the receiver's (watch.Stats.Push.Receiver,
// read while ConsumeCallbacks runs), so the header's "callbacks 12 ok · 3
// refused" (Stats.String) comes from the engine like its other figures.
package callback
