package cmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// exitUsage is the exit code for bad flags or arguments.
const exitUsage = 2

// usageError is a bad flag or argument: printed as one line, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// fail prints err the way every subcommand does and returns the exit code.
func fail(stderr io.Writer, err error) int {
	if errors.Is(err, errHelpShown) {
		return 0
	}
	fmt.Fprintln(stderr, "trtcwatch:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
}

// errHelpShown means -h was asked for and answered: exit 0.
var errHelpShown = errors.New("help shown")

// parseFlags parses args the way users type them: flags may come before,
// between or after the positional arguments (`trtcwatch TASK --region
// ap-mumbai`), and "--" ends the flags, so everything after it is
// positional: a TaskId may start with "-". A lone "-" is positional
// (snapshot reads stdin for it). The positionals are left in fs.Args().
// Flag-package errors become our one-line form; -h prints usage and then
// the flags to stdout, where a user asking for them can page them.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	var pos []string
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			args = args[1:]
			continue
		}
		n := flagWords(fs, a, len(args))
		if err := fs.Parse(args[:n]); err != nil {
			return flagError(fs, usage, a, err, stdout)
		}
		args = args[n:]
	}
	// fs.Args() is what the last Parse left: make that the positionals.
	return fs.Parse(append([]string{"--"}, pos...))
}

// parseNoArgs is parseFlags for a command that takes no positional
// argument: one is bad usage, with hint after it.
func parseNoArgs(fs *flag.FlagSet, usage string, args []string, stdout io.Writer, hint string) error {
	if err := parseFlags(fs, usage, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s takes no arguments, got %q%s", fs.Name(), fs.Arg(0), hint)
	}
	return nil
}

// flagWords is how many arguments the flag word a takes with it: 2 for a
// flag that needs a value not given with "=", else 1 (an unknown flag or
// -h is then the flag package's to report).
func flagWords(fs *flag.FlagSet, a string, left int) int {
	name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
	f := fs.Lookup(name)
	if f == nil || hasValue || left < 2 {
		return 1
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return 1
	}
	return 2
}

// flagError turns an error of the flag package about the word a into our
// one-line form, or prints the help asked for.
func flagError(fs *flag.FlagSet, usage, a string, err error, stdout io.Writer) error {
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprint(stdout, usage)
		fs.PrintDefaults()
		return errHelpShown
	}
	cmd := commandName(fs)
	msg := sanitize.String(sanitize.Clip(err.Error(), 200)) // it quotes what was typed
	name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	if fs.Lookup(name) == nil && takesTasks[fs.Name()] && !strings.HasPrefix(a, "--") {
		// Perhaps a TaskId: real ones can start with "-".
		return usagef("%s (see %s -h); a TASK that starts with - goes after --: %s [flags] -- %s",
			msg, cmd, cmd, sanitize.String(sanitize.Clip(a, 40)))
	}
	return usagef("%s (see %s -h)", msg, cmd)
}

// flagSet says whether the command line gave the flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// takesTasks are the commands (by FlagSet name) whose positional
// arguments are TASKs.
var takesTasks = map[string]bool{"trtcwatch": true, "snapshot": true, "serve": true}

// commandName is how the user typed the command: "trtcwatch" for the
// dashboard, "trtcwatch snapshot" for a subcommand.
func commandName(fs *flag.FlagSet) string {
	if fs.Name() == "trtcwatch" {
		return "trtcwatch"
	}
	return "trtcwatch " + fs.Name()
}

// apiFlags are the flags every command that talks to the API shares, so the
// dashboard and snapshot validate them the same way.
type apiFlags struct {
	region     string
	regionFrom string // where region came from when not --region: env, a tccli profile; "" for --region or the built-in default
	regionErr  error  // the tccli profile's region could not be read; moot once --region is given
	sdkAppID   string
	endpoint   string
	rate       float64
	timeout    time.Duration
	cvmRole    bool
}

// defaultRegion is the region when neither --region, TENCENTCLOUD_REGION
// nor a tccli profile names one.
const defaultRegion = "ap-singapore"

