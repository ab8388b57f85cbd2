package emulator

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestNewConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // error substring; "" = accepted
	}{
		{"zero value", Config{}, ""},
		{"id without key", Config{SecretID: "AKIDx"}, "set both SecretID and SecretKey"},
		{"key without id", Config{SecretKey: "k"}, "set both SecretID and SecretKey"},
		{"fault rate above 1", Config{FaultRate: 1.5}, "fault rate 1.5 is outside 0..1"},
		{"fault rate NaN", Config{FaultRate: math.NaN()}, "outside 0..1"},
		{"negative latency", Config{Latency: -time.Second}, "latency -1s is negative"},
		{"negative linger", Config{ExitLinger: -time.Second}, "exit linger -1s is negative"},
		{"bad gone code", Config{GoneCode: "not found"}, `gone code "not found"`},
		{"bad scenario", Config{Scenario: &Scenario{Tasks: []ScenarioTask{{Storage: "tape"}}}}, `emulator scenario: tasks[0].storage: "tape"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if s.cfg.SecretID != DemoSecretID || s.cfg.RateLimit != 20 || s.cfg.ExitLinger != 5*time.Second || s.cfg.GoneCode != "ResourceNotFound" ||
					s.cfg.StallFor != 15*time.Second || s.cfg.StreamDelay != 3*time.Second || s.cfg.FileEvery != 10*time.Second {
					t.Fatalf("defaults not applied: %+v", s.cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestStartTwiceAndURL(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if s.URL() != "" {
		t.Fatal("URL before Start must be empty")
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q", s.URL())
	}
	if err := s.Start("127.0.0.1:0"); err == nil {
		t.Fatal("second Start must fail")
	}
	if err := s.Start("256.0.0.1:1"); err == nil {
		t.Fatal("bad address must fail")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("Close twice must be harmless")
	}
}

// The scenario's own copy is kept: changing the caller's scenario after New
// changes nothing.
func TestScenarioIsCopied(t *testing.T) {
	sc := &Scenario{Tasks: []ScenarioTask{{TaskID: demoIDs[0], Users: []string{"a"}}}}
	s, err := New(Config{Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	sc.Tasks[0].Users[0] = "changed"
	if s.scenario.Tasks[0].Users[0] != "a" {
		t.Fatal("scenario shared with the caller")
	}
}
