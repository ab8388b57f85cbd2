package watchlist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// worstEntry is the largest entry encode can write: every field at its
// longest, every note rune one that JSON escapes as \u00XX, every room
// byte one it escapes as two.
func worstEntry(i int) Entry {
	id := fmt.Sprintf("%06d", i)
	return Entry{
		Ref: taskref.Ref{
			Region:   strings.Repeat("r", maxRegionLen),
			SdkAppID: ^uint64(0),
			TaskID:   id + strings.Repeat("x", taskref.MaxTaskIDLen-len(id)),
		},
		Note:    strings.Repeat("\x1b", MaxNoteLen+50),
		AddedAt: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		Adopted: true,
		Room:    strings.Repeat(`"`, maxRoomLen+10), // each escaped as \"
	}
}

// TestMaxListRoundTrips: the largest list trtcwatch can write is read back
// whole, not moved aside. Each entry is as large as it can be, so the file
// is bigLists entries times the most one entry can take: at bigLists =
// MaxTasks (-tags long) that is the largest file, which maxSize must hold
// and be within 10% of; the normal suite proves the same per-entry bound
// (maxSize is MaxTasks of them plus 64 bytes) on a hundredth of the list.
func TestMaxListRoundTrips(t *testing.T) {
	t.Parallel() // own temp dir; the slowest of the package, run side by side
	list := make([]Entry, bigLists)
	for i := range list {
		list[i] = worstEntry(i)
	}
	path := filepath.Join(t.TempDir(), "watchlist.json")
	if err := Open(path, Options{}).Update(func([]Entry) []Entry { return list }); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	bound := int64(bigLists*maxEntryBytes + 64) // maxSize when bigLists is MaxTasks
	if st.Size() > bound || st.Size() < bound*9/10 {
		t.Fatalf("the largest list of %d tasks is %d bytes; %d must hold it and be within 10%% of it (maxSize %d for %d)",
			bigLists, st.Size(), bound, maxSize, MaxTasks)
	}
	t.Logf("largest list of %d tasks: %d bytes, bound %d (maxSize %d for %d)", bigLists, st.Size(), bound, maxSize, MaxTasks)
	got, warns := Open(path, Options{}).Load()
	if len(warns) != 0 || len(got) != bigLists {
		t.Fatalf("Load = %d entries, %q; want %d and no warning", len(got), warns, bigLists)
	}
	if want := CleanNote(list[0].Note); got[0].Note != want || got[bigLists-1].Ref != list[bigLists-1].Ref {
		t.Fatalf("first/last entry came back as %+v / %+v", got[0], got[bigLists-1])
	}
}

// TestUpdatePastMaxTasks: a full list takes no more task; the refusal says
// why, and nothing is written.
func TestUpdatePastMaxTasks(t *testing.T) {
	t.Parallel()
	list := make([]Entry, MaxTasks)
	for i := range list {
		list[i] = entry("full", i)
	}
	path := filepath.Join(t.TempDir(), "watchlist.json")
	if err := Open(path, Options{}).Update(func([]Entry) []Entry { return list }); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	err := Open(path, Options{}).Update(add(entry("one-more", 1)))
	if !errors.Is(err, ErrTooManyTasks) || !strings.Contains(err.Error(), fmt.Sprint(MaxTasks)) {
		t.Fatalf("Update past MaxTasks = %v, want ErrTooManyTasks", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the file changed after a refused Update")
	}
}

// TestLoadTooManyTasks: a file from before the limit, with more tasks than
// MaxTasks, keeps its first MaxTasks; the whole file is kept aside first.
func TestLoadTooManyTasks(t *testing.T) {
	t.Parallel() // own temp dir; waits on fsync, so it runs beside the CPU-bound tests
	var b strings.Builder
	b.WriteString(`{"version":1,"tasks":[`)
	for i := range MaxTasks + 5 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"region":"ap-singapore","sdk_app_id":1,"task_id":"t-%d"}`, i)
	}
	b.WriteString("]}")
	dir := t.TempDir()
	path := write(b.String())(t, dir)
	got, warns := Open(path, Options{}).Load()
	if len(got) != MaxTasks || got[MaxTasks-1].Ref.TaskID != fmt.Sprintf("t-%d", MaxTasks-1) {
		t.Fatalf("loaded %d entries, want the first %d", len(got), MaxTasks)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], fmt.Sprintf("has %d tasks, more than the %d", MaxTasks+5, MaxTasks)) ||
		!strings.Contains(warns[0], "kept a copy") {
		t.Fatalf("warnings %q", warns)
	}
	var aside string
	for _, n := range dirNames(t, dir) {
		if strings.Contains(n, ".corrupt-") {
			aside = filepath.Join(dir, n)
		}
	}
	if data, _ := os.ReadFile(aside); string(data) != b.String() {
		t.Fatalf("the copy aside (%q) does not hold the whole original", aside)
	}
}
