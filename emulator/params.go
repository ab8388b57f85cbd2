package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// commonParams are v1/GET parameters that are not action parameters.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Region": true, "Timestamp": true, "Nonce": true,
	"SecretId": true, "Signature": true, "SignatureMethod": true, "Token": true,
	"Language": true, "RequestClient": true,
}

const maxParamDepth = 16

// parseParams turns the body (TC3 JSON) or the flat form (v1, GET, form
// POST) into one JSON-like tree, so the actions read parameters the same
// way whichever signature brought them. Numbers stay json.Number or, from
// forms, strings; the getters below accept both.
func parseParams(c *call, r *http.Request, body []byte) (map[string]any, *apiError) {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	if !c.tc3 || r.Method == http.MethodGet || strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return unflatten(c.form)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errorf("InvalidParameter", "The request body is not valid JSON: %s.", clip(err.Error()))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf("InvalidParameter", "The request body has data after its JSON object.")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf("InvalidParameter", "The request body must be a JSON object.")
	}
	return m, nil
}

// unflatten rebuilds nested parameters from flattened keys such as
// "RecordParams.SubscribeStreamUserIds.SubscribeAudioUserIds.0".
func unflatten(form map[string][]string) (map[string]any, *apiError) {
	root := map[string]any{}
	keys := make([]string, 0, len(form))
	for k := range form {
		if !commonParams[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts := strings.Split(k, ".")
		if len(parts) > maxParamDepth {
			return nil, errorf("InvalidParameter", "Parameter %q is nested too deeply.", clip(k))
		}
		node := root
		for i, p := range parts {
			if p == "" {
				return nil, errorf("InvalidParameter", "Parameter name %q is malformed.", clip(k))
			}
			if i == len(parts)-1 {
				if _, exists := node[p]; exists {
					return nil, errorf("InvalidParameter", "Parameter %q is given both as a value and as an object.", clip(k))
				}
				node[p] = form[k][0]
				break
			}
			child, exists := node[p]
			if !exists {
				child = map[string]any{}
				node[p] = child
			}
			cm, ok := child.(map[string]any)
			if !ok {
				return nil, errorf("InvalidParameter", "Parameter %q is given both as a value and as an object.", clip(k))
			}
			node = cm
		}
	}
	return listify(root).(map[string]any), nil
}

// listify turns maps whose keys are exactly 0..n-1 into slices.
func listify(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, c := range m {
		m[k] = listify(c)
	}
	if len(m) == 0 {
		return m
	}
	list := make([]any, len(m))
	for k, c := range m {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(m) || strconv.Itoa(i) != k {
			return m
		}
		list[i] = c
	}
	return list
}

// param looks a name up; a JSON null counts as absent.
func param(m map[string]any, name string) (any, bool) {
	v, ok := m[name]
	return v, ok && v != nil
}

// uintParam reads a non-negative integer given as a JSON number or, as v1
// forms send them, a numeric string.
func uintParam(m map[string]any, name string) (n uint64, present, valid bool) {
	v, ok := param(m, name)
	if !ok {
		return 0, false, false
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, true, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, true, err == nil
}

// stringParam reads a string; a number is not a string.
func stringParam(m map[string]any, name string) (s string, present, valid bool) {
	v, ok := param(m, name)
	if !ok {
		return "", false, false
	}
	s, valid = v.(string)
	return s, true, valid
}

// objParam reads a nested object.
func objParam(m map[string]any, name string) (obj map[string]any, present, valid bool) {
	v, ok := param(m, name)
	if !ok {
		return nil, false, false
	}
	obj, valid = v.(map[string]any)
	return obj, true, valid
}

// stringsParam reads a list of strings (a form may send a single value).
func stringsParam(m map[string]any, name string) (list []string, valid bool) {
	v, ok := param(m, name)
	if !ok {
		return nil, true
	}
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			list = append(list, s)
		}
		return list, true
	}
	return nil, false
}
