package client

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// TestTccliToken: tccli's TENCENTCLOUD_TOKEN is read beside the SDK's
// TENCENTCLOUD_SESSION_TOKEN, and the source names the one used; two that
// differ are a mistake to report, not a guess.
func TestTccliToken(t *testing.T) {
	for _, tc := range []struct {
		name           string
		session, token string
		want, src, err string
	}{
		{"tccli's name", "", "tcTok", "id|key|tcTok", "environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_TOKEN)", ""},
		{"the SDK's name", "sdkTok", "", "id|key|sdkTok", "environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SESSION_TOKEN)", ""},
		{"both, the same", "same", "same", "id|key|same", "environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SESSION_TOKEN)", ""},
		{"both, different", "one" + testSecret, "two" + testSecret, "", "", "TENCENTCLOUD_SESSION_TOKEN and TENCENTCLOUD_TOKEN are both set and differ"},
		{"none", "", "", "id|key|", "environment (TENCENTCLOUD_SECRET_ID)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			t.Setenv(envSecretID, "id")
			t.Setenv(EnvSecretKey, "key")
			t.Setenv(EnvSessionToken, tc.session)
			t.Setenv(EnvToken, tc.token)
			c, err := New(Config{Region: "ap-singapore"})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), testSecret) {
					t.Fatalf("err %v, want one saying %q without the tokens", err, tc.err)
				}
				return
			}
			if err != nil || triple(c.cred) != tc.want || c.CredentialSource() != tc.src {
				t.Fatalf("got %v, %q from %q; want %q from %q", err, triple(c.cred), c.CredentialSource(), tc.want, tc.src)
			}
		})
	}
}

// TestTccliCVMRole: a tccli profile made with `tccli configure set
// use-cvm-role true` ("type": "cvm-role") uses the instance role, without
// --cvm-role; a role that gives nothing is reported with the profile.
func TestTccliCVMRole(t *testing.T) {
	oldWait, oldProvider := cvmWait, cvmProvider
	defer func() { cvmWait, cvmProvider = oldWait, oldProvider }()
	cvmWait = 100 * time.Millisecond
	profile := func(home, body string) {
		writeFile(t, filepath.Join(home, ".tccli", "default.credential"), body)
	}

	home := isolate(t)
	profile(home, `{"type": "cvm-role"}`)
	cvmProvider = func() common.Provider { return &roleProvider{id: "role"} }
	c, err := New(Config{Region: "ap-singapore"})
	if err != nil || triple(c.cred) != "role1|roleKey|roleTok" {
		t.Fatalf("cvm-role profile: %v", err)
	}
	if src := c.CredentialSource(); !strings.Contains(src, `tccli profile "default"`) || !strings.Contains(src, "CVM instance role") {
		t.Errorf("source %q", src)
	}

	// Keys left in the file from before: the role still wins, as in tccli.
	profile(home, `{"secretId": "old", "secretKey": "`+testSecret+`", "type": "cvm-role"}`)
	if c, err := New(Config{Region: "ap-singapore"}); err != nil || triple(c.cred) != "role1|roleKey|roleTok" {
		t.Fatalf("cvm-role profile with old keys: %v", err)
	}

	cvmProvider = func() common.Provider { return &roleProvider{} } // no role bound
	_, err = New(Config{Region: "ap-singapore"})
	if err == nil || errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "default.credential") || !strings.Contains(err.Error(), "use-cvm-role") {
		t.Fatalf("no role bound: %v", err)
	}

	profile(home, `{"secretId": "x"}`)
	if _, err := New(Config{Region: "ap-singapore"}); err == nil || !strings.Contains(err.Error(), "use-cvm-role true") {
		t.Fatalf("a profile without keys should say how to use the role: %v", err)
	}
}

// TestDefaultRegion: the region when --region is not given is tccli's:
// TENCENTCLOUD_REGION, else the profile's configure file (new and old
// layouts, TCCLI_PROFILE), else the fallback; a file that cannot be read
// is named, never quoted.
func TestDefaultRegion(t *testing.T) {
	conf := func(home, name, body string) {
		writeFile(t, filepath.Join(home, ".tccli", name+".configure"), body)
	}
	tests := []struct {
		name      string
		setup     func(t *testing.T, home string)
		region    string
		from, err string
	}{
		{"nothing", func(*testing.T, string) {}, "fb", "", ""},
		{"tccli profile", func(t *testing.T, home string) {
			conf(home, "default", `{"_sys_param": {"region": "ap-guangzhou", "output": "json"}, "trtc": {"endpoint": "trtc.tencentcloudapi.com", "version": "2019-07-22"}}`)
		}, "ap-guangzhou", `tccli profile "default"`, ""},
		{"old tccli layout", func(t *testing.T, home string) { conf(home, "default", `{"region": "ap-mumbai"}`) }, "ap-mumbai", `tccli profile "default"`, ""},
		{"named profile", func(t *testing.T, home string) {
			t.Setenv(common.EnvTCCLIProfile, "work")
			conf(home, "default", `{"_sys_param": {"region": "ap-guangzhou"}}`)
			conf(home, "work", `{"_sys_param": {"region": "ap-shanghai"}}`)
		}, "ap-shanghai", `tccli profile "work"`, ""},
		{"env wins", func(t *testing.T, home string) {
			t.Setenv(EnvRegion, "ap-beijing")
			conf(home, "default", `{"_sys_param": {"region": "ap-guangzhou"}}`)
		}, "ap-beijing", EnvRegion, ""},
		{"profile without region", func(t *testing.T, home string) { conf(home, "default", `{"_sys_param": {"output": "json"}}`) }, "fb", "", ""},
		{"broken profile", func(t *testing.T, home string) { conf(home, "default", `{"_sys_param": {"region": "`+testSecret) }, "", "", "default.configure is not JSON"},
		{"profile is a device", func(t *testing.T, home string) {
			os.MkdirAll(filepath.Join(home, ".tccli"), 0o700)
			if err := os.Symlink("/dev/zero", filepath.Join(home, ".tccli", "default.configure")); err != nil {
				t.Fatal(err)
			}
		}, "", "", "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			t.Setenv(EnvRegion, "")
			tt.setup(t, home)
			region, from, err := DefaultRegion("fb")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), testSecret) {
					t.Fatalf("err %v, want one saying %q without the contents", err, tt.err)
				}
				return
			}
			if err != nil || region != tt.region || from != tt.from {
				t.Fatalf("got %q from %q (%v), want %q from %q", region, from, err, tt.region, tt.from)
			}
		})
	}
}

// TestRegionErrorNamesSource: a region the recording API does not serve
// says where it came from when the user did not type it.
func TestRegionErrorNamesSource(t *testing.T) {
	_, _, err := Config{Region: "ap-hongkong", RegionFrom: `tccli profile "default"`}.withDefaults()
	if err == nil || !strings.Contains(err.Error(), `"ap-hongkong" (from tccli profile "default") is not served`) || !strings.Contains(err.Error(), "--region") {
		t.Fatalf("err %v", err)
	}
}
