package availability

import (
	"errors"
	"testing"
	"time"
)

// fuzzReader hands out the fuzzer's bytes as small numbers (zero once they
// run out), so that every input builds some query.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) next() int {
	if len(r.b) == 0 {
		return 0
	}
	v := int(r.b[0])
	r.b = r.b[1:]
	return v
}

// clock may be out of range (hours up to 29, minutes up to 69), so that
// validation is fuzzed too.
func (r *fuzzReader) clock() Clock { return Clock{Hour: r.next() % 30, Minute: r.next() % 70} }

// fuzzQuery builds a query of a few rules, exceptions and bookings from
// data, in one of zones, over at most 40 days.
func fuzzQuery(data []byte, zones []*time.Location) Query {
	r := &fuzzReader{b: data}
	types := []string{TypeVideo, TypeWalkIn, TypeInPerson, "", "email_advice"}
	q := Query{Zone: zones[r.next()%len(zones)], Type: types[r.next()%3]}
	if r.next()%16 == 0 {
		q.Type = types[r.next()%len(types)]
	}
	base := time.Date(2026, time.Month(1+r.next()%12), 1+r.next()%31, r.next()%24, r.next()%60, 0, 0, q.Zone)
	q.From = base
	q.To = base.Add(time.Duration(r.next()%(40*24)-24) * time.Hour)
	q.Now = base.Add(time.Duration(r.next()-128) * time.Hour)
	q.MinLead = time.Duration(r.next()%5-1) * time.Hour
	q.SlotLength = time.Duration(r.next()%250) * time.Minute
	if r.next()%8 == 0 {
		q.SlotLength += time.Duration(r.next()) * time.Second
	}
	for range r.next() % 8 {
		q.Rules = append(q.Rules, Rule{Type: types[r.next()%4], Weekday: time.Weekday(r.next()%9 - 1), Start: r.clock(), End: r.clock()})
	}
	for range r.next() % 5 {
		e := Exception{Day: DateOf(base).AddDays(r.next()%45 - 2), Kind: []string{KindOff, KindExtra, "closed"}[r.next()%3],
			Type: types[r.next()%4], Start: r.clock(), End: r.clock()}
		if r.next()%4 == 0 {
			e.Start, e.End = Clock{}, Clock{}
		}
		q.Exceptions = append(q.Exceptions, e)
	}
	for range r.next() % 6 {
		s := base.Add(time.Duration(r.next()*r.next()*10) * time.Minute)
		q.Booked = append(q.Booked, Interval{s, s.Add(time.Duration(r.next()-20) * time.Minute)})
	}
	return q
}

// FuzzSlots computes slots for arbitrary rules, exceptions, bookings,
// zones and ranges: an invalid query is refused with a *RuleError, a
// valid one gives slots in UTC, inside [From, To), after Now+MinLead, in
// open hours, apart from every booking and each other; NextSlot finds the
// first of them.
func FuzzSlots(f *testing.F) {
	var zones []*time.Location
	for _, name := range []string{"Europe/Amsterdam", "UTC", "Australia/Lord_Howe", "America/Santiago", "Asia/Tehran", "Pacific/Apia"} {
		z, err := time.LoadLocation(name)
		if err != nil {
			f.Fatal(err)
		}
		zones = append(zones, z)
	}
	f.Add([]byte{0, 0, 1, 3, 30, 9, 0, 200, 140, 2, 20, 4, 0, 1, 1, 9, 0, 17, 0, 0, 2, 2, 0, 1, 1, 10, 0, 11, 0})
	f.Add([]byte{3, 1, 1, 10, 4, 2, 0, 10, 100, 1, 30, 0, 1, 1, 0, 0, 0, 24, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		q := fuzzQuery(data, zones)
		got, err := Slots(q)
		if err != nil {
			var rerr *RuleError
			if !errors.As(err, &rerr) {
				t.Fatalf("refused with %T %v, not a *RuleError", err, err)
			}
			if _, ok := NextSlot(q); ok {
				t.Fatalf("NextSlot answers a query Slots refuses (%v)", err)
			}
			return
		}
		checkInvariants(t, q, got)
		n := int(q.SlotLength / time.Minute)
		for _, s := range got {
			l := s.In(q.Zone)
			wallEnd := s.Add(q.SlotLength).In(q.Zone)
			if DateOf(l) == DateOf(wallEnd) && wallEnd.Sub(l) == q.SlotLength &&
				!covered(q, DateOf(l), l.Hour()*60+l.Minute(), n) {
				t.Fatalf("slot %v (%s local) is outside open hours", s, l.Format("Mon 15:04"))
			}
		}
		next, ok := NextSlot(q)
		if ok != (len(got) > 0) || (ok && !next.Equal(got[0])) {
			t.Fatalf("NextSlot = %v, %v; Slots starts with %v", next, ok, got)
		}
	})
}
