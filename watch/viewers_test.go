package watch

import "testing"

func TestSetViewersReachesEverySession(t *testing.T) {
	e := New(newFake(status("Idle")), Config{})
	s := e.Session("alice")
	defer s.Close()
	<-s.Changed()
	s.Collect()
	for _, tc := range []struct {
		set, want int
		signal    bool
	}{
		{3, 3, true},
		{3, 3, false}, // no change, no wake-up
		{1, 1, true},
		{-2, 0, true}, // never negative
	} {
		e.SetViewers(tc.set)
		select {
		case <-s.Changed():
			if !tc.signal {
				t.Fatalf("SetViewers(%d) woke the session with no change", tc.set)
			}
		default:
			if tc.signal {
				t.Fatalf("SetViewers(%d) did not wake the session", tc.set)
			}
		}
		if got := s.Collect().Stats.Viewers; got != tc.want {
			t.Fatalf("SetViewers(%d): Stats.Viewers = %d, want %d", tc.set, got, tc.want)
		}
	}
}
