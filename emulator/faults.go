package emulator

import (
	"context"
	"time"
)

// faultKind is one of the transient failures a real deployment shows.
type faultKind int

const (
	faultInternal  faultKind = iota // InternalError in the normal JSON shape
	faultBadGate                    // HTTP 502 with an HTML body, as a gateway sends it
	faultTruncated                  // HTTP 200 with the JSON body cut short
	faultStall                      // no answer until StallFor passes (past the client timeout)
)

var allFaults = []faultKind{faultInternal, faultBadGate, faultTruncated, faultStall}

func (f faultKind) String() string {
	return [...]string{"InternalError", "HTTP 502", "truncated body", "stall"}[f]
}

// badGateway is what a load balancer in front of the API answers.
const badGateway = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>stgw</center>
</body>
</html>
`

// pickFault draws whether this request gets a random fault, and which.
func (s *Server) pickFault() (faultKind, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faultRate <= 0 || s.rng.Float64() >= s.faultRate {
		return 0, false
	}
	kinds := s.faultKinds
	if len(kinds) == 0 {
		kinds = allFaults
	}
	return kinds[s.rng.IntN(len(kinds))], true
}

// windowFault is the code a scenario fault window makes taskID answer now.
// Caller holds s.mu.
func (s *Server) windowFault(taskID string, now time.Time) (string, bool) {
	since := now.Sub(s.start)
	for _, f := range s.faults[taskID] {
		if since >= f.At && since < f.At+f.For {
			return f.Code, true
		}
	}
	return "", false
}

// pause waits d, unless the client goes away or the server closes first; it
// reports whether the full time passed.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// messages are the texts of the codes the emulator answers; the real
// service's wording where it is known, plain descriptions otherwise.
var messages = map[string]string{
	"InternalError":                         "An internal error has occurred. Retry your request, but if the problem persists, contact us.",
	"InternalError.CRInternalError":         "On-cloud recording internal error.",
	"ResourceNotFound":                      "The resource does not exist: no running recording task has this TaskId.",
	"FailedOperation.TaskNotExist":          "The task does not exist or has ended.",
	"FailedOperation.TaskFinished":          "The task has finished.",
	"FailedOperation.RestrictedConcurrency": "The maximum number of concurrent recording tasks has been reached.",
	"FailedOperation":                       "The operation failed.",
	"AuthFailure":                           "CAM signature/authentication error.",
	"AuthFailure.UnauthorizedOperation":     "The request is not authorized by CAM.",
	"ServiceUnavailable":                    "The service is temporarily unavailable.",
}

// messageFor gives a message for any code, including scenario fault codes.
func messageFor(code string, limit int) string {
	if code == "RequestLimitExceeded" {
		return limitMessage(limit+1, limit)
	}
	if m, ok := messages[code]; ok {
		return m
	}
	return "Error " + code + " (emulated)."
}
