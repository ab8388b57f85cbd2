package cmd

import (
	"flag"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/demo"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

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

// placeWatchList finds the watch list: --state, or the default place, or
// with --demo the demo's own throwaway list, in which case cfg, app and
// refs are pointed at the demo too and the caller closes what it returns.
func placeWatchList(demoOn bool, state string, log *slog.Logger, cfg *client.Config, app *uint64, refs *[]taskref.Ref) (string, *demo.Attached, error) {
	if demoOn {
		dm, err := demo.Attach(log)
		if err != nil {
			return "", nil, err
		}
		cfg.Endpoint, cfg.Credential, cfg.Region, cfg.RegionFrom, *app = dm.URL(), dm.Credential(), demo.Region, "", demo.SdkAppID
		*refs = append(dm.Refs, *refs...)
		return dm.StatePath, dm, nil
	}
	if state != "" {
		return state, nil, nil
	}
	path, err := watchlist.DefaultPath()
	if err != nil {
		return "", nil, usagef("cannot find a place for the watch list (%v); pass --state FILE", err)
	}
	return path, nil, nil
}
