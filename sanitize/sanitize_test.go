package sanitize

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestString(t *testing.T) {
	zalgo := "Z" + strings.Repeat("\u0301", 6)
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"task id", "1400000001:-_.+/=AbZ09", "1400000001:-_.+/=AbZ09"},
		{"backslash kept", `C:\rec\a.mp4`, `C:\rec\a.mp4`},
		{"NUL", "a\x00b", `a\x00b`},
		{"newline tab cr", "a\nb\tc\rd", `a\nb\tc\rd`},
		{"DEL", "a\x7f", `a\x7f`},
		{"OSC 52 clipboard", "\x1b]52;c;ZXZpbA==\x07", `\x1b]52;c;ZXZpbA==\x07`},
		{"OSC title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"OSC with ST", "\x1b]8;;http://x\x1b\\link", `\x1b]8;;http://x\x1b\link`},
		{"CSI clear", "\x1b[2J", `\x1b[2J`},
		{"CSI colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"DCS", "\x1bP1$qm\x1b\\", `\x1bP1$qm\x1b\`},
		{"APC", "\x1b_Gf=100\x1b\\", `\x1b_Gf=100\x1b\`},
		{"C1 CSI", "\u009b31m", `\u009b31m`},
		{"C1 OSC and ST", "\u009d0;t\u009c", `\u009d0;t\u009c`},
		{"bidi override", "\u202egnp.exe", `\u202egnp.exe`},
		{"bidi isolates and marks", "\u2066a\u2069\u200e\u200f\u061c", `\u2066a\u2069\u200e\u200f\u061c`},
		{"zero width", "a\u200bb\u200cc\u200dd\u2060e\ufeff", `a\u200bb\u200cc\u200dd\u2060e\ufeff`},
		{"soft hyphen and mongolian separator", "ad\u00admin\u180e", `ad\u00admin\u180e`},
		{"tag characters", "x\U000e0041\U000e007f", `x\U000e0041\U000e007f`},
		{"line separator", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"private use", "\ue000\U000f0000", `\ue000\U000f0000`},
		{"unassigned and noncharacter", "\u0378\uffff", `\u0378\uffff`},
		{"hangul filler", "\u3164\u115f", `\u3164\u115f`},
		{"prepend letter", "\u0d4ea", `\u0d4ea`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"surrogate half", "\xed\xa0\x80", `\xed\xa0\x80`},
		{"combining kept", "Cafe\u0301 ti\u1ec7n", "Cafe\u0301 ti\u1ec7n"},
		{"two marks kept", "e\u0323\u0302", "e\u0323\u0302"},
		{"leading mark", "\u0301abc", `\u0301abc`},
		{"mark after escape", "\x1b\u0301", `\x1b\u0301`},
		{"mark after space kept", "a \u0301", "a \u0301"},
		{"zalgo", zalgo, "Z" + strings.Repeat("\u0301", maxMarks) + `\u0301\u0301`},
		{"CJK", "录制任务", "录制任务"},
		{"emoji kept", "ok 👍🏻 🇸🇬", "ok 👍🏻 🇸🇬"},
		{"emoji presentation selector", "\u2764\ufe0f", `❤\ufe0f`},
		{"emoji ZWJ family", "👨\u200d👩", `👨\u200d👩`},
		{"CJK variation selector kept", "\u845b\U000e0100", "\u845b\U000e0100"},
		{"variation selector alone", "\ufe00a", `\ufe00a`},
		{"two variation selectors", "\u845b\ufe00\ufe01", `葛` + "\ufe00" + `\ufe01`},
		{"nbsp kept", "a\u00a0b", "a\u00a0b"},
		{"C1 boundary", "\u00a0\u009f", "\u00a0" + `\u009f`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			if got != tt.want {
				t.Errorf("String(%+q) = %+q, want %+q", tt.in, got, tt.want)
			}
			checkSafe(t, tt.in, got)
		})
	}
}

// checkSafe asserts the promises of String: one line of valid UTF-8 with no
// control, format, private-use or unassigned rune left; nothing the ANSI
// parser would swallow; every grapheme cluster at least one cell wide, so
// nothing invisible and nothing that merges with the text printed around
// it; and ansi.StringWidth is the sum of those clusters, which is what the
// terminal advances. It is idempotent and printable ASCII is untouched.
// An output of printable ASCII alone (every escape, half of TestEveryRune's
// outputs) is all of that by Unicode's rules: each character is a cluster
// of one cell, which the characters around it never join (UAX #29 breaks
// between any two of them), and nothing in it starts a sequence; only its
// idempotence is String's to keep, so the grapheme and width checks, most
// of the cost under -race, are left out for it.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if isPrintableASCII(out) {
		checkIdempotent(t, in, out)
		return
	}
	if !utf8.ValidString(out) {
		t.Fatalf("String(%+q) = %+q: invalid UTF-8", in, out)
	}
	for i, r := range out {
		bad := r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0xfe0e || r == 0xfe0f ||
			!unicode.IsGraphic(r) || unicode.In(r, unicode.Cf, unicode.Co, unicode.Zl, unicode.Zp)
		if bad {
			t.Fatalf("String(%+q) = %+q: unsafe rune %U at byte %d", in, out, r, i)
		}
	}
	if s := ansi.Strip(out); s != out {
		t.Fatalf("String(%+q) = %+q: ansi.Strip changes it to %+q", in, out, s)
	}
	clusters, sum := graphemes(out)
	for _, c := range clusters {
		if ansi.StringWidth(c) < 1 {
			t.Fatalf("String(%+q) = %+q: zero-width cluster %+q", in, out, c)
		}
	}
	if w := ansi.StringWidth(out); w != sum {
		t.Fatalf("String(%+q) = %+q: StringWidth %d, clusters add to %d", in, out, w, sum)
	}
	framed, fsum := graphemes("│" + out + "│")
	if len(framed) != len(clusters)+2 || framed[0] != "│" || framed[len(framed)-1] != "│" ||
		!slices.Equal(framed[1:len(framed)-1], clusters) || fsum != sum+2 {
		t.Fatalf("String(%+q) = %+q merges with its neighbours: %+q", in, out, framed)
	}
	checkIdempotent(t, in, out)
}

// checkIdempotent asserts that sanitising out again changes nothing, and
// that printable ASCII came through untouched.
func checkIdempotent(t *testing.T, in, out string) {
	t.Helper()
	if again := String(out); again != out {
		t.Fatalf("String not idempotent: %+q -> %+q -> %+q", in, out, again)
	}
	if isPrintableASCII(in) && out != in {
		t.Fatalf("printable ASCII %+q changed to %+q", in, out)
	}
}

func graphemes(s string) (clusters []string, width int) {
	for s != "" {
		c, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if c == "" {
			panic(fmt.Sprintf("no grapheme cluster at the start of %+q", s))
		}
		clusters = append(clusters, c)
		width += w
		s = s[len(c):]
	}
	return clusters, width
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// TestEveryRune runs the safety check on each code point alone, after a base
// letter, after an escape (where a combining rune has nothing to attach to)
// and followed by a combining mark. With -tags long: the BMP, the symbols
// and emoji from U+1F000, the tag and variation-selector block and the rest
// of plane 1 (historic scripts and notations, two thirds unassigned) in
// full, except the big uniform blocks (CJK ideographs, Hangul syllables,
// surrogates, private use), which are sampled with the other planes (CJK
// extensions, unassigned, private use). The normal suite, which must stay
// quick under -race, checks a seventh of the letters (of the BMP and plane
// 1) and of that sample of the other planes; every other code point of the
// BMP, plane 1's marks and format characters, the emoji block, the tags
// and each rune sanitize treats apart (fillers, prepend, extenders) it
// checks as the long run does.
func TestEveryRune(t *testing.T) {
	const chunk = 0x8000
	for lo := rune(0); lo <= unicode.MaxRune; lo += chunk {
		t.Run(fmt.Sprintf("%U", lo), func(t *testing.T) {
			t.Parallel()
			for r := lo; r < lo+chunk; r++ {
				if !swept(r) {
					continue
				}
				s := string(r)
				for _, in := range []string{s, "a" + s, "\x1b" + s, s + "\u0301", s + s} {
					checkSafe(t, in, String(in))
				}
			}
		})
	}
}

// swept reports whether TestEveryRune checks r.
func swept(r rune) bool {
	sampled := everyRune || r%7 == 0
	switch {
	case unicode.In(r, fillers, prepend, extenders):
		return true
	case r >= 0x3400 && r < 0xa000 || r >= 0xac00 && r < 0xf900:
		return r%61 == 0 // CJK, Hangul, surrogates, private use
	case r < 0x10000:
		return sampled || !unicode.IsLetter(r)
	case r >= 0x1f000 && r < 0x20000 || r >= 0xe0000 && r < 0xe0200:
		return true
	case r < 0x1f000:
		return sampled || unicode.In(r, unicode.M, unicode.Cf)
	}
	return r%61 == 0 && sampled
}

func TestASCIINoAlloc(t *testing.T) {
	id := "1400000001:4abf1b2c-0d5e-4f66-8a77-b88c99d00e11--record--7c9f"
	if n := testing.AllocsPerRun(100, func() { _ = String(id) }); n != 0 {
		t.Errorf("String(printable ASCII) allocates %v times, want 0", n)
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{
		"", "plain", "\x1b]52;c;ZXZpbA==\x07", "\x1b]0;pwned\x07", "\x1b[2J",
		"\x1bP...\x1b\\", "\u009b31m", "\u202egnp.exe", "a\u200bb", "\u0301x",
		"Z\u0301\u0302\u0303\u0304\u0305\u0306", "\xff\xfe", "a\x00b", "👨\u200d👩",
		"\u2764\ufe0f", "录制", "\u0d4e", "\U000e0041",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafe(t, in, String(in))
	})
}

var sink string

func BenchmarkStringASCII(b *testing.B) {
	id := "1400000001:4abf1b2c-0d5e-4f66-8a77-b88c99d00e11--record--7c9f"
	b.ReportAllocs()
	for b.Loop() {
		sink = String(id)
	}
}

func BenchmarkStringHostile(b *testing.B) {
	s := "user\x1b]52;c;ZXZpbA==\x07\u202egnp.exe\u200b录制\u0301\u0301\xff\u009b31m end"
	b.ReportAllocs()
	for b.Loop() {
		sink = String(s)
	}
}

func TestEscapedAgreesWithString(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', false}, {'\n', true}, {0x1b, true}, {0x7f, true}, {0x85, true}, {0x9b, true},
		{0xad, true}, {0x200b, true}, {0x200d, true}, {0x202e, true}, {0x2028, true},
		{0xfeff, true}, {0xfe0f, true}, {0xe0041, true}, {0xe000, true}, {0x0301, false},
		{'录', false}, {'é', false}, {0x1f600, false},
	}
	for _, tt := range tests {
		if got := Escaped(tt.r); got != tt.want {
			t.Errorf("Escaped(%U) = %v, want %v", tt.r, got, tt.want)
		}
		// After a base letter, String keeps r exactly when Escaped says no.
		if kept := strings.Contains(String("a"+string(tt.r)), string(tt.r)); kept == tt.want && tt.r != 0x7f && tt.r >= 0x20 {
			t.Errorf("String(\"a%+q\") kept=%v, Escaped=%v", tt.r, kept, tt.want)
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"abcdefghijk", 4, "abcd…"},
		{"录制录制", 4, "录…"}, // 3-byte runes: never half of one
		{"录制", 2, "…"},
		{"", 0, ""},
	}
	for _, tt := range tests {
		got := Clip(tt.in, tt.max)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
