package watch

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// An answer's files and raw JSON are read for one task at a time (the
// detail pane, the describe view, a copy, an export), but kept for every
// watched task. At 10,000 tasks with 20 files each they were most of the
// dashboard's memory: about 4 KB of JSON and 1.8 KB of File structs per
// task. Packed (files first, then the raw JSON, so the deflate window finds
// each file name twice) they take about 640 bytes, a ninth, and unpacking one
// answer costs tens of microseconds. The list reads FileCount and alerts
// LastBegin, which stay unpacked.

// NewAnswer packs files and raw (the redacted Response object) into an
// Answer. It copies what it keeps: the caller may reuse files and raw.
func NewAnswer(status, requestID string, at time.Time, files []File, raw []byte) *Answer {
	a := &Answer{Status: status, RequestID: requestID, At: at, FileCount: len(files)}
	for _, f := range files {
		if f.Begin.After(a.LastBegin) {
			a.LastBegin = f.Begin
		}
	}
	if len(files) > 0 || len(raw) > 0 {
		a.packed = pack(files, raw)
	}
	return a
}

// Files are the storage files the answer listed, in the API's order, with
// their strings raw (sanitise on display). Each call unpacks a fresh copy.
func (a *Answer) Files() []File {
	if a == nil || a.FileCount == 0 {
		return nil
	}
	files, _, err := unpack(a.packed)
	if err != nil {
		return nil // packed by this package; only a bug gets here
	}
	return files
}

// Raw is the Response object as received (redacted and bounded by the
// client), for the describe view; nil when the answer had none.
func (a *Answer) Raw() []byte {
	if a == nil || len(a.packed) == 0 {
		return nil
	}
	_, raw, err := unpack(a.packed)
	if err != nil {
		return nil
	}
	return raw
}

// The packed form, before deflate: uvarint count of files, then per file
// three uvarint-prefixed strings (UserID, FileName, TrackType) and the
// Begin time (a zero byte, or 1 then varint seconds and uvarint
// nanoseconds), then the raw JSON to the end.

var plainBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// flaters keeps deflate writers for reuse. Not a sync.Pool: a writer is
// 1.2 MB, which a pool lets go at every other GC (and, under the race
// detector, at one Put in four) for the next answer to allocate and zero
// anew. An engine packs one answer at a time (under its lock), so two
// kept writers serve it and another engine in the same process.
var flaters = make(chan *flate.Writer, 2)

func getFlater() *flate.Writer {
	select {
	case w := <-flaters:
		return w
	default:
		w, _ := flate.NewWriter(nil, flate.BestSpeed) // only an invalid level errs
		return w
	}
}

func putFlater(w *flate.Writer) {
	select {
	case flaters <- w:
	default:
	}
}

// maxPooledBuf keeps one huge answer's buffer from staying pinned in the pool.
const maxPooledBuf = 64 << 10

func pack(files []File, raw []byte) []byte {
	plain := plainBufs.Get().(*bytes.Buffer)
	plain.Reset()
	var n [binary.MaxVarintLen64]byte
	putU := func(v uint64) { plain.Write(n[:binary.PutUvarint(n[:], v)]) }
	putS := func(s string) { putU(uint64(len(s))); plain.WriteString(s) }
	putU(uint64(len(files)))
	for _, f := range files {
		putS(f.UserID)
		putS(f.FileName)
		putS(f.TrackType)
		if f.Begin.IsZero() {
			plain.WriteByte(0)
		} else {
			plain.WriteByte(1)
			plain.Write(n[:binary.PutVarint(n[:], f.Begin.Unix())])
			putU(uint64(f.Begin.Nanosecond()))
		}
	}
	plain.Write(raw)
	packed := deflate(plain.Bytes())
	if plain.Cap() <= maxPooledBuf {
		plainBufs.Put(plain)
	}
	return packed
}

// deflate compresses plain into a slice of exactly its size.
func deflate(plain []byte) []byte {
	out := plainBufs.Get().(*bytes.Buffer)
	out.Reset()
	w := getFlater()
	w.Reset(out)
	_, _ = w.Write(plain) // a bytes.Buffer does not fail
	_ = w.Close()
	putFlater(w)
	packed := bytes.Clone(out.Bytes())
	if out.Cap() <= maxPooledBuf {
		plainBufs.Put(out)
	}
	return packed
}

var inflaters = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// maxUnpacked bounds what unpack inflates: the client caps raw JSON at
// 1 MiB and a task at 1,000 files of bounded fields, so this is far above
// anything pack wrote and only guards against a bug.
const maxUnpacked = 16 << 20

var errPacked = errors.New("corrupt packed answer")

func unpack(packed []byte) ([]File, []byte, error) {
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(packed), nil); err != nil {
		return nil, nil, fmt.Errorf("unpack answer: %w", err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxUnpacked))
	if err != nil {
		return nil, nil, fmt.Errorf("unpack answer: %w", err)
	}
	d := decoder{b: plain}
	count := d.uvarint()
	if count > uint64(len(plain)/4) { // each file takes at least 4 bytes
		return nil, nil, errPacked
	}
	var files []File
	if count > 0 {
		files = make([]File, 0, min(count, 1000)) // the client keeps at most 1,000
	}
	for range count {
		f := File{UserID: d.str(), FileName: d.str(), TrackType: d.str()}
		if d.byte() == 1 {
			sec := d.varint()
			f.Begin = time.Unix(sec, int64(d.uvarint()))
		}
		files = append(files, f)
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	var raw []byte
	if rest := d.b[d.off:]; len(rest) > 0 {
		raw = rest
	}
	return files, raw, nil
}

// decoder reads the packed form; the first short read sets err and every
// later read returns zero values.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) uvarint() uint64 { return readVarint(d, binary.Uvarint) }
func (d *decoder) varint() int64   { return readVarint(d, binary.Varint) }

// readVarint reads one varint with read (binary.Uvarint or binary.Varint).
func readVarint[T int64 | uint64](d *decoder, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b[d.off:])
	if n <= 0 {
		d.err = errPacked
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || d.off >= len(d.b) {
		d.err = errPacked
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)-d.off) {
		d.err = errPacked
		return ""
	}
	s := string(d.b[d.off : d.off+int(n)])
	d.off += int(n)
	return s
}
