package serve

import (
	"encoding/binary"
	"strconv"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// The terminal size a client may ask for. Every screen buffer, frame and
// layout is sized from it, so the client's number (up to 2^32-1 each way)
// is clamped where it enters, in the pty request and every window change,
// before the SSH library, Bubble Tea or the dashboard see it. A session
// costs about 200 bytes of heap per cell (measured: 9 MB at 500x100, 13 MB
// at 400x150), so the bound is on cells: 50,000, within 500 columns and
// 300 rows; past it the rows give way. A 1440p screen with an 8x16 font
// (320x90) is whole; a 4K one (480x135) gets 480x104. A larger window
// shows the dashboard at the clamped size in its corner.
const (
	maxCols  = 500
	maxRows  = 300
	maxCells = 50_000
)

// What a session's requests before its dashboard may bring.
const (
	maxEnvRequests = 64      // env requests kept per session
	maxEnvValue    = 1 << 10 // bytes of one kept value
	maxEnvFlood    = 256     // env requests, kept or not, past which the connection is closed
	maxTermName    = 64      // bytes of the TERM a pty request names
)

// keptEnv are the environment variables a session uses: the time zone,
// and the colour preferences the colour profile reads. Every other env
// request is refused and never stored (TERM comes from the pty request).
var keptEnv = map[string]bool{"TZ": true, "NO_COLOR": true, "COLORTERM": true, "CLICOLOR": true, "CLICOLOR_FORCE": true}

// chanEnv is the env request the filter adds before a channel's shell, so
// the session's handler can find the channel's state (see channelOf). A
// client cannot send it: it is not in keptEnv.
const chanEnv = "TRTCWATCH_CHANNEL"

// chanState is one session channel as its filter keeps it.
type chanState struct {
	id uint64
	// sizes holds the latest window change, clamped (room for one: a
	// flood of resizes coalesces instead of queueing).
	sizes chan size
}

type size struct{ cols, rows int }

// resize offers the latest size; only the channel's filter calls it.
func (ch *chanState) resize(sz size) {
	select {
	case <-ch.sizes: // an older size not yet taken
	default:
	}
	ch.sizes <- sz
}

// sessionChannel is the handler of "session" channels: the SSH library's
// own, behind a bound on channels per connection and a filter on requests.
func (s *Server) sessionChannel(srv *ssh.Server, sc *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	c := connOf(ctx)
	ch := s.conns.openChannel(c)
	if ch == nil {
		nc.Reject(gossh.ResourceShortage, "too many sessions on one connection") //nolint:errcheck // the client may be gone
		return
	}
	defer s.conns.closeChannel(c, ch)
	ssh.DefaultSessionHandler(srv, sc, filtered{NewChannel: nc, s: s, c: c, ch: ch}, ctx)
}

// filtered is a new channel whose requests pass filterRequests.
type filtered struct {
	gossh.NewChannel
	s  *Server
	c  *conn
	ch *chanState
}

func (f filtered) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go f.s.filterRequests(f.c, f.ch, reqs, out)
	return ch, out, nil
}

// filterRequests passes a channel's requests on to the SSH library, one at
// a time (so a client flooding requests waits for each), after refusing
// the env requests a session does not use or that pass the bounds and
// clamping the pty request's size; past maxEnvFlood env requests (no
// client needs a tenth of that) it closes the connection, whose flood
// would otherwise cost the server's CPU for as long as it lasted. Window
// changes stop here: clamped, they
// go to the dashboard through ch.sizes. (The library would store each in
// the Pty it hands the handler, unguarded, and hand it over on a channel
// with room for one that, left unread, blocks the whole connection.) It
// ends when the channel does.
func (s *Server) filterRequests(c *conn, ch *chanState, in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	envs, kept, shell := 0, 0, false
	for req := range in {
		ok := true
		switch req.Type {
		case "env":
			if envs++; envs == maxEnvFlood+1 {
				s.limited.warn("connection closed: env request flood", "remote", c.RemoteAddr().String(), "max", maxEnvFlood)
				c.Close() //nolint:errcheck // the requests still queued end with it
			}
			ok = envs <= maxEnvFlood && s.keepEnv(req.Payload, &kept)
		case "pty-req":
			req.Payload, ok = clampPty(req.Payload)
		case "window-change":
			if p, ok := clampWindow(req.Payload); ok {
				ch.resize(size{int(binary.BigEndian.Uint32(p)), int(binary.BigEndian.Uint32(p[4:]))})
			}
			req.Reply(true, nil) //nolint:errcheck // as below
			continue
		case "shell", "exec":
			if !shell {
				shell = true
				out <- &gossh.Request{Type: "env", Payload: gossh.Marshal(struct{ Name, Value string }{chanEnv, strconv.FormatUint(ch.id, 10)})}
			}
		}
		if !ok {
			req.Reply(false, nil) //nolint:errcheck // the client may be gone
			continue
		}
		out <- req
	}
}

// keepEnv says whether an env request is kept: a variable the session
// uses, a value of at most maxEnvValue bytes, at most maxEnvRequests of
// them. Ordinary clients send LANG and LC_* unasked: those are refused
// quietly; passing a bound is logged (rate-limited).
func (s *Server) keepEnv(payload []byte, kept *int) bool {
	var kv struct{ Key, Value string }
	tooBig := len(payload) > 8+64+maxEnvValue // two lengths, a name, a value: not even parsed
	if !tooBig && (gossh.Unmarshal(payload, &kv) != nil || !keptEnv[kv.Key]) {
		return false
	}
	if tooBig || len(kv.Value) > maxEnvValue || *kept >= maxEnvRequests {
		s.limited.warn("env request refused: past the bounds", "max_requests", maxEnvRequests, "max_value_bytes", maxEnvValue)
		return false
	}
	*kept++
	return true
}

// clampPty clamps a pty request's size (RFC 4254 6.2: TERM, columns, rows,
// pixel width and height, modes) and refuses one whose TERM is long or has
// more than letters, digits and -._+ (it names terminfo entries).
func clampPty(p []byte) ([]byte, bool) {
	if len(p) < 4 {
		return p, false
	}
	n := binary.BigEndian.Uint32(p)
	if n > maxTermName || uint64(len(p)) < 4+uint64(n)+16 {
		return p, false
	}
	for _, b := range p[4 : 4+n] {
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.' || b == '_' || b == '+') {
			return p, false
		}
	}
	size, ok := clampWindow(p[4+n:])
	return append(p[:4+n:4+n], size...), ok
}

// clampWindow clamps a window change (RFC 4254 6.7: columns, rows, pixel
// width and height) to maxCols, maxRows and maxCells; it returns a copy.
func clampWindow(p []byte) ([]byte, bool) {
	if len(p) < 16 {
		return p, false
	}
	out := append([]byte(nil), p...)
	cols := min(binary.BigEndian.Uint32(out[0:]), maxCols)
	rows := min(binary.BigEndian.Uint32(out[4:]), maxRows, maxCells/max(cols, 1))
	binary.BigEndian.PutUint32(out[0:], cols)
	binary.BigEndian.PutUint32(out[4:], rows)
	return out, true
}
