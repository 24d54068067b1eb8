package waitlist

import (
	"testing"
	"time"
)

func TestOpenedIsWhatTheChangeAdded(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 12, h, 0, 0, 0, time.UTC) }
	before := []Slot{{"video", at(9), at(10)}, {"video", at(10), at(11)}}
	after := []Slot{{"video", at(10), at(11)}, {"video", at(11), at(12)}, {"in_person", at(9), at(10)}}
	got := Opened(before, after)
	if len(got) != 2 || got[0] != after[1] || got[1] != after[2] {
		t.Fatalf("opened %v", got)
	}
}

func TestWorthOfferingUntilTheCutoff(t *testing.T) {
	start := time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC)
	var cfg Config
	if !cfg.Worth(start, start.Add(-65*time.Minute)) || cfg.Worth(start, start.Add(-64*time.Minute)) {
		t.Error("default cutoff: a 5-minute offer must still fit 65 minutes ahead, not 64")
	}
	if cfg := (Config{Cutoff: 10 * time.Minute}); !cfg.Worth(start, start.Add(-20*time.Minute)) {
		t.Error("a configured cutoff is not applied")
	}
}
