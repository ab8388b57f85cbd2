package client

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// TestHostileCredentialFiles: files the SDK's own parsers panic on or read
// without end give a clear error naming the file and the profile looked
// for, and never quote the file's contents.
func TestHostileCredentialFiles(t *testing.T) {
	big := strings.Repeat("# padding\n", 10000) + "[default]\nsecret_id = a\nsecret_key = " + testSecret + "\n"
	tests := []struct {
		name  string
		setup func(t *testing.T, home string)
		err   []string
	}{
		{"ini without [default]", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tencentcloud", "credentials"), "[work]\nsecret_id = x\nsecret_key = "+testSecret+"\n")
		}, []string{".tencentcloud/credentials", "no [default] section"}},
		{"env file is JSON", func(t *testing.T, home string) {
			p := filepath.Join(home, "creds.json")
			writeFile(t, p, `{"secretId":"x","secretKey":"`+testSecret+`"}`)
			t.Setenv(common.EnvCredentialFile, p)
		}, []string{"creds.json", "not an INI file", "[default]"}},
		{"env file is binary", func(t *testing.T, home string) {
			p := filepath.Join(home, "blob")
			writeFile(t, p, "\x00\x01\x02"+testSecret)
			t.Setenv(common.EnvCredentialFile, p)
		}, []string{"blob", "not an INI file", "line 1"}},
		{"env file is empty", func(t *testing.T, home string) {
			p := filepath.Join(home, "empty.ini")
			writeFile(t, p, "")
			t.Setenv(common.EnvCredentialFile, p)
		}, []string{"empty.ini", "no [default] section"}},
		{"env file broken section", func(t *testing.T, home string) {
			p := filepath.Join(home, "b.ini")
			writeFile(t, p, "[default\nsecret_id = x\n")
			t.Setenv(common.EnvCredentialFile, p)
		}, []string{"b.ini", "line 1"}},
		{"env file /dev/zero", func(t *testing.T, home string) {
			t.Setenv(common.EnvCredentialFile, "/dev/zero")
		}, []string{"/dev/zero", "not a regular file"}},
		{"env file is a directory", func(t *testing.T, home string) {
			t.Setenv(common.EnvCredentialFile, home)
		}, []string{"not a regular file"}},
		{"env file too big", func(t *testing.T, home string) {
			p := filepath.Join(home, "big.ini")
			writeFile(t, p, big)
			t.Setenv(common.EnvCredentialFile, p)
		}, []string{"big.ini", "larger than 64 KiB"}},
		{"env file set but empty", func(t *testing.T, home string) {
			t.Setenv(common.EnvCredentialFile, "")
		}, []string{common.EnvCredentialFile, "empty"}},
		{"tccli too big", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), `{"secretId":"x","secretKey":"`+testSecret+`","pad":"`+strings.Repeat("p", 70<<10)+`"}`)
		}, []string{"default.credential", "larger than"}},
		{"tccli is /dev/zero", func(t *testing.T, home string) {
			os.MkdirAll(filepath.Join(home, ".tccli"), 0o700)
			if err := os.Symlink("/dev/zero", filepath.Join(home, ".tccli", "default.credential")); err != nil {
				t.Fatal(err)
			}
		}, []string{"default.credential", "not a regular file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			tt.setup(t, home)
			_, err := New(Config{Region: "ap-singapore"})
			if err == nil || errors.Is(err, ErrConfig) {
				t.Fatalf("got %v, want a credentials error", err)
			}
			msg := err.Error()
			for _, s := range tt.err {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			if strings.Contains(msg, testSecret) || strings.Contains(msg, "\n") || len(msg) > 600 {
				t.Errorf("error leaks contents, spans lines or is long: %q", msg)
			}
		})
	}
}

// TestCredentialSource: the client says where its credential came from,
// without any secret.
func TestCredentialSource(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		setup func(t *testing.T, home string)
		want  string
	}{
		{"env", Config{}, func(t *testing.T, home string) {
			t.Setenv(envSecretID, "envID")
			t.Setenv(EnvSecretKey, testSecret)
		}, "environment (TENCENTCLOUD_SECRET_ID)"},
		{"env with token", Config{}, func(t *testing.T, home string) {
			t.Setenv(envSecretID, "envID")
			t.Setenv(EnvSecretKey, testSecret)
			t.Setenv(EnvSessionToken, "tok")
		}, "environment (TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SESSION_TOKEN)"},
		{"tccli default", Config{}, func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tccli", "default.credential"), tccliFile("id", testSecret, ""))
		}, `tccli profile "default" (~/.tccli/default.credential)`},
		{"tccli named", Config{}, func(t *testing.T, home string) {
			t.Setenv(common.EnvTCCLIProfile, "work")
			writeFile(t, filepath.Join(home, ".tccli", "work.credential"), tccliFile("id", testSecret, ""))
		}, `tccli profile "work" (~/.tccli/work.credential)`},
		{"ini", Config{}, func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".tencentcloud", "credentials"), "[other]\nx = y\n[default]\nsecret_id = i\nsecret_key = "+testSecret+"\n")
		}, "credentials file ~/.tencentcloud/credentials [default]"},
		{"ini from env", Config{}, func(t *testing.T, home string) {
			p := filepath.Join(home, "c.ini")
			writeFile(t, p, "[default]\nsecret_id = i\nsecret_key = "+testSecret+"\n")
			t.Setenv(common.EnvCredentialFile, p)
		}, "credentials file ~/c.ini [default] (TENCENTCLOUD_CREDENTIALS_FILE)"},
		{"given, named", Config{Credential: common.NewCredential("id", testSecret), CredentialSource: "demo key pair"}, nil, "demo key pair"},
		{"given", Config{Credential: common.NewCredential("id", testSecret)}, nil, "credential given by the program"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			if tt.setup != nil {
				tt.setup(t, home)
			}
			cfg := tt.cfg
			cfg.Region = "ap-singapore"
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.CredentialSource(); got != tt.want || strings.Contains(got, testSecret) {
				t.Fatalf("CredentialSource() = %q, want %q", got, tt.want)
			}
		})
	}
}
