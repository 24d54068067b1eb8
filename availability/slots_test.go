package availability

import (
	"errors"
	"testing"
	"time"
)

func TestSlotsOrdinaryWeek(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	rules := append(weekdays(t, TypeVideo, "09:00", "12:00"),
		rule(t, TypeInPerson, time.Tuesday, "14:00", "16:00")) // other type: ignored
	q := baseQuery(ams, rules, local(t, ams, "2026-06-08 00:00"), local(t, ams, "2026-06-15 00:00"))
	got := run(t, q)
	if len(got) != 5*6 {
		t.Fatalf("got %d slots, want 30: %q", len(got), localStrings(got, ams))
	}
	// June: CEST, UTC+2.
	if want := utc(t, "2026-06-08 07:00"); !got[0].Equal(want) {
		t.Errorf("first slot %v, want %v", got[0], want)
	}
	if want := utc(t, "2026-06-12 09:30"); !got[len(got)-1].Equal(want) {
		t.Errorf("last slot %v, want %v", got[len(got)-1], want)
	}
	for _, s := range got {
		l := s.In(ams)
		if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday || l.Hour() < 9 || l.Hour() >= 12 || l.Minute()%30 != 0 {
			t.Errorf("unexpected slot %s", l.Format(time.RFC3339))
		}
	}

	// The in-person rule gives two 60-minute slots on Tuesday only.
	q.Type, q.SlotLength = TypeInPerson, time.Hour
	equalStrings(t, "in person", localStrings(run(t, q), ams), []string{
		"Tue 2026-06-09 14:00 CEST", "Tue 2026-06-09 15:00 CEST",
	})
}

func TestSlotsFromMidDay(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	q := baseQuery(ams, weekdays(t, TypeVideo, "09:00", "12:00"),
		local(t, ams, "2026-06-08 10:15"), local(t, ams, "2026-06-09 09:45"))
	equalStrings(t, "window", localStrings(run(t, q), ams), []string{
		"Mon 2026-06-08 10:30 CEST", "Mon 2026-06-08 11:00 CEST", "Mon 2026-06-08 11:30 CEST",
		"Tue 2026-06-09 09:00 CEST", "Tue 2026-06-09 09:30 CEST",
	})
}

// morningsAround returns the 09:00–12:00 slots of every day from..to.
func morningsAround(t *testing.T, zone *time.Location, from, to string) []time.Time {
	t.Helper()
	var rules []Rule
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		rules = append(rules, rule(t, TypeVideo, wd, "09:00", "12:00"))
	}
	q := baseQuery(zone, rules, local(t, zone, from), local(t, zone, to))
	q.SlotLength = time.Hour
	return run(t, q)
}

func TestSlotsAcrossMarchChange(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	got := morningsAround(t, ams, "2026-03-28 00:00", "2026-03-31 00:00")
	equalStrings(t, "local", localStrings(got, ams), []string{
		"Sat 2026-03-28 09:00 CET", "Sat 2026-03-28 10:00 CET", "Sat 2026-03-28 11:00 CET",
		"Sun 2026-03-29 09:00 CEST", "Sun 2026-03-29 10:00 CEST", "Sun 2026-03-29 11:00 CEST",
		"Mon 2026-03-30 09:00 CEST", "Mon 2026-03-30 10:00 CEST", "Mon 2026-03-30 11:00 CEST",
	})
	equalStrings(t, "UTC", utcStrings(got), []string{
		"2026-03-28 08:00", "2026-03-28 09:00", "2026-03-28 10:00",
		"2026-03-29 07:00", "2026-03-29 08:00", "2026-03-29 09:00",
		"2026-03-30 07:00", "2026-03-30 08:00", "2026-03-30 09:00",
	})
}

