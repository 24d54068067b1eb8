package workflows

import (
	"testing"
	"time"
)

func TestCancellationRefund(t *testing.T) {
	start := time.Date(2026, 3, 12, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		requestedAt time.Time
		paid, fee   int64
		want        int64
	}{
		{"30 h before", start.Add(-30 * time.Hour), 6000, 1000, 5000},
		{"exactly 24h00m before", start.Add(-24 * time.Hour), 6000, 1000, 5000},
		{"23h59m before", start.Add(-24*time.Hour + time.Minute), 6000, 1000, 0},
		{"1 ns short of 24 h", start.Add(-24*time.Hour + 1), 6000, 1000, 0},
		{"after the start", start.Add(time.Minute), 6000, 1000, 0},
		{"no admin fee", start.Add(-48 * time.Hour), 6000, 0, 6000},
		{"fee equals the price", start.Add(-48 * time.Hour), 6000, 6000, 0},
		{"fee larger than the price", start.Add(-48 * time.Hour), 6000, 7500, 0},
		{"negative fee counts as none", start.Add(-48 * time.Hour), 6000, -100, 6000},
		{"in person, nothing paid", start.Add(-72 * time.Hour), 0, 1000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CancellationRefund(tt.requestedAt, start, tt.paid, tt.fee); got != tt.want {
				t.Errorf("CancellationRefund = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestCancellationRefundAcrossDST(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	// Clocks go forward on Sunday 29 March 2026 at 02:00: from Saturday
	// 10:00 to Sunday 10:00 is 23 elapsed hours, not a day's notice.
	start := time.Date(2026, 3, 29, 10, 0, 0, 0, ams)
	if got := CancellationRefund(time.Date(2026, 3, 28, 10, 0, 0, 0, ams), start, 6000, 1000); got != 0 {
		t.Errorf("23 elapsed hours across DST: refund %d, want 0", got)
	}
	if got := CancellationRefund(time.Date(2026, 3, 28, 9, 0, 0, 0, ams), start, 6000, 1000); got != 5000 {
		t.Errorf("24 elapsed hours across DST: refund %d, want 5000", got)
	}
}

func TestReminderTimes(t *testing.T) {
	start := time.Date(2026, 3, 12, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		now  time.Time
		want []time.Time
	}{
		{"three days ahead", start.Add(-72 * time.Hour), []time.Time{start.Add(-24 * time.Hour), start.Add(-time.Hour)}},
		{"25 h ahead", start.Add(-25 * time.Hour), []time.Time{start.Add(-24 * time.Hour), start.Add(-time.Hour)}},
		{"exactly 24 h ahead: that one is due now, skipped", start.Add(-24 * time.Hour), []time.Time{start.Add(-time.Hour)}},
		{"5 h ahead", start.Add(-5 * time.Hour), []time.Time{start.Add(-time.Hour)}},
		{"30 min ahead: both skipped", start.Add(-30 * time.Minute), nil},
		{"after the start", start.Add(time.Minute), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReminderTimes(tt.now, start)
			if len(got) != len(tt.want) {
				t.Fatalf("ReminderTimes = %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Fatalf("ReminderTimes = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestReminderTimesAcrossDST(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	// Monday 30 March 2026 would not show it; Sunday 29 March 10:00 CEST
	// does: 24 elapsed hours earlier is Saturday 09:00 CET.
	start := time.Date(2026, 3, 29, 10, 0, 0, 0, ams)
	got := ReminderTimes(time.Date(2026, 3, 27, 12, 0, 0, 0, ams), start)
	if len(got) != 2 {
		t.Fatalf("ReminderTimes = %v", got)
	}
	assertTime(t, "24 h reminder", got[0], time.Date(2026, 3, 28, 9, 0, 0, 0, ams))
	assertTime(t, "1 h reminder", got[1], time.Date(2026, 3, 29, 9, 0, 0, 0, ams))
	if d := start.Sub(got[0]); d != 24*time.Hour {
		t.Errorf("24 h reminder %s before the start", d)
	}
}
