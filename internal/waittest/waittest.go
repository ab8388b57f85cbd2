// Package waittest is for the TestMain of a package whose parallel tests
// mostly wait (for a child process, a terminal, a scenario's clock, a
// signal) rather than compute: go test runs one parallel test per core by
// default, which leaves the cores of a small machine idle while they wait.
package waittest

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"
)

// RaiseParallel makes the tests run two per core (at least four) at once
// unless -test.parallel was given on the command line, which still wins.
// Call it in TestMain before m.Run.
func RaiseParallel() {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(max(4, 2*runtime.GOMAXPROCS(0)))) //nolint:errcheck // a valid int
	}
}

// Main is the whole TestMain of a package that needs nothing else: it
// raises the parallelism, runs the tests and exits with their status.
func Main(m *testing.M) {
	RaiseParallel()
	os.Exit(m.Run())
}
