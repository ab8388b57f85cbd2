package watchlist

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: whatever bytes are in the file, Load does not panic, and either
// loads entries cleanly or warns; when it warns about a file it moved or
// copied, the original bytes are in the copy, and the list it returns is
// what is now on disk.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"", valid1, "hello", `{"version":1}`, `{"version":1,"tasks":null}`, `{"version":2}`,
		`{"version":1,"tasks":[{"region":"ap-singapore","sdk_app_id":1,"task_id":"a","note":"\u001b]52;c;eA==\u0007"}]}`,
		`{"version":1,"tasks":[{"task_id":"x"},{"region":"ap-singapore","sdk_app_id":1,"task_id":"a"}]}`,
		`{"version":1,"tasks":[{"region":"ap-singapore","sdk_app_id":18446744073709551616,"task_id":"a"}]}`,
		"\xff\xfe{", `{"version":1e0,"tasks":[]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "watchlist.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		list, warnings := Open(path, Options{}).Load()
		asides, _ := filepath.Glob(path + ".corrupt-*")
		if len(warnings) == 0 {
			if len(asides) > 0 {
				t.Fatalf("kept a copy aside without a warning")
			}
			if now, _ := os.ReadFile(path); string(now) != string(data) {
				t.Fatalf("a clean load changed the file")
			}
		} else if len(asides) == 1 {
			kept, _ := os.ReadFile(asides[0])
			if string(kept) != string(data) {
				t.Fatalf("the copy kept aside is not the original: %q vs %q", kept, data)
			}
		} else if len(asides) > 1 {
			t.Fatalf("%d copies kept aside", len(asides))
		} else if now, _ := os.ReadFile(path); string(now) != string(data) {
			t.Fatalf("warned %q, kept no copy, and changed the file", warnings)
		}
		for _, e := range list {
			if err := validate(e); err != nil {
				t.Fatalf("Load returned an invalid entry %+v: %v", e, err)
			}
		}
		again, w2 := Open(path, Options{}).Load()
		if len(asides) == 1 && (len(w2) > 0 || !equalEntries(again, list)) {
			t.Fatalf("after recovery the file holds %v (%q), Load returned %v", again, w2, list)
		}
	})
}
