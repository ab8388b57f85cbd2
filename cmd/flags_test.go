package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/export"
)

// runArgs runs the program with args and no terminal.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestFlagsAfterTasks: flags count wherever they stand, "--" ends them
// (a TaskId may start with "-"), and a word that looks like a flag but is
// none is refused with how to pass such a TaskId, for every command.
func TestFlagsAfterTasks(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{}, `{"tasks": [
	  {"task_id": "flag-live", "sdk_app_id": 1400000001, "timeline": [{"at": "0s", "status": "InProgress"}]},
	  {"task_id": "-nHuqHlU7isl", "sdk_app_id": 1400000001, "timeline": [{"at": "0s", "status": "Idle"}]}
	]}`)
	t.Setenv("TENCENTCLOUD_SECRET_ID", emulator.DemoSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", emulator.DemoSecretKey)
	ep := srv.URL()
	records := func(t *testing.T, out string) []export.Record {
		t.Helper()
		var recs []export.Record
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var r export.Record
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			recs = append(recs, r)
		}
		return recs
	}

	t.Run("snapshot flags after the task", func(t *testing.T) {
		code, out, errOut := runArgs("snapshot", "--sdk-app-id", "1400000001", "flag-live", "--region", "ap-mumbai", "--endpoint", ep, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		recs := records(t, out)
		if len(recs) != 1 || recs[0].TaskID != "flag-live" || recs[0].Region != "ap-mumbai" || recs[0].Status != "InProgress" {
			t.Fatalf("want one InProgress record of flag-live in ap-mumbai, got %+v", recs)
		}
	})
	t.Run("snapshot -- then a TaskId starting with -", func(t *testing.T) {
		code, out, errOut := runArgs("snapshot", "--endpoint", ep, "--sdk-app-id", "1400000001", "--format", "json", "--", "-nHuqHlU7isl", "--region")
		if code != 0 { // --region is a TASK after --: answered, not found
			t.Fatalf("exit %d: %s", code, errOut)
		}
		recs := records(t, out)
		if len(recs) != 2 || recs[0].TaskID != "-nHuqHlU7isl" || recs[0].Status != "Idle" || recs[1].TaskID != "--region" || recs[1].Phase != "not found" {
			t.Fatalf("got %+v", recs)
		}
	})
	before := srv.Stats().Requests()
	usage := []struct {
		name string
		args []string
		want []string
		not  string
	}{
		{"snapshot TaskId-like flag", []string{"snapshot", "--endpoint", ep, "--sdk-app-id", "1400000001", "-nHuqHlU7isl"},
			[]string{"-nHuqHlU7isl", "goes after --", "trtcwatch snapshot [flags] -- -nHuqHlU7isl"}, ""},
		{"snapshot bad value after the task", []string{"snapshot", "--endpoint", ep, "1400000001:flag-live", "--rate", "0"},
			[]string{"--rate must be between"}, ""},
		{"dashboard flag after the task", []string{"--endpoint", ep, "--sdk-app-id", "1400000001", "flag-live", "--interval", "1ns"},
			[]string{"--interval must be between"}, ""},
		{"dashboard unknown flag names the command once", []string{"--bogus"},
			[]string{"-bogus", "(see trtcwatch -h)"}, "trtcwatch trtcwatch"},
		{"dashboard TaskId-like flag", []string{"--sdk-app-id", "1400000001", "-nHuqHlU7isl"},
			[]string{"trtcwatch [flags] -- -nHuqHlU7isl"}, ""},
		{"serve flag after the task", []string{"serve", "--sdk-app-id", "1400000001", "flag-live", "--authorized-keys", filepath.Join(t.TempDir(), "keys"), "--max-sessions", "0"},
			[]string{"--max-sessions must be between"}, ""},
		{"serve unknown flag", []string{"serve", "--bogus"}, []string{"(see trtcwatch serve -h)"}, "goes after"},
		{"events flag after an argument", []string{"events", "extra", "--since", "1h"}, []string{`takes no arguments, got "extra"`}, ""},
		{"events -- ends the flags", []string{"events", "--", "--json"}, []string{`takes no arguments, got "--json"`}, ""},
		{"events unknown flag", []string{"events", "-nope"}, []string{"(see trtcwatch events -h)"}, "goes after"},
		{"emulator flag after an argument", []string{"emulator", "extra", "--quiet"}, []string{`takes no arguments, got "extra"`}, ""},
		{"emulator unknown flag", []string{"emulator", "--bogus"}, []string{"(see trtcwatch emulator -h)"}, ""},
		{"emulator bad value anywhere", []string{"emulator", "--quiet", "--fault-rate", "x"}, []string{`invalid value "x" for flag -fault-rate`}, ""},
		{"control characters are escaped", []string{"snapshot", "-\x1b[31m"}, []string{`\x1b`}, "\x1b"},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runArgs(tt.args...)
			if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Fatalf("exit %d, stdout %q, stderr %q: want exit 2 and one line", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if tt.not != "" && strings.Contains(errOut, tt.not) {
				t.Errorf("stderr %q has %q", errOut, tt.not)
			}
		})
	}
	if n := srv.Stats().Requests() - before; n != 0 {
		t.Errorf("bad usage made %d API calls", n)
	}
}

// TestHelpAnywhere: -h among other arguments prints the help and exits 0.
func TestHelpAnywhere(t *testing.T) {
	for _, args := range [][]string{{"snapshot", "TASK", "-h"}, {"events", "--json", "--help"}, {"1:task", "-h"}} {
		code, out, errOut := runArgs(args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}
