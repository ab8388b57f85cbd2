package common

import (
	"slices"
	"testing"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		name string
		s    string
		w    int
		want []string
	}{
		{"fits", "short", 10, []string{"short"}},
		{"id anywhere", "abcdefghij0123", 5, []string{"abcde", "fghij", "0123"}},
		{"prose between words", "no running recording task has this TaskId.", 20,
			[]string{"no running recording", "task has this", "TaskId."}},
		{"long word in prose", "id abcdefghijklmnop end", 8, []string{"id", "abcdefgh", "ijklmnop", "end"}},
		{"wide runes", "文字文字文字", 5, []string{"文字", "文字", "文字"}},
		{"RequestId whole, not at its hyphens", "error (RequestId 6b8a2f8d-75b2-4561-9ac3-8fa0f9267c65, 2s ago)", 40,
			[]string{"error (RequestId", "6b8a2f8d-75b2-4561-9ac3-8fa0f9267c65, 2s", "ago)"}},
		{"double spaces kept", "a  b", 10, []string{"a  b"}},
		{"no room", "abc", 0, nil},
		{"a separator goes down with what follows", "API errors: Busy (3s ago) | retrying", 27,
			[]string{"API errors: Busy (3s ago)", "| retrying"}},
		{"a middle dot too", "callbacks 12 ok · 3 refused", 17, []string{"callbacks 12 ok", "· 3 refused"}},
		{"a separator stays when what follows cannot fit beside it", "ab | cdefghij", 9, []string{"ab |", "cdefghij"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(tt.s, tt.w)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Wrap(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
			}
			for _, l := range got {
				if Width(l) > tt.w {
					t.Errorf("line %q is %d cells, wider than %d", l, Width(l), tt.w)
				}
			}
		})
	}
}
