package alert

import (
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/watch"
)

func TestCheck(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	var all []Rule // one of each kind, in display order, as --alert gives them
	for _, s := range Examples() {
		r, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	idle := watch.Task{Phase: watch.Idle, Since: t0, Last: &watch.Answer{Status: "Idle"}}
	rec := func(begins ...time.Duration) watch.Task {
		var files []watch.File
		for _, b := range begins {
			files = append(files, watch.File{FileName: "f", Begin: t0.Add(b)})
		}
		return watch.Task{Phase: watch.InProgress, Since: t0, Last: watch.NewAnswer("InProgress", "", time.Time{}, files, nil)}
	}
	noBegin := rec()
	noBegin.Last = watch.NewAnswer("InProgress", "", time.Time{}, []watch.File{{FileName: "no-begin"}}, nil)
	failing := func(code string, kind client.Kind, phase watch.Phase, hist ...watch.Transition) watch.Task {
		return watch.Task{Phase: phase, Since: hist[len(hist)-1].At, History: hist,
			LastErr: &watch.Failure{Kind: kind, Code: code}}
	}
	tr := func(at time.Duration, from, to watch.Phase) watch.Transition {
		return watch.Transition{At: t0.Add(at), From: from, To: to}
	}
	// throttled at 0, then error at +1m: one streak from 0.
	streak := failing("InternalError", client.KindTransient, watch.Error,
		tr(-10*time.Minute, watch.Pending, watch.InProgress), tr(0, watch.InProgress, watch.Throttled), tr(time.Minute, watch.Throttled, watch.Error))
	// failed long ago, recovered, failing again since +1m.
	again := failing("InternalError", client.KindTransient, watch.Error,
		tr(-10*time.Minute, watch.InProgress, watch.Error), tr(-9*time.Minute, watch.Error, watch.InProgress), tr(time.Minute, watch.InProgress, watch.Error))
	auth := failing("AuthFailure.SignatureFailure", client.KindAuth, watch.AuthError, tr(0, watch.Pending, watch.AuthError))
	vanished := watch.Task{Phase: watch.Vanished, Since: t0, LastErr: &watch.Failure{Kind: client.KindGone}}
	hostile := failing("\x1b[2J", client.KindTransient, watch.Error, tr(0, watch.Idle, watch.Error))

	tests := []struct {
		name string
		task watch.Task
		at   time.Duration
		want []string // reasons
	}{
		{"idle at exactly 5m is quiet", idle, 5 * time.Minute, nil},
		{"idle a nanosecond past 5m fires", idle, 5*time.Minute + 1, []string{"Idle for 5m (rule idle>5m)"}},
		{"idle 7m", idle, 7 * time.Minute, []string{"Idle for 7m (rule idle>5m)"}},
		{"recording, no file at 3m is quiet", rec(), 3 * time.Minute, nil},
		{"recording, no file listed past 3m", rec(), 3*time.Minute + time.Second, []string{"InProgress with no file listed for 3m01s (rule nofiles>3m)"}},
		{"new file 2m in resets the clock", rec(0, 2*time.Minute), 5 * time.Minute, nil},
		{"last new file 2m in, 5m01s later", rec(0, 2*time.Minute), 5*time.Minute + time.Second, []string{"InProgress with no new file for 3m01s (rule nofiles>3m)"}},
		{"files older than the phase: judged from the phase", rec(-time.Hour), 4 * time.Minute, []string{"InProgress with no new file for 4m (rule nofiles>3m)"}},
		{"files without Begin: judged from the phase", noBegin, 4 * time.Minute, []string{"InProgress with no new file for 4m (rule nofiles>3m)"}},
		{"idle task never meets nofiles", idle, time.Hour, []string{"Idle for 1h (rule idle>5m)"}},
		{"failing streak across throttled→error at 2m is quiet", streak, 2 * time.Minute, nil},
		{"failing streak across throttled→error", streak, 2*time.Minute + time.Second, []string{"Failing for 2m01s: InternalError (rule error>2m)"}},
		{"a recovery restarts the streak", again, 3 * time.Minute, nil},
		{"a recovery restarts the streak, later", again, 3*time.Minute + 1, []string{"Failing for 2m: InternalError (rule error>2m)"}},
		{"auth fires at once and counts as failing", auth, 3 * time.Minute, []string{
			"Failing for 3m: AuthFailure.SignatureFailure (rule error>2m)", "Credentials rejected: AuthFailure.SignatureFailure (rule auth)"}},
		{"auth at once", auth, 0, []string{"Credentials rejected: AuthFailure.SignatureFailure (rule auth)"}},
		{"vanished at once", vanished, 0, []string{"Vanished while last seen live (rule vanished)"}},
		{"hostile code is sanitised", hostile, 3 * time.Minute, []string{`Failing for 3m: \x1b[2J (rule error>2m)`}},
		{"no time known: quiet", watch.Task{Phase: watch.Idle}, time.Hour, nil},
		{"ended is never an alert", watch.Task{Phase: watch.Ended, Since: t0}, time.Hour, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range all {
				if reason, ok := r.Check(tt.task, t0.Add(tt.at)); ok {
					if !strings.HasSuffix(reason, "(rule "+r.String()+")") {
						t.Errorf("reason of %s names another rule: %q", r, reason)
					}
					got = append(got, reason)
				} else if reason != "" {
					t.Errorf("%s does not fire but gives a reason: %q", r, reason)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("reasons %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFailingSinceFallsBack(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	// History trimmed: only failed→failed transitions remain; the oldest kept is the best known start.
	tk := watch.Task{Phase: watch.Error, Since: t0.Add(time.Minute), History: []watch.Transition{
		{At: t0, From: watch.Throttled, To: watch.Error}, {At: t0.Add(time.Minute), From: watch.Error, To: watch.Throttled}}}
	if got := failingSince(tk); !got.Equal(t0) {
		t.Errorf("failingSince = %v, want %v", got, t0)
	}
	if got := failingSince(watch.Task{Since: t0}); !got.Equal(t0) {
		t.Errorf("no history: %v", got)
	}
}
