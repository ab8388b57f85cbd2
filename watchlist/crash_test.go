package watchlist

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The crash and multi-process tests re-run this test binary as a child
// process; these variables tell the child what to do instead of testing.
const (
	childMode = "TRTCWATCH_WATCHLIST_CHILD" // "crash", "add" or "hold"
	childPath = "TRTCWATCH_WATCHLIST_PATH"
	childArg  = "TRTCWATCH_WATCHLIST_ARG" // prefix for "add"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childMode) {
	case "":
		os.Exit(m.Run())
	case "crash":
		crashChild(os.Getenv(childPath))
	case "add":
		addChild(os.Getenv(childPath), os.Getenv(childArg))
	case "hold":
		holdChild(os.Getenv(childPath))
	}
	os.Exit(0)
}

// generation builds list number g: entries 0..n-1, each noted with g, so
// any mix of two lists, or a partial one, is visible.
func generation(g int) []Entry {
	n := g%150 + 1
	list := make([]Entry, n)
	for i := range list {
		list[i] = entry("crash", i)
		list[i].Note = "generation " + strconv.Itoa(g)
	}
	return list
}

// crashChild writes generation after generation until it is killed.
func crashChild(path string) {
	f := Open(path, Options{})
	list, warnings := f.Load()
	g := 0
	if len(list) > 0 {
		g, _ = strconv.Atoi(strings.TrimPrefix(list[0].Note, "generation "))
	}
	if len(warnings) > 0 {
		fmt.Fprintln(os.Stderr, warnings)
		os.Exit(3)
	}
	fmt.Println("writing")
	for g++; ; g++ {
		if err := f.Update(func([]Entry) []Entry { return generation(g) }); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
	}
}

func addChild(path, prefix string) {
	if err := addMany(path, prefix); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
}

func addMany(path, prefix string) error {
	f := Open(path, Options{})
	for i := range 40 {
		if err := f.Update(add(entry(prefix, i))); err != nil {
			return err
		}
	}
	return nil
}

func child(t *testing.T, mode, path, arg string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = childEnv(childMode+"="+mode, childPath+"="+path, childArg+"="+arg)
	cmd.Stderr = os.Stderr
	return cmd
}

// childEnv is the environment of a child test binary: this one's plus
// extra. Under -race a process sleeps a second before it exits, for threads
// still running to report a race (atexit_sleep_ms); a child here exits once
// its one goroutine is done, and that second was most of what each child
// cost the suite. Its races are still reported, and fail it, as before.
func childEnv(extra ...string) []string {
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	return append(append(os.Environ(), "GORACE="+gorace), extra...)
}

// TestCrash kills a writer with SIGKILL at random moments, crashKills times
// (25, or 200 with -tags long). Every time, the file must hold one complete generation, no older than the last
// one seen, and load without a warning.
func TestCrash(t *testing.T) {
	t.Parallel() // own temp dir; the slowest of the package, run side by side
	dir := t.TempDir()
	path := filepath.Join(dir, "watchlist.json")
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("TRTCWATCH_CRASH_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("TRTCWATCH_CRASH_SEED=%q: %v", v, err)
		}
		seed = n
	}
	// The kill moments come from this seed: a failure is replayed with
	// TRTCWATCH_CRASH_SEED set to the logged value.
	t.Logf("kill moments from seed %d (replay: TRTCWATCH_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	last, leftovers := 0, 0
	for kill := range crashKills {
		cmd := child(t, "crash", path, "")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); line != "writing\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("kill %d: child said %q (%v)", kill, line, err)
		}
		time.Sleep(time.Duration(rng.IntN(15_000)) * time.Microsecond)
		cmd.Process.Kill()
		if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("kill %d: child ended with %v before it was killed", kill, err)
		}
		if temps, _ := filepath.Glob(path + tempInfix + "*"); len(temps) > 0 {
			leftovers++ // killed mid-write; the Load below must cope
		}
		g := checkGeneration(t, path)
		if g < last {
			t.Fatalf("kill %d: file went back from generation %d to %d", kill, last, g)
		}
		last = g
	}
	t.Logf("%d kills; last generation %d; %d kills left a temp file behind", crashKills, last, leftovers)
	if err := Open(path, Options{}).Update(add(entry("crash", 0))); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); len(names) != 2 {
		t.Errorf("after the crashes the directory holds %q", names)
	}
}

// checkGeneration reads the file strictly and returns its generation.
func checkGeneration(t *testing.T, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0 // killed before the first write
	}
	var doc diskFile
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Version != version || len(doc.Tasks) == 0 {
		t.Fatalf("after a kill the file is broken (%v): %q", err, raw)
	}
	g, _ := strconv.Atoi(strings.TrimPrefix(doc.Tasks[0].Note, "generation "))
	got, warnings := Open(path, Options{}).Load()
	if len(warnings) > 0 || !equalEntries(got, generation(g)) {
		t.Fatalf("after a kill the file is not generation %d: %q %q", g, warnings, raw)
	}
	return g
}

// TestConcurrentProcesses: two processes and this one add to one file at
// once; every addition survives.
func TestConcurrentProcesses(t *testing.T) {
	t.Parallel() // own temp dir; the slowest of the package, run side by side
	path := filepath.Join(t.TempDir(), "watchlist.json")
	var wg sync.WaitGroup
	for _, p := range []string{"proc1", "proc2"} {
		cmd := child(t, "add", path, p)
		wg.Go(func() {
			if out, err := cmd.Output(); err != nil {
				t.Errorf("child %s: %v %s", p, err, out)
			}
		})
	}
	wg.Go(func() {
		if err := addMany(path, "parent"); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	got, warnings := Open(path, Options{}).Load()
	if len(got) != 3*40 || len(warnings) > 0 {
		t.Fatalf("the file holds %d entries (%q), want %d", len(got), warnings, 3*40)
	}
}
