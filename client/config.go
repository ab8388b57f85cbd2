package client

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// Defaults a zero Config falls back to. Quota is the documented limit of the
// recording APIs: 20 calls per second per action and (sub)account.
const (
	defaultEndpoint = "trtc.intl.tencentcloudapi.com"
	defaultTimeout  = 6 * time.Second // the TRTC docs give every recording API 6 s
	defaultLanguage = "en-US"
	Quota           = 20.0
)

// headroom is the share of the nominal rate the limiter actually paces at.
// The API counts arrivals in a sliding one-second window, so requests spaced
// exactly 1/20 s apart can land 21 in one window after a little network or
// scheduler jitter. At 0.97 the 21st call of a run lands ~31 ms after the
// window of the first closed, which absorbs that jitter while keeping
// throughput above 19 calls/s (see BenchmarkSustainedRate).
const headroom = 0.97

// Config says where and how fast to call the API, and as whom.
type Config struct {
	Region     string             // default region for Refs with empty Region; must be one of client.Regions
	RegionFrom string             // where Region came from when not --region (see DefaultRegion), for errors about it
	Endpoint   string             // "" = trtc.intl.tencentcloudapi.com (https); host, host:port or URL; http:// only to loopback
	Rate       float64            // max calls/s, 0 = 20; above 20 only for a loopback (emulator) endpoint
	Timeout    time.Duration      // per call, 0 = 6s
	Credential *common.Credential // nil = resolve with the credential chain (see credentials.go)
	// CredentialSource names a Credential given directly (e.g. "demo key
	// pair"), for Client.CredentialSource; ignored when Credential is nil.
	CredentialSource string
	CVMRole          bool         // also try the CVM metadata role (short timeout)
	Language         string       // default "en-US"
	Logger           *slog.Logger // may be nil; never logs secrets
}

// ErrConfig is wrapped by every error New returns for the configuration
// itself, so a command can tell bad usage (exit 2) from missing
// credentials.
var ErrConfig = errors.New("invalid client configuration")

// tagged prints only its error but also matches its tag with errors.Is,
// so messages stay one short line.
type tagged struct{ tag, err error }

func (t tagged) Error() string   { return t.err.Error() }
func (t tagged) Unwrap() []error { return []error{t.tag, t.err} }

// endpoint is a validated endpoint split the way the SDK wants it: a host
// with optional port (no scheme, no path) plus the scheme on its own.
type endpoint struct {
	scheme   string // "http" or "https"
	host     string // host[:port], IPv6 in brackets
	loopback bool
}

func (e endpoint) String() string { return e.scheme + "://" + e.host }

// withDefaults validates cfg and fills in its zero values. Every error is a
// single line that names the setting and says how to fix it.
func (cfg Config) withDefaults() (Config, endpoint, error) {
	if cfg.Region == "" {
		return cfg, endpoint{}, fmt.Errorf("no region set: set --region to one of %s", strings.Join(Regions, ", "))
	}
	if !slices.Contains(Regions, cfg.Region) {
		from := ""
		if cfg.RegionFrom != "" {
			from = " (from " + cfg.RegionFrom + ")"
		}
		return cfg, endpoint{}, fmt.Errorf("region %q%s is not served by the recording API: set --region to one of %s",
			sanitize.Clip(cfg.Region, 40), from, strings.Join(Regions, ", "))
	}
	ep, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return cfg, endpoint{}, err
	}
	switch r := cfg.Rate; {
	case math.IsNaN(r) || math.IsInf(r, 0) || r < 0:
		return cfg, endpoint{}, fmt.Errorf("rate %v is not a positive number: set --rate between 0 (exclusive) and %v calls/s", r, Quota)
	case r == 0:
		cfg.Rate = Quota
	case r > Quota && !ep.loopback:
		return cfg, endpoint{}, fmt.Errorf("rate %v is above the API quota of %v calls/s: lower --rate (only a loopback emulator --endpoint allows more)", r, Quota)
	}
	switch {
	case cfg.Timeout < 0:
		return cfg, endpoint{}, fmt.Errorf("timeout %v is negative: set --timeout to a positive duration such as 6s", cfg.Timeout)
	case cfg.Timeout == 0:
		cfg.Timeout = defaultTimeout
	}
	if cfg.Language == "" {
		cfg.Language = defaultLanguage
	}
	if !validLanguage(cfg.Language) {
		return cfg, endpoint{}, fmt.Errorf("language %q is not a language tag: use en-US or zh-CN", sanitize.Clip(cfg.Language, 20))
	}
	return cfg, ep, nil
}

func validLanguage(s string) bool {
	if len(s) < 2 || len(s) > 16 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// parseEndpoint accepts "host", "host:port", "https://host[:port][/]" and
// "http://loopback[:port][/]". It refuses what the SDK would silently
// mangle (paths, queries, userinfo) and plain HTTP to anything that is not
// this machine, since that would send signed requests in clear text.
func parseEndpoint(s string) (endpoint, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return endpoint{scheme: "https", host: defaultEndpoint}, nil
	}
	bad := func(why string) (endpoint, error) {
		return endpoint{}, fmt.Errorf("endpoint %q %s: set --endpoint to a host, host:port, https://host[:port] or http://127.0.0.1:PORT",
			sanitize.Clip(raw, 60), why)
	}
	withScheme := raw
	if !strings.Contains(raw, "://") {
		if strings.ContainsAny(raw, "/?#@") {
			return bad("has a path, query or user part")
		}
		withScheme = "https://" + raw
	}
	u, err := url.Parse(withScheme)
	if err != nil {
		return bad("is not a valid URL")
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return bad("has scheme " + strconv.Quote(sanitize.Clip(u.Scheme, 10)) + " (only http and https)")
	case u.User != nil:
		return bad("has a user part")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.ForceQuery, u.Opaque != "":
		return bad("has a path or query")
	case u.Hostname() == "":
		return bad("has no host")
	}
	host := u.Hostname()
	if !validHost(host) {
		return bad("has an invalid host name")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("has an invalid port")
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("has an empty port")
	}
	ep := endpoint{scheme: scheme, host: u.Host, loopback: isLoopback(host)}
	if ep.loopback && !strings.Contains(raw, "://") {
		// A local emulator almost always speaks plain HTTP; read as https
		// its every call would fail with a TLS error that hides the cause.
		return endpoint{}, fmt.Errorf("endpoint %q is a loopback address without a scheme: add http:// (the emulator: --endpoint http://%s), or https:// if it serves TLS",
			sanitize.Clip(raw, 60), sanitize.Clip(u.Host, 60))
	}
	if scheme == "http" && !ep.loopback {
		return bad("uses plain http to a host that is not loopback (secrets would travel in clear)")
	}
	return ep, nil
}

func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

// isLoopback is true for localhost and loopback IPs only; names other than
// "localhost" are not resolved, so DNS cannot turn a remote host into a
// "loopback" one that is allowed plain HTTP and a rate above quota.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
