package watchlist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdoptedFields: a task a callback made trtcwatch adopt keeps its mark
// and room across a save and a load, under the documented names; a list
// from before them loads as it did; a room from the network is cleaned
// and bounded; a mark of the wrong type is an invalid entry.
func TestAdoptedFields(t *testing.T) {
	task := `{"region": "ap-singapore", "sdk_app_id": 1400000001, "task_id": "t-1"`
	tests := []struct {
		name    string
		file    string
		adopted bool
		room    string
		warn    string
	}{
		{"written before adoption", `{"version": 1, "tasks": [` + task + `}]}`, false, "", ""},
		{"adopted in a room", `{"version": 1, "tasks": [` + task + `, "adopted": true, "room": "20015"}]}`, true, "20015", ""},
		{"a room alone", `{"version": 1, "tasks": [` + task + `, "room": "r"}]}`, false, "r", ""},
		{"control characters", `{"version": 1, "tasks": [` + task + `, "adopted": true, "room": "a\u001b[2Jb\u0085"}]}`, true, "a\uFFFD[2Jb\uFFFD", ""},
		{"a room too long", `{"version": 1, "tasks": [` + task + `, "room": "` + strings.Repeat("é", maxRoomLen) + `"}]}`, false, strings.Repeat("é", maxRoomLen/2), ""},
		{"adopted not a bool", `{"version": 1, "tasks": [` + task + `, "adopted": "yes"}]}`, false, "", "has 1 invalid entry"},
		{"room not a string", `{"version": 1, "tasks": [` + task + `, "room": 20015}]}`, false, "", "has 1 invalid entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(tt.file)(t, t.TempDir())
			got, warns := Open(path, Options{}).Load()
			if tt.warn != "" {
				if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0], tt.warn) {
					t.Fatalf("Load = %+v, %q; want no entry and %q", got, warns, tt.warn)
				}
				return
			}
			if len(warns) != 0 || len(got) != 1 || got[0].Adopted != tt.adopted || got[0].Room != tt.room {
				t.Fatalf("Load = %+v, %q; want adopted %v, room %q", got, warns, tt.adopted, tt.room)
			}
			// Saved again, the entry is as it was read.
			if err := Open(path, Options{}).Update(func(l []Entry) []Entry { return l }); err != nil {
				t.Fatal(err)
			}
			again, _ := Open(path, Options{}).Load()
			if !equalEntries(again, got) {
				t.Fatalf("after a save: %+v, want %+v", again, got)
			}
		})
	}
}

// TestAdoptedWrittenAsDocumented: the fields are left out for a task a
// person added, so a list without adopted tasks is byte for byte what an
// older trtcwatch writes; an Update's room is cleaned like a note.
func TestAdoptedWrittenAsDocumented(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watchlist.json")
	a, b := entry("a", 1), entry("b", 2)
	b.Adopted, b.Room = true, "20015\n"
	if err := Open(path, Options{}).Update(add(a, b)); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	want := `{
  "version": 1,
  "tasks": [
    {
      "region": "ap-singapore",
      "sdk_app_id": 1400000001,
      "task_id": "a-0001",
      "added_at": "2026-11-25T21:40:01Z"
    },
    {
      "region": "ap-singapore",
      "sdk_app_id": 1400000001,
      "task_id": "b-0002",
      "added_at": "2026-11-25T21:40:02Z",
      "adopted": true,
      "room": "20015�"
    }
  ]
}
`
	if string(raw) != want {
		t.Fatalf("on disk:\n%s\nwant:\n%s", raw, want)
	}
}

func TestCleanRoom(t *testing.T) {
	tests := []struct{ in, want string }{
		{"20015", "20015"},
		{"room-7 !#$%&()+-:;<=.>?@[]^_{}|~,", "room-7 !#$%&()+-:;<=.>?@[]^_{}|~,"},
		{"a\x00b\x7fc\u009bd", "a\uFFFDb\uFFFDc\uFFFDd"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{strings.Repeat("x", maxRoomLen+1), strings.Repeat("x", maxRoomLen)},
		{strings.Repeat("x", maxRoomLen-1) + "é", strings.Repeat("x", maxRoomLen-1)}, // never half a rune
	}
	for _, tt := range tests {
		if got := CleanRoom(tt.in); got != tt.want {
			t.Errorf("CleanRoom(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
