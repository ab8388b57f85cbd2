package common

import (
	"fmt"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`"FileName": "a b/c.mp4",`, []string{`"FileName":`, `"a b/c.mp4",`}},
		{`"Message": "say \"hi there\" twice"`, []string{`"Message":`, `"say \"hi there\" twice"`}},
		{"  UserId=u  TrackType=audio ", []string{"UserId=u", "TrackType=audio"}},
		{`"unclosed quote and more`, []string{`"unclosed quote and more`}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := tokens(tt.in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHangTokensFits: every line fits the width (a wide rune in a
// one-cell line excepted) and no text is lost, whatever the input.
func TestHangTokensFits(t *testing.T) {
	inputs := []string{
		"FileName=" + strings.Repeat("x", 90) + "/" + strings.Repeat("y", 40) + ".mp4 BeginTime=2026",
		`"` + strings.Repeat("日本", 30) + `"`,
		strings.Repeat("a", 200),
		"short words only here",
		`"quoted string with many words in it that is longer than the line is wide, surely"`,
	}
	for _, in := range inputs {
		for w := 1; w <= 80; w++ {
			var got strings.Builder
			for _, l := range HangTokens(in, w, 2, 4) {
				text := strings.TrimLeft(l, " ")
				if Width(l) > w && Width(text) > 2 {
					t.Fatalf("w %d: line %q at %d is wider than the width", w, text, len(l)-len(text))
				}
				got.WriteString(text)
			}
			if strings.ReplaceAll(got.String(), " ", "") != strings.ReplaceAll(in, " ", "") {
				t.Fatalf("w %d: text lost: %q from %q", w, got.String(), in)
			}
		}
	}
}
