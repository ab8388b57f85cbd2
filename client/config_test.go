package client

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		in       string
		want     string // Endpoint() form; "" = must fail
		loopback bool
		errHas   string
	}{
		{"", "https://trtc.intl.tencentcloudapi.com", false, ""},
		{"trtc.tencentcloudapi.com", "https://trtc.tencentcloudapi.com", false, ""},
		{"trtc.ap-guangzhou.tencentcloudapi.com:443", "https://trtc.ap-guangzhou.tencentcloudapi.com:443", false, ""},
		{"https://trtc.intl.tencentcloudapi.com", "https://trtc.intl.tencentcloudapi.com", false, ""},
		{"HTTPS://trtc.intl.tencentcloudapi.com/", "https://trtc.intl.tencentcloudapi.com", false, ""},
		{"http://127.0.0.1:43121", "http://127.0.0.1:43121", true, ""},
		{"http://127.0.0.1:43121/", "http://127.0.0.1:43121", true, ""},
		{"http://localhost:8080", "http://localhost:8080", true, ""},
		{"http://[::1]:8080", "http://[::1]:8080", true, ""},
		{"127.0.0.1:9000", "", false, "add http://"},
		{"localhost:8080", "", false, "add http://"},
		{"[::1]:8080", "", false, "http://[::1]:8080"},
		{"https://127.0.0.1:9000", "https://127.0.0.1:9000", true, ""},
		{"  http://127.0.0.2  ", "http://127.0.0.2", true, ""},
		{"http://trtc.intl.tencentcloudapi.com", "", false, "plain http"},
		{"http://10.0.0.1:80", "", false, "plain http"},
		{"http://localhost.evil.com", "", false, "plain http"},
		{"ftp://host", "", false, "scheme"},
		{"https://host/path", "", false, "path"},
		{"host/path", "", false, "path"},
		{"https://host?x=1", "", false, "path or query"},
		{"https://user:pw@host", "", false, "user"},
		{"user@host", "", false, "user"},
		{"https://host:0", "", false, "port"},
		{"https://host:99999", "", false, "port"},
		{"host:", "", false, "port"},
		{"https://", "", false, "no host"},
		{"ho st", "", false, ""},
		{"bad_host.com", "", false, "invalid host"},
		{"https://host#frag", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ep, err := parseEndpoint(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("parseEndpoint(%q) = %v, want error", tt.in, ep)
				}
				if !strings.Contains(err.Error(), tt.errHas) || !strings.Contains(err.Error(), "--endpoint") {
					t.Fatalf("error %q should contain %q and name --endpoint", err, tt.errHas)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Fatalf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseEndpoint(%q): %v", tt.in, err)
			}
			if ep.String() != tt.want || ep.loopback != tt.loopback {
				t.Fatalf("parseEndpoint(%q) = %s loopback=%v, want %s loopback=%v", tt.in, ep, ep.loopback, tt.want, tt.loopback)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	base := Config{Region: "ap-singapore"}
	tests := []struct {
		name   string
		mod    func(*Config)
		errHas string // "" = valid
	}{
		{"defaults", func(c *Config) {}, ""},
		{"every region", func(c *Config) { c.Region = "ap-mumbai" }, ""},
		{"no region", func(c *Config) { c.Region = "" }, "ap-beijing, ap-guangzhou, ap-mumbai, ap-shanghai, ap-singapore"},
		{"unknown region", func(c *Config) { c.Region = "ap-tokyo" }, "--region to one of ap-beijing"},
		{"rate at quota", func(c *Config) { c.Rate = 20 }, ""},
		{"rate small", func(c *Config) { c.Rate = 0.5 }, ""},
		{"rate above quota", func(c *Config) { c.Rate = 21 }, "above the API quota"},
		{"rate above quota loopback", func(c *Config) { c.Rate = 500; c.Endpoint = "http://127.0.0.1:1" }, ""},
		{"rate negative", func(c *Config) { c.Rate = -1 }, "--rate"},
		{"rate NaN", func(c *Config) { c.Rate = math.NaN() }, "--rate"},
		{"rate Inf loopback", func(c *Config) { c.Rate = math.Inf(1); c.Endpoint = "http://127.0.0.1:1" }, "--rate"},
		{"timeout negative", func(c *Config) { c.Timeout = -time.Second }, "--timeout"},
		{"language", func(c *Config) { c.Language = "zh-CN" }, ""},
		{"language injection", func(c *Config) { c.Language = "en\r\nX: y" }, "language"},
		{"bad endpoint", func(c *Config) { c.Endpoint = "http://example.com" }, "--endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.mod(&cfg)
			_, _, err := cfg.withDefaults()
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("withDefaults: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("withDefaults = %v, want error containing %q", err, tt.errHas)
			}
			// New reports the same problem, tagged as a configuration error,
			// before it looks for any credential.
			_, nerr := New(cfg)
			if !errors.Is(nerr, ErrConfig) || nerr.Error() != err.Error() {
				t.Fatalf("New = %v, want the withDefaults error tagged ErrConfig", nerr)
			}
		})
	}
}

// nominalRate is the rate now in force (before headroom): the pacer's.
func (c *Client) nominalRate() float64 {
	c.pacer.mu.Lock()
	defer c.pacer.mu.Unlock()
	return c.pacer.rate
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{Region: "ap-beijing", Credential: common.NewCredential("id", "key")})
	if err != nil {
		t.Fatal(err)
	}
	if c.nominalRate() != Quota || c.MaxRate() != Quota || c.cfg.Timeout != defaultTimeout || c.cfg.Language != "en-US" {
		t.Fatalf("defaults: rate %v max %v timeout %v lang %q", c.nominalRate(), c.MaxRate(), c.cfg.Timeout, c.cfg.Language)
	}
	if c.Endpoint() != "https://trtc.intl.tencentcloudapi.com" {
		t.Fatalf("Endpoint = %s", c.Endpoint())
	}
	p := c.cpf
	if !p.DisableRegionBreaker || p.RateLimitExceededMaxRetries != 0 || p.NetworkFailureMaxRetries != 0 ||
		p.Debug || p.Language != "en-US" || p.SignMethod != "TC3-HMAC-SHA256" || p.HttpProfile.ReqMethod != "POST" ||
		p.HttpProfile.ReqTimeout != 7 || p.HttpProfile.Scheme != "https" {
		t.Fatalf("SDK profile not as required: %+v %+v", *p, *p.HttpProfile)
	}
}

func TestSetRateClamps(t *testing.T) {
	c, err := New(Config{Region: "ap-beijing", Rate: 10, Credential: common.NewCredential("id", "key")})
	if err != nil {
		t.Fatal(err)
	}
	steadyPath(c.pacer) // the limiter runs at rate × headroom at the base margin
	for _, tt := range []struct{ in, want float64 }{
		{5, 5}, {10, 10}, {11, 10}, {math.Inf(1), 10}, {0, MinRate}, {-3, MinRate}, {math.Inf(-1), MinRate},
		{math.NaN(), MinRate}, // NaN is ignored: the previous value stays
		{2.5, 2.5},
	} {
		c.SetRate(tt.in)
		if c.nominalRate() != tt.want {
			t.Fatalf("SetRate(%v): Rate = %v, want %v", tt.in, c.nominalRate(), tt.want)
		}
		if got, want := float64(c.pacer.limiter.Limit()), tt.want*headroom; math.Abs(got-want) > 1e-9 {
			t.Fatalf("SetRate(%v): limiter at %v, want %v", tt.in, got, want)
		}
	}
}