func TestSlotsAcrossOctoberChange(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	got := morningsAround(t, ams, "2026-10-24 00:00", "2026-10-27 00:00")
	equalStrings(t, "local", localStrings(got, ams), []string{
		"Sat 2026-10-24 09:00 CEST", "Sat 2026-10-24 10:00 CEST", "Sat 2026-10-24 11:00 CEST",
		"Sun 2026-10-25 09:00 CET", "Sun 2026-10-25 10:00 CET", "Sun 2026-10-25 11:00 CET",
		"Mon 2026-10-26 09:00 CET", "Mon 2026-10-26 10:00 CET", "Mon 2026-10-26 11:00 CET",
	})
	equalStrings(t, "UTC", utcStrings(got), []string{
		"2026-10-24 07:00", "2026-10-24 08:00", "2026-10-24 09:00",
		"2026-10-25 08:00", "2026-10-25 09:00", "2026-10-25 10:00",
		"2026-10-26 08:00", "2026-10-26 09:00", "2026-10-26 10:00",
	})
}

// nightQuery is a Sunday-night rule start–end on the given Sunday.
func nightQuery(t *testing.T, zone *time.Location, sunday, start, end string, length time.Duration) Query {
	t.Helper()
	q := baseQuery(zone, []Rule{rule(t, TypeVideo, time.Sunday, start, end)},
		local(t, zone, sunday+" 00:00"), local(t, zone, sunday+" 12:00"))
	q.SlotLength = length
	return q
}

func TestSlotsNightRuleOnChangeDays(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	tests := []struct {
		name               string
		sunday, start, end string
		length             time.Duration
		wantUTC            []string
	}{
		{
			// 02:00–03:00 does not exist: 02:00 and 02:30 are skipped.
			name: "March 30min", sunday: "2026-03-29", start: "01:00", end: "04:00", length: 30 * time.Minute,
			wantUTC: []string{"2026-03-29 00:00", "2026-03-29 00:30", "2026-03-29 01:00", "2026-03-29 01:30"},
		},
		{
			// 02:00–03:00 happens twice: the first pass (CEST) is used,
			// the second one is not offered.
			name: "October 30min", sunday: "2026-10-25", start: "01:00", end: "04:00", length: 30 * time.Minute,
			wantUTC: []string{"2026-10-24 23:00", "2026-10-24 23:30", "2026-10-25 00:00", "2026-10-25 00:30", "2026-10-25 02:00", "2026-10-25 02:30"},
		},
		{
			// 01:45 CET runs to 03:30 CEST; 03:15 CEST would start inside
			// it and is skipped, 02:30 does not exist.
			name: "March 45min", sunday: "2026-03-29", start: "01:00", end: "06:00", length: 45 * time.Minute,
			wantUTC: []string{"2026-03-29 00:00", "2026-03-29 00:45", "2026-03-29 02:00", "2026-03-29 02:45"},
		},
		{
			// The window ends at 02:30, which does not exist: it ends when
			// the clock jumps (01:00 UTC); a 01:00–02:00 CET slot fits.
			name: "March end in gap fits", sunday: "2026-03-29", start: "01:00", end: "02:30", length: time.Hour,
			wantUTC: []string{"2026-03-29 00:00"},
		},
		{
			// 01:30 CET + 60 min = 03:30 CEST, past the window's end.
			name: "March end in gap overrun", sunday: "2026-03-29", start: "01:30", end: "02:30", length: time.Hour,
			wantUTC: nil,
		},
		{
			name: "March 01:30-03:00 60min overrun", sunday: "2026-03-29", start: "01:30", end: "03:00", length: time.Hour,
			wantUTC: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, nightQuery(t, ams, tc.sunday, tc.start, tc.end, tc.length))
			equalStrings(t, "UTC", utcStrings(got), tc.wantUTC)
		})
	}
}

