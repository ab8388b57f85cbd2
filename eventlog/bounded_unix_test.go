//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package eventlog

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

func mustJSON(t *testing.T, r Record) []byte {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeLines writes n records of ev(i) straight into file, one a line,
// and returns the size of one line (all are the same size).
func writeLines(t *testing.T, file string, from, n int) int {
	t.Helper()
	var lines [10][]byte // line i is lines[i%10]: encoded once, not once a line
	for k := range lines {
		lines[k] = mustJSON(t, fromEvent(ev(k, watch.EventAdd), 7))
	}
	var b []byte
	size := 0
	for i := from; i < from+n; i++ {
		line := lines[i%10]
		size = len(line) + 1
		b = append(append(b, line...), '\n')
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return size
}

// TestReadNewest: with a bound, Read hands over only the records whose
// line lies wholly in the newest bytes, across the rotated files, counts
// the rest in Older, and never counts the line the bound cuts as garbled.
func TestReadNewest(t *testing.T) {
	path := filepath.Join(t.TempDir(), fileName)
	line := writeLines(t, path+".1", 0, 100)
	writeLines(t, path, 100, 100)
	for _, tc := range []struct {
		name   string
		newest int64
		n      int
	}{
		{"all", 0, 200},
		{"more than the log", int64(1000 * line), 200},
		{"ten whole lines", int64(10 * line), 10},
		{"ten lines and a half", int64(10*line + line/2), 10},
		{"into the rotated file", int64(150 * line), 150},
		{"one byte short of a line", int64(line - 1), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []Record
			sum, err := Read(context.Background(), path, Filter{}, tc.newest, func(r Record) error {
				got = append(got, r)
				return nil
			})
			if err != nil || sum.Skipped != 0 || len(sum.Warnings) != 0 {
				t.Fatalf("Read: %v, %+v", err, sum)
			}
			if len(got) != tc.n {
				t.Fatalf("%d records read, want %d", len(got), tc.n)
			}
			total := int64(200 * line)
			if want := max(total-tc.newest, 0); tc.newest > 0 && sum.Older != want {
				t.Errorf("Older = %d, want %d", sum.Older, want)
			}
			if tc.n > 0 && !got[len(got)-1].Time.Equal(ev(199%10, watch.EventAdd).At) {
				t.Errorf("the newest record was not read last: %v", got[len(got)-1].Time)
			}
		})
	}
}

// TestReadSkipsAFIFO: a named pipe in a rotated file's place (nothing
// ever writes to it) neither blocks Read nor the writer: it is skipped
// with a warning, the other files are read, and the writer refuses it.
func TestReadSkipsAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), fileName)
	writeLines(t, path+".3", 0, 3)
	writeLines(t, path, 3, 2)
	if err := syscall.Mkfifo(path+".2", 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var n int
	var sum Summary
	go func() {
		var err error
		sum, err = Read(context.Background(), path, Filter{}, 0, func(Record) error { n++; return nil })
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil || n != 5 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], ".2 is not a regular file") {
			t.Fatalf("Read with a FIFO: %d records, %+v, %v", n, sum, err)
		}
	case <-time.After(time.Minute): // a hang, not a speed limit
		t.Fatal("Read blocked on a named pipe")
	}
	if w, err := openWriter(path, options{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		if w != nil {
			w.Close()
		}
		t.Fatalf("Open with a FIFO in the log = %v", err)
	}
}

// TestWriterDoesNotBlockOnAFIFO: a named pipe put in the live file's place
// after openWriter fails the write (reported, retried) instead of holding the
// writer, and Close returns.
func TestWriterDoesNotBlockOnAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), fileName)
	w, err := openWriter(path, options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	w.append(fromEvent(ev(0, watch.EventAdd), 0))
	closed := make(chan error, 1)
	go func() { closed <- w.Close() }()
	select {
	case err := <-closed:
		if err == nil {
			t.Fatal("a write into a named pipe was reported as done")
		}
	case <-time.After(time.Minute): // a hang, not a speed limit
		t.Fatal("the writer blocked on a named pipe")
	}
}

// TestRefusesAForgeableLog: a log file others may write, or that belongs
// to another user, is neither read nor appended to: a line in it could
// name anyone as the author of an edit.
func TestRefusesAForgeableLog(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, file string)
		want  string
	}{
		{"writable by others", func(t *testing.T, file string) { os.Chmod(file, 0o666) }, "writable by every user"},
	}
	if os.Geteuid() == 0 { // only root can give a file away; the suite runs as root
		cases = append(cases, struct {
			name  string
			spoil func(t *testing.T, file string)
			want  string
		}{"owned by another user", func(t *testing.T, file string) {
			if err := os.Chown(file, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, "belongs to another user"})
	}
	for _, tc := range cases {
		for _, which := range []string{"", ".1"} {
			t.Run(tc.name+which, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), fileName)
				writeLines(t, path, 0, 2)
				writeLines(t, path+".1", 2, 2)
				tc.spoil(t, path+which)
				n := 0
				_, err := Read(context.Background(), path, Filter{}, 0, func(Record) error { n++; return nil })
				if err == nil || n != 0 || !strings.Contains(err.Error(), "refused the event log") || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Read = %v after %d records, want a refusal saying %q", err, n, tc.want)
				}
				before, _ := os.ReadFile(path)
				if w, err := openWriter(path, options{}); err == nil {
					w.append(fromEvent(ev(9, watch.EventAdd), 0))
					w.Close()
					t.Fatal("Open accepted a log others could have written")
				}
				if after, _ := os.ReadFile(path); string(after) != string(before) {
					t.Fatal("the refused log was written to")
				}
			})
		}
	}
}

// TestReadStopsWithTheContext: a signal (the context) ends a long read.
func TestReadStopsWithTheContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), fileName)
	writeLines(t, path, 0, 10000)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Read(ctx, path, Filter{}, 0, func(Record) error {
		if n++; n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 10000 {
		t.Fatalf("Read after cancel: %v, %d records", err, n)
	}
}
