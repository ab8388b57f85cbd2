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