func TestSlotsBooked(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	mon := func(s string) time.Time { return local(t, ams, "2026-06-08 "+s) }
	q := baseQuery(ams, weekdays(t, TypeVideo, "09:00", "12:00"), mon("00:00"), mon("23:59"))
	q.Booked = []Interval{
		{mon("10:45"), mon("11:10")}, // partial: blocks 10:30 and 11:00 (unsorted on purpose)
		{mon("09:30"), mon("10:00")}, // exact slot; 10:00 stays free (half-open)
		{mon("09:40"), mon("09:50")}, // inside another booking
		{mon("12:00"), mon("13:00")}, // touches the last slot's end only
	}
	equalStrings(t, "free", localStrings(run(t, q), ams), []string{
		"Mon 2026-06-08 09:00 CEST", "Mon 2026-06-08 10:00 CEST", "Mon 2026-06-08 11:30 CEST",
	})
}

func TestSlotsHolds(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	mon := func(s string) time.Time { return local(t, ams, "2026-06-08 "+s) }
	q := baseQuery(ams, weekdays(t, TypeVideo, "09:00", "10:00"), mon("00:00"), mon("23:59"))
	q.Rules = append(q.Rules, rule(t, TypeInPerson, time.Monday, "09:00", "10:00"))

	// A patient holds 09:00 for video while paying: the slot is gone, for
	// in-person too (one doctor, one appointment at a time).
	hold := Interval{mon("09:00"), mon("09:30")}
	q.Booked = []Interval{hold}
	equalStrings(t, "video held", localStrings(run(t, q), ams), []string{"Mon 2026-06-08 09:30 CEST"})
	q.Type = TypeInPerson
	equalStrings(t, "in person held", localStrings(run(t, q), ams), []string{"Mon 2026-06-08 09:30 CEST"})

	// The hold expired (the caller no longer lists it): the slot is free again.
	q.Type, q.Booked = TypeVideo, nil
	equalStrings(t, "released", localStrings(run(t, q), ams), []string{
		"Mon 2026-06-08 09:00 CEST", "Mon 2026-06-08 09:30 CEST",
	})
}

func TestSlotsPastAndLead(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	mon := func(s string) time.Time { return local(t, ams, "2026-06-08 "+s) }
	q := baseQuery(ams, weekdays(t, TypeVideo, "09:00", "12:00"), mon("00:00"), mon("23:59"))
	tests := []struct {
		now  string
		lead time.Duration
		want []string
	}{
		{"10:10", 0, []string{"10:30", "11:00", "11:30"}},
		{"10:10", time.Hour, []string{"11:30"}},
		{"10:00", 30 * time.Minute, []string{"10:30", "11:00", "11:30"}}, // exactly Now+MinLead is bookable
		{"10:00", 0, []string{"10:00", "10:30", "11:00", "11:30"}},
		{"11:31", 0, nil},
		{"07:00", 24 * time.Hour, nil},
	}
	for _, tc := range tests {
		q.Now, q.MinLead = mon(tc.now), tc.lead
		var want []string
		for _, w := range tc.want {
			want = append(want, "Mon 2026-06-08 "+w+" CEST")
		}
		equalStrings(t, "now "+tc.now+" lead "+tc.lead.String(), localStrings(run(t, q), ams), want)
	}
}

