package eventlog

import (
	"encoding/json"
	"reflect"
	"testing"
)

// fastParse must agree with encoding/json on every line it accepts, and
// accept what the writer writes in the common case (or the speed-up is
// gone).
func TestFastParseAgreesWithJSON(t *testing.T) {
	plain := `{"time":"2026-11-28T10:00:00.5+08:00","sdk_app_id":1400000001,"task_id":"a+b/c.","region":"ap-mumbai","kind":"transition","from":"Idle","to":"InProgress","request_id":"5f0c","by":"local","pid":42}`
	tests := []struct {
		line string
		fast bool // fastParse takes it
	}{
		{plain, true},
		{`{}`, true},
		{` { "task_id" : "x" , "pid" : 0 } `, true},
		{`{"note":"日本語 e\u0301"}`, false},
		{`{"note":"日本語"}`, true},
		{`{"note":"a\"b"}`, false},
		{`{"note":"tab	in"}`, false},
		{`{"TASK_ID":"x"}`, false},
		{`{"other":"x"}`, false},
		{`{"sdk_app_id":1.5}`, false},
		{`{"sdk_app_id":01}`, false},
		{`{"sdk_app_id":-1}`, false},
		{`{"sdk_app_id":18446744073709551615}`, false},
		{`{"pid":9999999999}`, false},
		{`{"sdk_app_id":1e3}`, false},
		{`{"task_id":"x"}x`, false},
		{`{"task_id":"x",}`, false},
		{`{"task_id":"x"`, false},
		{`{"task_id":["x"]}`, false},
		{`{"task_id":null}`, false},
		{`{"time":"yesterday"}`, false},
		{`{"task_id":"x" "region":"y"}`, false},
		{"{\"note\":\"\xff\"}", false},
		{`[]`, false},
		{``, false},
	}
	for _, tc := range tests {
		var fast, slow Record
		ok := fastParse([]byte(tc.line), &fast)
		if ok != tc.fast {
			t.Errorf("%s: fastParse took it %v, want %v", tc.line, ok, tc.fast)
		}
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(tc.line), &slow); err != nil {
			t.Errorf("%s: fastParse took a line encoding/json refuses: %v", tc.line, err)
			continue
		}
		if !fast.Time.Equal(slow.Time) {
			t.Errorf("%s: time %v, json %v", tc.line, fast.Time, slow.Time)
		}
		fast.Time = slow.Time
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s:\nfast %+v\njson %+v", tc.line, fast, slow)
		}
	}
}
