package client

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// Codes the client makes up itself, for failures that never reached the API
// or whose answer was unusable. They sit in the SDK's "ClientError." family
// so that logs read the same whichever layer failed.
const (
	CodeBadResponse = "ClientError.BadResponse" // 200 answer without Response or RequestId, or an unreadable body
	codeCanceled    = "ClientError.Canceled"    // the caller cancelled the context
	codeRateWait    = "ClientError.RateWait"    // the context ended while waiting for a slot under the quota
	codeNoCred      = "ClientError.CredentialError"
)

// goneCodes are the answers that mean "this task no longer exists". Only
// ResourceNotFound is documented for DescribeCloudRecording; the others are
// what sibling TRTC task APIs answer, tolerated in case the service does.
var goneCodes = map[string]bool{
	"FailedOperation.TaskNotExist": true,
	"FailedOperation.TaskFinished": true,
	"InvalidParameter.TaskId":      true,
}

// badRequestCodes are exact codes (beyond the prefixes in Classify) that a
// retry will not fix because the request itself is wrong.
var badRequestCodes = map[string]bool{
	"UnsupportedRegion":                 true,
	"InvalidAction":                     true,
	"NoSuchVersion":                     true,
	"NoSuchProduct":                     true,
	"UnsupportedProtocol":               true,
	"RequestSizeLimitExceeded":          true,
	"ActionOffline":                     true,
	"InvalidRequest":                    true,
	"DryRunOperation":                   true,
	"FailedOperation.CRUnsupportMethod": true,
	"ClientError.InvalidParameter":      true,
	codeBadRegion:                       true,
}

// classifyCode maps an API or SDK error code to what the caller should do about
// it. Unknown codes are transient: retrying with backoff is the safe default
// for a code we have never seen, and the code is shown to the user anyway.
func classifyCode(code string) Kind {
	has := func(prefix string) bool { return code == prefix || strings.HasPrefix(code, prefix+".") }
	switch {
	case has("ResourceNotFound") || goneCodes[code]:
		return KindGone
	case has("RequestLimitExceeded") || code == "OperationDenied.FreqOverLimit" ||
		code == "FailedOperation.RestrictedFrequency":
		return KindThrottled
	case has("AuthFailure") || has("UnauthorizedOperation") || code == codeNoCred ||
		code == "IpInBlacklist" || code == "IpNotInWhitelist":
		return KindAuth
	case has("InvalidParameter") || has("InvalidParameterValue") || has("MissingParameter") ||
		has("UnknownParameter") || has("UnsupportedOperation") || badRequestCodes[code]:
		return KindBadRequest
	}
	return KindTransient
}

// toError turns anything the SDK or the limiter returned into an *Error.
// parent is the caller's context: a cancellation by the caller is reported
// as codeCanceled so the engine can tell it from a timeout.
func toError(parent context.Context, action string, err error) *Error {
	var ce *Error
	if errors.As(err, &ce) { // made by the guard, under the SDK
		if ce.Action == "" {
			ce.Action = action
		}
		return ce
	}
	e := &Error{Action: action, Err: err}
	var se *tcerr.TencentCloudSDKError
	if errors.As(err, &se) {
		e.Code, e.Message, e.RequestID = se.Code, se.Message, se.RequestId
		if cause := se.Unwrap(); cause != nil {
			e.Message += ": " + cause.Error() // "Fail to get response" alone says nothing
		}
	} else {
		e.Code, e.Message = CodeBadResponse, err.Error()
	}
	if e.Code == "" {
		e.Code = CodeBadResponse
	}
	e.Kind = classifyCode(e.Code)
	if parent.Err() == context.Canceled && errors.Is(err, context.Canceled) {
		e.Code, e.Kind = codeCanceled, KindTransient
	}
	return e
}

// endpointError reclassifies a transport failure that means the endpoint
// is misconfigured (its host does not resolve, or nothing listens on it)
// as KindConfig, with a message naming the cause and the flag to fix. A
// DNS timeout or a reset connection stays transient.
func endpointError(e *Error, err error, ep endpoint) {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		e.Kind, e.Code = KindConfig, codeNoSuchHost
		e.Message = "endpoint " + ep.String() + ": no such host (the name does not resolve): check --endpoint"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind, e.Code = KindConfig, codeRefused
		e.Message = "endpoint " + ep.String() + ": connection refused (nothing listens there): check --endpoint, or start the emulator"
	}
}
