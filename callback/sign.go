package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// maxKeyLen is the longest callback key the TRTC console accepts.
const maxKeyLen = 32

// Sign is the Sign header TRTC sends with a body: base64(HMAC-SHA256(key,
// body)) over the raw bytes, exactly as received ("Verify Signature
// Example", https://trtc.io/document/54912). Never re-encode the body
// before signing or checking it: whitespace is part of what is signed.
func Sign(key string, body []byte) string {
	return base64.StdEncoding.EncodeToString(mac(key, body))
}

// verify reports whether sign is body's signature under key, in constant
// time (hmac.Equal) so that a forger learns nothing from how long a wrong
// guess took.
func verify(key string, body []byte, sign string) bool {
	want := make([]byte, base64.StdEncoding.EncodedLen(sha256.Size))
	base64.StdEncoding.Encode(want, mac(key, body))
	return hmac.Equal(want, []byte(sign))
}

func mac(key string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(key))
	h.Write(body)
	return h.Sum(nil)
}

// errBadKey is wrapped by ValidateKey's errors.
var errBadKey = errors.New("callback key")

// ValidateKey checks a key against the console's rule: 1 to 32 ASCII
// letters and digits. A key that breaks it was mistyped or pasted with
// something else (a trailing newline, quotes), and every callback would
// then be refused as forged; saying so at start is kinder. The error never
// quotes the key.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w is empty", errBadKey)
	}
	if len(key) > maxKeyLen {
		return fmt.Errorf("%w has %d characters; the TRTC console allows at most %d", errBadKey, len(key), maxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("%w: character %d is not a letter or digit (the TRTC console allows only those)", errBadKey, i+1)
		}
	}
	return nil
}
