package client

import (
	"context"
	"testing"
	"time"
)

func TestPacerWindowGuard(t *testing.T) {
	p := newPacer(3)
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	steps := []struct{ now, want time.Time }{
		{ms(0), ms(0)},
		{ms(10), ms(10)},
		{ms(20), ms(20)},
		{ms(30), ms(1025)},   // a 4th send in the window waits for the 1st to leave it
		{ms(40), ms(1035)},   // and the plan stays ascending
		{ms(2000), ms(2000)}, // 1025, 1035 and 2000 are three in one window
		{ms(2001), ms(2050)}, // so a 4th waits for 1025 to leave
	}
	for i, s := range steps {
		if got := p.reserve(s.now); !got.Equal(s.want) {
			t.Fatalf("step %d: reserve(%v) = %v, want %v", i, s.now.Sub(t0), got.Sub(t0), s.want.Sub(t0))
		}
	}
	p.setRate(1.5) // per = 1: two sends need a full guard window between them
	if got := p.reserve(ms(2100)); !got.Equal(ms(2050).Add(guardWindow)) {
		t.Fatalf("after setRate: %v", got.Sub(t0))
	}
	for range 100 {
		p.reserve(ms(9000))
	}
	if len(p.sends) > 2*p.per+8 {
		t.Fatalf("send log not trimmed: %d entries", len(p.sends))
	}
}

func TestPacerWaitHonoursContext(t *testing.T) {
	p := newPacer(1000)
	now := time.Now()
	for range 1000 {
		p.reserve(now) // fill the window: the next send is ~1 s away
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.wait(ctx); err != context.DeadlineExceeded {
		t.Fatalf("wait = %v, want deadline exceeded", err)
	}
}
