package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// TestHeaderGap: when the engine could not poll for a while (the process
// was stopped, starved or asleep), the header's first line says so, at
// every width (the short form at 60 columns); with no gap it says nothing.
func TestHeaderGap(t *testing.T) {
	gap := watch.Gap{From: t0.Add(-13 * time.Minute), To: t0.Add(-time.Minute)}
	for _, tc := range []struct {
		w    int
		gap  watch.Gap
		want string
	}{
		{200, gap, "no polls for 12m00s until 09:25:53 UTC: this process was stopped or asleep"},
		{80, gap, "no polls 12m00s"},
		{60, gap, "no polls 12m00s"},
		{200, watch.Gap{}, ""},
	} {
		m := loaded(t, newCountingEngine(), tc.w, 30)
		st := okStats()
		st.Gap = tc.gap
		m.Update(engineMsg{watch.Update{Stats: st}})
		line1 := ansi.Strip(m.headerLines()[0])
		if tc.want == "" && strings.Contains(line1, "no polls") {
			t.Errorf("%d columns, no gap: %q", tc.w, line1)
		}
		if tc.want != "" && !strings.Contains(line1, tc.want) {
			t.Errorf("%d columns: line 1 %q lacks %q", tc.w, line1, tc.want)
		}
	}
}

// TestDetailUnseenEnd: a task that ended while the program could not poll
// says its end was not seen, not that it stopped cleanly.
func TestDetailUnseenEnd(t *testing.T) {
	task := watch.Task{Ref: ref("task-gap"), Phase: watch.Ended, EndUnseen: true, SeenLive: true, Since: t0,
		Last:    watch.NewAnswer("InProgress", "req-1", t0.Add(-13*time.Minute), nil, nil),
		LastErr: &watch.Failure{Kind: client.KindGone, Code: "ResourceNotFound", At: t0}}
	got := common.PhaseExplain(task)
	if !strings.Contains(got, "last seen InProgress") || !strings.Contains(got, "its end was not seen") {
		t.Errorf("phaseExplain = %q", got)
	}
}

// TestHeaderRegionFrom: a region the user did not type (a tccli profile's,
// TENCENTCLOUD_REGION) says whose it is, until :region sets one.
func TestHeaderRegionFrom(t *testing.T) {
	m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: "ap-guangzhou", RegionFrom: `tccli profile "default"`,
		SdkAppID: testApp, Now: func() time.Time { return t0 }, Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 30})
	m.Update(engineMsg{watch.Update{Stats: okStats()}})
	if line1 := ansi.Strip(m.headerLines()[0]); !strings.Contains(line1, `ap-guangzhou (tccli profile "default") SdkAppId 1400000001`) {
		t.Errorf("line 1 %q does not say where the region came from", line1)
	}
	cmdRegion(m, []string{"ap-mumbai"})
	if line1 := ansi.Strip(m.headerLines()[0]); !strings.Contains(line1, "ap-mumbai SdkAppId 1400000001") || strings.Contains(line1, "tccli") {
		t.Errorf("after :region, line 1 %q", line1)
	}
}
