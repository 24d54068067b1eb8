package availability

import (
	"testing"
	"time"
)

func TestWindowsWalkInHours(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	q := Query{
		Rules: []Rule{
			rule(t, TypeWalkIn, time.Monday, "17:00", "18:00"),
			rule(t, TypeWalkIn, time.Tuesday, "17:00", "18:00"),
			rule(t, TypeWalkIn, time.Wednesday, "22:00", "24:00"),
			rule(t, TypeWalkIn, time.Thursday, "00:00", "01:00"),
			rule(t, TypeVideo, time.Monday, "09:00", "12:00"),
		},
		Exceptions: []Exception{
			{Day: day(t, "2026-03-24"), Kind: KindOff, Type: TypeWalkIn},                                                 // Tuesday closed
			{Day: day(t, "2026-03-27"), Kind: KindExtra, Type: TypeWalkIn, Start: clk(t, "10:00"), End: clk(t, "11:30")}, // Friday different hours
			{Day: day(t, "2026-03-30"), Kind: KindOff, Start: clk(t, "17:30"), End: clk(t, "18:00")},                     // Monday closes early (all types)
		},
		Type: TypeWalkIn,
		Zone: ams,
		// From inside Monday's window: it comes back whole.
		From: local(t, ams, "2026-03-23 17:20"),
		To:   local(t, ams, "2026-03-31 00:00"),
	}
	got, err := Windows(q)
	if err != nil {
		t.Fatal(err)
	}
	want := []Interval{
		{local(t, ams, "2026-03-23 17:00"), local(t, ams, "2026-03-23 18:00")}, // winter time: 16:00Z
		{local(t, ams, "2026-03-25 22:00"), local(t, ams, "2026-03-26 01:00")}, // across midnight, merged
		{local(t, ams, "2026-03-27 10:00"), local(t, ams, "2026-03-27 11:30")},
		{local(t, ams, "2026-03-30 17:00"), local(t, ams, "2026-03-30 17:30")}, // summer time: 15:00Z
	}
	if len(got) != len(want) {
		t.Fatalf("windows %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Start.Equal(want[i].Start) || !got[i].End.Equal(want[i].End) {
			t.Errorf("window %d = %v–%v, want %v–%v", i, got[i].Start, got[i].End, want[i].Start, want[i].End)
		}
	}
	if got[0].Start.Hour() != 16 || got[3].Start.Hour() != 15 {
		t.Errorf("not in UTC across the DST change: %v, %v", got[0].Start, got[3].Start)
	}

	w, open, ok := OpenAt(got, local(t, ams, "2026-03-23 17:59"))
	if !ok || !open || !w.Equal(want[0]) {
		t.Errorf("OpenAt inside = %v %v %v", w, open, ok)
	}
	w, open, ok = OpenAt(got, local(t, ams, "2026-03-23 18:00"))
	if !ok || open || !w.Equal(want[1]) {
		t.Errorf("OpenAt at the close = %v %v %v, want the next window, closed", w, open, ok)
	}
	if _, _, ok := OpenAt(got, local(t, ams, "2026-03-30 18:00")); ok {
		t.Error("OpenAt after the last window found one")
	}

	q.Rules = append(q.Rules, Rule{Type: TypeWalkIn, Weekday: time.Friday, Start: clk(t, "12:00"), End: clk(t, "11:00")})
	if _, err := Windows(q); err == nil {
		t.Error("an invalid rule was accepted")
	}
}
