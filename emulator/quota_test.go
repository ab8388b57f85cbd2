package emulator

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

func TestQuotaWindow(t *testing.T) {
	t0 := time.Unix(1795636424, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	q := newQuota(20)
	type arrival struct {
		at            time.Time
		action        string
		wantN         int
		wantOK        bool
		label         string
		secretID      string
		repeat, stepN int
	}
	steps := []arrival{
		{at: ms(0), action: "D", wantN: 1, wantOK: true, repeat: 20, stepN: 1, label: "first 20 in the same instant"},
		{at: ms(10), action: "D", wantN: 21, wantOK: false, label: "21st within the second"},
		{at: ms(20), action: "D", wantN: 22, wantOK: false, label: "rejected arrivals count too"},
		{at: ms(20), action: "C", wantN: 1, wantOK: true, label: "another action has its own window"},
		{at: ms(20), action: "D", secretID: "other", wantN: 1, wantOK: true, label: "another SecretId has its own window"},
		{at: ms(1000), action: "D", wantN: 3, wantOK: true, label: "the 20 at t=0 are exactly one second old: out"},
		{at: ms(1015), action: "D", wantN: 3, wantOK: true, label: "t=10 left the window"},
	}
	for _, st := range steps {
		for i := 0; i < max(st.repeat, 1); i++ {
			id := "AKID"
			if st.secretID != "" {
				id = st.secretID
			}
			n, ok := q.arrive(st.action, id, st.at)
			wantN := st.wantN + i*st.stepN
			if n != wantN || ok != st.wantOK {
				t.Fatalf("%s (#%d): got (%d, %v), want (%d, %v)", st.label, i, n, ok, wantN, st.wantOK)
			}
		}
	}
	if n, ok := newQuota(-1).arrive("D", "AKID", t0); !ok || n != 0 {
		t.Fatal("negative limit must be unlimited")
	}
}

func TestLimitMessage(t *testing.T) {
	want := "Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls."
	if got := limitMessage(21, 20); got != want {
		t.Fatalf("got %q", got)
	}
}

var limitRE = regexp.MustCompile("^Your current request times equals to `(\\d+)` in a second, which exceeds the frequency limit `20` for a second\\. Please reduce the frequency of calls\\.$")

// burst fires n concurrent Describe calls and sorts the answers.
func burst(t *testing.T, c *common.Client, n int) (accepted int, counts []int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := send(context.Background(), c, apiVersion, "DescribeCloudRecording", describeParams(1400000001, DemoNeverFoundTaskID))
			mu.Lock()
			defer mu.Unlock()
			var e *sdkerrors.TencentCloudSDKError
			switch code := sdkCode(err); code {
			case "ResourceNotFound":
				accepted++
			case "RequestLimitExceeded":
				errors.As(err, &e)
				m := limitRE.FindStringSubmatch(e.GetMessage())
				if m == nil {
					t.Errorf("message %q is not the real format", e.GetMessage())
					return
				}
				v, _ := strconv.Atoi(m[1])
				counts = append(counts, v)
			default:
				t.Errorf("unexpected answer %q", code)
			}
		}()
	}
	wg.Wait()
	return accepted, counts
}

// TestThrottlingWithSDK: 40 raw concurrent calls against the 20/s quota
// get RequestLimitExceeded with the real message.
func TestThrottlingWithSDK(t *testing.T) {
	s := startServer(t, Config{}, nil)
	c := demoClient(s)
	start := time.Now()
	accepted, counts := burst(t, c, 40)
	took := time.Since(start)
	if len(counts) == 0 || accepted+len(counts) != 40 {
		t.Fatalf("accepted %d, throttled %d: want some throttled", accepted, len(counts))
	}
	seen := map[int]bool{}
	for _, n := range counts {
		if n <= 20 || seen[n] {
			t.Fatalf("throttle counts %v: each must be above 20 and distinct", counts)
		}
		seen[n] = true
	}
	// If the whole burst landed within one second (the usual case), the
	// split is exact: the window admits 20 and counts every arrival.
	if took < 900*time.Millisecond && (accepted != 20 || !seen[21] || !seen[40]) {
		t.Fatalf("burst within %v: accepted %d, counts %v; want 20 accepted and counts 21..40", took, accepted, counts)
	}
	st := s.Stats().Actions["DescribeCloudRecording"]
	if st.Requests != 40 || st.Throttled != len(counts) || st.Errors["RequestLimitExceeded"] != len(counts) {
		t.Fatalf("stats %+v", st)
	}
	// Another action is not affected by the Describe window.
	_, err := do(t, c, "DeleteCloudRecording", describeParams(1400000001, DemoNeverFoundTaskID))
	wantCode(t, err, "ResourceNotFound")

	unlimited := startServer(t, Config{RateLimit: -1}, nil)
	if accepted, counts := burst(t, demoClient(unlimited), 40); accepted != 40 || len(counts) != 0 {
		t.Fatalf("unlimited: accepted %d, throttled %d", accepted, len(counts))
	}
}
