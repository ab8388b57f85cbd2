package recfile

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// enc is the TRTC name encoding, written independently of decode.
func enc(s string) string {
	return strings.NewReplacer("/", "-", "=", ".").Replace(base64.StdEncoding.EncodeToString([]byte(s)))
}

func TestParse(t *testing.T) {
	tid := "PvRgmGoZMQ21X+H2BFj8j+VYuYvrAVyzly+B4Mu7p4TpLvH4dkRfllBszzX2eDydAthZnwfb+nA."
	hostile := "evil\x1b]0;pwned\x07"
	tests := []struct {
		name string
		in   string
		want Name
	}{
		{"single stream, folders", "rec/" + tid + "/1400000001_20002__UserId_s_" + enc("teacher_li") + "__UserId_e_main_audio.m3u8",
			Name{Folder: "rec/" + tid + "/", OK: true, SdkAppID: "1400000001", Room: "20002", RoomRaw: "20002",
				User: "teacher_li", UserRaw: enc("teacher_li"), UserDecoded: true, Media: "main", Type: "audio"}},
		{"no folder, aux video", "1400000001_7__UserId_s_" + enc("主播_小明") + "__UserId_e_aux_video.m3u8",
			Name{OK: true, SdkAppID: "1400000001", Room: "7", RoomRaw: "7",
				User: "主播_小明", UserRaw: enc("主播_小明"), UserDecoded: true, Media: "aux", Type: "video"}},
		{"mixed", tid + "/1400000001_20013.m3u8",
			Name{Folder: tid + "/", OK: true, SdkAppID: "1400000001", Room: "20013", RoomRaw: "20013", Mixed: true}},
		{"failover 2, string room", "ha2_1400000001_" + enc("math-101") + "__UserId_s_" + enc("a") + "__UserId_e_main_video.m3u8",
			Name{OK: true, Failover: 2, SdkAppID: "1400000001", Room: "math-101", RoomRaw: enc("math-101"), RoomString: true,
				User: "a", UserRaw: enc("a"), UserDecoded: true, Media: "main", Type: "video"}},
		{"mixed string room, failover 3", "p/ha3_1400000001_" + enc("room/=x") + ".m3u8",
			Name{Folder: "p/", OK: true, Failover: 3, SdkAppID: "1400000001", Room: "room/=x", RoomRaw: enc("room/=x"), RoomString: true, Mixed: true}},
		{"user without padding still decodes", "1_2__UserId_s_YWJj__UserId_e_main_audio.m3u8",
			Name{OK: true, SdkAppID: "1", Room: "2", RoomRaw: "2", User: "abc", UserRaw: "YWJj", UserDecoded: true, Media: "main", Type: "audio"}},
		{"hostile user decodes to controls: raw text", "1_2__UserId_s_" + enc(hostile) + "__UserId_e_main_audio.m3u8",
			Name{OK: true, SdkAppID: "1", Room: "2", RoomRaw: "2", User: enc(hostile), UserRaw: enc(hostile), Media: "main", Type: "audio"}},
		{"user written raw, not base64", "1_2__UserId_s_student_01__UserId_e_main_audio.m3u8",
			Name{OK: true, SdkAppID: "1", Room: "2", RoomRaw: "2", User: "student_01", UserRaw: "student_01", Media: "main", Type: "audio"}},
		{"user holding the end marker: last one wins", "1_2__UserId_s_x__UserId_e_y__UserId_e_main_audio.m3u8",
			Name{OK: true, SdkAppID: "1", Room: "2", RoomRaw: "2", User: "x__UserId_e_y", UserRaw: "x__UserId_e_y", Media: "main", Type: "audio"}},
		{"ha4 is not documented", "ha4_1_2.m3u8", Name{Base: "ha4_1_2.m3u8"}},
		{"ts slice is not an index file", "1_2__UserId_s_YQ..__UserId_e_main_audio_1622186279144.ts",
			Name{Base: "1_2__UserId_s_YQ..__UserId_e_main_audio_1622186279144.ts"}},
		{"unknown type", "1_2__UserId_s_YQ..__UserId_e_main_audio_video.m3u8", Name{Base: "1_2__UserId_s_YQ..__UserId_e_main_audio_video.m3u8"}},
		{"unknown media", "1_2__UserId_s_YQ..__UserId_e_sub_audio.m3u8", Name{Base: "1_2__UserId_s_YQ..__UserId_e_sub_audio.m3u8"}},
		{"app id not a number", "abc_2.m3u8", Name{Base: "abc_2.m3u8"}},
		{"empty room", "1_.m3u8", Name{Base: "1_.m3u8"}},
		{"empty user", "1_2__UserId_s___UserId_e_main_audio.m3u8", Name{Base: "1_2__UserId_s___UserId_e_main_audio.m3u8"}},
		{"missing end marker", "1_2__UserId_s_YQ...m3u8", Name{Base: "1_2__UserId_s_YQ...m3u8"}},
		{"empty", "", Name{}},
		{"folder only", "a/b/", Name{Folder: "a/b/"}},
		{"escape in name", "1_2\x1b.m3u8", Name{Base: "1_2\x1b.m3u8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.in)
			want := tt.want
			if want.Base == "" && want.OK {
				want.Base = strings.TrimPrefix(tt.in, want.Folder)
			}
			if got != want {
				t.Fatalf("Parse(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
			if s := got.String(); s != tt.in {
				t.Fatalf("String() = %q, want the input back", s)
			}
		})
	}
}

func TestPartsAreSanitised(t *testing.T) {
	hostile := "x\x1b]52;c;aGk=\x07\u202e"
	names := []string{
		"ha1_1_" + enc(hostile) + "__UserId_s_" + enc("ok") + "__UserId_e_aux_video.m3u8",
		"1_2__UserId_s_" + enc(hostile) + "__UserId_e_main_audio.m3u8",
		"f\x1b[2J/1_" + enc("r") + ".m3u8",
		"not a name \x1b[31m",
	}
	for _, in := range names {
		for _, p := range Parse(in).Parts() {
			if sanitize.String(p.Value) != p.Value || strings.ContainsAny(p.Value, "\x1b\x07\u202e") {
				t.Errorf("%q: part %s = %q is not sanitised", in, p.Label, p.Value)
			}
		}
	}
}

func TestPartsSay(t *testing.T) {
	tests := []struct {
		in   string
		want []string // substrings of "Label: Value" lines, in order
	}{
		{"1_20002__UserId_s_" + enc("bob") + "__UserId_e_aux_video.m3u8", []string{"Room: 20002", "User: bob", "Stream: aux (screen share)", "Type: video"}},
		{"ha1_1_20013.m3u8", []string{"Room: 20013", "Stream: mixed", "Failover: ha1_"}},
		{"1_" + enc("math") + ".m3u8", []string{"Room: math (string room"}},
		{"1_2__UserId_s_raw_user__UserId_e_main_audio.m3u8", []string{"User: raw_user (as written: not base64)"}},
		{"1_2__UserId_s_" + enc("evil\x1b]0;x\x07") + "__UserId_e_main_audio.m3u8", []string{`(as written: base64 of text with control or invisible characters, evil\x1b]0;x\x07)`}},
		{"1_2__UserId_s_" + enc("\xff\xfe") + "__UserId_e_main_audio.m3u8", []string{"(as written: base64 of bytes that are not UTF-8 text)"}},
		{"1_" + enc("\x01") + ".m3u8", []string{"Room: AQ.. (not a number; as written: base64 of text with control"}},
		{"x.mp4", []string{"Name: not a documented"}},
	}
	for _, tt := range tests {
		var lines []string
		for _, p := range Parse(tt.in).Parts() {
			lines = append(lines, p.Label+": "+p.Value)
		}
		all := strings.Join(lines, "\n")
		at := 0
		for _, w := range tt.want {
			i := strings.Index(all[at:], w)
			if i < 0 {
				t.Fatalf("%q: parts\n%s\nlack %q (in order)", tt.in, all, w)
			}
			at += i + len(w)
		}
	}
}

func TestStream(t *testing.T) {
	for in, want := range map[string]string{
		"1_2.m3u8": "mixed",
		"1_2__UserId_s_YQ..__UserId_e_aux_audio.m3u8":  "aux",
		"1_2__UserId_s_YQ..__UserId_e_main_audio.m3u8": "main",
		"junk": "",
	} {
		if got := Parse(in).Stream(); got != want {
			t.Errorf("Stream(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLongNameIsNotParsed(t *testing.T) {
	in := "1_" + strings.Repeat("9", maxName) + ".m3u8"
	if n := Parse(in); n.OK || n.String() != in {
		t.Fatalf("a %d-byte name parsed: %+v", len(in), n.OK)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "1_2.m3u8", "ha1_1_2__UserId_s_YQ..__UserId_e_main_audio.m3u8", "a/b/ha3_9_" + enc("r") + ".m3u8", "1_2__UserId_s___UserId_e_main_audio.m3u8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n := Parse(in)
		if n.String() != in {
			t.Fatalf("String() = %q, want %q", n.String(), in)
		}
		for _, p := range n.Parts() {
			if sanitize.String(p.Value) != p.Value {
				t.Fatalf("part %s = %q not sanitised", p.Label, p.Value)
			}
		}
		if n.OK && n.UserDecoded && !strings.Contains(in, n.UserRaw) {
			t.Fatalf("UserRaw %q not in %q", n.UserRaw, in)
		}
	})
}
