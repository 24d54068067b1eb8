package workflows

import (
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func TestAddWorkingDays(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	at := func(y int, m time.Month, d, hh, mm int) time.Time {
		return time.Date(y, m, d, hh, mm, 0, 0, ams)
	}
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"weekday, 1", at(2026, 3, 10, 9, 30), 1, at(2026, 3, 11, 9, 30)},
		{"Friday over the weekend, 1", at(2026, 3, 6, 15, 10), 1, at(2026, 3, 9, 15, 10)},
		{"Thursday over the weekend, 2", at(2026, 3, 5, 15, 10), 2, at(2026, 3, 9, 15, 10)},
		{"Friday over the weekend, 2", at(2026, 3, 6, 15, 10), 2, at(2026, 3, 10, 15, 10)},
		{"Friday 23:59, 1", at(2026, 3, 6, 23, 59), 1, at(2026, 3, 9, 23, 59)},
		{"Saturday counts from Monday 00:00, 1", at(2026, 3, 7, 11, 0), 1, at(2026, 3, 10, 0, 0)},
		{"Sunday counts from Monday 00:00, 2", at(2026, 3, 8, 23, 0), 2, at(2026, 3, 11, 0, 0)},
		{"King's Day 2026 (Monday 27 April)", at(2026, 4, 24, 15, 10), 1, at(2026, 4, 28, 15, 10)},
		{"King's Day 2027 (Tuesday 27 April)", at(2027, 4, 26, 9, 0), 1, at(2027, 4, 28, 9, 0)},
		{"submitted on King's Day", at(2027, 4, 27, 14, 0), 1, at(2027, 4, 29, 0, 0)},
		{"Easter Monday 2026 (6 April), 1", at(2026, 4, 3, 15, 10), 1, at(2026, 4, 7, 15, 10)},
		{"Good Friday is a working day, 2", at(2026, 4, 2, 12, 0), 2, at(2026, 4, 7, 12, 0)},
		{"Easter Monday 2027 (29 March) and DST start, 1", at(2027, 3, 26, 15, 10), 1, at(2027, 3, 30, 15, 10)},
		{"Easter Monday 2027, 2", at(2027, 3, 26, 15, 10), 2, at(2027, 3, 31, 15, 10)},
		{"DST end 2026, 1", at(2026, 10, 23, 15, 10), 1, at(2026, 10, 26, 15, 10)},
		{"Liberation Day 2026 (not a lustrum year)", at(2026, 5, 4, 10, 0), 1, at(2026, 5, 6, 10, 0)},
		{"Ascension Day 2026 (14 May)", at(2026, 5, 13, 10, 0), 1, at(2026, 5, 15, 10, 0)},
		{"Whit Monday 2026 (25 May)", at(2026, 5, 22, 10, 0), 1, at(2026, 5, 26, 10, 0)},
		{"Christmas 2026", at(2026, 12, 24, 10, 0), 1, at(2026, 12, 28, 10, 0)},
		{"New Year 2027", at(2026, 12, 31, 10, 0), 1, at(2027, 1, 4, 10, 0)},
		{"n = 0 on a working day", at(2026, 3, 10, 9, 30), 0, at(2026, 3, 10, 9, 30)},
		{"n = 0 on a Saturday", at(2026, 3, 7, 9, 30), 0, at(2026, 3, 9, 0, 0)},
		{"n < 0 counts as 0", at(2026, 3, 10, 9, 30), -3, at(2026, 3, 10, 9, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AddWorkingDays(tt.from, tt.n, ams)
			if !got.Equal(tt.want) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
			if got.Location() != ams {
				t.Errorf("result in %s, want %s", got.Location(), ams)
			}
		})
	}
}

func TestAddWorkingDaysKeepsLocalClockAcrossDST(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	// Friday 26 March 2027 15:10 CET plus 1 working day is Tuesday 30 March
	// 15:10 CEST: four calendar days minus the hour lost on 28 March.
	from := time.Date(2027, 3, 26, 15, 10, 0, 0, ams)
	if got, want := AddWorkingDays(from, 1, ams).Sub(from), 4*24*time.Hour-time.Hour; got != want {
		t.Errorf("spring: elapsed %s, want %s", got, want)
	}
	// Friday 23 October 2026 15:10 CEST plus 1 is Monday 26 October 15:10
	// CET: three days plus the hour gained on 25 October.
	from = time.Date(2026, 10, 23, 15, 10, 0, 0, ams)
	if got, want := AddWorkingDays(from, 1, ams).Sub(from), 3*24*time.Hour+time.Hour; got != want {
		t.Errorf("autumn: elapsed %s, want %s", got, want)
	}
}

