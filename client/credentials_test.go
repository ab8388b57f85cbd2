package client

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

const testSecret = "S3cr3tKeyValue-do-not-print"

// isolate gives the test an empty home and a clean credential environment.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{envSecretID, EnvSecretKey, EnvSessionToken, EnvToken, EnvRegion, common.EnvTCCLIProfile, common.EnvCredentialFile} {
		t.Setenv(k, "") // registers the restore; then really unset
		os.Unsetenv(k)
	}
	return home
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func tccliFile(id, key, token string) string {
	return `{"secretId":"` + id + `","secretKey":"` + key + `","token":"` + token + `","region":"ap-guangzhou"}`
}

func triple(c common.CredentialIface) string {
	id, key, tok := c.GetCredential()
	return id + "|" + key + "|" + tok
}

func TestCredentialChain(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, home string)
		want  string // id|key|token, "" when an error is expected
		err   []string
	}{
		{"env wins with token", func(t *testing.T, home string) {
			t.Setenv(envSecretID, "envID")
			t.Setenv(EnvSecretKey, "envKey")
			t.Setenv(EnvSessionToken, "envTok")
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), tccliFile("tcID", "tcKey", ""))
		}, "envID|envKey|envTok", nil},
		{"env without token", func(t *testing.T, home string) {
			t.Setenv(envSecretID, "envID")
			t.Setenv(EnvSecretKey, "envKey")
		}, "envID|envKey|", nil},
		{"env half set", func(t *testing.T, home string) {
			t.Setenv(envSecretID, "envID")
			t.Setenv(EnvSecretKey, "")
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), tccliFile("tcID", "tcKey", ""))
		}, "", []string{EnvSecretKey + " is empty"}},
		{"tccli default profile", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), tccliFile("tcID", "tcKey", "tcTok"))
			writeFile(t, filepath.Join(home, ".tencentcloud", "credentials"), "[default]\nsecret_id = iniID\nsecret_key = iniKey\n")
		}, "tcID|tcKey|tcTok", nil},
		{"tccli named profile", func(t *testing.T, home string) {
			t.Setenv(common.EnvTCCLIProfile, "work")
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), tccliFile("defID", "defKey", ""))
			writeFile(t, filepath.Join(home, ".tccli", "work.credential"), tccliFile("workID", "workKey", ""))
		}, "workID|workKey|", nil},
		{"tccli broken json", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), `{"secretId":"x","secretKey":`+testSecret)
		}, "", []string{"default.credential"}},
		{"tccli without key", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), `{"secretId":"x"}`)
		}, "", []string{"default.credential", "secretKey"}},
		{"ini profile", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tencentcloud", "credentials"), "# comment\n[default]\nsecret_id = iniID\nsecret_key = iniKey\n")
		}, "iniID|iniKey|", nil},
		{"ini without key", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tencentcloud", "credentials"), "[default]\nsecret_id = "+testSecret+"\n")
		}, "", []string{".tencentcloud/credentials", "secret_key"}},
		{"credentials file env", func(t *testing.T, home string) {
			p := filepath.Join(home, "elsewhere.ini")
			writeFile(t, p, "[default]\nsecret_id = fileID\nsecret_key = fileKey\n")
			t.Setenv(common.EnvCredentialFile, p)
		}, "fileID|fileKey|", nil},
		{"credentials file env missing", func(t *testing.T, home string) {
			t.Setenv(common.EnvCredentialFile, filepath.Join(home, "nope.ini"))
		}, "", []string{"TENCENTCLOUD_CREDENTIALS_FILE", "nope.ini"}},
		{"nothing anywhere", func(t *testing.T, home string) {}, "", []string{
			"no TencentCloud credentials found", envSecretID, filepath.Join(".tccli", "default.credential"),
			filepath.Join(".tencentcloud", "credentials"), "CVM metadata role (not asked for: pass --cvm-role)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			tt.setup(t, home)
			c, err := New(Config{Region: "ap-singapore"})
			if tt.want != "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if got := triple(c.cred); got != tt.want {
					t.Fatalf("credential = %s, want %s", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("New succeeded with %s, want error", triple(c.cred))
			}
			if errors.Is(err, ErrConfig) {
				t.Fatalf("a credentials error %v is tagged as bad usage (ErrConfig)", err)
			}
			msg := err.Error()
			for _, s := range tt.err {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			if strings.Contains(msg, testSecret) || strings.Contains(msg, "\n") {
				t.Errorf("error leaks a secret or spans lines: %q", msg)
			}
		})
	}
}

