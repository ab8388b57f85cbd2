package taskref

import (
	"errors"
	"strings"
	"testing"
)

const realID = "-nHuqHlU7islZCDCjMne7HY2TJoU1NbbDkHjVoK-yqHu8ZWQndibQJtEhvB6ShqolkmNmnxz7AE."

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		entry   string
		app     uint64
		want    Ref
		wantErr error
	}{
		{"bare id with default app", realID, 1400000001, Ref{"ap-singapore", 1400000001, realID}, nil},
		{"app:id", "1400000002:" + realID, 1400000001, Ref{"ap-singapore", 1400000002, realID}, nil},
		{"app:id without default", "1400000002:abc", 0, Ref{"ap-singapore", 1400000002, "abc"}, nil},
		{"double quotes and spaces", `  "1400000002:abc"  `, 0, Ref{"ap-singapore", 1400000002, "abc"}, nil},
		{"single quotes", `'abc'`, 7, Ref{"ap-singapore", 7, "abc"}, nil},
		{"backticks", "`abc`", 7, Ref{"ap-singapore", 7, "abc"}, nil},
		{"doc sample with plus", "-m9-bVVU7gzdSqvsV+QMYNee2QE.", 7, Ref{"ap-singapore", 7, "-m9-bVVU7gzdSqvsV+QMYNee2QE."}, nil},
		{"slash and equals", "a/b=c_d", 7, Ref{"ap-singapore", 7, "a/b=c_d"}, nil},
		{"bare id, no app anywhere", "abc", 0, Ref{}, ErrNoSdkAppID},
		{"empty", "", 7, Ref{}, errEmpty},
		{"only quotes", `""`, 7, Ref{}, errEmpty},
		{"empty id after colon", "1400000001:", 7, Ref{}, errEmpty},
		{"too long", strings.Repeat("a", MaxTaskIDLen+1), 7, Ref{}, errTooLong},
		{"longest allowed", strings.Repeat("a", MaxTaskIDLen), 7, Ref{"ap-singapore", 7, strings.Repeat("a", MaxTaskIDLen)}, nil},
		{"bad char space inside", "ab\x1bc", 7, Ref{}, errBadChar},
		{"bad char unicode", "abé", 7, Ref{}, errBadChar},
		{"bad char asterisk", "-m9-bVVU7gzdSqvsV***Y", 7, Ref{}, errBadChar},
		{"non-numeric app", "abc:def", 7, Ref{}, errBadSdkAppID},
		{"zero app", "0:def", 7, Ref{}, errBadSdkAppID},
		{"negative app", "-5:def", 7, Ref{}, errBadSdkAppID},
		{"app overflow", "99999999999999999999999:def", 7, Ref{}, errBadSdkAppID},
		{"two colons", "1:2:def", 7, Ref{}, errBadChar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.entry, tt.app, "ap-singapore")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want %v", tt.entry, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) unexpected error %v", tt.entry, err)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.entry, got, tt.want)
			}
		})
	}
}

func TestParseList(t *testing.T) {
	watched := Ref{"ap-singapore", 7, "already"}
	exists := func(r Ref) bool { return r == watched }
	tests := []struct {
		name     string
		input    string
		refs     []string
		dups     []string
		rejected []string
	}{
		{"one", "abc", []string{"7:abc"}, nil, nil},
		{"mixed separators", "a, b\nc;d\te\r\n", []string{"7:a", "7:b", "7:c", "7:d", "7:e"}, nil, nil},
		{"duplicate within paste", "a a 7:a", []string{"7:a"}, []string{"7:a", "7:a"}, nil},
		{"different app is not a duplicate", "a 8:a", []string{"7:a", "8:a"}, nil, nil},
		{"already watched", "already b", []string{"7:b"}, []string{"7:already"}, nil},
		{"invalid kept apart", "good x:bad b@d " + strings.Repeat("z", 300), []string{"7:good"}, nil,
			[]string{"x:bad", "b@d", strings.Repeat("z", 40) + "…"}},
		{"empty input", " \n ,, ", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ParseList(tt.input, 7, "ap-singapore", exists)
			if got := refStrings(b.Refs); !equal(got, tt.refs) {
				t.Errorf("refs = %v, want %v", got, tt.refs)
			}
			if got := refStrings(b.Duplicates); !equal(got, tt.dups) {
				t.Errorf("duplicates = %v, want %v", got, tt.dups)
			}
			var rej []string
			for _, r := range b.Rejected {
				if r.Reason == nil {
					t.Errorf("rejection of %q has no reason", r.Entry)
				}
				rej = append(rej, r.Entry)
			}
			if !equal(rej, tt.rejected) {
				t.Errorf("rejected = %v, want %v", rej, tt.rejected)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	b := ParseList("a a b@", 7, "r", nil)
	if got, want := b.Summary(), "1 added, 1 already watched, 1 rejected"; got != want {
		t.Fatalf("Summary() = %q, want %q", got, want)
	}
}

func refStrings(rs []Ref) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzParseList checks the parser never panics and that whatever it accepts
// is a valid reference that parses back to itself.
func FuzzParseList(f *testing.F) {
	for _, s := range []string{realID, "1400000001:abc, def\nghi", `"x" 'y'`, "a:b:c", "\x00\xff", "0:0", strings.Repeat("=", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		b := ParseList(in, 1400000001, "ap-singapore", nil)
		seen := map[Ref]bool{}
		for _, r := range b.Refs {
			if err := ValidateTaskID(r.TaskID); err != nil {
				t.Fatalf("accepted invalid id %q: %v", r.TaskID, err)
			}
			if r.SdkAppID == 0 {
				t.Fatalf("accepted SdkAppId 0 from %q", in)
			}
			back, err := Parse(r.String(), 0, r.Region)
			if err != nil || back != r {
				t.Fatalf("%v does not parse back: %v %v", r, back, err)
			}
			if seen[r] {
				t.Fatalf("duplicate %v in Refs", r)
			}
			seen[r] = true
		}
		for _, rej := range b.Rejected {
			if rej.Reason == nil {
				t.Fatalf("rejection without reason for %q", rej.Entry)
			}
		}
	})
}
