package common

import "time"

// FlashKind is how a message on the message line reads.
type FlashKind int

// The kinds of message.
const (
	FlashInfo FlashKind = iota
	FlashWarn
	FlashErr
)

// Flash lifetimes: long enough to read, short enough not to linger.
const (
	FlashTTL     = 4 * time.Second
	FlashLongTTL = 12 * time.Second
)

// CopyMsg asks the root model to copy Text (already sanitised), named
// What in the message that says where it went.
type CopyMsg struct{ What, Text string }

// FlashMsg asks the root model to show a message for TTL; with Once, not
// again while the same message is up (a limit said once while keys keep
// coming, so its timer is not re-armed by each).
type FlashMsg struct {
	Text string
	Kind FlashKind
	TTL  time.Duration
	Once bool
}