func TestExplicitCredential(t *testing.T) {
	isolate(t)
	t.Setenv(envSecretID, "envID")
	t.Setenv(EnvSecretKey, "envKey")
	c, err := New(Config{Region: "ap-beijing", Credential: common.NewTokenCredential("id", "key", "tok")})
	if err != nil || triple(c.cred) != "id|key|tok" {
		t.Fatalf("explicit credential not used: %v", err)
	}
	if _, err := New(Config{Region: "ap-beijing", Credential: &common.Credential{SecretId: "id"}}); err == nil || errors.Is(err, ErrConfig) {
		t.Fatalf("empty SecretKey accepted: %v", err)
	}
}

// roleProvider stands in for the metadata server, which only exists on a
// CVM: it answers after delay, or never when block is set.
type roleProvider struct {
	delay time.Duration
	block chan struct{}
	calls atomic.Int32
	id    string
}

func (p *roleProvider) GetCredential() (common.CredentialIface, error) {
	n := p.calls.Add(1)
	if p.block != nil {
		<-p.block
	}
	time.Sleep(p.delay)
	if p.id == "" {
		return nil, errors.New("get cvm role name failed")
	}
	return common.NewTokenCredential(p.id+string(rune('0'+n)), "roleKey", "roleTok"), nil
}

func TestCVMCredentialBounded(t *testing.T) {
	// A metadata server that never answers costs one bounded wait, not a hang.
	p := &roleProvider{block: make(chan struct{}), id: "role"}
	defer close(p.block)
	start := time.Now()
	if _, err := newCVMCredential(p, 50*time.Millisecond); !errors.Is(err, errCVMTimeout) {
		t.Fatalf("err = %v, want timeout", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("bounded wait took %v", time.Since(start))
	}

	// No role bound: the provider's error comes back.
	if _, err := newCVMCredential(&roleProvider{}, time.Second); err == nil {
		t.Fatal("no role: want error")
	}

	// A working role, then a refresh that times out keeps the old values and
	// does not start a second fetch while the first is still running.
	ok := &roleProvider{id: "role"}
	c, err := newCVMCredential(ok, time.Second)
	if err != nil || triple(c) != "role1|roleKey|roleTok" {
		t.Fatalf("first fetch: %v", err)
	}
	ok.block = make(chan struct{})
	c.wait = 20 * time.Millisecond
	c.fetched = time.Now().Add(-cvmRefreshEvery)
	if got := c.GetSecretId(); got != "role1" {
		t.Fatalf("after failed refresh got %q, want old value", got)
	}
	c.mu.Lock()
	c.retryAt = time.Time{} // allow an immediate retry
	c.mu.Unlock()
	_ = c.GetSecretKey()
	if n := ok.calls.Load(); n != 2 {
		t.Fatalf("provider called %d times, want 2 (one fetch in flight at most)", n)
	}
	close(ok.block) // the stuck fetch completes; the next call picks it up
	c.mu.Lock()
	c.retryAt, c.wait = time.Time{}, time.Second
	c.mu.Unlock()
	if got := c.GetToken(); got != "roleTok" || c.GetSecretId() != "role2" {
		t.Fatalf("after refresh: id %q token %q", c.GetSecretId(), got)
	}
}

func TestCVMRoleInChain(t *testing.T) {
	isolate(t)
	oldWait, oldProvider := cvmWait, cvmProvider
	defer func() { cvmWait, cvmProvider = oldWait, oldProvider }()
	cvmWait = 100 * time.Millisecond

	// Asked for and bound: the role is the last resort and is used.
	cvmProvider = func() common.Provider { return &roleProvider{id: "role"} }
	c, err := New(Config{Region: "ap-singapore", CVMRole: true})
	if err != nil || triple(c.cred) != "role1|roleKey|roleTok" {
		t.Fatalf("CVM role not used: %v", err)
	}
	// Not asked for: never tried, even when it would work.
	if _, err := New(Config{Region: "ap-singapore"}); !strings.Contains(fmtVal(err), "not asked for") {
		t.Fatalf("CVM role tried without CVMRole: %v", err)
	}
	// Asked for, but the metadata server hangs: the chain reports it in time.
	block := make(chan struct{})
	defer close(block)
	cvmProvider = func() common.Provider { return &roleProvider{id: "role", block: block} }
	start := time.Now()
	_, err = New(Config{Region: "ap-singapore", CVMRole: true})
	if err == nil || !strings.Contains(err.Error(), "CVM metadata role (metadata server did not answer in time)") {
		t.Fatalf("error should report the CVM timeout: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("New hung %v on the metadata server", time.Since(start))
	}
}

func fmtVal(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
