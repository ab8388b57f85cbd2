package cmd

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoTerminal: without a terminal to draw on, the dashboard says to use
// snapshot, exits 2 and has touched nothing: no watch list, no lock file,
// no log file, no demo emulator.
func TestNoTerminal(t *testing.T) {
	t.Setenv("TENCENTCLOUD_SECRET_ID", "AKIDx")
	t.Setenv("TENCENTCLOUD_SECRET_KEY", "k")
	notTTY, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer notTTY.Close()
	tests := []struct {
		name   string
		args   []string
		toFile bool // stdout a regular file, else a buffer
	}{
		{"stdout a buffer", []string{"--sdk-app-id", "1400000001", "task-a", "task-b"}, false},
		{"stdout a file", []string{"--sdk-app-id", "1400000001", "task-a"}, true},
		{"demo", []string{"--demo"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			state := filepath.Join(dir, "watchlist.json")
			args := append([]string{"--state", state, "--log-file", filepath.Join(dir, "debug.log")}, tt.args...)
			var stdout, stderr bytes.Buffer
			var out io.Writer = &stdout
			if tt.toFile {
				out = notTTY
			}
			code := run(context.Background(), args, strings.NewReader(""), out, &stderr)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, stderr.String())
			}
			msg := stderr.String()
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "no terminal") || !strings.Contains(msg, "trtcwatch snapshot") {
				t.Fatalf("stderr %q, want one line saying no terminal and to use snapshot", msg)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("the dashboard touched %v before finding it had no terminal", entries)
			}
		})
	}
}
