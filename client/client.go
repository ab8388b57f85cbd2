// Package client is trtcwatch's one way to call the TRTC recording API. It
// wraps the SDK's CommonClient (TC3-HMAC-SHA256 signing, POST) with what a
// dashboard polling hundreds of tasks needs: validated configuration, the
// credential chain, a single limiter that keeps every call under the quota,
// per-call timeouts and errors classified into what to do next.
package client

import (
	"context"
	"io"
	"log"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// MinRate is the floor SetRate clamps to: an engine that keeps halving its
// rate after failures still probes about once every ten seconds.
const MinRate = 0.1

// requestClient names trtcwatch in the X-TC-RequestClient header, so the
// API's logs can tell its calls from other SDK users'.
const requestClient = "trtcwatch"

// Client calls the API for any of the supported regions. It is safe for
// concurrent use; all calls, whatever their region, share one pacer
// because the quota is per action and account, not per region.
type Client struct {
	cfg        Config
	ep         endpoint
	cred       common.CredentialIface
	credSource string
	cpf        *profile.ClientProfile
	transport  http.RoundTripper
	pacer      *pacer
	log        *slog.Logger

	mu  sync.Mutex
	sdk map[string]*common.Client // one per region, made on first use
}

// New validates cfg and resolves credentials. It makes no request (except
// to the CVM metadata server when cfg.CVMRole asks for it and no other
// source has a credential).
func New(cfg Config) (*Client, error) {
	return newClient(cfg, nil)
}

// newClient lets tests put a RoundTripper under the SDK (the fuzz target
// feeds arbitrary bodies through the real parse path without a socket).
func newClient(cfg Config, rt http.RoundTripper) (*Client, error) {
	cfg, ep, err := cfg.withDefaults()
	if err != nil {
		return nil, tagged{ErrConfig, err}
	}
	cred, src, err := resolveCredential(cfg)
	if err != nil {
		return nil, err
	}
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32 // keep connections for a full quota's worth of overlapping calls
		t.IdleConnTimeout = 30 * time.Second
		t.MaxResponseHeaderBytes = maxHeaderBytes
		// No Accept-Encoding of our own: the guard decompresses under its
		// bound whatever a server sends, instead of the transport doing it
		// without one.
		t.DisableCompression = true
		rt = t
	}
	// The send gate sits closest to the network, so the quota is counted at
	// the moment a request really leaves (sendclock.go); the guard checks
	// the destination and bounds the answer around it (guard.go).
	pc := newPacer(cfg.Rate)
	rt = &guard{next: pc.gate(rt), ep: ep, timeout: cfg.Timeout}
	cpf := profile.NewClientProfile()
	cpf.DisableRegionBreaker = true // it would silently reroute to ap-guangzhou, bypassing the endpoint
	cpf.RateLimitExceededMaxRetries = 0
	cpf.NetworkFailureMaxRetries = 0
	cpf.Debug = false // debug dumps the Authorization header
	cpf.Language = cfg.Language
	cpf.HttpProfile.Endpoint = ep.host
	cpf.HttpProfile.Scheme = ep.scheme
	cpf.HttpProfile.ReqMethod = http.MethodPost
	// A backstop only: the per-call context fires first, at cfg.Timeout.
	cpf.HttpProfile.ReqTimeout = int(math.Ceil(cfg.Timeout.Seconds())) + 1

	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg: cfg, ep: ep, cred: cred, credSource: src, cpf: cpf, transport: rt, log: logger,
		pacer: pc,
		sdk:   map[string]*common.Client{},
	}
	return c, nil
}

// Endpoint is the base URL calls go to, for the dashboard header.
func (c *Client) Endpoint() string { return c.ep.String() }

// CredentialSource says where the credential in use came from, never a
// secret: e.g. `environment (TENCENTCLOUD_SECRET_ID)`, `tccli profile
// "default" (~/.tccli/default.credential)`, `credentials file
// ~/.tencentcloud/credentials [default]` or `CVM instance role (metadata
// server)`. The auth banner shows it so the user knows what to fix.
func (c *Client) CredentialSource() string { return c.credSource }

// MaxRate is the ceiling SetRate clamps to: the configured rate.
func (c *Client) MaxRate() float64 { return c.cfg.Rate }

// SetRate is the AIMD hook: the engine lowers the rate after throttling and
// raises it back while calls succeed. It clamps to [MinRate, MaxRate] and
// ignores NaN, so a bad computation cannot stop or unleash the client.
func (c *Client) SetRate(perSecond float64) {
	if math.IsNaN(perSecond) {
		return
	}
	c.pacer.setRate(min(max(perSecond, MinRate), c.cfg.Rate))
}

// sdkFor returns the region's CommonClient, making it on first use.
func (c *Client) sdkFor(region string) (*common.Client, *Error) {
	if !slices.Contains(Regions, region) {
		return nil, &Error{Kind: KindBadRequest, Code: codeBadRegion,
			Message: "region " + sanitize.Clip(region, 40) + " is not served by the recording API"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if sc := c.sdk[region]; sc != nil {
		return sc, nil
	}
	sc := common.NewCommonClient(c.cred, region, c.cpf).
		WithLogger(log.New(io.Discard, "", 0)). // the SDK logger is only for debug dumps; never let it print
		WithHttpTransport(c.transport).
		WithRequestClient(requestClient)
	c.sdk[region] = sc
	return sc, nil
}

// Describe looks one task up; ref.Region "" means the configured region.
func (c *Client) Describe(ctx context.Context, ref taskref.Ref) (*DescribeCloudRecordingResponse, error) {
	region := ref.Region
	if region == "" {
		region = c.cfg.Region
	}
	app, id := ref.SdkAppID, ref.TaskID
	return c.describeCloudRecording(ctx, region, &describeCloudRecordingRequest{SdkAppId: &app, TaskId: &id})
}

// describeCloudRecording returns a task's status and files.
func (c *Client) describeCloudRecording(ctx context.Context, region string, req *describeCloudRecordingRequest) (*DescribeCloudRecordingResponse, error) {
	return call(c, ctx, region, ActionDescribe, req, func(r *DescribeCloudRecordingResponse) *string { return r.RequestId })
}

// CreateCloudRecording starts a task (used by tests and the emulator demo).
func (c *Client) CreateCloudRecording(ctx context.Context, region string, req *CreateCloudRecordingRequest) (*CreateCloudRecordingResponse, error) {
	return call(c, ctx, region, actionCreate, req, func(r *CreateCloudRecordingResponse) *string { return r.RequestId })
}

// DeleteCloudRecording stops a task.
func (c *Client) DeleteCloudRecording(ctx context.Context, region string, req *DeleteCloudRecordingRequest) (*DeleteCloudRecordingResponse, error) {
	return call(c, ctx, region, actionDelete, req, func(r *DeleteCloudRecordingResponse) *string { return r.RequestId })
}
