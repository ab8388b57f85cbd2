package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/safefile"
)

// EnvRegion is the region variable tccli and the SDK's examples read.
const EnvRegion = "TENCENTCLOUD_REGION"

// maxCredentialFileBytes bounds every credentials or profile file read. A
// real one is a few hundred bytes; a path pointing at /dev/zero or a huge
// log must not be read until memory runs out.
const maxCredentialFileBytes = 64 << 10

// credProfile is the only profile the SDK's credentials file provider
// reads, and so the only one trtcwatch looks for.
const credProfile = "default"

// errNoFile means the file does not exist: the chain moves on.
var errNoFile = errors.New("no such file")

// readCredFile reads a credentials file with safefile's one reader,
// refusing what is not a regular file (a FIFO would block, a device never
// ends) and anything larger than maxCredentialFileBytes. Errors name the
// file, never its contents.
func readCredFile(path string) ([]byte, error) {
	b, _, err := safefile.ReadRegular(path, maxCredentialFileBytes)
	var big *safefile.TooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errNoFile
	case errors.As(err, &big):
		return nil, fmt.Errorf("%s is larger than %d KiB: not a credentials file", path, maxCredentialFileBytes>>10)
	}
	return b, err
}

// parseINICredential reads the [default] section's secret_id and
// secret_key from an INI credentials file, the format the SDK's profile
// provider reads (whose own parser panics on a file without that section).
// Lines are `[section]`, `key = value`, blank, or comments (# or ;);
// anything else means the file is not INI, reported by line number only.
func parseINICredential(path string, b []byte) (*common.Credential, error) {
	section, found := "", false
	vals := map[string]string{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") || len(line) < 3 {
				return nil, fmt.Errorf("credentials file %s is not an INI file: line %d is a broken [section] header", path, i+1)
			}
			section = strings.TrimSpace(line[1 : len(line)-1])
			found = found || section == credProfile
		case strings.Contains(line, "="):
			if section == credProfile {
				k, v, _ := strings.Cut(line, "=")
				vals[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		default:
			return nil, fmt.Errorf("credentials file %s is not an INI file (line %d is neither [section] nor key = value); looked for profile [%s] with secret_id and secret_key",
				path, i+1, credProfile)
		}
	}
	if !found {
		return nil, fmt.Errorf("credentials file %s has no [%s] section: add one with secret_id and secret_key (the only profile read)", path, credProfile)
	}
	id, key := vals["secret_id"], vals["secret_key"]
	if id == "" || key == "" {
		return nil, fmt.Errorf("credentials file %s: profile [%s] needs both secret_id and secret_key", path, credProfile)
	}
	return common.NewCredential(id, key), nil
}

// tccliCredential is a tccli profile's credential file
// (~/.tccli/<profile>.credential): secretId, secretKey and optionally
// token, or "type": "cvm-role", which `tccli configure set use-cvm-role
// true` writes to make the CVM instance role the profile's identity
// (tccli then ignores the keys). Other keys are ignored.
type tccliCredential struct {
	SecretID  string `json:"secretId"`
	SecretKey string `json:"secretKey"`
	Token     string `json:"token"`
	Type      string `json:"type"`
}

// tccliCVMRole is the credential type tccli writes for use-cvm-role.
const tccliCVMRole = "cvm-role"

func (f tccliCredential) cvmRole() bool { return f.Type == tccliCVMRole }

// parseTccliCredential reads a tccli profile's credential file.
func parseTccliCredential(path string, b []byte) (tccliCredential, error) {
	var f tccliCredential
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("tccli profile %s is not JSON in the format `tccli configure` writes", path)
	}
	if !f.cvmRole() && (f.SecretID == "" || f.SecretKey == "") {
		return f, fmt.Errorf("tccli profile %s needs both secretId and secretKey, or \"type\": %q (tccli configure set use-cvm-role true)", path, tccliCVMRole)
	}
	return f, nil
}

// DefaultRegion is the region to use when --region is not given, as tccli
// chooses it: TENCENTCLOUD_REGION, else the region of the tccli profile
// (TCCLI_PROFILE, else "default") in ~/.tccli/<profile>.configure, else
// fallback. from says where it came from, "" for fallback, to show beside
// the region and in errors about it. A configure file that exists but
// cannot be read is an error naming it (never quoting it).
func DefaultRegion(fallback string) (region, from string, err error) {
	if r := os.Getenv(EnvRegion); r != "" {
		return r, EnvRegion, nil
	}
	path, name := tccliPath(".configure")
	b, err := readCredFile(path)
	switch {
	case err == errNoFile:
		return fallback, "", nil
	case err != nil:
		return "", "", fmt.Errorf("tccli profile: %w", err)
	}
	// tccli keeps its settings under "_sys_param"; versions before 3.0.30
	// wrote "region" at the top level.
	var conf struct {
		Sys struct {
			Region string `json:"region"`
		} `json:"_sys_param"`
		Region string `json:"region"`
	}
	if err := json.Unmarshal(b, &conf); err != nil {
		return "", "", fmt.Errorf("tccli profile %s is not JSON in the format `tccli configure` writes: pass --region", path)
	}
	r := conf.Sys.Region
	if r == "" {
		r = conf.Region
	}
	if r == "" {
		return fallback, "", nil
	}
	return r, fmt.Sprintf("tccli profile %q", name), nil
}
