package availability

import (
	"fmt"
	"time"
)

// Windows returns the open hours of q.Type that overlap [q.From, q.To) as
// instants, sorted and merged (a window to 24:00 and one from 00:00 the next
// day are one): the weekly rules of the type minus its "off" exceptions
// plus its "extra" hours, each day laid out in q.Zone the way Slots lays
// out slots (a start inside a spring-forward gap moves to the end of the
// gap). The windows are whole, not clipped to [From, To), so the window
// that contains From comes back with its real start. Booked, SlotLength
// and MinLead are ignored; Now may be zero. Walk-in opening sessions are
// these windows for TypeWalkIn.
func Windows(q Query) ([]Interval, error) {
	if q.SlotLength == 0 {
		q.SlotLength = MinSlotMinutes * time.Minute
	}
	if q.Now.IsZero() {
		q.Now = q.From
	}
	q.Booked, q.MinLead = nil, 0
	p, err := newPlan(q)
	if err != nil {
		return nil, fmt.Errorf("availability: windows: %w", err)
	}
	first := DateOf(q.From.In(q.Zone)).AddDays(-1)
	last := DateOf(q.To.In(q.Zone)).AddDays(1)
	var out []Interval
	for d := first; !d.After(last); d = d.AddDays(1) {
		for _, w := range p.windows(d) {
			start := resolveBound(d, w.start, q.Zone)
			end := resolveBound(d, w.end, q.Zone)
			if !end.After(start) || !end.After(q.From) || !start.Before(q.To) {
				continue
			}
			out = append(out, Interval{Start: start.UTC(), End: end.UTC()})
		}
	}
	return mergeIntervals(out), nil
}

// OpenAt returns the window of ws (as Windows returns them) that contains
// t, and otherwise the next one after t; open reports which. ok is false
// when ws has neither.
func OpenAt(ws []Interval, t time.Time) (w Interval, open, ok bool) {
	for _, iv := range ws {
		if !t.Before(iv.Start) && t.Before(iv.End) {
			return iv, true, true
		}
		if iv.Start.After(t) {
			return iv, false, true
		}
	}
	return Interval{}, false, false
}
