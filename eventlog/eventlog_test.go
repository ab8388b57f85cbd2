package eventlog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

var t0 = time.Date(2026, 11, 28, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func ev(i int, kind watch.EventKind) watch.Event {
	return watch.Event{
		At: t0.Add(time.Duration(i) * time.Second), Kind: kind,
		Ref:  taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-" + string(rune('a'+i%26))},
		From: watch.Idle, To: watch.InProgress, RequestID: "req-1", Code: "", By: "local",
	}
}

// loaded is what load read: every record, and the lines skipped.
type loaded struct {
	Records []Record
	Skipped int
}

// load reads the whole log with Read, keeping every record.
func load(path string, f Filter) (loaded, error) {
	var res loaded
	sum, err := Read(context.Background(), path, f, 0, func(r Record) error {
		res.Records = append(res.Records, r)
		return nil
	})
	res.Skipped = sum.Skipped
	return res, err
}

// writeAll appends evs through a writer and closes it.
func writeAll(t *testing.T, path string, opts options, evs ...watch.Event) *writer {
	t.Helper()
	w, err := openWriter(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		w.append(fromEvent(e, 0))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", fileName)
	e := ev(1, watch.EventError)
	e.Code, e.Note = "InternalError", "INC-1 \x1b[31mred"
	writeAll(t, path, options{PID: 42}, ev(0, watch.EventTransition), e)
	res, err := load(path, Filter{})
	if err != nil || res.Skipped != 0 || len(res.Records) != 2 {
		t.Fatalf("load: %+v, %v", res, err)
	}
	got := res.Records[1]
	back := got.event()
	back.At = e.At
	if back != e || got.PID != 42 || !got.Time.Equal(e.At) {
		t.Errorf("read back %+v, wrote %+v", got.event(), e)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{`"time":"2026-11-28T10:00:01+08:00"`, `"sdk_app_id":1400000001`, `"task_id":"task-b"`, `"error_code":"InternalError"`, `"by":"local"`, `"pid":42`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("file lacks %s:\n%s", want, b)
		}
	}
	for _, p := range []string{path, filepath.Dir(path)} {
		fi, _ := os.Stat(p)
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
}

func TestLoadSkipsBadLines(t *testing.T) {
	good := `{"time":"2026-11-28T10:00:00Z","sdk_app_id":1,"task_id":"a","region":"r","kind":"add","pid":1}`
	tests := []struct {
		name      string
		text      string
		n, skiped int
	}{
		{"clean", good + "\n" + good + "\n", 2, 0},
		{"torn last line", good + "\n" + good[:40], 1, 1},
		{"garbage", "not json\n" + good + "\n", 1, 1},
		{"unknown kind", strings.Replace(good, `"add"`, `"boom"`, 1) + "\n", 0, 1},
		{"no task", strings.Replace(good, `"a"`, `""`, 1) + "\n", 0, 1},
		{"line too long", `{"time":"2026-11-28T10:00:00Z","note":"` + strings.Repeat("x", 3*maxLine) + `"}` + "\n" + good + "\n", 1, 1},
		{"blank lines", "\n\n" + good + "\n\n", 1, 0},
		{"oversized field bounded", strings.Replace(good, `"r"`, `"`+strings.Repeat("é", 1000)+`"`, 1) + "\n", 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), fileName)
			os.WriteFile(path, []byte(tc.text), 0o600)
			res, err := load(path, Filter{})
			if err != nil || len(res.Records) != tc.n || res.Skipped != tc.skiped {
				t.Fatalf("got %d records, %d skipped, %v; want %d, %d", len(res.Records), res.Skipped, err, tc.n, tc.skiped)
			}
			for _, r := range res.Records {
				if len(r.Region) > maxField {
					t.Errorf("region of %d bytes read back", len(r.Region))
				}
			}
		})
	}
}

// Every prefix of a log (a crash at any byte) loads, losing at most the
// torn line, and a writer opened on it starts the next record on its own
// line.
func TestTornAtEveryByte(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "full")
	writeAll(t, src, options{}, ev(0, watch.EventTransition), ev(1, watch.EventNote))
	full, _ := os.ReadFile(src)
	for i := range len(full) {
		path := filepath.Join(dir, fileName)
		os.WriteFile(path, full[:i], 0o600)
		writeAll(t, path, options{}, ev(2, watch.EventAdd))
		res, err := load(path, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		whole := bytes.Count(full[:i], []byte("\n"))
		torn := 0
		if i > 0 && full[i-1] != '\n' {
			torn = 1
			if full[i] == '\n' { // only the newline is missing: the record is whole
				torn, whole = 0, whole+1
			}
		}
		if len(res.Records) != whole+1 || res.Skipped != torn || res.Records[whole].Kind != "add" {
			t.Fatalf("cut at %d: %d records, %d skipped; want %d, %d", i, len(res.Records), res.Skipped, whole+1, torn)
		}
	}
}