func TestSlotsDayOff(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	rules := append(weekdays(t, TypeVideo, "09:00", "10:00"), weekdays(t, TypeInPerson, "14:00", "15:00")...)
	q := baseQuery(ams, rules, local(t, ams, "2026-06-09 00:00"), local(t, ams, "2026-06-11 00:00")) // Tue, Wed
	wed := day(t, "2026-06-10")
	slotsOf := func(typ string, exc ...Exception) []string {
		q.Type, q.Exceptions = typ, exc
		return localStrings(run(t, q), ams)
	}
	tueVideo := []string{"Tue 2026-06-09 09:00 CEST", "Tue 2026-06-09 09:30 CEST"}
	wedVideo := []string{"Wed 2026-06-10 09:00 CEST", "Wed 2026-06-10 09:30 CEST"}
	tueIn := []string{"Tue 2026-06-09 14:00 CEST", "Tue 2026-06-09 14:30 CEST"}
	wedIn := []string{"Wed 2026-06-10 14:00 CEST", "Wed 2026-06-10 14:30 CEST"}

	allOff := Exception{Day: wed, Kind: KindOff}
	equalStrings(t, "all off, video", slotsOf(TypeVideo, allOff), tueVideo)
	equalStrings(t, "all off, in person", slotsOf(TypeInPerson, allOff), tueIn)

	videoOff := Exception{Day: wed, Kind: KindOff, Type: TypeVideo}
	equalStrings(t, "video off, video", slotsOf(TypeVideo, videoOff), tueVideo)
	equalStrings(t, "video off, in person", slotsOf(TypeInPerson, videoOff), append(tueIn, wedIn...))

	// Off for some hours only.
	partOff := Exception{Day: wed, Kind: KindOff, Start: clk(t, "09:30"), End: clk(t, "14:30")}
	equalStrings(t, "part off, video", slotsOf(TypeVideo, partOff), append(tueVideo, wedVideo[0]))
	equalStrings(t, "part off, in person", slotsOf(TypeInPerson, partOff), append(tueIn, wedIn[1]))

	// No exception: both days.
	equalStrings(t, "no exception", slotsOf(TypeVideo), append(tueVideo, wedVideo...))
}

func TestSlotsExtraHours(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	q := baseQuery(ams, weekdays(t, TypeVideo, "09:00", "10:00"), local(t, ams, "2026-06-08 00:00"), local(t, ams, "2026-06-15 00:00"))
	sat, mon, tue := day(t, "2026-06-13"), day(t, "2026-06-08"), day(t, "2026-06-09")
	q.Exceptions = []Exception{
		{Day: sat, Kind: KindExtra, Type: TypeVideo, Start: clk(t, "10:00"), End: clk(t, "11:00")},
		// Overlaps and extends Monday's rule: merged into 09:00–11:00.
		{Day: mon, Kind: KindExtra, Type: TypeVideo, Start: clk(t, "09:30"), End: clk(t, "11:00")},
		// Another type: not shown for video.
		{Day: sat, Kind: KindExtra, Type: TypeInPerson, Start: clk(t, "14:00"), End: clk(t, "15:00")},
		// Tuesday off, but extra afternoon hours: only those remain.
		{Day: tue, Kind: KindOff},
		{Day: tue, Kind: KindExtra, Type: TypeVideo, Start: clk(t, "15:00"), End: clk(t, "16:00")},
	}
	got := localStrings(run(t, q), ams)
	want := []string{
		"Mon 2026-06-08 09:00 CEST", "Mon 2026-06-08 09:30 CEST", "Mon 2026-06-08 10:00 CEST", "Mon 2026-06-08 10:30 CEST",
		"Tue 2026-06-09 15:00 CEST", "Tue 2026-06-09 15:30 CEST",
		"Wed 2026-06-10 09:00 CEST", "Wed 2026-06-10 09:30 CEST",
		"Thu 2026-06-11 09:00 CEST", "Thu 2026-06-11 09:30 CEST",
		"Fri 2026-06-12 09:00 CEST", "Fri 2026-06-12 09:30 CEST",
		"Sat 2026-06-13 10:00 CEST", "Sat 2026-06-13 10:30 CEST",
	}
	equalStrings(t, "extra", got, want)
}

func TestSlotsOverlappingRulesMerge(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	// Stored rules may overlap (the database does not forbid it); Slots
	// merges them into 09:00–13:00 instead of offering overlapping slots.
	rules := []Rule{
		rule(t, TypeVideo, time.Monday, "09:00", "12:00"),
		rule(t, TypeVideo, time.Monday, "11:00", "13:00"),
		rule(t, TypeVideo, time.Monday, "09:00", "12:00"),
	}
	q := baseQuery(ams, rules, local(t, ams, "2026-06-08 00:00"), local(t, ams, "2026-06-09 00:00"))
	q.SlotLength = 25 * time.Minute
	got := localStrings(run(t, q), ams)
	if len(got) != 9 { // 240 / 25 = 9
		t.Fatalf("got %d slots, want 9: %q", len(got), got)
	}
}

