package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/export"
)

// TestRegionFromTccli: with neither --region nor TENCENTCLOUD_REGION, the
// region is the tccli profile's, as tccli itself would use; -h says where
// it came from, a bad one is refused naming its source, and a profile file
// that cannot be read stops only a command that needs it.
func TestRegionFromTccli(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{}, `{"tasks": [{"task_id": "reg-1", "sdk_app_id": 1400000001, "timeline": [{"at": "0s", "status": "Idle"}]}]}`)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("TCCLI_PROFILE", "")
	os.Unsetenv("TCCLI_PROFILE")
	t.Setenv(client.EnvRegion, "")
	t.Setenv("TENCENTCLOUD_SECRET_ID", emulator.DemoSecretID)
	t.Setenv(client.EnvSecretKey, emulator.DemoSecretKey)
	conf := filepath.Join(home, ".tccli", "default.configure")
	if err := os.MkdirAll(filepath.Dir(conf), 0o700); err != nil {
		t.Fatal(err)
	}
	setConf := func(body string) {
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	region := func(t *testing.T, args ...string) string {
		t.Helper()
		code, out, errOut := runArgs(append([]string{"snapshot", "--endpoint", srv.URL(), "--format", "json", "1400000001:reg-1"}, args...)...)
		var r export.Record
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		return r.Region
	}

	setConf(`{"_sys_param": {"region": "ap-mumbai", "output": "json"}, "trtc": {"endpoint": "trtc.tencentcloudapi.com", "version": "2019-07-22"}}`)
	if got := region(t); got != "ap-mumbai" {
		t.Errorf("region %q, want the tccli profile's ap-mumbai", got)
	}
	if got := region(t, "--region", "ap-beijing"); got != "ap-beijing" {
		t.Errorf("--region: %q", got)
	}
	t.Setenv(client.EnvRegion, "ap-shanghai")
	if got := region(t); got != "ap-shanghai" {
		t.Errorf("TENCENTCLOUD_REGION: %q", got)
	}
	os.Unsetenv(client.EnvRegion)
	if _, out, _ := runArgs("snapshot", "-h"); !strings.Contains(out, `now: ap-mumbai, from tccli profile "default"`) {
		t.Errorf("snapshot -h does not say where the region comes from:\n%s", out)
	}

	setConf(`{"_sys_param": {"region": "ap-hongkong"}}`)
	code, _, errOut := runArgs("snapshot", "--endpoint", srv.URL(), "1400000001:reg-1")
	if code != exitUsage || !strings.Contains(errOut, `"ap-hongkong" (from tccli profile "default") is not served`) {
		t.Errorf("a region the API does not serve: exit %d, %q", code, errOut)
	}

	setConf(`{"_sys_param": {"region": `)
	code, _, errOut = runArgs("snapshot", "--endpoint", srv.URL(), "1400000001:reg-1")
	if code != exitUsage || !strings.Contains(errOut, "default.configure is not JSON") || !strings.Contains(errOut, "--region") {
		t.Errorf("a broken profile: exit %d, %q", code, errOut)
	}
	if got := region(t, "--region", "ap-beijing"); got != "ap-beijing" {
		t.Errorf("--region with a broken profile: %q", got)
	}
}

// TestKnownSecretsHasTccliToken: a crash report redacts tccli's token
// variable too.
func TestKnownSecretsHasTccliToken(t *testing.T) {
	t.Setenv(client.EnvToken, "tccli-token-canary")
	if !slices.Contains(knownSecrets(client.Config{}), "tccli-token-canary") {
		t.Error("TENCENTCLOUD_TOKEN is not redacted")
	}
}
