package client

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// Environment variables of the credential chain. The SDK's env provider
// ignores the session token, so the client reads all three itself.
const (
	EnvSecretID     = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey    = "TENCENTCLOUD_SECRET_KEY"
	EnvSessionToken = "TENCENTCLOUD_SESSION_TOKEN"
)

// cvmWait bounds every trip to the CVM metadata server. Off a CVM the
// metadata host may swallow packets, and the SDK's provider has no timeout.
var cvmWait = 2 * time.Second

// cvmProvider is the SDK's metadata provider; a variable so tests, which
// may only use loopback, can stand in for the metadata server.
var cvmProvider = func() common.Provider { return common.DefaultCvmRoleProvider() }

// resolveCredential walks the chain in the documented order; the first
// source that holds a credential wins. A source that exists but is broken
// stops the chain with an error about that source (silently falling through
// to another identity would be worse). Errors name files and variables,
// never their values.
func resolveCredential(cfg Config) (common.CredentialIface, error) {
	if c := cfg.Credential; c != nil {
		if c.SecretId == "" || c.SecretKey == "" {
			return nil, errors.New("the given credential has an empty SecretId or SecretKey")
		}
		return c, nil
	}
	var looked []string

	cred, err := envCredential()
	if cred != nil || err != nil {
		return cred, err
	}
	looked = append(looked, "env "+EnvSecretID+"/"+EnvSecretKey+" (unset)")

	tccli := tccliPath()
	cred, err = fileCredential(tccli, common.DefaultTccliProfileProvider())
	if cred != nil || err != nil {
		return cred, err
	}
	looked = append(looked, tccli+" (not found)")

	profile, explicit := profilePath()
	if explicit {
		// The SDK reads this variable itself; a missing file it names is
		// a mistake to report, not a source to skip.
		if _, err := os.Stat(profile); err != nil {
			return nil, fmt.Errorf("credentials file %s named by TENCENTCLOUD_CREDENTIALS_FILE: %w", profile, safeErr(err))
		}
	}
	cred, err = fileCredential(profile, common.DefaultProfileProvider())
	if cred != nil || err != nil {
		return cred, err
	}
	looked = append(looked, profile+" (not found)")

	if cfg.CVMRole {
		cred, err := newCVMCredential(cvmProvider(), cvmWait)
		if err == nil {
			return cred, nil
		}
		looked = append(looked, "CVM metadata role ("+cvmReason(err)+")")
	} else {
		looked = append(looked, "CVM metadata role (not asked for: pass --cvm-role)")
	}
	return nil, errors.New("no TencentCloud credentials found; looked in: " + strings.Join(looked, "; ") +
		". Set " + EnvSecretID + " and " + EnvSecretKey + ", or run `tccli configure`")
}

// envCredential returns nil, nil when neither variable is set (or both are
// empty), so the chain moves on.
func envCredential() (common.CredentialIface, error) {
	id, key := os.Getenv(EnvSecretID), os.Getenv(EnvSecretKey)
	switch {
	case id == "" && key == "":
		return nil, nil
	case id == "":
		return nil, errors.New(EnvSecretKey + " is set but " + EnvSecretID + " is empty: set both or unset both")
	case key == "":
		return nil, errors.New(EnvSecretID + " is set but " + EnvSecretKey + " is empty: set both or unset both")
	}
	return common.NewTokenCredential(id, key, os.Getenv(EnvSessionToken)), nil
}

// fileCredential asks an SDK file provider for a credential when its file
// exists. nil, nil means "no such file".
func fileCredential(path string, p common.Provider) (common.CredentialIface, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	cred, err := p.GetCredential()
	if err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, safeErr(err))
	}
	if cred == nil || cred.GetSecretId() == "" || cred.GetSecretKey() == "" {
		return nil, fmt.Errorf("credentials file %s: no secret id/key in it", path)
	}
	return cred, nil
}

// tccliPath is where the SDK's tccli provider looks.
func tccliPath() string {
	name, ok := os.LookupEnv(common.EnvTCCLIProfile)
	if !ok {
		name = "default"
	}
	return filepath.Join(home(), ".tccli", name+".credential")
}

// profilePath is where the SDK's profile provider looks; explicit when the
// path comes from TENCENTCLOUD_CREDENTIALS_FILE.
func profilePath() (string, bool) {
	if p, ok := os.LookupEnv(common.EnvCredentialFile); ok {
		return p, true
	}
	return filepath.Join(home(), ".tencentcloud", "credentials"), false
}

// home mirrors the SDK (HOME, not os.UserHomeDir) so that the paths we name
// are the paths it reads. Tests point it elsewhere with t.Setenv("HOME").
func home() string {
	if h := os.Getenv("HOME"); h != "" {
		return h
	}
	return "~"
}

// safeErr keeps only error texts that cannot carry file contents: path
// errors and the SDK's own credential messages. A JSON syntax error could
// quote a character of a secret, so it is replaced by a generic reason.
func safeErr(err error) error {
	var pe *fs.PathError
	var se *tcerr.TencentCloudSDKError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &se):
		return errors.New(se.Message)
	}
	return errors.New("unreadable (not in the format tccli or the SDK writes)")
}

// cvmReason says why the metadata role gave nothing, in a few words.
func cvmReason(err error) string {
	var ue *url.Error
	switch {
	case errors.Is(err, errCVMTimeout):
		return err.Error()
	case errors.As(err, &ue):
		return "metadata server unreachable: " + clip(ue.Err.Error(), 80)
	}
	return clip(safeErr(err).Error(), 120)
}