func TestSlotsLengthNotDividingWindow(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	q := baseQuery(ams, []Rule{rule(t, TypeVideo, time.Monday, "09:00", "12:00")},
		local(t, ams, "2026-06-08 00:00"), local(t, ams, "2026-06-09 00:00"))
	q.SlotLength = 25 * time.Minute
	var want []string
	for _, hm := range []string{"09:00", "09:25", "09:50", "10:15", "10:40", "11:05", "11:30"} {
		want = append(want, "Mon 2026-06-08 "+hm+" CEST")
	}
	// 11:55 would end at 12:20, past the rule's end.
	equalStrings(t, "25 min", localStrings(run(t, q), ams), want)
}

func TestSlotsWindowUntilMidnight(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	q := baseQuery(ams, []Rule{rule(t, TypeVideo, time.Monday, "23:00", "24:00")},
		local(t, ams, "2026-06-08 00:00"), local(t, ams, "2026-06-10 00:00"))
	equalStrings(t, "late", localStrings(run(t, q), ams), []string{
		"Mon 2026-06-08 23:00 CEST", "Mon 2026-06-08 23:30 CEST",
	})
}

func TestSlotsOtherZone(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	rules := []Rule{
		rule(t, TypeVideo, time.Monday, "09:00", "10:00"),
		rule(t, TypeVideo, time.Friday, "20:00", "21:00"), // Saturday in UTC
		rule(t, TypeVideo, time.Sunday, "01:00", "04:00"), // across New York's change
	}
	q := baseQuery(ny, rules, local(t, ny, "2026-03-02 00:00"), local(t, ny, "2026-03-31 00:00"))
	q.SlotLength = time.Hour
	got := run(t, q)
	equalStrings(t, "local", localStrings(got, ny), []string{
		"Mon 2026-03-02 09:00 EST",
		"Fri 2026-03-06 20:00 EST",
		"Sun 2026-03-08 01:00 EST", "Sun 2026-03-08 03:00 EDT", // 02:00 does not exist in New York
		"Mon 2026-03-09 09:00 EDT",
		"Fri 2026-03-13 20:00 EDT",
		"Sun 2026-03-15 01:00 EDT", "Sun 2026-03-15 02:00 EDT", "Sun 2026-03-15 03:00 EDT",
		"Mon 2026-03-16 09:00 EDT",
		"Fri 2026-03-20 20:00 EDT",
		"Sun 2026-03-22 01:00 EDT", "Sun 2026-03-22 02:00 EDT", "Sun 2026-03-22 03:00 EDT",
		"Mon 2026-03-23 09:00 EDT",
		"Fri 2026-03-27 20:00 EDT",
		// Amsterdam changes on 2026-03-29; New York does not care.
		"Sun 2026-03-29 01:00 EDT", "Sun 2026-03-29 02:00 EDT", "Sun 2026-03-29 03:00 EDT",
		"Mon 2026-03-30 09:00 EDT",
	})
	equalStrings(t, "UTC", utcStrings(got), []string{
		"2026-03-02 14:00",
		"2026-03-07 01:00",
		"2026-03-08 06:00", "2026-03-08 07:00",
		"2026-03-09 13:00",
		"2026-03-14 00:00",
		"2026-03-15 05:00", "2026-03-15 06:00", "2026-03-15 07:00",
		"2026-03-16 13:00",
		"2026-03-21 00:00",
		"2026-03-22 05:00", "2026-03-22 06:00", "2026-03-22 07:00",
		"2026-03-23 13:00",
		"2026-03-28 00:00",
		"2026-03-29 05:00", "2026-03-29 06:00", "2026-03-29 07:00",
		"2026-03-30 13:00",
	})
}

