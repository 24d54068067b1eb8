package availability

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// randomQuery builds a query in a zone with daylight-saving changes, over a
// range that contains at least one change, with random rules, exceptions and
// bookings.
func randomQuery(t *testing.T, r *rand.Rand, zones []*time.Location) Query {
	t.Helper()
	zone := zones[r.IntN(len(zones))]
	types := []string{TypeVideo, TypeWalkIn, TypeInPerson}
	clock := func(maxMin int) Clock { m := r.IntN(maxMin/5+1) * 5; return Clock{m / 60, m % 60} }
	var q Query
	for range r.IntN(12) {
		s := clock(23 * 60)
		e := clock(24 * 60)
		if e.Minutes() <= s.Minutes() {
			s, e = e, s
		}
		if s == e {
			continue
		}
		q.Rules = append(q.Rules, Rule{Type: types[r.IntN(3)], Weekday: time.Weekday(r.IntN(7)), Start: s, End: e})
	}
	// Around a change day in March/April or October/November.
	month := []time.Month{time.March, time.April, time.October, time.November}[r.IntN(4)]
	from := time.Date(2026, month, 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, zone)
	to := from.Add(time.Duration(1+r.IntN(40*24)) * time.Hour)
	for range r.IntN(6) {
		d := DateOf(from.In(zone)).AddDays(r.IntN(40))
		e := Exception{Day: d, Kind: KindOff}
		switch r.IntN(3) {
		case 0: // whole day, maybe one type
			if r.IntN(2) == 0 {
				e.Type = types[r.IntN(3)]
			}
		default:
			e.Start, e.End = clock(12*60), clock(12*60)
			e.End.Hour += 12
			if r.IntN(2) == 0 {
				e.Kind, e.Type = KindExtra, types[r.IntN(3)]
			}
		}
		q.Exceptions = append(q.Exceptions, e)
	}
	for range r.IntN(20) {
		s := from.Add(time.Duration(r.IntN(40*24*60)) * time.Minute)
		q.Booked = append(q.Booked, Interval{s, s.Add(time.Duration(5+r.IntN(180)) * time.Minute)})
	}
	q.Type = types[r.IntN(3)]
	q.SlotLength = time.Duration(5+r.IntN(236)) * time.Minute
	if r.IntN(2) == 0 {
		q.SlotLength = time.Duration([]int{10, 15, 20, 25, 30, 45, 60}[r.IntN(7)]) * time.Minute
	}
	q.Zone, q.From, q.To = zone, from, to
	q.Now = from.Add(time.Duration(r.IntN(5*24*60)-24*60) * time.Minute)
	q.MinLead = time.Duration(r.IntN(3)) * time.Hour
	return q
}

// covered reports whether local minutes [m, m+n) of date d are inside the
// day's open hours, computed minute by minute from q (independently of the
// span arithmetic in Slots).
func covered(q Query, d Date, m, n int) bool {
	var open [24 * 60]bool
	for _, r := range q.Rules {
		if r.Type == q.Type && r.Weekday == d.Weekday() {
			for i := r.Start.Minutes(); i < r.End.Minutes(); i++ {
				open[i] = true
			}
		}
	}
	for _, e := range q.Exceptions {
		if e.Day == d && e.Kind == KindOff && (e.Type == "" || e.Type == q.Type) {
			s, end := e.Start.Minutes(), e.End.Minutes()
			if e.WholeDay() {
				s, end = 0, 24*60
			}
			for i := s; i < end; i++ {
				open[i] = false
			}
		}
	}
	for _, e := range q.Exceptions {
		if e.Day == d && e.Kind == KindExtra && e.Type == q.Type {
			for i := e.Start.Minutes(); i < e.End.Minutes(); i++ {
				open[i] = true
			}
		}
	}
	for i := m; i < m+n; i++ {
		if i >= len(open) || !open[i] {
			return false
		}
	}
	return true
}

func TestSlotsProperties(t *testing.T) {
	var zones []*time.Location
	for _, name := range []string{"Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Europe/London", "Asia/Tehran"} {
		zones = append(zones, mustZone(t, name))
	}
	r := rand.New(rand.NewPCG(2026, 3))
	n := 400
	if testing.Short() {
		n = 50
	}
	total, nonEmpty := 0, 0
	defer func() {
		t.Logf("%d cases, %d with slots, %d slots", n, nonEmpty, total)
		if nonEmpty < n/4 {
			t.Errorf("only %d of %d random cases had slots: the generator is too sparse", nonEmpty, n)
		}
	}()
	for i := range n {
		q := randomQuery(t, r, zones)
		got := run(t, q) // checks the invariants
		total += len(got)
		if len(got) > 0 {
			nonEmpty++
		}

		for _, s := range got {
			l := s.In(q.Zone)
			// Every slot lies in open hours of its local day, by wall clock
			// (a slot that spans a spring-forward gap covers fewer wall
			// minutes than its length, so check the wall minutes it spans).
			wallEnd := s.Add(q.SlotLength).In(q.Zone)
			n := int(q.SlotLength / time.Minute)
			if DateOf(wallEnd) == DateOf(l) && wallEnd.Hour()*60+wallEnd.Minute() < l.Hour()*60+l.Minute()+n {
				n = wallEnd.Hour()*60 + wallEnd.Minute() - (l.Hour()*60 + l.Minute())
			}
			if !covered(q, DateOf(l), l.Hour()*60+l.Minute(), n) {
				t.Fatalf("case %d: slot %s (%v) outside open hours", i, l.Format(time.RFC3339), q.SlotLength)
			}
		}

		// Splitting the range changes nothing.
		mid := q.From.Add(q.To.Sub(q.From) / 2)
		a, b := q, q
		a.To, b.From = mid, mid
		parts := append(run(t, a), run(t, b)...)
		if !slices.EqualFunc(parts, got, time.Time.Equal) {
			t.Fatalf("case %d: split at %v gives %d slots, whole range %d", i, mid, len(parts), len(got))
		}

		// An extra booking removes exactly the slots it overlaps.
		bs := q.From.Add(time.Duration(r.IntN(int(q.To.Sub(q.From)/time.Minute)+1)) * time.Minute)
		extra := Interval{bs, bs.Add(time.Duration(1+r.IntN(300)) * time.Minute)}
		more := q
		more.Booked = append(slices.Clone(q.Booked), extra)
		var want []time.Time
		for _, s := range got {
			if !extra.Overlaps(Interval{s, s.Add(q.SlotLength)}) {
				want = append(want, s)
			}
		}
		if after := run(t, more); !slices.EqualFunc(after, want, time.Time.Equal) {
			t.Fatalf("case %d: booking %v–%v left %d slots, want %d", i, extra.Start, extra.End, len(after), len(want))
		}

		// NextSlot is the first slot within its horizon.
		next, ok := NextSlot(q)
		horizon := q.From.In(q.Zone).AddDate(0, 0, NextSlotHorizonDays)
		if len(got) > 0 && got[0].Before(horizon) {
			if !ok || !next.Equal(got[0]) {
				t.Fatalf("case %d: NextSlot = %v, %v; want %v", i, next, ok, got[0])
			}
		} else if ok {
			t.Fatalf("case %d: NextSlot = %v, want none", i, next)
		}
	}
}
