package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// apiVersion is the only version of the trtc service the emulator serves.
const apiVersion = "2019-07-22"

// regions are the regions the recording actions serve (DOC-46958); the same list as
// client.Regions, repeated here because client tests import this package.
var regions = []string{"ap-beijing", "ap-guangzhou", "ap-mumbai", "ap-shanghai", "ap-singapore"}

const maxBody = 1 << 20

// record is what one request did, for Stats and the log.
type record struct {
	action, secretID, taskID string
	code                     string // API error code; "" for success
	note                     string // fault or cancellation, for the log
	throttled, fault         bool
}

type errorBody struct {
	Error     apiError `json:"Error"`
	RequestId string   `json:"RequestId"`
}

type envelope struct {
	Response any `json:"Response"`
}

// ServeHTTP answers one API request. Errors are always HTTP 200 with the
// API's error JSON, because that is the only shape every SDK reads the code
// from; the only other answers are the deliberate 502 and truncated faults.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := uuid.NewString()
	if !s.enter() {
		writeJSON(w, http.StatusOK, envelope{errorBody{apiError{"ServiceUnavailable", "The emulator is shutting down."}, reqID}})
		return
	}
	defer s.inflight.Done()
	defer s.active.Add(-1)
	begin := time.Now()
	rec := &record{action: "(none)"}
	defer func() { s.account(rec, time.Since(begin)) }()

	if !s.pause(r.Context(), s.cfg.Latency) {
		rec.note = "cancelled during latency"
		return
	}
	c, params, aerr := s.admit(r, rec)
	truncate := false
	if aerr == nil {
		if kind, ok := s.pickFault(); ok {
			rec.fault, rec.note = true, "fault: "+kind.String()
			switch kind {
			case faultInternal:
				aerr = errorf("InternalError", "%s", messageFor("InternalError", 0))
			case faultBadGate:
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				io.WriteString(w, badGateway) //nolint:errcheck // client may be gone
				return
			case faultStall:
				if !s.pause(r.Context(), s.cfg.StallFor) {
					rec.note += " (client left)"
					return
				}
			case faultTruncated:
				truncate = true
			}
		}
	}
	var resp any
	if aerr == nil {
		resp, aerr = s.dispatch(c, params, reqID)
		if tb, ok := resp.(taskBody); ok {
			rec.taskID = tb.TaskId // Create: log the new task
		}
	}
	if aerr != nil {
		rec.code = aerr.Code
		resp = errorBody{*aerr, reqID}
	}
	body, err := json.Marshal(envelope{resp})
	if err != nil { // cannot happen with our types; answer in shape anyway
		body = []byte(`{"Response":{"Error":{"Code":"InternalError","Message":"encode"},"RequestId":"` + reqID + `"}}`)
	}
	if truncate {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body) //nolint:errcheck // client may be gone
}

// enter registers a request in flight unless the server is closed.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	s.active.Add(1)
	return true
}

// admit runs the checks every action shares, in the real service's order:
// protocol, signature, version, action, quota, region, parameters.
func (s *Server) admit(r *http.Request, rec *record) (*call, map[string]any, *apiError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, nil, errorf("UnsupportedProtocol", "HTTP method %s is not supported; use POST or GET.", r.Method)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, errorf("RequestSizeLimitExceeded", "The request body is larger than %d bytes.", maxBody)
		}
		return nil, nil, errorf("InvalidParameter", "Reading the request body failed.")
	}
	c, aerr := s.verifier.verify(r, body)
	if aerr != nil {
		return nil, nil, aerr
	}
	rec.secretID = c.SecretID
	switch {
	case c.Version == "":
		return nil, nil, errorf("MissingParameter", "The request is missing a required parameter `Version`.")
	case c.Version != apiVersion:
		return nil, nil, errorf("NoSuchVersion", "The requested version `%s` of service `trtc` does not exist.", clip(c.Version))
	case c.Action == "":
		return nil, nil, errorf("MissingParameter", "The request is missing a required parameter `Action`.")
	case actions[c.Action] == nil:
		rec.action = "(invalid)"
		return nil, nil, errorf("InvalidAction", "The action `%s` of version `%s` of service `trtc` does not exist.", clip(c.Action), apiVersion)
	}
	rec.action = c.Action
	if n, ok := s.quota.arrive(c.Action, c.SecretID, time.Now()); !ok {
		rec.throttled = true
		return nil, nil, errorf("RequestLimitExceeded", "%s", limitMessage(n, s.quota.limit))
	}
	if !slices.Contains(regions, c.Region) {
		return nil, nil, errorf("UnsupportedRegion", "The action `%s` does not support region `%s`; it supports %v.", c.Action, clip(c.Region), regions)
	}
	params, aerr := parseParams(c, r, body)
	if aerr != nil {
		return nil, nil, aerr
	}
	if id, ok := params["TaskId"].(string); ok {
		rec.taskID = id
	}
	return c, params, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // client may be gone
}

// account updates Stats and writes the log line.
func (s *Server) account(rec *record, took time.Duration) {
	s.mu.Lock()
	st := s.stats[rec.action]
	if st == nil {
		st = &ActionStats{Errors: map[string]int{}}
		s.stats[rec.action] = st
	}
	st.Requests++
	if rec.throttled {
		st.Throttled++
	}
	if rec.fault {
		st.Faults++
	}
	if rec.code != "" {
		st.Errors[rec.code]++
	}
	s.mu.Unlock()
	if s.cfg.Log == nil {
		return
	}
	code := rec.code
	if code == "" {
		code = "OK"
	}
	if rec.note != "" {
		code += " [" + rec.note + "]"
	}
	// Untrusted strings are quoted so a hostile TaskId cannot drive the
	// terminal the log is shown in. The secret key never reaches a record.
	line := fmt.Sprintf("%s action=%s secret_id=%q task=%q code=%s dur=%s\n",
		time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), rec.action, clipN(rec.secretID, 128), clipN(rec.taskID, 300), code, took.Round(time.Microsecond))
	s.logMu.Lock()
	io.WriteString(s.cfg.Log, line) //nolint:errcheck // logging is best effort
	s.logMu.Unlock()
}