func TestSlotsSkippedCivilDay(t *testing.T) {
	// Samoa skipped 2011-12-30 entirely when it crossed the date line:
	// iterating civil dates must not invent slots on a day that never was.
	apia := mustZone(t, "Pacific/Apia")
	var rules []Rule
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		rules = append(rules, rule(t, TypeVideo, wd, "09:00", "10:00"))
	}
	q := baseQuery(apia, rules, local(t, apia, "2011-12-28 00:00"), local(t, apia, "2012-01-02 00:00"))
	q.SlotLength = time.Hour
	got := run(t, q)
	var dates []string
	for _, s := range got {
		dates = append(dates, s.In(apia).Format("2006-01-02 15:04"))
	}
	equalStrings(t, "Apia", dates, []string{
		"2011-12-28 09:00", "2011-12-29 09:00", "2011-12-31 09:00", "2012-01-01 09:00",
	})
}

func TestNextSlot(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	rules := weekdays(t, TypeVideo, "09:00", "12:00")
	q := baseQuery(ams, rules, time.Time{}, time.Time{})
	at := func(s string) time.Time { return local(t, ams, s) }

	t.Run("across the weekend", func(t *testing.T) {
		q := q
		q.From, q.Now = at("2026-06-12 16:00"), at("2026-06-12 16:00") // Friday afternoon
		got, ok := NextSlot(q)
		if want := at("2026-06-15 09:00"); !ok || !got.Equal(want) {
			t.Fatalf("NextSlot = %v, %v; want %v (Monday)", got, ok, want)
		}
		if got.Location() != time.UTC {
			t.Errorf("NextSlot location %v, want UTC", got.Location())
		}
	})

	t.Run("now after from", func(t *testing.T) {
		q := q
		q.From, q.Now, q.MinLead = at("2026-06-08 08:00"), at("2026-06-08 09:10"), 0
		if got, ok := NextSlot(q); !ok || !got.Equal(at("2026-06-08 09:30")) {
			t.Fatalf("NextSlot = %v, %v; want Monday 09:30", got, ok)
		}
	})

	t.Run("first weeks fully booked", func(t *testing.T) {
		q := q
		q.From, q.Now = at("2026-06-08 00:00"), at("2026-06-08 00:00")
		// Every weekday morning booked for three weeks, slot by slot, plus
		// one long booking over the fourth Monday.
		for d := day(t, "2026-06-08"); d.Before(day(t, "2026-06-27")); d = d.AddDays(1) {
			for m := 9 * 60; m < 12*60; m += 30 {
				s, _ := resolve(d, m, ams)
				q.Booked = append(q.Booked, Interval{s, s.Add(30 * time.Minute)})
			}
		}
		q.Booked = append(q.Booked, Interval{at("2026-06-29 08:00"), at("2026-06-29 11:00")})
		got, ok := NextSlot(q)
		if want := at("2026-06-29 11:00"); !ok || !got.Equal(want) {
			t.Fatalf("NextSlot = %v, %v; want %v", got, ok, want)
		}
		// Slots agrees.
		q.To = q.From.AddDate(0, 0, 60)
		all := run(t, q)
		if len(all) == 0 || !all[0].Equal(got) {
			t.Fatalf("Slots starts at %v, NextSlot says %v", all, got)
		}
	})

	t.Run("nothing within the horizon", func(t *testing.T) {
		q := q
		q.From, q.Now = at("2026-06-08 00:00"), at("2026-06-08 00:00")
		q.Booked = []Interval{{at("2026-06-01 00:00"), at("2026-09-01 00:00")}}
		if got, ok := NextSlot(q); ok {
			t.Fatalf("NextSlot = %v, want none", got)
		}
	})

	t.Run("horizon is 60 days", func(t *testing.T) {
		q := q
		q.Rules = nil
		q.From, q.Now = at("2026-06-08 10:00"), at("2026-06-08 10:00")
		extra := func(d string) []Exception {
			return []Exception{{Day: day(t, d), Kind: KindExtra, Type: TypeVideo, Start: clk(t, "09:00"), End: clk(t, "12:00")}}
		}
		q.Exceptions = extra("2026-08-07") // 60 days later: 09:00 is before From+60d (10:00)
		if got, ok := NextSlot(q); !ok || !got.Equal(at("2026-08-07 09:00")) {
			t.Fatalf("NextSlot = %v, %v; want 2026-08-07 09:00", got, ok)
		}
		q.Exceptions = extra("2026-08-08") // 61 days later
		if got, ok := NextSlot(q); ok {
			t.Fatalf("NextSlot = %v, want none beyond 60 days", got)
		}
	})

	t.Run("respects To", func(t *testing.T) {
		q := q
		q.From, q.Now, q.To = at("2026-06-12 16:00"), at("2026-06-12 16:00"), at("2026-06-15 09:00")
		if got, ok := NextSlot(q); ok {
			t.Fatalf("NextSlot = %v, want none before To", got)
		}
	})

	t.Run("invalid query", func(t *testing.T) {
		q := q
		q.From, q.Now, q.Zone = at("2026-06-08 00:00"), at("2026-06-08 00:00"), nil
		if _, ok := NextSlot(q); ok {
			t.Fatal("NextSlot with a nil zone found a slot")
		}
		q.Zone, q.Type = ams, "email_advice"
		if _, ok := NextSlot(q); ok {
			t.Fatal("NextSlot for email advice found a slot")
		}
	})
}