func TestAddWorkingDaysUsesTheGivenZone(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	ny := mustZone(t, "America/New_York")
	// 23:30 UTC on Friday is Friday evening in New York but already
	// Saturday in Amsterdam.
	from := time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC)
	if got, want := AddWorkingDays(from, 1, ams), time.Date(2026, 3, 10, 0, 0, 0, 0, ams); !got.Equal(want) {
		t.Errorf("Amsterdam: got %s, want %s", got, want)
	}
	// New York: Friday 18:30 EST plus 1 is Monday 18:30 EDT (DST began on
	// Sunday 8 March 2026).
	if got, want := AddWorkingDays(from, 1, ny), time.Date(2026, 3, 9, 18, 30, 0, 0, ny); !got.Equal(want) {
		t.Errorf("New York: got %s, want %s", got, want)
	}
}

// TestAddWorkingDaysIsMonotonicAndFair walks a year in 37-minute steps: a
// later submission never gets an earlier deadline, every deadline lies on a
// working day (or at 00:00 of one) and leaves at least one working day.
func TestAddWorkingDaysIsMonotonicAndFair(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, ams)
	end := start.AddDate(1, 0, 7)
	var prev time.Time
	for from := start; from.Before(end); from = from.Add(37 * time.Minute) {
		for _, n := range []int{1, 2} {
			due := AddWorkingDays(from, n, ams)
			if !IsWorkingDay(due, ams) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", from, n, due)
			}
			if least := time.Duration(n)*24*time.Hour - time.Hour; due.Sub(from) < least {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, less than %s", from, n, due, least)
			}
		}
		due := AddWorkingDays(from, 1, ams)
		if due.Before(prev) {
			t.Fatalf("AddWorkingDays(%s, 1) = %s, earlier than for an earlier submission (%s)", from, due, prev)
		}
		prev = due
	}
}

func TestIsWorkingDay(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, ams) }
	tests := []struct {
		name string
		day  time.Time
		want bool
	}{
		{"ordinary Tuesday", day(2026, 3, 10), true},
		{"Saturday", day(2026, 3, 7), false},
		{"Sunday", day(2026, 3, 8), false},
		{"New Year's Day", day(2026, 1, 1), false},
		{"Good Friday", day(2026, 4, 3), true},
		{"Easter Monday 2026", day(2026, 4, 6), false},
		{"Easter Monday 2027", day(2027, 3, 29), false},
		{"King's Day 2026", day(2026, 4, 27), false},
		{"King's Day 2025 moved to Saturday 26 April", day(2025, 4, 26), false},
		{"Friday before King's Day 2025", day(2025, 4, 25), true},
		{"Liberation Day 2025 (lustrum)", day(2025, 5, 5), false},
		{"Liberation Day 2026", day(2026, 5, 5), false},
		{"Ascension Day 2027 (6 May)", day(2027, 5, 6), false},
		{"Whit Monday 2027 (17 May)", day(2027, 5, 17), false},
		{"Christmas Day", day(2026, 12, 25), false},
		{"Boxing Day 2025 (Friday)", day(2025, 12, 26), false},
		{"New Year's Eve", day(2026, 12, 31), true},
	}
	for _, tt := range tests {
		if got := IsWorkingDay(tt.day, ams); got != tt.want {
			t.Errorf("%s (%s): IsWorkingDay = %v, want %v", tt.name, tt.day.Format("Mon 2006-01-02"), got, tt.want)
		}
	}
}

func TestAdviceDeadlinesAndSchedule(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	intake := time.Date(2026, 4, 24, 15, 10, 0, 0, ams) // Friday before King's Day
	due, expires := AdviceDeadlines(intake, 1, ams)
	if want := time.Date(2026, 4, 28, 15, 10, 0, 0, ams); !due.Equal(want) {
		t.Errorf("due = %s, want %s", due, want)
	}
	if want := time.Date(2026, 4, 29, 15, 10, 0, 0, ams); !expires.Equal(want) {
		t.Errorf("expires = %s, want %s", expires, want)
	}

	events := adviceSchedule(intake, due, expires)
	wantAt := []time.Time{due.Add(-4 * time.Hour), due.Add(-time.Hour), due, expires}
	wantKind := []slaEventKind{slaReminder, slaReminder, slaBreach, slaExpire}
	wantOccasion := []string{"4h", "1h", "due", "expired"}
	if len(events) != len(wantAt) {
		t.Fatalf("got %d events, want %d", len(events), len(wantAt))
	}
	for i, ev := range events {
		if !ev.at.Equal(wantAt[i]) || ev.kind != wantKind[i] || ev.occasion != wantOccasion[i] {
			t.Errorf("event %d = %+v, want %s at %s", i, ev, wantOccasion[i], wantAt[i])
		}
	}

	// Reminders already past are skipped; breach and expiry stay.
	late := adviceSchedule(due.Add(-2*time.Hour), due, expires)
	if len(late) != 3 || late[0].occasion != "1h" {
		t.Errorf("schedule 2 h before due = %+v, want the 1 h reminder, breach and expiry", late)
	}
	if got := adviceSchedule(due.Add(time.Minute), due, expires); len(got) != 2 || got[0].kind != slaBreach {
		t.Errorf("schedule after due = %+v, want breach and expiry", got)
	}
	if got := leadName(90 * time.Minute); got != "90m" {
		t.Errorf("leadName(90m) = %q", got)
	}
}
