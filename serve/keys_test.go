package serve

import (
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/watch"
)

func TestParseKeyOptions(t *testing.T) {
	for _, tc := range []struct {
		opts          string
		readOnly, pty bool // pty: may open a dashboard
		err           string
	}{
		{"", false, true, ""},
		{ReadOnlyOption, true, true, ""},
		{"restrict", true, true, ""},
		{"restrict,pty", true, true, ""},
		{"RESTRICT,No-Port-Forwarding,no-agent-forwarding,no-X11-forwarding,no-user-rc", true, true, ""},
		{"port-forwarding,agent-forwarding,x11-forwarding,user-rc", false, true, ""},
		{"no-pty", false, false, ""},
		{`from="10.0.0.0/8",expiry-time="29991231"`, false, true, ""},
		{`command="/bin/false",no-pty`, false, false, "option command is not supported"},
		{`environment="A=b"`, false, false, "option environment is not supported"},
		{`permitopen="h:1"`, false, false, "option permitopen is not supported"},
		{`permitlisten="1"`, false, false, "option permitlisten is not supported"},
		{`principals="a"`, false, false, "option principals is not supported"},
		{`tunnel="1"`, false, false, "option tunnel is not supported"},
		{"cert-authority", false, false, "option cert-authority is not supported"},
		{"no-touch-required", false, false, "option no-touch-required is not supported"},
		{"verify-required", false, false, "option verify-required is not supported"},
		{"frobnicate", false, false, "option frobnicate is not supported"},
		{"no-pty=1", false, false, "option no-pty takes no value"},
		{"from", false, false, "option from needs a value"},
		{`from=10.0.0.1`, false, false, "must be in double quotes"},
		{`from="10.1.2.3/8"`, false, false, "address bits set past its mask"},
		{`from="10.0.0.0/33"`, false, false, "not an address block"},
		{`from=""`, false, false, "an empty pattern"},
		{`expiry-time="2000"`, false, false, "not YYYYMMDD"},
		{`expiry-time="20001340"`, false, false, "not YYYYMMDD"},
	} {
		var opts []string
		if tc.opts != "" {
			opts = strings.Split(tc.opts, ",")
		}
		ko, _, err := parseKeyOptions(opts)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want %q", tc.opts, err, tc.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.opts, err)
		case ko.readOnly != tc.readOnly || ko.noPty == tc.pty:
			t.Errorf("%s: read-only %v no-pty %v, want %v %v", tc.opts, ko.readOnly, ko.noPty, tc.readOnly, !tc.pty)
		}
	}
}

func TestFromPatterns(t *testing.T) {
	for _, tc := range []struct {
		list, ip string
		want     bool
	}{
		{"10.9.9.9", "127.0.0.1", false},
		{"10.9.9.9", "10.9.9.9", true},
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.0/8", "127.0.0.1", true},
		{"10.0.0.0/8,192.168.1.0/24", "192.168.1.77", true},
		{"10.0.0.0/8,192.168.1.0/24", "192.168.2.77", false},
		{"127.0.0.*", "127.0.0.1", true},
		{"127.0.0.?", "127.0.0.1", true},
		{"127.0.0.?", "127.0.0.10", false},
		{"*", "203.0.113.5", true},
		{"*,!203.0.113.5", "203.0.113.5", false},
		{"!203.0.113.5,*", "203.0.113.5", false},
		{"127.0.0.0/8,!127.0.0.2", "127.0.0.2", false},
		{"127.0.0.0/8,!127.0.0.2", "127.0.0.3", true},
		{"!10.0.0.0/8", "127.0.0.1", false}, // a negation alone allows no one
		{"*.example.com", "127.0.0.1", false},
		{"localhost", "127.0.0.1", false}, // names are not looked up
		{"::1", "::1", true},
		{"::1", "127.0.0.1", false},
		{"2001:db8::/32", "2001:db8::7", true},
		{"2001:DB8:*", "2001:db8::7", true},
		{"10.0.0.1", "::ffff:10.0.0.1", true},
		{"::ffff:10.0.0.0/104", "10.1.2.3", true},
	} {
		list, _, err := parseFrom(tc.list)
		if err != nil {
			t.Fatalf("%s: %v", tc.list, err)
		}
		if got := allowedFrom(list, &net.TCPAddr{IP: net.ParseIP(tc.ip), Port: 1}); got != tc.want {
			t.Errorf("from=%q, client %s: %v, want %v", tc.list, tc.ip, got, tc.want)
		}
	}
	if allowedFrom([]fromEntry{{glob: "*"}}, &net.UnixAddr{Name: "x"}) {
		t.Error("a non-TCP address was allowed by from=")
	}
	if _, notes, _ := parseFrom("*.example.com,10.0.0.1"); len(notes) != 1 || !strings.Contains(notes[0], "does not look names up") {
		t.Errorf("a host name pattern: notes %q", notes)
	}
}