func TestSlotsQueryErrors(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	from := local(t, ams, "2026-06-08 00:00")
	good := baseQuery(ams, weekdays(t, TypeVideo, "09:00", "12:00"), from, from.Add(7*24*time.Hour))
	if _, err := Slots(good); err != nil {
		t.Fatalf("good query: %v", err)
	}
	tests := []struct {
		name    string
		change  func(q *Query)
		subject string
		field   string
	}{
		{"type", func(q *Query) { q.Type = "email_advice" }, "query", "Type"},
		{"slot too short", func(q *Query) { q.SlotLength = 4 * time.Minute }, "query", "SlotLength"},
		{"slot too long", func(q *Query) { q.SlotLength = 241 * time.Minute }, "query", "SlotLength"},
		{"slot not whole minutes", func(q *Query) { q.SlotLength = 10*time.Minute + time.Second }, "query", "SlotLength"},
		{"no zone", func(q *Query) { q.Zone = nil }, "query", "Zone"},
		{"no now", func(q *Query) { q.Now = time.Time{} }, "query", "Now"},
		{"negative lead", func(q *Query) { q.MinLead = -time.Minute }, "query", "MinLead"},
		{"empty range", func(q *Query) { q.To = q.From }, "query", "To"},
		{"range too long", func(q *Query) { q.To = q.From.Add(MaxRange + time.Hour) }, "query", "To"},
		{"bad rule", func(q *Query) { q.Rules = append(q.Rules, Rule{Type: TypeVideo, Weekday: 9}) }, "rule", "Weekday"},
		{"bad exception", func(q *Query) { q.Exceptions = []Exception{{Day: day(t, "2026-06-08"), Kind: "holiday"}} }, "exception", "Kind"},
		{"bad booking", func(q *Query) { q.Booked = []Interval{{from.Add(time.Hour), from}} }, "booked", "End"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := good
			q.Rules = append([]Rule(nil), good.Rules...)
			tc.change(&q)
			_, err := Slots(q)
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("Slots error %v, want a *RuleError", err)
			}
			if re.Subject != tc.subject || re.Field != tc.field {
				t.Fatalf("error %q: subject %q field %q, want %q %q", err, re.Subject, re.Field, tc.subject, tc.field)
			}
		})
	}
}
