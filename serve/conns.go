package serve

import (
	"cmp"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Defaults of the connection limits (Config.LoginTimeout, ShellTimeout).
const (
	// defaultLoginTimeout bounds TCP connect to logged in: the handshake
	// and the key. An ssh with its key in an agent needs well under a
	// second; one that asks for the key's passphrase must have it typed
	// within this.
	defaultLoginTimeout = 10 * time.Second
	// defaultShellTimeout bounds logged in (or the last dashboard of the
	// connection closed) to a dashboard: `ssh -N` and clients that only
	// send requests are closed after it.
	defaultShellTimeout = 10 * time.Second
)

// Bounds on connections that have no dashboard (yet): logging in, or
// logged in and not yet (or no longer) showing one. Those with a dashboard
// are bounded by MaxSessions. A connection waiting to log in costs a few
// tens of KB, so the bounds are generous: a real login needs a place for
// well under a second, and behind an SSH jump host every engineer comes
// from the one address 127.0.0.1.
const (
	maxWaiting        = 256 // from all addresses
	maxWaitingPerAddr = 128 // from one address
	maxWaitingPerKey  = 4   // logged in with one key, for longer than shellGrace
	maxChannels       = 4   // session channels open at once on one connection
)

// shellGrace is how long after logging in a connection is not counted
// against maxWaitingPerKey: a real client asks for its shell within
// milliseconds, and engineers sharing a key (or one opening several
// terminals at once) log in together.
const shellGrace = time.Second

// conn is one TCP connection as the server tracks it. A connection without
// a dashboard is "waiting": it holds a place only until it has one. A
// newcomer that finds no room closes the oldest waiting connection that
// has not said a word (see conns.admit), so sockets that never speak
// cannot lock anyone out, and one address can only push out its own; if
// every waiting one has spoken, the newcomer is refused.
type conn struct {
	net.Conn
	ip    string // the remote address without port: one "address"
	seq   uint64 // arrival order
	bytes atomic.Int64
	set   *conns

	// guarded by set.mu
	key        string    // the key it logged in with (wire form), "" before
	loggedAt   time.Time // when
	dashboards int
	chans      map[uint64]*chanState // open session channels
	timer      *time.Timer           // the shell deadline, while logged in and waiting
	gone       bool
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.bytes.Add(int64(n))
	return n, err
}

func (c *conn) Close() error {
	c.set.remove(c)
	return c.Conn.Close()
}

// silent: not a byte received yet.
func (c *conn) silent() bool { return c.key == "" && c.bytes.Load() == 0 }

// conns is every open connection the server tracks.
type conns struct {
	log          *logLimiter
	shellTimeout time.Duration

	mu      sync.Mutex
	seq     uint64 // connections and channels, in order
	waiting map[*conn]struct{}
}

type connKey struct{}

// connOf is the connection a session or channel belongs to.
func connOf(ctx ssh.Context) *conn {
	c, _ := ctx.Value(connKey{}).(*conn)
	return c
}

// admit tracks a new connection. With its address at maxWaitingPerAddr,
// it closes that address's oldest silent connection to make room; with
// all at maxWaiting, the oldest silent one of the address with the most.
// With none to close, the newcomer is refused.
func (cs *conns) admit(ctx ssh.Context, nc net.Conn) net.Conn {
	ip := nc.RemoteAddr().String()
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	cs.mu.Lock()
	count, oldest, busiest := cs.countLocked()
	var victim *conn
	switch {
	case count[ip] >= maxWaitingPerAddr:
		victim = oldest[ip]
	case len(cs.waiting) >= maxWaiting:
		victim = oldest[busiest]
	}
	if victim == nil && (count[ip] >= maxWaitingPerAddr || len(cs.waiting) >= maxWaiting) {
		cs.mu.Unlock()
		cs.log.warn("connection refused: every waiting place is taken by one that is logging in",
			"remote", nc.RemoteAddr().String(), "waiting_max", maxWaiting, "per_address_max", maxWaitingPerAddr)
		return nil
	}
	if victim != nil {
		cs.dropLocked(victim)
	}
	cs.seq++
	c := &conn{Conn: nc, ip: ip, seq: cs.seq, set: cs, chans: map[uint64]*chanState{}}
	cs.waiting[c] = struct{}{}
	cs.mu.Unlock()
	if victim != nil {
		cs.log.warn("connection closed to make room: it had not said a word", "remote", victim.RemoteAddr().String(),
			"for", nc.RemoteAddr().String(), "waiting_max", maxWaiting, "per_address_max", maxWaitingPerAddr)
		victim.Conn.Close() //nolint:errcheck // closing a connection we gave up on
	}
	ctx.SetValue(connKey{}, c)
	return c
}

// countLocked counts the waiting connections of each address, finds each
// address's oldest silent one, and names the address with the most silent.
func (cs *conns) countLocked() (count map[string]int, oldest map[string]*conn, busiest string) {
	count, oldest = map[string]int{}, map[string]*conn{}
	silent := map[string]int{}
	for w := range cs.waiting {
		count[w.ip]++
		if !w.silent() {
			continue
		}
		silent[w.ip]++
		if o := oldest[w.ip]; o == nil || w.seq < o.seq {
			oldest[w.ip] = w
		}
		if silent[w.ip] > silent[busiest] {
			busiest = w.ip
		}
	}
	return count, oldest, busiest
}

// dropLocked forgets c (it is being closed).
func (cs *conns) dropLocked(c *conn) {
	delete(cs.waiting, c)
	c.gone = true
	if c.timer != nil {
		c.timer.Stop()
	}
}

func (cs *conns) remove(c *conn) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.dropLocked(c)
}