func (f *apiFlags) register(fs *flag.FlagSet) {
	f.region, f.regionFrom, f.regionErr = client.DefaultRegion(defaultRegion)
	usage := "TRTC `region`: ap-beijing, ap-guangzhou, ap-mumbai, ap-shanghai or ap-singapore " +
		"(default: env " + client.EnvRegion + ", else the region of the tccli profile, ~/.tccli/<TCCLI_PROFILE or default>.configure, else " + defaultRegion + ")"
	switch {
	case f.regionErr != nil:
		usage += "; now: none, " + f.regionErr.Error()
	case f.regionFrom != "":
		usage += fmt.Sprintf("; now: %s, from %s", sanitize.String(f.region), f.regionFrom)
	default:
		usage += "; now: " + f.region
	}
	fs.Func("region", usage, func(s string) error {
		f.region, f.regionFrom, f.regionErr = s, "", nil
		return nil
	})
	fs.StringVar(&f.sdkAppID, "sdk-app-id", "", "SdkAppId for task IDs given without one (SDKAPPID:TASKID overrides it)")
	fs.StringVar(&f.endpoint, "endpoint", "", "API endpoint: host, host:port or URL (default https://trtc.intl.tencentcloudapi.com); http:// only to loopback")
	fs.Float64Var(&f.rate, "rate", 20, "most API calls per second (the DescribeCloudRecording quota is 20; above 20 only against a loopback emulator)")
	fs.DurationVar(&f.timeout, "timeout", 6*time.Second, "timeout of one API call")
	fs.BoolVar(&f.cvmRole, "cvm-role", false, "also look for credentials in the CVM instance role (metadata service)")
}

// Sanity ranges of the API flags: a value outside them is a typo or a
// trap (a --rate of 0.001 never lets a call start within its timeout).
const (
	minTimeout = 500 * time.Millisecond
	maxTimeout = 2 * time.Minute
	maxRate    = 1000 // only a loopback emulator is allowed above client.Quota
)

// defaults are what TASKs given without them are read with: the
// --sdk-app-id value (0 when not given) and the region (f.region), which
// is an error only when it had to come from a tccli profile that could not
// be read. Every command that takes TASKs calls it first.
func (f *apiFlags) defaults() (uint64, error) {
	if f.regionErr != nil {
		return 0, usagef("%v", f.regionErr)
	}
	if f.sdkAppID == "" {
		return 0, nil
	}
	n, err := taskref.ParseSdkAppID(f.sdkAppID)
	if err != nil {
		return 0, usagef("--sdk-app-id: %v", err)
	}
	return n, nil
}

// clientConfig validates the flags that need no credentials, so a typo is
// reported as a usage error before credentials are even looked for.
func (f *apiFlags) clientConfig() (client.Config, error) {
	if f.timeout < minTimeout || f.timeout > maxTimeout {
		return client.Config{}, usagef("--timeout must be between %v and %v, got %v", minTimeout, maxTimeout, f.timeout)
	}
	// A call waits for the pacer's next slot inside its timeout, so a rate
	// slower than one call per timeout could never finish one.
	low := max(client.MinRate, 1/f.timeout.Seconds())
	if math.IsNaN(f.rate) || f.rate < low || f.rate > maxRate {
		return client.Config{}, usagef("--rate must be between %.3g (one call per --timeout %v) and %v calls per second (above %v only against a loopback emulator), got %v",
			low, f.timeout, client.Quota, client.Quota, f.rate)
	}
	return client.Config{
		Region:     f.region,
		RegionFrom: f.regionFrom,
		Endpoint:   f.endpoint,
		Rate:       f.rate,
		Timeout:    f.timeout,
		CVMRole:    f.cvmRole,
	}, nil
}

// tasks reads the TASK arguments with the flags' SdkAppId and region, and
// the client's configuration: what the dashboard and serve both need
// before anything starts.
func (f *apiFlags) tasks(args []string) (app uint64, refs []taskref.Ref, cfg client.Config, err error) {
	if app, err = f.defaults(); err != nil {
		return 0, nil, cfg, err
	}
	for _, a := range args {
		r, err := taskref.Parse(a, app, f.region)
		if err != nil {
			return 0, nil, cfg, usagef("bad TASK %q: %v", a, err)
		}
		refs = append(refs, r)
	}
	cfg, err = f.clientConfig()
	return app, refs, cfg, err
}

// newClient builds the API client. A configuration problem (its message
// names the flag to fix) is bad usage; missing credentials are not.
func newClient(cfg client.Config) (*client.Client, error) {
	c, err := client.New(cfg)
	if errors.Is(err, client.ErrConfig) {
		return nil, usagef("%v", err)
	}
	return c, err
}
