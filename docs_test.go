package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// longBuild is the build line .ci/run looks for to find the long checks'
// packages: a test file built only with -tags long.
var longBuild = regexp.MustCompile(`(?m)^//go:build (.* )?long( .*)?$`)

// TestDocsLongCommand: the long checks' command that README and
// docs/testing.md print names exactly the packages .ci/run tests with
// -tags long (every package with a test file built only with the tag), so
// a reader who copies it runs what CI runs, and a new long file cannot
// leave the docs behind.
func TestDocsLongCommand(t *testing.T) {
	var want []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if dir := "./" + filepath.ToSlash(filepath.Dir(path)) + "/"; longBuild.Match(src) && !slices.Contains(want, dir) {
			want = append(want, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("no test file is built only with -tags long; the docs' long command would test nothing")
	}
	cmd := regexp.MustCompile(`(?m)^go test -race -tags long ((?:\./\S+/ ?)+)`)
	for _, doc := range []string{"README.md", "docs/testing.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		m := cmd.FindSubmatch(raw)
		if m == nil {
			t.Errorf("%s has no line starting %q", doc, "go test -race -tags long ./")
			continue
		}
		got := strings.Fields(string(m[1]))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s's long command tests %v; the packages with a long test file (what .ci/run tests) are %v", doc, got, want)
		}
	}
}

// TestDocsTestCommand: the test command README and docs/testing.md give
// is the one .ci/run runs.
func TestDocsTestCommand(t *testing.T) {
	const suite = "GORACE=atexit_sleep_ms=0 go test -race ./..."
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(suite) + `$`).Match(ci) {
		t.Fatalf(".ci/run does not run %q on a line of its own", suite)
	}
	for _, doc := range []string{"README.md", "docs/testing.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(suite) + `( |$)`).Match(raw) {
			t.Errorf("%s does not give CI's test command %q at the start of a line", doc, suite)
		}
	}
}
