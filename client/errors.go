package client

import (
	"errors"
	"fmt"
	"time"
)

// Kind is what the caller should do about a failed call. The dashboard and
// the scheduler switch on it; they never parse error strings.
type Kind int

const (
	// KindUnknown is only the zero value; Classify never returns it for a non-nil error.
	KindUnknown Kind = iota
	// KindGone: the task does not exist (any more). Stop polling it.
	KindGone
	// KindThrottled: over the API quota. Slow down.
	KindThrottled
	// KindAuth: credentials are missing, wrong or lack permission. Retrying will not help.
	KindAuth
	// KindBadRequest: the request itself is wrong (parameter, region, action).
	KindBadRequest
	// KindTransient: network, timeout, server error or garbage reply. Retry with backoff.
	KindTransient
	// KindConfig: the endpoint is misconfigured: its host does not resolve,
	// or nothing listens there. Like KindAuth, retrying at full pace will
	// not help; the engine gates on it and probes until it works.
	KindConfig
)

func (k Kind) String() string {
	switch k {
	case KindGone:
		return "gone"
	case KindThrottled:
		return "throttled"
	case KindAuth:
		return "auth"
	case KindBadRequest:
		return "bad request"
	case KindTransient:
		return "transient"
	case KindConfig:
		return "config"
	}
	return "unknown"
}

// Error is every error the client returns: classified, with the API's code,
// message and RequestId kept for the engineer to quote. It never holds a
// secret: messages built by the client name credential sources, not values.
type Error struct {
	Kind      Kind
	Code      string // API code (e.g. "ResourceNotFound") or SDK client code ("ClientError.NetworkError")
	Message   string
	RequestID string
	Action    string
	Err       error // underlying cause, if any
	// At is when the call failed. The engine sets it on the copy it keeps
	// (as watch.Failure, the same type), so the dashboard can say how long
	// ago; the client leaves it zero.
	At time.Time
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Code, e.Message)
	if e.RequestID != "" {
		s += " (RequestId " + e.RequestID + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, KindUnknown for nil or foreign errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}