func TestFilter(t *testing.T) {
	path := filepath.Join(t.TempDir(), fileName)
	writeAll(t, path, options{}, ev(0, watch.EventAdd), ev(1, watch.EventAdd), ev(2, watch.EventAdd))
	tests := []struct {
		f    Filter
		want int
	}{
		{Filter{}, 3},
		{Filter{Since: t0.Add(time.Second)}, 2},
		{Filter{Task: "task-b"}, 1},
		{Filter{Task: "1400000001:task-c"}, 1},
		{Filter{Task: "1400000002:task-c"}, 0},
		{Filter{Task: "task-a", Since: t0.Add(time.Second)}, 0},
	}
	for _, tc := range tests {
		res, _ := load(path, tc.f)
		if len(res.Records) != tc.want {
			t.Errorf("%+v: %d records, want %d", tc.f, len(res.Records), tc.want)
		}
	}
}

func TestRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), fileName)
	for i := range 40 { // each writer's Close writes one batch; ~200 bytes each
		writeAll(t, path, options{MaxSize: 1000}, ev(i, watch.EventAdd), ev(i, watch.EventRemove))
	}
	res, err := load(path, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range Files(path) {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s missing after rotation: %v", p, err)
		}
		if fi.Size() > 1000 {
			t.Errorf("%s is %d bytes, over MaxSize", p, fi.Size())
		}
		_ = i
	}
	if _, err := os.Stat(path + ".4"); err == nil {
		t.Error("more than keep rotated files kept")
	}
	// What is kept is the newest, in order.
	n := len(res.Records)
	if n < 8 || n >= 80 || !res.Records[n-1].Time.Equal(t0.Add(39*time.Second)) {
		t.Fatalf("%d records, last %v", n, res.Records[n-1].Time)
	}
	for i := 1; i < n; i++ {
		if res.Records[i].Time.Before(res.Records[i-1].Time) {
			t.Fatalf("record %d out of order", i)
		}
	}
}

func TestRefusesUnsafePaths(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, nil, 0o600)
	link := filepath.Join(dir, "link", fileName)
	os.Mkdir(filepath.Dir(link), 0o700)
	os.Symlink(target, link)
	open := filepath.Join(dir, "open")
	os.Mkdir(open, 0o777)
	os.Chmod(open, 0o777)
	rot := filepath.Join(dir, "rot", fileName)
	os.Mkdir(filepath.Dir(rot), 0o700)
	os.Symlink(target, rot+".2")
	for _, p := range []string{link, filepath.Join(open, fileName), rot} {
		if w, err := openWriter(p, options{}); err == nil {
			w.Close()
			t.Errorf("openWriter(%s) accepted an unsafe place", p)
		}
	}
	if _, err := load(link, Filter{}); err == nil {
		t.Error("Read followed a symbolic link")
	}
}

// TestRecent: each task's transitions come back ordered by time (two
// dashboards interleave their lines), other kinds left out; the newest
// events come back oldest first.
func TestRecent(t *testing.T) {
	a := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "task-a"}
	path := filepath.Join(t.TempDir(), fileName)
	w, err := openWriter(path, options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Record{
		fromEvent(watch.Event{At: t0.Add(3 * time.Second), Kind: watch.EventTransition, Ref: a, From: watch.InProgress, To: watch.Exited}, 1),
		fromEvent(watch.Event{At: t0.Add(1 * time.Second), Kind: watch.EventTransition, Ref: a, From: watch.Pending, To: watch.Idle}, 2),
		fromEvent(watch.Event{At: t0.Add(2 * time.Second), Kind: watch.EventNote, Ref: a, Note: "x"}, 1),
		fromEvent(watch.Event{At: t0.Add(2 * time.Second), Kind: watch.EventTransition, Ref: a, From: watch.Idle, To: watch.InProgress, RequestID: "q"}, 1),
	} {
		w.append(r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 3, 10} {
		h, evs, _, err := recent(context.Background(), path, 0, n)
		if err != nil {
			t.Fatal(err)
		}
		var got []watch.Phase
		for _, tr := range h[a] {
			got = append(got, tr.To)
		}
		if want := []watch.Phase{watch.Idle, watch.InProgress, watch.Exited}; len(h) != 1 || strings.Join(phases(got), ",") != strings.Join(phases(want), ",") {
			t.Errorf("history %v, want %v", got, want)
		}
		if len(evs) != min(n, 4) || evs[len(evs)-1].RequestID != "q" || evs[len(evs)-2].Kind != watch.EventNote {
			t.Errorf("newest %d events: %+v", n, evs)
		}
	}
}

func phases(ps []watch.Phase) []string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return s
}
