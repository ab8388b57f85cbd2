package watchlist

import (
	"path/filepath"
	"testing"
)

// BenchmarkChanged is the cost of the engine's 2-second check for another
// dashboard's changes when nothing changed.
func BenchmarkChanged(b *testing.B) {
	path := filepath.Join(b.TempDir(), "watchlist.json")
	f := Open(path, Options{})
	if err := f.Update(add(entry("a", 1))); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if f.Changed() {
			b.Fatal("changed with no writer")
		}
	}
}

// BenchmarkLoadMax reads the largest list trtcwatch can write.
func BenchmarkLoadMax(b *testing.B) {
	list := make([]Entry, MaxTasks)
	for i := range list {
		list[i] = worstEntry(i)
	}
	path := filepath.Join(b.TempDir(), "watchlist.json")
	if err := Open(path, Options{}).Update(func([]Entry) []Entry { return list }); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if got, _ := Open(path, Options{}).Load(); len(got) != MaxTasks {
			b.Fatalf("loaded %d", len(got))
		}
	}
}
