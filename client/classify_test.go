package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"net"
	"os"
	"syscall"
)

// describeCodes is the error table of the DescribeCloudRecording page
// (trtc-api.md §2), each with the Kind the dashboard must act on.
var describeCodes = map[string]Kind{
	"AuthFailure":                         KindAuth,
	"AuthFailure.UnRealNameAuthenticated": KindAuth,
	"AuthFailure.UnauthorizedOperation":   KindAuth,
	"AuthFailure.UnsupportedOperation":    KindAuth,
	"FailedOperation":                     KindTransient,
	"FailedOperation.CRUnsupportMethod":   KindBadRequest,
	"InternalError.CRInternalError":       KindTransient,
	"InvalidParameter.OutOfRange":         KindBadRequest,
	"InvalidParameter.SdkAppId":           KindBadRequest,
	"MissingParameter.RoomId":             KindBadRequest,
	"MissingParameter.SdkAppId":           KindBadRequest,
	"MissingParameter.TaskId":             KindBadRequest,
	"MissingParameter.UserId":             KindBadRequest,
	"ResourceNotFound":                    KindGone,
}

func TestClassify(t *testing.T) {
	tests := map[string]Kind{
		// gone
		"ResourceNotFound.ResourceNotFound": KindGone,
		"FailedOperation.TaskNotExist":      KindGone,
		"FailedOperation.TaskFinished":      KindGone,
		"InvalidParameter.TaskId":           KindGone,
		// throttled
		"RequestLimitExceeded":                              KindThrottled,
		"RequestLimitExceeded.UinLimitExceeded":             KindThrottled,
		"RequestLimitExceeded.IPLimitExceeded":              KindThrottled,
		"RequestLimitExceeded.GlobalRegionUinLimitExceeded": KindThrottled,
		"OperationDenied.FreqOverLimit":                     KindThrottled,
		// auth
		"AuthFailure.SignatureFailure":     KindAuth,
		"AuthFailure.SignatureExpire":      KindAuth,
		"AuthFailure.SecretIdNotFound":     KindAuth,
		"AuthFailure.TokenFailure":         KindAuth,
		"AuthFailure.InvalidSecretId":      KindAuth,
		"AuthFailure.InvalidAuthorization": KindAuth,
		"AuthFailure.MFAFailure":           KindAuth,
		"UnauthorizedOperation":            KindAuth,
		"ClientError.CredentialError":      KindAuth,
		"IpNotInWhitelist":                 KindAuth,
		// bad request
		"InvalidParameter":             KindBadRequest,
		"InvalidParameterValue":        KindBadRequest,
		"InvalidParameterValue.Foo":    KindBadRequest,
		"MissingParameter":             KindBadRequest,
		"UnknownParameter":             KindBadRequest,
		"UnsupportedRegion":            KindBadRequest,
		"InvalidAction":                KindBadRequest,
		"NoSuchVersion":                KindBadRequest,
		"NoSuchProduct":                KindBadRequest,
		"UnsupportedOperation":         KindBadRequest,
		"UnsupportedProtocol":          KindBadRequest,
		"RequestSizeLimitExceeded":     KindBadRequest,
		"ClientError.InvalidParameter": KindBadRequest,
		codeBadRegion:                  KindBadRequest,
		// transient
		"InternalError":                       KindTransient,
		"ServiceUnavailable":                  KindTransient,
		"ResourceUnavailable":                 KindTransient,
		"FailedOperation.QueryTaskInfoFailed": KindTransient,
		"ClientError.NetworkError":            KindTransient,
		"ClientError.ParseJsonError":          KindTransient,
		"ClientError.HttpStatusCodeError":     KindTransient,
		"ClientError.IOError":                 KindTransient,
		"ClientError.TypeError":               KindTransient,
		CodeBadResponse:                       KindTransient,
		codeCanceled:                          KindTransient,
		codeRateWait:                          KindTransient,
		"":                                    KindTransient,
		"SomethingNew.NeverSeen":              KindTransient,
		// prefixes must match whole segments
		"ResourceNotFoundish":     KindTransient,
		"AuthFailureX":            KindTransient,
		"RequestLimitExceededish": KindTransient,
	}
	for code, want := range describeCodes {
		tests[code] = want
	}
	for code, want := range tests {
		if got := classifyCode(code); got != want {
			t.Errorf("Classify(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestToError(t *testing.T) {
	bg := context.Background()
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	netErr := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: context.Canceled}
	long := strings.Repeat("é", 1100) + "\xff"

	tests := []struct {
		name     string
		ctx      context.Context
		err      error
		kind     Kind
		code     string
		reqID    string
		msgHas   string
		canceled bool
	}{
		{"api error", bg, tcerr.NewTencentCloudSDKError("ResourceNotFound", "gone", "rid-1"), KindGone, "ResourceNotFound", "rid-1", "gone", false},
		{"sdk network, caller cancel", cancelled, tcerr.NewTencentCloudSDKErrorWithCause("ClientError.NetworkError", "Fail to get response", "", netErr),
			KindTransient, codeCanceled, "", "context canceled", true},
		{"sdk network, own timeout", bg, tcerr.NewTencentCloudSDKErrorWithCause("ClientError.NetworkError", "Fail to get response", "",
			&url.Error{Op: "Post", URL: "u", Err: context.DeadlineExceeded}), KindTransient, "ClientError.NetworkError", "", "deadline exceeded", false},
		{"plain error", bg, fmt.Errorf("Content-Encoding not support: br"), KindTransient, CodeBadResponse, "", "Content-Encoding", false},
		{"empty code", bg, tcerr.NewTencentCloudSDKError("", "x", ""), KindTransient, CodeBadResponse, "", "x", false},
		{"long message", bg, tcerr.NewTencentCloudSDKError("ClientError.ParseJsonError", long, ""), KindTransient, "ClientError.ParseJsonError", "", "é…[cut, 2203 bytes]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := scrubError(toError(tt.ctx, ActionDescribe, tt.err), nil)
			if e.Kind != tt.kind || e.Code != tt.code || e.RequestID != tt.reqID || e.Action != ActionDescribe {
				t.Fatalf("toError = %+v, want kind %v code %s rid %q", e, tt.kind, tt.code, tt.reqID)
			}
			if !strings.Contains(e.Message, tt.msgHas) || len(e.Message) > maxMessageBytes+32 || !utf8Valid(e.Message) {
				t.Fatalf("message %q (len %d) lacks %q or is too long/invalid", e.Message, len(e.Message), tt.msgHas)
			}
			if got := errors.Is(e, context.Canceled); got != tt.canceled {
				t.Fatalf("errors.Is(Canceled) = %v, want %v", got, tt.canceled)
			}
			// The SDK's error (its message can quote a whole body) is
			// reduced to scrubbed text: not reachable through Unwrap.
			var se *tcerr.TencentCloudSDKError
			if errors.As(e, &se) {
				t.Fatal("unscrubbed SDK error reachable through Unwrap")
			}
			if KindOf(fmt.Errorf("wrapped: %w", e)) != tt.kind {
				t.Fatal("KindOf does not see through wrapping")
			}
		})
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestEndpointError: a host that does not resolve and a port nobody
// listens on are configuration errors naming the cause; other transport
// failures stay transient.
func TestEndpointError(t *testing.T) {
	ep := endpoint{scheme: "https", host: "trtc.intl.tencentcloudapi.cm"}
	wrap := func(err error) error {
		return tcerr.NewTencentCloudSDKErrorWithCause(codeNetwork, "Fail to get response", "",
			&url.Error{Op: "Post", URL: "https://" + ep.host + "/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}})
	}
	tests := []struct {
		name   string
		err    error
		kind   Kind
		msgHas string
	}{
		{"no such host", wrap(&net.DNSError{Err: "no such host", Name: ep.host, IsNotFound: true}), KindConfig, "no such host"},
		{"refused", wrap(os.NewSyscallError("connect", syscall.ECONNREFUSED)), KindConfig, "connection refused"},
		{"dns timeout", wrap(&net.DNSError{Err: "i/o timeout", Name: ep.host, IsTimeout: true}), KindTransient, "Fail to get response"},
		{"reset", wrap(os.NewSyscallError("read", syscall.ECONNRESET)), KindTransient, "Fail to get response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := toError(context.Background(), ActionDescribe, tt.err)
			endpointError(e, tt.err, ep)
			if e.Kind != tt.kind || !strings.Contains(e.Message, tt.msgHas) {
				t.Fatalf("got %v %q, want %v with %q", e.Kind, e.Message, tt.kind, tt.msgHas)
			}
			if tt.kind == KindConfig && (!strings.Contains(e.Message, ep.host) || e.Code == codeNetwork) {
				t.Fatalf("message %q does not name the endpoint", e.Message)
			}
		})
	}
}
