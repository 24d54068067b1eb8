package availability

import (
	"testing"
	"time"

	// Embed the zone database so the tests do not depend on the host's.
	_ "time/tzdata"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return z
}

func clk(t *testing.T, s string) Clock {
	t.Helper()
	c, err := ParseClock(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func day(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func rule(t *testing.T, typ string, wd time.Weekday, start, end string) Rule {
	t.Helper()
	return Rule{Type: typ, Weekday: wd, Start: clk(t, start), End: clk(t, end)}
}

// weekdays returns the same window for Monday through Friday.
func weekdays(t *testing.T, typ, start, end string) []Rule {
	t.Helper()
	var rs []Rule
	for wd := time.Monday; wd <= time.Friday; wd++ {
		rs = append(rs, rule(t, typ, wd, start, end))
	}
	return rs
}

// local parses "2006-01-02 15:04" in zone.
func local(t *testing.T, zone *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, zone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	return local(t, time.UTC, s)
}

// baseQuery is a video query over [from, to) with 30-minute slots and Now
// long before, so nothing is filtered as past.
func baseQuery(zone *time.Location, rules []Rule, from, to time.Time) Query {
	return Query{
		Rules:      rules,
		Type:       TypeVideo,
		SlotLength: 30 * time.Minute,
		Zone:       zone,
		From:       from,
		To:         to,
		Now:        from.Add(-365 * 24 * time.Hour),
	}
}

// run calls Slots, fails on error and checks the invariants every result
// must satisfy: UTC, strictly increasing, non-overlapping, inside [From, To).
func run(t *testing.T, q Query) []time.Time {
	t.Helper()
	got, err := Slots(q)
	if err != nil {
		t.Fatalf("Slots: %v", err)
	}
	checkInvariants(t, q, got)
	return got
}

func checkInvariants(t *testing.T, q Query, got []time.Time) {
	t.Helper()
	for i, s := range got {
		if s.Location() != time.UTC {
			t.Errorf("slot %d %v is not in UTC", i, s)
		}
		if s.Before(q.From) || !s.Before(q.To) {
			t.Errorf("slot %d %v outside [%v, %v)", i, s, q.From, q.To)
		}
		if s.Before(q.Now.Add(q.MinLead)) {
			t.Errorf("slot %d %v before Now+MinLead", i, s)
		}
		slot := Interval{s, s.Add(q.SlotLength)}
		for _, b := range q.Booked {
			if slot.Overlaps(b) {
				t.Errorf("slot %d %v overlaps booking %v–%v", i, s, b.Start, b.End)
			}
		}
		if i > 0 && got[i-1].Add(q.SlotLength).After(s) {
			t.Errorf("slot %d %v overlaps or precedes slot %d %v", i, s, i-1, got[i-1])
		}
	}
}

// localStrings formats slots as local "Mon 2006-01-02 15:04 MST" for messages
// and comparisons.
func localStrings(slots []time.Time, zone *time.Location) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.In(zone).Format("Mon 2006-01-02 15:04 MST")
	}
	return out
}

func utcStrings(slots []time.Time) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.UTC().Format("2006-01-02 15:04")
	}
	return out
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d slots, want %d\n got: %q\nwant: %q", what, len(got), len(want), got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: slot %d = %q, want %q\n got: %q\nwant: %q", what, i, got[i], want[i], got, want)
		}
	}
}
