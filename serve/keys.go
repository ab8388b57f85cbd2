package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// ReadOnlyOption is the authorized_keys option that makes a key look-only
// (OpenSSH ignores what it does not know only in its own files; this file
// is trtcwatch's). OpenSSH's own "restrict" means the same here: a key the
// file restricts may look but never edit.
const ReadOnlyOption = "trtcwatch-readonly"

// maxKeysFile bounds the authorized keys file read on every change.
const maxKeysFile = 4 << 20

// Viewer is who an authorized key belongs to: the key's comment (or its
// fingerprint when it has none) names the edits it makes.
type Viewer struct {
	Name     string
	ReadOnly bool
}

// keyring is the authorized keys file, read again whenever its size,
// modification time or inode changes (checked at each login attempt, so
// an edit takes effect for the next connection without a restart).
type keyring struct {
	path string
	log  *slog.Logger

	mu    sync.Mutex
	info  fs.FileInfo
	keys  map[string]Viewer // by the key's wire form
	err   error             // the last read's failure: every key is refused until it is fixed
	count int
}

func newKeyring(path string, log *slog.Logger) (*keyring, error) {
	k := &keyring{path: path, log: log}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refreshLocked()
	if k.err != nil {
		return nil, k.err
	}
	return k, nil
}

// lookup says whether key may log in, and as whom. A file that cannot be
// read refuses everyone (fail closed) until it is fixed.
func (k *keyring) lookup(key gossh.PublicKey) (Viewer, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refreshLocked()
	if k.err != nil {
		return Viewer{}, false
	}
	v, ok := k.keys[string(key.Marshal())]
	return v, ok
}

func (k *keyring) refreshLocked() {
	st, err := os.Stat(k.path)
	if err != nil {
		k.fail(fmt.Errorf("authorized keys %s: %w", k.path, err))
		return
	}
	if k.info != nil && k.err == nil && os.SameFile(k.info, st) && st.Size() == k.info.Size() && st.ModTime().Equal(k.info.ModTime()) {
		return
	}
	keys, n, err := readAuthorizedKeys(k.path)
	if err != nil {
		k.fail(err)
		return
	}
	if k.info != nil {
		k.log.Info("authorized keys re-read", "path", k.path, "keys", n)
	}
	k.info, k.keys, k.err, k.count = st, keys, nil, n
}

func (k *keyring) fail(err error) {
	if k.err == nil || k.err.Error() != err.Error() {
		k.log.Warn("authorized keys unreadable: refusing every key", "err", err)
	}
	k.err, k.info, k.keys = err, nil, nil
}

// readAuthorizedKeys parses an OpenSSH authorized_keys file. Lines that
// are not keys (comments, blanks, typos) are skipped, as sshd does.
func readAuthorizedKeys(path string) (map[string]Viewer, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("authorized keys: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxKeysFile+1)); err != nil {
		return nil, 0, fmt.Errorf("authorized keys %s: %w", path, err)
	}
	if buf.Len() > maxKeysFile {
		return nil, 0, fmt.Errorf("authorized keys %s: larger than %d bytes", path, maxKeysFile)
	}
	keys := map[string]Viewer{}
	for _, line := range strings.Split(buf.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pub, comment, opts, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			continue
		}
		v := Viewer{Name: viewerName(comment, pub)}
		for _, o := range opts {
			if o == ReadOnlyOption || o == "restrict" {
				v.ReadOnly = true
			}
		}
		keys[string(pub.Marshal())] = v
	}
	return keys, len(keys), nil
}

// viewerName is the key's comment made safe for the screen and the event
// log, or its fingerprint when the comment is empty.
func viewerName(comment string, pub gossh.PublicKey) string {
	name := strings.TrimSpace(sanitize.String(comment))
	if r := []rune(name); len(r) > 64 {
		name = string(r[:64])
	}
	if name == "" {
		name = gossh.FingerprintSHA256(pub)
	}
	return name
}

// LoadOrCreateHostKey reads the server's host key, or on first start makes
// an ed25519 one and writes it 0600 (never over an existing file). It
// returns the key's PEM and its SHA256 fingerprint, for users to check on
// their first connection.
func LoadOrCreateHostKey(path string) (pemBytes []byte, fingerprint string, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = newHostKey(path)
		created = err == nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("host key %s: %w", path, err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, "", false, fmt.Errorf("host key %s: %w", path, err)
	}
	return data, gossh.FingerprintSHA256(signer.PublicKey()), created, nil
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
