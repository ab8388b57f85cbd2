package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"strconv"
	"time"

	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	tcjson "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/json"
)

// codeBadRegion is returned before any request for a region the recording
// API does not serve.
const codeBadRegion = "ClientError.UnsupportedRegion"

// envelope is the typed response the SDK decodes into: the API wraps every
// answer in {"Response": {...}}. Embedding BaseResponse gives it the SDK's
// error parsing.
type envelope[T any] struct {
	*tchttp.BaseResponse
	Response *T `json:"Response"`
}

// call is the one path every action takes: pace, sign and send through the
// region's CommonClient under a per-call deadline, then validate, scrub and
// classify. requestID extracts T's RequestId so a 200 answer without one is
// refused as garbage rather than trusted. Whatever the server sends, and
// even if something below panics, the result is an answer or an *Error
// whose every string is redacted and bounded (scrub.go).
func call[T any](c *Client, ctx context.Context, region, action string, req any, requestID func(*T) *string) (*T, error) {
	start := time.Now()
	secrets := c.secrets()
	out, err := send(c, ctx, region, action, req, requestID, secrets)
	if err != nil {
		err = scrubError(err, secrets)
		if err.Kind == KindThrottled {
			c.pacer.throttled(time.Now()) // the sends arrived bunched: widen the margin
		}
		c.log.Debug("api call failed", "action", action, "region", region, "took", time.Since(start),
			"kind", err.Kind.String(), "code", err.Code, "request_id", err.RequestID)
		return nil, err
	}
	c.log.Debug("api call", "action", action, "region", region, "took", time.Since(start),
		"request_id", Deref(requestID(out)))
	return out, nil
}

func send[T any](c *Client, ctx context.Context, region, action string, req any, requestID func(*T) *string, secrets []string) (out *T, cerr *Error) {
	defer func() {
		if p := recover(); p != nil {
			out, cerr = nil, &Error{Kind: KindTransient, Code: CodePanic, Action: action,
				Message: "internal error in the API call (a bug in trtcwatch or the SDK; please report it): " +
					scrub(fmt.Sprint(p), 512, secrets)}
			c.log.Error("panic in API call", "action", action, "region", region, "panic", cerr.Message,
				"stack", boundText(string(debug.Stack()), 16<<10))
		}
	}()
	sc, cerr := c.sdkFor(region)
	if cerr != nil {
		cerr.Action = action
		return nil, cerr
	}
	if c.cred == nil { // New never allows it; the SDK would panic
		return nil, &Error{Kind: KindAuth, Code: codeNoCred, Message: "no credential", Action: action}
	}
	params, err := actionParams(req)
	if err != nil {
		return nil, &Error{Kind: KindBadRequest, Code: "ClientError.InvalidParameter", Message: err.Error(), Action: action, Err: err}
	}
	if err := c.pacer.wait(ctx); err != nil {
		return nil, waitError(ctx, action, err)
	}

	callCtx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	ex := &exchange{}
	defer ex.release() // after Send: the SDK has read and decoded the body
	callCtx = context.WithValue(callCtx, exchangeKey{}, ex)
	r := tchttp.NewCommonRequest(service, version, action)
	if err := r.SetActionParameters(params); err != nil {
		return nil, toError(ctx, action, err)
	}
	r.SetContext(callCtx)
	env := &envelope[T]{BaseResponse: &tchttp.BaseResponse{}}
	if err := sc.Send(r, env); err != nil {
		e := toError(ctx, action, err)
		endpointError(e, err, c.ep)
		return nil, e
	}
	out, cerr = validate(env, action, requestID)
	if cerr != nil {
		return nil, cerr
	}
	if cerr := sameTask(req, out, action); cerr != nil {
		return nil, cerr
	}
	scrubResponse(out, secrets)
	if d, ok := any(out).(*DescribeCloudRecordingResponse); ok {
		d.Raw = scrubRaw(ex.raw, secrets)
	}
	return out, nil
}

// sameTask refuses an answer that names another task than the one asked
// for: taking it as the requested task's would show another task's status.
// An answer without a TaskId is the asked task's (the API echoes it, but
// its absence proves nothing).
func sameTask(req, resp any, action string) *Error {
	q, ok1 := req.(interface{ askedTaskID() *string })
	a, ok2 := resp.(interface{ answeredTaskID() *string })
	if !ok1 || !ok2 {
		return nil
	}
	asked, got := q.askedTaskID(), a.answeredTaskID()
	if asked == nil || got == nil || *got == "" || *got == *asked {
		return nil
	}
	return &Error{Kind: KindTransient, Code: CodeBadResponse, Action: action,
		Message: "answer is for task " + strconv.Quote(boundText(*got, maxTaskIDBytes)) + ", not the task asked for " +
			strconv.Quote(boundText(*asked, maxTaskIDBytes))}
}

func (r *describeCloudRecordingRequest) askedTaskID() *string { return r.TaskId }
func (r *DeleteCloudRecordingRequest) askedTaskID() *string   { return r.TaskId }

func (r *DescribeCloudRecordingResponse) answeredTaskID() *string { return r.TaskId }
func (r *DeleteCloudRecordingResponse) answeredTaskID() *string   { return r.TaskId }

// validate refuses 200 answers that the SDK accepted but that carry no
// answer: no Response object, or no RequestId (the API always sends one).
func validate[T any](env *envelope[T], action string, requestID func(*T) *string) (*T, *Error) {
	switch {
	case env.Response == nil:
		return nil, &Error{Kind: KindTransient, Code: CodeBadResponse, Action: action,
			Message: "answer has no Response object"}
	case Deref(requestID(env.Response)) == "":
		return nil, &Error{Kind: KindTransient, Code: CodeBadResponse, Action: action,
			Message: "answer has no RequestId"}
	}
	return env.Response, nil
}

// actionParams turns a typed request into the map the CommonRequest sends.
// It decodes numbers as json.Number (the SDK's own), so a uint64 SdkAppId
// goes out digit for digit instead of through a float64.
func actionParams(req any) (map[string]any, error) {
	if req == nil || (reflect.ValueOf(req).Kind() == reflect.Pointer && reflect.ValueOf(req).IsNil()) {
		return nil, errors.New("nil request")
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	dec := tcjson.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	m := map[string]any{}
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return m, nil
}

// waitError explains why no slot was granted: the caller cancelled, or its
// deadline (already passed, or earlier than the next free slot) ended it.
func waitError(ctx context.Context, action string, err error) *Error {
	if ctx.Err() == context.Canceled {
		return &Error{Kind: KindTransient, Code: codeCanceled, Action: action,
			Message: "cancelled while waiting for a slot under the quota", Err: ctx.Err()}
	}
	return &Error{Kind: KindTransient, Code: codeRateWait, Action: action,
		Message: "deadline ends before the next slot under the quota: " + err.Error(),
		Err:     fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)}
}

// Deref reads one of the API's optional strings, absent as "": one reader
// for every package that takes an answer apart.
func Deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
