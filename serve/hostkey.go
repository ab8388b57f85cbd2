package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/safefile"
)

// maxHostKey bounds the host key file: an OpenSSH private key is a few
// kilobytes (RSA 16384 bits is under 13 KiB).
const maxHostKey = 64 << 10

// HostKey is the server's SSH identity.
type HostKey struct {
	PEM         []byte // the private key
	Fingerprint string // SHA256, for users to check on their first connection
	Created     bool   // made now, on first start
	// Warning says, when not empty, why someone other than this user could
	// have read or replaced the key (its owner or mode); print it at start.
	Warning string
}

// LoadOrCreateHostKey reads the server's host key, or on first start makes
// an ed25519 one and writes it 0600 (never over an existing file). The key
// must be a regular file: a FIFO would hang start-up and /dev/zero would
// be read until memory ran out.
func LoadOrCreateHostKey(path string) (HostKey, error) {
	var hk HostKey
	data, fi, err := safefile.ReadRegular(path, maxHostKey)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = newHostKey(path)
		hk.Created = err == nil
	} else if err == nil {
		hk.Warning = hostKeyWarning(path, fi)
	}
	if err != nil {
		return HostKey{}, fmt.Errorf("host key %s: %w", path, err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return HostKey{}, fmt.Errorf("host key %s: %w", path, err)
	}
	hk.PEM, hk.Fingerprint = data, gossh.FingerprintSHA256(signer.PublicKey())
	return hk, nil
}

// hostKeyWarning: who could have written the key (its owner, a group or
// every user), else who may read it (a copy lets them pose as the server).
func hostKeyWarning(path string, fi fs.FileInfo) string {
	why := safefile.Loose(fi)
	if why == "" && fi.Mode().Perm()&0o077 != 0 {
		why = fmt.Sprintf("is readable by others (mode %04o)", fi.Mode().Perm())
	}
	if why == "" {
		return ""
	}
	return fmt.Sprintf("host key %s %s: whoever can read or replace it can pose as this server; chmod 600 it (and chown it to this user)", path, why)
}

func newHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "trtcwatch host key "+time.Now().UTC().Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	data := pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, err
	}
	return data, nil
}
