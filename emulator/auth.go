package emulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxSkew is how far a request's timestamp may be from server time
// (AuthFailure.SignatureExpire: "cannot differ by more than five minutes").
const maxSkew = 5 * time.Minute

const tc3Algorithm = "TC3-HMAC-SHA256"

// Auth error codes, as in the common error code table.
const (
	codeInvalidAuthorization = "AuthFailure.InvalidAuthorization"
	codeSecretIDNotFound     = "AuthFailure.SecretIdNotFound"
	codeSignatureExpire      = "AuthFailure.SignatureExpire"
	codeSignatureFailure     = "AuthFailure.SignatureFailure"
	codeTokenFailure         = "AuthFailure.TokenFailure"
)

// apiError is an answer in the API's error shape.
type apiError struct {
	Code, Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// call is an authenticated request: who sent it and what it asks for.
// Action, Version and Region come from X-TC-* headers (TC3) or from the
// parameters (v1); v1 parameters are kept flat in form until parseParams.
type call struct {
	Action, Version, Region string
	SecretID                string
	tc3                     bool
	form                    url.Values // v1 params, or TC3 form/GET params
}

// verifier checks signatures the way the real API does, accepting what both
// the Go SDK (TC3, host with port, service trtc) and the Node SDK (v1 by
// default; TC3 with host without port and a service taken from the
// endpoint) produce.
type verifier struct {
	secretID, secretKey, token string
	now                        func() time.Time
}

// verify authenticates r whose body has already been read.
func (v *verifier) verify(r *http.Request, body []byte) (*call, *apiError) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if !strings.HasPrefix(auth, tc3Algorithm+" ") {
			return nil, errorf(codeInvalidAuthorization, "Authorization header must start with %s.", tc3Algorithm)
		}
		return v.verifyTC3(r, body, auth)
	}
	form, err := requestForm(r, body)
	if err == nil && form.Get("Signature") != "" && form.Get("SecretId") != "" {
		return v.verifyV1(r, form)
	}
	return nil, errorf(codeInvalidAuthorization, "The request carries no Authorization header and no v1 Signature/SecretId parameters.")
}

// requestForm returns the query for GET and the form body for a
// form-encoded POST; other bodies give empty values.
func requestForm(r *http.Request, body []byte) (url.Values, error) {
	if r.Method == http.MethodGet {
		return url.ParseQuery(r.URL.RawQuery)
	}
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return url.ParseQuery(string(body))
	}
	return url.Values{}, nil
}

type tc3Auth struct {
	secretID, date, service string
	signedHeaders           []string
	signature               string
}

func parseTC3(auth string) (*tc3Auth, bool) {
	a := &tc3Auth{}
	rest := strings.TrimPrefix(auth, tc3Algorithm+" ")
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, false
		}
		switch k {
		case "Credential":
			f := strings.Split(val, "/")
			if len(f) != 4 || f[0] == "" || f[1] == "" || f[2] == "" || f[3] != "tc3_request" {
				return nil, false
			}
			a.secretID, a.date, a.service = f[0], f[1], f[2]
		case "SignedHeaders":
			for _, h := range strings.Split(val, ";") {
				if h == "" {
					return nil, false
				}
				a.signedHeaders = append(a.signedHeaders, strings.ToLower(h))
			}
		case "Signature":
			if _, err := hex.DecodeString(val); err != nil || len(val) != 64 {
				return nil, false
			}
			a.signature = strings.ToLower(val)
		default:
			return nil, false
		}
	}
	return a, a.secretID != "" && len(a.signedHeaders) > 0 && a.signature != ""
}

