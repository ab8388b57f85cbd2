package callback

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"slices"
	"strconv"
	"sync"
	"time"
)

// retryHorizon is how long after its first sending TRTC may still send a
// message again: retries stop once it is a minute old, and each try may
// take 5 s. Two minutes leaves a margin.
const retryHorizon = 2 * time.Minute

// dedupe remembers the callbacks accepted recently, so that a retry or a
// duplicate of one is answered 200 but handed on only once.
//
// The key is (TaskId, EventType, event time in ms, payload). The payload
// is part of it because two different files of one task can start in the
// same millisecond (two 307s that differ only in FileName); without it
// the second would be taken for a retry and lost. A retry carries the same
// payload. The SdkAppId header is not part of it: it is not signed, so a
// replayed body with another SdkAppId is still a duplicate.
//
// An entry lives until no copy of its message can pass the freshness check
// any more: the sender's CallbackTs (or now, if later) + the window + the
// retry horizon. A replayed body is then refused as stale or as a
// duplicate, never delivered twice. Memory is one 16-byte hash and an
// expiry per entry (~65 bytes with the map's overhead), at most max
// entries; past that the oldest is forgotten early (counted), which can
// only let a late retry through as a second delivery, never lose one.
type dedupe struct {
	seeds     [2]maphash.Seed
	seen      map[dedupeKey]struct{}
	order     []dedupeEntry // insertion order; expiries roughly increase
	head      int
	max       int
	peak      int // most entries since the map was last rebuilt
	forgotten int64
}

type dedupeKey [2]uint64

type dedupeEntry struct {
	key     dedupeKey
	expires int64 // Unix ms
}

func newDedupe(max int) dedupe {
	return dedupe{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, seen: map[dedupeKey]struct{}{}, max: max}
}

var compactPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// key hashes the identity of e twice with independent random seeds; a
// collision of both 64-bit hashes between two real callbacks is not a
// practical concern (about 2^-100 for a million callbacks).
func (d *dedupe) key(e *Event) dedupeKey {
	buf := compactPool.Get().(*bytes.Buffer)
	buf.Reset()
	buf.WriteString(e.TaskID)
	buf.WriteByte(0)
	buf.WriteString(strconv.FormatInt(int64(e.Type), 10))
	buf.WriteByte(0)
	buf.WriteString(strconv.FormatInt(e.At.UnixMilli(), 10))
	buf.WriteByte(0)
	if json.Compact(buf, e.Payload) != nil {
		buf.Write(e.Payload) // cannot happen: the decoder checked it
	}
	k := dedupeKey{maphash.Bytes(d.seeds[0], buf.Bytes()), maphash.Bytes(d.seeds[1], buf.Bytes())}
	compactPool.Put(buf)
	return k
}

func (d *dedupe) has(k dedupeKey) bool {
	_, ok := d.seen[k]
	return ok
}

func (d *dedupe) add(k dedupeKey, expires time.Time) {
	if len(d.seen) >= d.max {
		d.pop()
		d.forgotten++
	}
	d.seen[k] = struct{}{}
	d.order = append(d.order, dedupeEntry{k, expires.UnixMilli()})
	d.peak = max(d.peak, len(d.seen))
}

// expire forgets the entries at the head of the queue that have expired.
// Expiries follow insertion order closely (they differ by senders' clock
// skew), so an entry may outlive its expiry by that skew, never by more.
func (d *dedupe) expire(now time.Time) {
	ms := now.UnixMilli()
	for d.head < len(d.order) && d.order[d.head].expires <= ms {
		d.pop()
	}
	d.shrink()
}

// shrink rebuilds the map and the queue once three quarters of a large
// peak has expired: a Go map never gives back the room a burst made, and
// the filter's memory must follow what it holds. The copy costs O(live),
// paid for by the three times as many entries that expired before it.
func (d *dedupe) shrink() {
	if d.peak < 4096 || len(d.seen) > d.peak/4 {
		return
	}
	m := make(map[dedupeKey]struct{}, len(d.seen))
	for k := range d.seen {
		m[k] = struct{}{}
	}
	d.seen = m
	d.order = slices.Clone(d.order[d.head:])
	d.head = 0
	d.peak = len(m)
}

func (d *dedupe) pop() {
	delete(d.seen, d.order[d.head].key)
	d.order[d.head] = dedupeEntry{}
	d.head++
	if d.head == len(d.order) {
		d.order, d.head = d.order[:0], 0
	} else if d.head > 1024 && d.head > len(d.order)/2 {
		n := copy(d.order, d.order[d.head:])
		d.order, d.head = d.order[:n], 0
	}
}
