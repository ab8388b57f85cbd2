package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestParseParams(t *testing.T) {
	tests := []struct {
		name, ct, body string
		tc3            bool
		want, code     string // want: JSON of the tree
	}{
		{"json", "application/json", `{"SdkAppId":1400000001,"TaskId":"t"}`, true, `{"SdkAppId":1400000001,"TaskId":"t"}`, ""},
		{"empty body", "application/json", ``, true, `{}`, ""},
		{"json array", "application/json", `[1]`, true, "", "InvalidParameter"},
		{"json trailing", "application/json", `{} {}`, true, "", "InvalidParameter"},
		{"json broken", "application/json", `{"a":`, true, "", "InvalidParameter"},
		{"v1 flat", "", "SdkAppId=1&TaskId=t&Action=X&Nonce=1", false, `{"SdkAppId":"1","TaskId":"t"}`, ""},
		{"v1 nested", "", "A.B.0=x&A.B.1=y&A.C=z", false, `{"A":{"B":["x","y"],"C":"z"}}`, ""},
		{"v1 sparse list stays a map", "", "A.0=x&A.2=y", false, `{"A":{"0":"x","2":"y"}}`, ""},
		{"v1 value and object", "", "A=1&A.B=2", false, "", "InvalidParameter"},
		{"v1 empty segment", "", "A..B=1", false, "", "InvalidParameter"},
		{"v1 too deep", "", strings.Repeat("a.", 20) + "b=1", false, "", "InvalidParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			if tt.ct != "" {
				r.Header.Set("Content-Type", tt.ct)
			}
			c := &call{tc3: tt.tc3}
			if !tt.tc3 {
				c.form, _ = url.ParseQuery(tt.body)
			}
			got, aerr := parseParams(c, r, []byte(tt.body))
			if codeOf(aerr) != tt.code {
				t.Fatalf("code %q, want %q", codeOf(aerr), tt.code)
			}
			if aerr == nil {
				b, _ := json.Marshal(got)
				if string(b) != tt.want {
					t.Fatalf("got %s, want %s", b, tt.want)
				}
			}
		})
	}
}
