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
