package cmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/loopback"
)

// emulatorUsage is what -h prints above the flags.
const emulatorUsage = "Usage: trtcwatch emulator [flags]\n\nServes a local TRTC API (DescribeCloudRecording and friends) on loopback\n(beyond it only with --listen-any and your own keys); with --callback-url it\nalso posts the recording callbacks TRTC would, signed with --callback-key.\n\nFlags:\n"

// runEmulator serves the local TRTC API until SIGINT/SIGTERM. The base URL
// goes alone on stdout's first line so scripts can read it; the request log
// goes to stderr.
func runEmulator(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	var (
		cfg      emulator.Config
		listen   string
		scenario string
		quiet    bool
		keysFile string
		cbKey    string
		cbFile   string
	)
	fs.StringVar(&listen, "listen", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	fs.BoolVar(&cfg.ListenAny, "listen-any", false, "allow a --listen address beyond loopback (0.0.0.0, ::, a LAN address); needs your own keys, never the demo pair")
	fs.StringVar(&keysFile, "keys-file", "", "read SecretId=, SecretKey= and Token= lines from this file (mode 600) instead of flags seen in the process list")
	fs.StringVar(&cfg.SecretID, "secret-id", emulator.DemoSecretID, "SecretId the emulator accepts (or env "+envEmuSecretID+")")
	fs.StringVar(&cfg.SecretKey, "secret-key", emulator.DemoSecretKey, "SecretKey the emulator accepts (or env "+envEmuSecretKey+"; a flag shows in the process list)")
	fs.StringVar(&cfg.Token, "token", "", "session token requests must carry, empty: any (or env "+envEmuToken+")")
	fs.IntVar(&cfg.RateLimit, "rate-limit", emulator.DefaultRateLimit, "requests per second per action and SecretId (negative: unlimited)")
	fs.DurationVar(&cfg.Latency, "latency", 0, "delay added to every answer")
	fs.Float64Var(&cfg.FaultRate, "fault-rate", 0, "share of requests (0 to 1) that fail: InternalError, HTTP 502 HTML, truncated JSON, stall")
	fs.DurationVar(&cfg.StallFor, "stall", emulator.DefaultStallFor, "how long a stall fault holds the answer")
	fs.DurationVar(&cfg.ExitLinger, "exit-linger", emulator.DefaultExitLinger, "how long a task shows Exited before it is gone")
	fs.StringVar(&cfg.GoneCode, "gone-code", emulator.DefaultGoneCode, "error code answered for a task that is gone")
	fs.StringVar(&scenario, "scenario", "", "scenario file (JSON, see docs/files.md) of tasks, timelines and faults")
	fs.BoolVar(&quiet, "quiet", false, "do not log requests to stderr")
	fs.StringVar(&cfg.CallbackURL, "callback-url", "", "post TRTC's recording callbacks (event group 3) for every change of every task to this http:// or https:// URL, retried as TRTC retries them")
	fs.StringVar(&cbKey, "callback-key", "", "the key that signs the callbacks (Sign), as set in the TRTC console: 1 to 32 letters and digits (or env "+envCallbackKey+", or --callback-key-file; a flag shows in the process list); none: unsigned")
	fs.StringVar(&cbFile, "callback-key-file", "", "read the callback key from this file (mode 600, the key on one line)")
	if err := parseNoArgs(fs, emulatorUsage, args, stdout, ""); err != nil {
		return fail(stderr, err)
	}
	if err := emulatorKeys(fs, keysFile, &cfg); err != nil {
		return fail(stderr, err)
	}
	key, err := callbackKey(fs, cfg.CallbackURL != "", cbKey, cbFile)
	if err != nil {
		return fail(stderr, err)
	}
	cfg.CallbackKey = key
	if cfg.FaultRate < 0 || cfg.FaultRate > 1 || cfg.FaultRate != cfg.FaultRate {
		return fail(stderr, usagef("--fault-rate must be between 0 and 1, got %v", cfg.FaultRate))
	}
	if scenario != "" {
		sc, err := emulator.LoadScenario(scenario)
		if err != nil {
			return fail(stderr, usagef("--scenario: %v", err))
		}
		cfg.Scenario = sc
	}
	if !quiet {
		cfg.Log = stderr
	}
	srv, err := emulator.New(cfg)
	if err != nil {
		return fail(stderr, usagef("%v", err)) // it says "emulator: ..."
	}
	if err := srv.Start(listen); errors.Is(err, loopback.ErrNotLoopback) {
		return fail(stderr, usagef("--listen %s is not a loopback address; use 127.0.0.1 or ::1, or add --listen-any with keys of your own", listen))
	} else if err != nil {
		return fail(stderr, usagef("--listen %s: %v", listen, err))
	}
	fmt.Fprintln(stdout, srv.URL())
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		return fail(stderr, fmt.Errorf("stop emulator: %w", err))
	}
	return 0
}