func (v *verifier) verifyTC3(r *http.Request, body []byte, auth string) (*call, *apiError) {
	a, ok := parseTC3(auth)
	if !ok {
		return nil, errorf(codeInvalidAuthorization, "Malformed Authorization header; expected `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=..., Signature=<hex>`.")
	}
	if subtle.ConstantTimeCompare([]byte(a.secretID), []byte(v.secretID)) != 1 {
		return nil, errorf(codeSecretIDNotFound, "The SecretId is not found, please ensure that your SecretId is correct.")
	}
	ts, aerr := v.checkTimestamp(r.Header.Get("X-TC-Timestamp"))
	if aerr != nil {
		return nil, aerr
	}
	if a.date != time.Unix(ts, 0).UTC().Format("2006-01-02") {
		return nil, errorf(codeSignatureFailure, "The credential scope date %s does not match X-TC-Timestamp %d.", a.date, ts)
	}
	payload := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(payload[:])
	if r.Header.Get("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD" {
		payloadHash = sha256Hex("UNSIGNED-PAYLOAD")
	}
	uris := []string{"/"}
	if p := r.URL.EscapedPath(); p != "" && p != "/" {
		uris = append(uris, p)
	}
	ok = false
	for _, host := range hostForms(r.Host) {
		for _, uri := range uris {
			sig := tc3Signature(v.secretKey, a, ts, r.Method, uri, r.URL.RawQuery, canonicalHeaders(r, a.signedHeaders, host), payloadHash)
			if hmac.Equal([]byte(sig), []byte(a.signature)) {
				ok = true
			}
		}
	}
	if !ok {
		return nil, signatureFailure()
	}
	if aerr := v.checkToken(r.Header.Get("X-TC-Token")); aerr != nil {
		return nil, aerr
	}
	c := &call{
		Action:   r.Header.Get("X-TC-Action"),
		Version:  r.Header.Get("X-TC-Version"),
		Region:   r.Header.Get("X-TC-Region"),
		SecretID: a.secretID,
		tc3:      true,
	}
	if form, err := requestForm(r, body); err == nil {
		c.form = form
	}
	return c, nil
}

func signatureFailure() *apiError {
	return errorf(codeSignatureFailure, "The provided credentials could not be validated. Please check your signature is correct.")
}

// hostForms is the Host header as sent and without its port: the Go SDK
// signs the former, the Node SDK the latter.
func hostForms(host string) []string {
	if h, _, err := net.SplitHostPort(host); err == nil && h != "" {
		return []string{host, h}
	}
	return []string{host}
}

func canonicalHeaders(r *http.Request, names []string, host string) string {
	var b strings.Builder
	for _, n := range names {
		val := host
		if n != "host" {
			val = strings.TrimSpace(r.Header.Get(n))
		}
		b.WriteString(n + ":" + val + "\n")
	}
	return b.String()
}

// tc3Signature computes the hex signature of a request whose canonical
// parts are given; it is the recipe of the Go SDK's sendWithSignatureV3.
func tc3Signature(secretKey string, a *tc3Auth, ts int64, method, uri, query, headers, payloadHash string) string {
	canonical := strings.Join([]string{method, uri, query, headers, strings.Join(a.signedHeaders, ";"), payloadHash}, "\n")
	scope := a.date + "/" + a.service + "/tc3_request"
	toSign := strings.Join([]string{tc3Algorithm, strconv.FormatInt(ts, 10), scope, sha256Hex(canonical)}, "\n")
	kDate := hmacSum(sha256.New, []byte("TC3"+secretKey), a.date)
	kService := hmacSum(sha256.New, kDate, a.service)
	kSigning := hmacSum(sha256.New, kService, "tc3_request")
	return hex.EncodeToString(hmacSum(sha256.New, kSigning, toSign))
}

func (v *verifier) verifyV1(r *http.Request, form url.Values) (*call, *apiError) {
	secretID := form.Get("SecretId")
	if subtle.ConstantTimeCompare([]byte(secretID), []byte(v.secretID)) != 1 {
		return nil, errorf(codeSecretIDNotFound, "The SecretId is not found, please ensure that your SecretId is correct.")
	}
	if _, aerr := v.checkTimestamp(form.Get("Timestamp")); aerr != nil {
		return nil, aerr
	}
	var h func() hash.Hash
	switch m := form.Get("SignatureMethod"); m {
	case "", "HmacSHA1":
		h = sha1.New
	case "HmacSHA256":
		h = sha256.New
	default:
		return nil, errorf(codeInvalidAuthorization, "SignatureMethod %q is not HmacSHA1 or HmacSHA256.", clip(m))
	}
	got := form.Get("Signature")
	// A '+' sent unencoded in a form arrives as a space.
	got = strings.ReplaceAll(got, " ", "+")
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	ok := false
	for _, host := range hostForms(r.Host) {
		want := base64.StdEncoding.EncodeToString(hmacSum(h, []byte(v.secretKey), v1StringToSign(r.Method, host, path, form)))
		if hmac.Equal([]byte(want), []byte(got)) {
			ok = true
		}
	}
	if !ok {
		return nil, signatureFailure()
	}
	if aerr := v.checkToken(form.Get("Token")); aerr != nil {
		return nil, aerr
	}
	return &call{
		Action:   form.Get("Action"),
		Version:  form.Get("Version"),
		Region:   form.Get("Region"),
		SecretID: secretID,
		form:     form,
	}, nil
}

// v1StringToSign is METHOD + host + path + "?" + the sorted raw k=v pairs
// (Signature excluded), as both SDKs build it.
func v1StringToSign(method, host, path string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + form.Get(k)
	}
	return method + host + path + "?" + strings.Join(pairs, "&")
}

func (v *verifier) checkTimestamp(raw string) (int64, *apiError) {
	ts, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, errorf(codeInvalidAuthorization, "Timestamp %q is missing or not Unix seconds.", clip(raw))
	}
	now := v.now().Unix()
	if d := now - ts; d > int64(maxSkew/time.Second) || d < -int64(maxSkew/time.Second) {
		return 0, errorf(codeSignatureExpire, "Signature expired: request timestamp %d and server time %d differ by more than five minutes.", ts, now)
	}
	return ts, nil
}

func (v *verifier) checkToken(got string) *apiError {
	if v.token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(v.token)) == 1 {
		return nil
	}
	return errorf(codeTokenFailure, "The security token is missing, invalid or expired.")
}

func hmacSum(h func() hash.Hash, key []byte, msg string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// clip shortens untrusted input quoted in a message.
func clip(s string) string { return clipN(s, 64) }

func clipN(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
