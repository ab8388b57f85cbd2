package hostiletest

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

// TestCompressedAnswers: a compressed answer, repeated blocks and a cut
// last block included, decodes to the body repeated up to its size, and a
// gzip one passes the reader's CRC and size check at its end; an endless
// one decodes as far as it is read.
func TestCompressedAnswers(t *testing.T) {
	for _, enc := range []string{"gzip", "deflate"} {
		for _, c := range []struct {
			name string
			body string
			size int64
			want []byte
		}{
			{"once", `{"Response":{}}`, 0, []byte(`{"Response":{}}`)},
			{"repeated, last block cut", "abc", 200_000, bytes.Repeat([]byte("abc"), 70_000)[:200_000]},
			{"empty body repeated", "", 10, bytes.Repeat([]byte(" "), 10)},
			{"endless", "xy", -1, bytes.Repeat([]byte("xy"), 1<<19)},
		} {
			t.Run(enc+" "+c.name, func(t *testing.T) {
				s := Start(t, Reply{Encoding: enc, Body: []byte(c.body), Size: c.size})
				req, _ := http.NewRequest("GET", s.URL, nil)
				req.Header.Set("Accept-Encoding", enc) // so the transport leaves the body as sent
				resp, err := s.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if got := resp.Header.Get("Content-Encoding"); got != enc {
					t.Fatalf("Content-Encoding %q", got)
				}
				var r io.Reader
				if enc == "gzip" {
					if r, err = gzip.NewReader(resp.Body); err != nil {
						t.Fatal(err)
					}
				} else {
					r = flate.NewReader(resp.Body)
				}
				got := make([]byte, len(c.want))
				if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, c.want) {
					t.Fatalf("decoded %d bytes (%v), not the body repeated", len(got), err)
				}
				if c.size == -1 {
					return
				}
				if n, err := io.Copy(io.Discard, r); n != 0 || err != nil {
					t.Fatalf("after the body: %d more bytes, %v (gzip checks its CRC and size here)", n, err)
				}
			})
		}
	}
}