func TestParseExpiry(t *testing.T) {
	loc := time.Local
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"20000101", time.Date(2000, 1, 1, 0, 0, 0, 0, loc)},
		{"200001021304", time.Date(2000, 1, 2, 13, 4, 0, 0, loc)},
		{"20000102130405", time.Date(2000, 1, 2, 13, 4, 5, 0, loc)},
		{"20000101Z", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"20000102130405z", time.Date(2000, 1, 2, 13, 4, 5, 0, time.UTC)},
	} {
		if got, err := parseExpiry(tc.in); err != nil || !got.Equal(tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "Z", "2000010", "2000-01-01", "20000101T", "200001011", "20001301", "2000010125"} {
		if _, err := parseExpiry(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestAuthorizedKeysFile(t *testing.T) {
	a, b, c, d := newKey(t), newKey(t), newKey(t), newKey(t)
	keys, refused := parseAuthorizedKeys([]byte("# comment\n\n" + authLine(a, "", "alice") + authLine(b, `restrict,from="10.0.0.1"`, "bob") +
		authLine(c, ReadOnlyOption, "carol \x1b[31mred") + authLine(d, `command="/bin/false",no-pty`, "dave") +
		authLine(d, "no-pty", "dave") + "not a key\nssh-ed25519 AAAAbroken x\n"))
	if len(keys) != 4 {
		t.Fatalf("%d keys, want 4", len(keys))
	}
	if len(refused) != 1 || !strings.Contains(refused[0], "6 (dave): option command is not supported by trtcwatch; the key is refused") {
		t.Fatalf("refused %q", refused)
	}
	want := map[gossh.Signer]viewer{a: {Name: "alice"}, b: {Name: "bob", ReadOnly: true}, d: {Name: "dave", NoPty: true}}
	for k, v := range want {
		es := keys[string(k.PublicKey().Marshal())]
		if len(es) != 1 || es[0].viewer != v {
			t.Errorf("got %+v, want one %+v", es, v)
		}
	}
	carol := keys[string(c.PublicKey().Marshal())][0].viewer
	if !carol.ReadOnly || carol.Name == "" || containsControl(carol.Name) {
		t.Errorf("carol %+v: want read-only with a safe name", carol)
	}
}

func containsControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// dialFrom logs in with key from the local address local.
func dialFrom(addr, local string, key gossh.Signer) (*gossh.Client, error) {
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	cc, chans, reqs, err := gossh.NewClientConn(nc, addr, &gossh.ClientConfig{User: "oncall",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(key)}, HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err != nil {
		nc.Close()
		return nil, err
	}
	return gossh.NewClient(cc, chans, reqs), nil
}

// TestKeyOptionsOverSSH: what a real client gets for each line. Before,
// every option but the read-only ones was ignored: from="10.9.9.9",
// expiry-time="20000101" and command="/bin/false",no-pty keys got
// read-write dashboards from 127.0.0.1.
func TestKeyOptionsOverSSH(t *testing.T) {
	t.Parallel() // its own rig, waits on timeouts; measures nothing process-wide
	var logged lockedBuffer
	r := startRig(t, 1, time.Second, func(c *Config) { c.Log = slog.New(slog.NewTextHandler(&logged, nil)) })
	far, expired, command, noPty, some, future, twice, odd := newKey(t), newKey(t), newKey(t), newKey(t), newKey(t), newKey(t), newKey(t), newKey(t)
	writeFile(t, r.keysPath, authLine(far, `from="10.9.9.9"`, "far")+authLine(expired, `expiry-time="20000101"`, "expired")+
		authLine(command, `command="/bin/false",no-pty`, "command")+authLine(noPty, "no-pty", "nopty")+
		authLine(some, `from="127.0.0.0/8,!127.0.0.2"`, "some")+authLine(future, `expiry-time="29991231Z"`, "future")+
		authLine(twice, `from="10.0.0.1"`, "twice-far")+authLine(twice, ReadOnlyOption, "twice-ro")+authLine(odd, "frobnicate", "odd"))
	for _, k := range []gossh.Signer{far, expired, command, odd} {
		for range 3 {
			if c, err := dial(r.addr, gossh.PublicKeys(k)); err == nil {
				c.Close()
				t.Fatalf("a key the file limits logged in: %s", gossh.FingerprintSHA256(k.PublicKey()))
			}
		}
	}
	if _, err := dialFrom(r.addr, "127.0.0.2", some); err == nil {
		t.Fatal(`from="127.0.0.0/8,!127.0.0.2" let 127.0.0.2 in`)
	}
	for _, k := range []gossh.Signer{some, future} {
		tm := open(t, r.addr, k, nil, true)
		tm.waitText(t, "task-0000", wait)
	}
	ro := open(t, r.addr, twice, nil, true) // the first line refuses 127.0.0.1: the second applies
	ro.waitText(t, "task-0000", wait)
	ro.typeText(t, "a")
	ro.waitText(t, "read-only session", wait)
	np := open(t, r.addr, noPty, nil, true)
	var exit *gossh.ExitError
	if err := np.waitEnd(t, wait); !errors.As(err, &exit) || exit.ExitStatus() != 1 ||
		!strings.Contains(np.text(), "says no-pty, so it cannot open a dashboard") {
		t.Fatalf("a no-pty key: %v, %q", err, np.text())
	}
	// Each refused line is logged once per read of the file, not per attempt.
	log := logged.String()
	for _, want := range []string{"option command is not supported", "option frobnicate is not supported", "authorized key refused: expired"} {
		if n := strings.Count(log, want); n != 1 {
			t.Errorf("%q logged %d times, want once:\n%s", want, n, log)
		}
	}
}

// TestKeysFileFIFO: an authorized keys file replaced by a FIFO for a
// moment refuses logins (it is not a regular file) without hanging them;
// once the file is back, logins work again.
func TestKeysFileFIFO(t *testing.T) {
	r := startRig(t, 1, time.Second)
	saved, err := os.ReadFile(r.keysPath)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(r.keysPath)
	if err := syscall.Mkfifo(r.keysPath, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		c, err := dial(r.addr, gossh.PublicKeys(r.alice))
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a login succeeded with a FIFO for a keys file")
		}
	case <-time.After(wait):
		t.Fatal("a login hangs on a FIFO keys file")
	}
	os.Remove(r.keysPath)
	writeFile(t, r.keysPath, string(saved))
	tm := open(t, r.addr, r.alice, nil, true)
	tm.waitText(t, "task-0000", wait)
}

// TestLooseFilesWarn: a keys file or host key others could write (or, for
// the host key, read) is warned about; the files still work.
func TestLooseFilesWarn(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys")
	writeFile(t, keys, authLine(newKey(t), "", "alice"))
	hostPath := filepath.Join(dir, "host")
	hk, err := LoadOrCreateHostKey(hostPath)
	if err != nil {
		t.Fatal(err)
	}
	eng := watch.New(nil, watch.Config{})
	for _, tc := range []struct {
		keysMode, hostMode os.FileMode
		keysWarn, hostWarn string
	}{
		{0o600, 0o600, "", ""},
		{0o644, 0o640, "", "is readable by others (mode 0640)"},
		{0o664, 0o660, "is writable by its group (mode 0664)", "is writable by its group (mode 0660)"},
		{0o646, 0o606, "is writable by every user (mode 0646)", "is writable by every user (mode 0606)"},
	} {
		os.Chmod(keys, tc.keysMode)
		os.Chmod(hostPath, tc.hostMode)
		srv, err := New(Config{HostKeyPEM: hk.PEM, AuthorizedKeys: keys, Engine: eng})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(srv.Warnings(), "; ")
		if tc.keysWarn == "" && got != "" || !strings.Contains(got, tc.keysWarn) {
			t.Errorf("keys file mode %04o: warnings %q, want %q", tc.keysMode, got, tc.keysWarn)
		}
		h, err := LoadOrCreateHostKey(hostPath)
		if err != nil {
			t.Fatal(err)
		}
		if tc.hostWarn == "" && h.Warning != "" || !strings.Contains(h.Warning, tc.hostWarn) {
			t.Errorf("host key mode %04o: warning %q, want %q", tc.hostMode, h.Warning, tc.hostWarn)
		}
	}
}

func TestHostKeyCreatedOnceMode600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "host_key")
	hk1, err := LoadOrCreateHostKey(path)
	if err != nil || !hk1.Created || hk1.Warning != "" {
		t.Fatalf("first start: %+v, %v", hk1, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v, %v", st.Mode(), err)
	}
	hk2, err := LoadOrCreateHostKey(path)
	if err != nil || hk2.Created || hk1.Fingerprint != hk2.Fingerprint || hk2.Warning != "" {
		t.Fatalf("second start: %+v then %+v, %v", hk1, hk2, err)
	}
	if len(hk1.Fingerprint) < 10 || hk1.Fingerprint[:7] != "SHA256:" {
		t.Fatalf("fingerprint %q", hk1.Fingerprint)
	}
	writeFile(t, path, "junk")
	if _, err := LoadOrCreateHostKey(path); err == nil {
		t.Fatal("a broken host key was accepted")
	}
}

// TestHostKeyNotRegular: a FIFO, a device or a directory as the host key
// is refused at once (a FIFO hung start-up, /dev/zero ate memory).
func TestHostKeyNotRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero", t.TempDir()} {
		done := make(chan error, 1)
		go func() { _, err := LoadOrCreateHostKey(path); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
				t.Errorf("host key %s: %v", path, err)
			}
		case <-time.After(wait):
			t.Fatalf("host key %s: start-up hangs", path)
		}
	}
}