// loggedIn is called once the client proved it holds key: the shell
// deadline starts, and a key holding its fill of connections waiting past
// shellGrace gives up its oldest, to make room for this one.
func (cs *conns) loggedIn(c *conn, key string) {
	cs.mu.Lock()
	if c.gone {
		cs.mu.Unlock()
		return
	}
	c.key, c.loggedAt = key, time.Now()
	var old []*conn
	for w := range cs.waiting {
		if w.key == key && time.Since(w.loggedAt) > shellGrace {
			old = append(old, w)
		}
	}
	slices.SortFunc(old, func(a, b *conn) int { return cmp.Compare(a.seq, b.seq) })
	victims := old[:max(len(old)-(maxWaitingPerKey-1), 0)]
	for _, v := range victims {
		cs.dropLocked(v)
	}
	cs.armLocked(c)
	cs.mu.Unlock()
	for _, v := range victims {
		cs.log.warn("connection closed to make room: one key logged in without a dashboard too often",
			"remote", v.RemoteAddr().String(), "per_key_max", maxWaitingPerKey)
		v.Conn.Close() //nolint:errcheck // as above
	}
}

// armLocked starts the shell deadline of a logged-in connection that has
// no dashboard.
func (cs *conns) armLocked(c *conn) {
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = time.AfterFunc(cs.shellTimeout, func() {
		cs.mu.Lock()
		idle := !c.gone && c.dashboards == 0
		if idle {
			cs.dropLocked(c)
		}
		cs.mu.Unlock()
		if idle {
			cs.log.info("connection closed: logged in but no dashboard", "remote", c.RemoteAddr().String(), "within", cs.shellTimeout)
			c.Conn.Close() //nolint:errcheck // as above
		}
	})
}

// dashboard counts a dashboard starting (+1) or ending (-1) on c. A
// connection with one no longer waits; when its last ends, it waits again
// (and its shell deadline runs) until it opens another or closes.
func (cs *conns) dashboard(c *conn, delta int) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c.gone {
		return
	}
	c.dashboards += delta
	switch {
	case c.dashboards > 0:
		delete(cs.waiting, c)
		if c.timer != nil {
			c.timer.Stop()
		}
	case delta < 0:
		cs.waiting[c] = struct{}{}
		cs.armLocked(c)
	}
}

// openChannel registers a new session channel of c, or refuses it (nil)
// past maxChannels.
func (cs *conns) openChannel(c *conn) *chanState {
	if c == nil {
		return nil
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(c.chans) >= maxChannels {
		return nil
	}
	cs.seq++
	ch := &chanState{id: cs.seq, sizes: make(chan size, 1)}
	c.chans[ch.id] = ch
	return ch
}

func (cs *conns) closeChannel(c *conn, ch *chanState) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	delete(c.chans, ch.id)
}

// channelOf is the state of the channel a session runs on: its filter
// named it in the session's environment (chanEnv) before the shell.
func (cs *conns) channelOf(sess ssh.Session) *chanState {
	c := connOf(sess.Context())
	id, err := strconv.ParseUint(envLookup(sess.Environ())(chanEnv), 10, 64)
	if c == nil || err != nil {
		return nil
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return c.chans[id]
}

// authConfig is the SSH configuration of one connection: it learns when
// (and with which key) the client logged in, and bounds auth attempts.
func (cs *conns) authConfig(ctx ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		MaxAuthTries: 6,
		VerifiedPublicKeyCallback: func(_ gossh.ConnMetadata, key gossh.PublicKey, perms *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			if c := connOf(ctx); c != nil {
				cs.loggedIn(c, string(key.Marshal()))
			}
			return perms, nil
		},
	}
}
