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

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// Environment variables of the credential chain. The SDK's env provider
// ignores the session token, so the client reads them itself; the token
// is TENCENTCLOUD_SESSION_TOKEN (the SDK's name) or TENCENTCLOUD_TOKEN
// (tccli's). The secret ones are exported: the commands redact their
// values wherever they print.
const (
	envSecretID     = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey    = "TENCENTCLOUD_SECRET_KEY"
	EnvSessionToken = "TENCENTCLOUD_SESSION_TOKEN"
	EnvToken        = "TENCENTCLOUD_TOKEN"
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
// never their values. The second result says where the credential came
// from, for CredentialSource.
func resolveCredential(cfg Config) (common.CredentialIface, string, error) {
	if c := cfg.Credential; c != nil {
		if c.SecretId == "" || c.SecretKey == "" {
			return nil, "", errors.New("the given credential has an empty SecretId or SecretKey")
		}
		src := cfg.CredentialSource
		if src == "" {
			src = "credential given by the program"
		}
		return c, src, nil
	}
	var looked []string

	cred, tokenVar, err := envCredential()
	if cred != nil || err != nil {
		src := "environment (" + envSecretID + ")"
		if tokenVar != "" {
			src = "environment (" + envSecretID + ", " + tokenVar + ")"
		}
		return cred, src, err
	}
	looked = append(looked, "env "+envSecretID+"/"+EnvSecretKey+" (unset)")

	tccli, name := tccliPath(".credential")
	if b, err := readCredFile(tccli); err != errNoFile {
		if err != nil {
			return nil, "", fmt.Errorf("tccli profile: %w", err) // readCredFile's errors name the file, never its contents
		}
		f, err := parseTccliCredential(tccli, b)
		if err != nil {
			return nil, "", err
		}
		src := fmt.Sprintf("tccli profile %q (%s)", name, tilde(tccli))
		if f.cvmRole() {
			// `tccli configure set use-cvm-role true`: the profile names
			// no key, the instance role is its identity. Asked for by the
			// profile, so --cvm-role is not needed.
			cred, err := newCVMCredential(cvmProvider(), cvmWait)
			if err != nil {
				return nil, "", fmt.Errorf("%s uses the CVM instance role (use-cvm-role), which gave no credential: %s", src, cvmReason(err))
			}
			return cred, src + ", CVM instance role", nil
		}
		return common.NewTokenCredential(f.SecretID, f.SecretKey, f.Token), src, nil
	}
	looked = append(looked, tccli+" (not found)")

	profile, explicit := profilePath()
	if explicit && profile == "" {
		return nil, "", errors.New(common.EnvCredentialFile + " is set but empty: unset it or name a credentials file")
	}
	if b, err := readCredFile(profile); err != errNoFile {
		if err != nil {
			return nil, "", fmt.Errorf("credentials file: %w", err)
		}
		cred, err := parseINICredential(profile, b)
		if err != nil {
			return nil, "", err
		}
		src := fmt.Sprintf("credentials file %s [%s]", tilde(profile), credProfile)
		if explicit {
			src += " (" + common.EnvCredentialFile + ")"
		}
		return cred, src, nil
	} else if explicit {
		// The SDK reads this variable itself; a missing file it names is
		// a mistake to report, not a source to skip.
		return nil, "", fmt.Errorf("credentials file %s named by %s does not exist", profile, common.EnvCredentialFile)
	}
	looked = append(looked, profile+" (not found)")

	if cfg.CVMRole {
		cred, err := newCVMCredential(cvmProvider(), cvmWait)
		if err == nil {
			return cred, "CVM instance role (metadata server)", nil
		}
		looked = append(looked, "CVM metadata role ("+cvmReason(err)+")")
	} else {
		looked = append(looked, "CVM metadata role (not asked for: pass --cvm-role)")
	}
	return nil, "", errors.New("no TencentCloud credentials found; looked in: " + strings.Join(looked, "; ") +
		". Set " + envSecretID + " and " + EnvSecretKey + ", or run `tccli configure`")
}

// envCredential returns nil, "", nil when neither variable is set (or both
// are empty), so the chain moves on. tokenVar names the variable the
// session token came from, "" without one.
func envCredential() (cred common.CredentialIface, tokenVar string, err error) {
	id, key := os.Getenv(envSecretID), os.Getenv(EnvSecretKey)
	switch {
	case id == "" && key == "":
		return nil, "", nil
	case id == "":
		return nil, "", errors.New(EnvSecretKey + " is set but " + envSecretID + " is empty: set both or unset both")
	case key == "":
		return nil, "", errors.New(envSecretID + " is set but " + EnvSecretKey + " is empty: set both or unset both")
	}
	token, tokenVar := os.Getenv(EnvSessionToken), EnvSessionToken
	switch other := os.Getenv(EnvToken); {
	case token == "" && other != "":
		token, tokenVar = other, EnvToken
	case token != "" && other != "" && other != token:
		return nil, "", errors.New(EnvSessionToken + " and " + EnvToken + " are both set and differ: unset one")
	}
	if token == "" {
		tokenVar = ""
	}
	return common.NewTokenCredential(id, key, token), tokenVar, nil
}

// tilde shows a path under the home directory as ~/…, as users write it.
func tilde(p string) string {
	if h := home(); h != "~" && strings.HasPrefix(p, h+string(filepath.Separator)) {
		return "~" + p[len(h):]
	}
	return p
}

// tccliPath is the tccli profile's file with the suffix (".credential",
// where the SDK's tccli provider looks, or ".configure"), and the profile
// name.
func tccliPath(suffix string) (string, string) {
	name, ok := os.LookupEnv(common.EnvTCCLIProfile)
	if !ok {
		name = "default"
	}
	return filepath.Join(home(), ".tccli", name+suffix), name
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
		return "metadata server unreachable: " + sanitize.Clip(ue.Err.Error(), 80)
	}
	return sanitize.Clip(safeErr(err).Error(), 120)
}
