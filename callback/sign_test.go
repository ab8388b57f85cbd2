package callback

import (
	"errors"
	"strings"
	"testing"
)

// The documented example of "Verify Signature Example"
// (https://trtc.io/document/54912; the same Java, Python and Go samples
// close https://trtc.io/document/54914 and https://trtc.io/document/39558):
// key "123654", this body as the Java sample builds it (real newlines and
// tabs, as TRTC's sender prints JSON), and the Sign the sample expects.
const (
	docKey  = "123654"
	docBody = "{\n" + "\t\"EventGroupId\":\t2,\n" + "\t\"EventType\":\t204,\n" + "\t\"CallbackTs\":\t1664209748188,\n" +
		"\t\"EventInfo\":\t{\n" + "\t\t\"RoomId\":\t8489,\n" + "\t\t\"EventTs\":\t1664209748,\n" +
		"\t\t\"EventMsTs\":\t1664209748180,\n" + "\t\t\"UserId\":\t\"user_85034614\",\n" + "\t\t\"Reason\":\t0\n" + "\t}\n" + "}"
	docSign = "kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA="
)

func TestSignDocumentedExample(t *testing.T) {
	if got := Sign(docKey, []byte(docBody)); got != docSign {
		t.Fatalf("Sign(documented key, documented body) = %s, want the documented %s", got, docSign)
	}
	if !verify(docKey, []byte(docBody), docSign) {
		t.Fatal("verify refuses the documented example")
	}
}

func TestVerifyRefuses(t *testing.T) {
	// The page prints the body with its escapes doubled; taken literally
	// (backslash-n instead of a newline) it is another body.
	literal := strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(docBody)
	compact := strings.NewReplacer("\n", "", "\t", "").Replace(docBody)
	tests := []struct {
		name, key, body, sign string
	}{
		{"escapes taken literally", docKey, literal, docSign},
		{"body re-encoded without whitespace", docKey, compact, docSign},
		{"one byte changed", docKey, strings.Replace(docBody, "8489", "8488", 1), docSign},
		{"other key", "123655", docBody, docSign},
		{"empty sign", docKey, docBody, ""},
		{"sign with a trailing newline", docKey, docBody, docSign + "\n"},
		{"sign without padding", docKey, docBody, strings.TrimRight(docSign, "=")},
		{"sign in URL-safe base64", docKey, docBody, strings.ReplaceAll(docSign, "/", "_")},
		{"hex instead of base64", docKey, docBody, "924a05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if verify(tt.key, []byte(tt.body), tt.sign) {
				t.Fatal("verify accepted it")
			}
		})
	}
}

func TestValidateKey(t *testing.T) {
	tests := []struct {
		key, want string // want: error substring, "" = valid
	}{
		{"123654", ""},
		{"abcXYZ0123456789abcXYZ0123456789", ""}, // 32
		{"", "empty"},
		{"abcXYZ0123456789abcXYZ0123456789a", "33 characters"},
		{"s3cr3t\n", "character 7"},
		{`"s3cr3t"`, "character 1"},
		{"clé", "character 3"},
	}
	for _, tt := range tests {
		err := ValidateKey(tt.key)
		if tt.want == "" {
			if err != nil {
				t.Errorf("ValidateKey(%q) = %v", tt.key, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, errBadKey) {
			t.Errorf("ValidateKey(%q) = %v, want errBadKey with %q", tt.key, err, tt.want)
		}
		if err != nil && len(tt.key) > 2 && strings.Contains(err.Error(), strings.TrimSpace(tt.key)) {
			t.Errorf("the error quotes the key: %v", err)
		}
	}
}
