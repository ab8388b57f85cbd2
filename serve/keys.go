package serve

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/safefile"
	"github.com/trtcwatch/trtcwatch/sanitize"
)

// ReadOnlyOption is the authorized_keys option that makes a key look-only
// (OpenSSH ignores what it does not know only in its own files; this file
// is trtcwatch's). OpenSSH's own "restrict" means the same here: a key the
// file restricts may look but never edit.
const ReadOnlyOption = "trtcwatch-readonly"

// maxKeysFile bounds the authorized keys file read on every change.
const maxKeysFile = 4 << 20

// viewer is who an authorized key belongs to: the key's comment (or its
// fingerprint when it has none) names the edits it makes.
type viewer struct {
	Name     string
	ReadOnly bool
	// NoPty: the key's line says no-pty, so it may log in but is told it
	// can never open a dashboard (which is a terminal).
	NoPty bool
}

// keyEntry is one line of the file: who, and where from and until when.
type keyEntry struct {
	viewer  viewer
	opts    keyOptions
	line    int
	expired bool // its refusal for expiry was logged (once per read)
}

// keyring is the authorized keys file, read again whenever its size,
// modification time or inode changes (checked at each login attempt, so
// an edit takes effect for the next connection without a restart).
type keyring struct {
	path    string
	log     *slog.Logger
	limited *logLimiter

	mu   sync.Mutex
	info fs.FileInfo
	keys map[string][]*keyEntry // by the key's wire form, in file order
	err  error                  // the last read's failure: every key is refused until it is fixed
	warn string                 // the last read's warning about who could have written the file
}

func newKeyring(path string, log *slog.Logger, limited *logLimiter) (*keyring, error) {
	k := &keyring{path: path, log: log, limited: limited}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refreshLocked()
	if k.err != nil {
		return nil, k.err
	}
	return k, nil
}

// lookup says whether key may log in from remote now, and as whom: the
// first line of the file with that key whose from= and expiry-time= let
// it, as sshd does. A file that cannot be read refuses everyone (fail
// closed) until it is fixed.
func (k *keyring) lookup(key gossh.PublicKey, remote net.Addr) (viewer, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refreshLocked()
	if k.err != nil {
		return viewer{}, false
	}
	for _, e := range k.keys[string(key.Marshal())] {
		if !e.opts.expires.IsZero() && time.Now().After(e.opts.expires) {
			if !e.expired {
				e.expired = true
				k.log.Warn("authorized key refused: expired", "line", e.line, "key", e.viewer.Name, "expiry", e.opts.expires.Format(time.RFC3339))
			}
			continue
		}
		if !allowedFrom(e.opts.from, remote) {
			k.limited.warn("authorized key refused: not from an address its from= allows", "key", e.viewer.Name, "remote", remote.String())
			continue
		}
		return e.viewer, true
	}
	return viewer{}, false
}

// warning is what the last read found wrong with who could write the
// file ("" when nothing).
func (k *keyring) warning() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.warn
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
	data, fi, err := safefile.ReadRegular(k.path, maxKeysFile)
	if err != nil {
		k.fail(fmt.Errorf("authorized keys: %w", err))
		return
	}
	keys, refused := parseAuthorizedKeys(data)
	k.warn = ""
	if why := safefile.Loose(fi); why != "" {
		k.warn = fmt.Sprintf("authorized keys %s %s: whoever can write it decides who may connect", k.path, why)
		k.log.Warn(k.warn)
	}
	for _, r := range refused {
		k.log.Warn("authorized keys: line refused", "path", k.path, "line", r)
	}
	n := 0
	for _, es := range keys {
		n += len(es)
	}
	if k.info != nil {
		k.log.Info("authorized keys re-read", "path", k.path, "keys", n)
	}
	k.info, k.keys, k.err = fi, keys, nil
}

func (k *keyring) fail(err error) {
	if k.err == nil || k.err.Error() != err.Error() {
		k.log.Warn("authorized keys unreadable: refusing every key", "err", err)
	}
	k.err, k.info, k.keys = err, nil, nil
}

// parseAuthorizedKeys parses an OpenSSH authorized_keys file. Lines that
// are not keys (comments, blanks, typos) are skipped, as sshd does; a key
// whose options trtcwatch does not implement is refused, and refused
// says which line and why (notes on lines kept are there too).
func parseAuthorizedKeys(data []byte) (keys map[string][]*keyEntry, refused []string) {
	keys = map[string][]*keyEntry{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pub, comment, opts, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			continue
		}
		name := viewerName(comment, pub)
		ko, notes, err := parseKeyOptions(opts)
		for _, n := range notes {
			refused = append(refused, fmt.Sprintf("%d (%s): kept, but %s", i+1, name, n))
		}
		if err != nil {
			refused = append(refused, fmt.Sprintf("%d (%s): %v; the key is refused", i+1, name, sanitize.Clip(sanitize.String(err.Error()), 200)))
			continue
		}
		e := &keyEntry{viewer: viewer{Name: name, ReadOnly: ko.readOnly, NoPty: ko.noPty}, opts: ko, line: i + 1}
		keys[string(pub.Marshal())] = append(keys[string(pub.Marshal())], e)
	}
	return keys, refused
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
