package domain

import (
	"testing"
	"time"
)

func TestPartOfDayInTheDoctorsZone(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		utc  time.Time
		want TimeOfDay
	}{
		{time.Date(2026, 3, 12, 10, 59, 0, 0, time.UTC), TimeMorning},   // 11:59 CET
		{time.Date(2026, 3, 12, 11, 0, 0, 0, time.UTC), TimeAfternoon},  // 12:00 CET
		{time.Date(2026, 7, 12, 14, 59, 0, 0, time.UTC), TimeAfternoon}, // 16:59 CEST
		{time.Date(2026, 7, 12, 15, 0, 0, 0, time.UTC), TimeEvening},    // 17:00 CEST
	}
	for _, tt := range tests {
		if got := PartOfDay(tt.utc, ams); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.utc.In(ams), got, tt.want)
		}
	}
	if !TimeEvening.Valid() || TimeOfDay("night").Valid() {
		t.Error("TimeOfDay.Valid")
	}
}

func TestWaitlistExpiryIsTheEndOfTheLatestDay(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	// The night the clocks go forward: the day ends at 22:00 UTC.
	if got, want := WaitlistExpiry(2026, time.March, 29, ams), time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("expiry %s, want %s", got, want)
	}
	if got, want := WaitlistExpiry(2026, time.December, 31, ams), time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("expiry %s, want %s", got, want)
	}
}
