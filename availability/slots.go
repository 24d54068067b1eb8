package availability

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// span is a wall-clock window [start, end) in minutes after local midnight.
type span struct{ start, end int }

// plan is a validated Query, indexed for the one consultation type asked.
type plan struct {
	q        Query
	weekly   [7][]span
	offs     map[Date][]span
	extras   map[Date][]span
	booked   []Interval // sorted, merged
	earliest time.Time  // Now + MinLead
	length   int        // slot length in minutes
}

func newPlan(q Query) (*plan, error) {
	if err := validateQuery(&q); err != nil {
		return nil, fmt.Errorf("availability: invalid query: %w", err)
	}
	p := &plan{
		q:        q,
		offs:     map[Date][]span{},
		extras:   map[Date][]span{},
		booked:   mergeIntervals(q.Booked),
		earliest: q.Now.Add(q.MinLead),
		length:   int(q.SlotLength / time.Minute),
	}
	for _, r := range q.Rules {
		if r.Type == q.Type {
			p.weekly[r.Weekday] = append(p.weekly[r.Weekday], span{r.Start.Minutes(), r.End.Minutes()})
		}
	}
	for _, e := range q.Exceptions {
		switch {
		case e.Kind == KindOff && (e.Type == "" || e.Type == q.Type):
			s := span{e.Start.Minutes(), e.End.Minutes()}
			if e.WholeDay() {
				s = span{0, 24 * 60}
			}
			p.offs[e.Day] = append(p.offs[e.Day], s)
		case e.Kind == KindExtra && e.Type == q.Type:
			p.extras[e.Day] = append(p.extras[e.Day], span{e.Start.Minutes(), e.End.Minutes()})
		}
	}
	return p, nil
}

// mergeIntervals returns the union of in as sorted, disjoint intervals.
func mergeIntervals(in []Interval) []Interval {
	s := slices.Clone(in)
	sort.Slice(s, func(i, j int) bool { return s[i].Start.Before(s[j].Start) })
	var out []Interval
	for _, iv := range s {
		if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
			if iv.End.After(out[n-1].End) {
				out[n-1].End = iv.End
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

// windows returns the open wall-clock windows of date d, sorted and merged:
// weekly rules minus "off" hours, plus "extra" hours.
func (p *plan) windows(d Date) []span {
	ws := slices.Clone(p.weekly[d.Weekday()])
	for _, off := range p.offs[d] {
		ws = subtract(ws, off)
	}
	ws = append(ws, p.extras[d]...)
	return mergeSpans(ws)
}

// subtract removes cut from every span in ws.
func subtract(ws []span, cut span) []span {
	var out []span
	for _, w := range ws {
		if cut.end <= w.start || w.end <= cut.start {
			out = append(out, w)
			continue
		}
		if w.start < cut.start {
			out = append(out, span{w.start, cut.start})
		}
		if cut.end < w.end {
			out = append(out, span{cut.end, w.end})
		}
	}
	return out
}

// mergeSpans sorts ws and joins overlapping or touching spans.
func mergeSpans(ws []span) []span {
	sort.Slice(ws, func(i, j int) bool { return ws[i].start < ws[j].start })
	var out []span
	for _, w := range ws {
		if n := len(out); n > 0 && w.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, w.end)
			continue
		}
		out = append(out, w)
	}
	return out
}

// free reports whether a slot starting at start is bookable: inside
// [From, To), not before Now+MinLead, and not overlapping a booking.
func (p *plan) free(start time.Time) bool {
	if start.Before(p.q.From) || !start.Before(p.q.To) || start.Before(p.earliest) {
		return false
	}
	slot := Interval{start, start.Add(p.q.SlotLength)}
	i := sort.Search(len(p.booked), func(i int) bool { return p.booked[i].End.After(slot.Start) })
	return i == len(p.booked) || !p.booked[i].Overlaps(slot)
}

// each calls yield with the start of every free slot, in increasing order,
// until yield returns false.
func (p *plan) each(yield func(time.Time) bool) {
	zone := p.q.Zone
	// One day of margin on each side: in a few zones the local date is not
	// monotonic across a fall-back at midnight. Slots outside [From, To)
	// are filtered anyway.
	first := DateOf(p.q.From.In(zone)).AddDays(-1)
	last := DateOf(p.q.To.In(zone)).AddDays(1)
	var prevEnd time.Time // end of the previous laid-out slot
	for d := first; !d.After(last); d = d.AddDays(1) {
		for _, w := range p.windows(d) {
			end := resolveBound(d, w.end, zone)
			for m := w.start; m+p.length <= w.end; m += p.length {
				start, ok := resolve(d, m, zone)
				if !ok {
					continue // wall time skipped by a spring-forward change
				}
				slotEnd := start.Add(p.q.SlotLength)
				if slotEnd.After(end) || start.Before(prevEnd) {
					continue // runs past the window or into the previous slot (DST)
				}
				prevEnd = slotEnd
				if p.free(start) && !yield(start.UTC()) {
					return
				}
			}
		}
	}
}

// Slots returns the UTC start instants of the free slots of q.Type whose
// start lies in [q.From, q.To), sorted and without duplicates or overlaps.
// See the package documentation for how the day is built and how
// daylight-saving changes are handled. An invalid query returns an error
// wrapping a *RuleError.
func Slots(q Query) ([]time.Time, error) {
	p, err := newPlan(q)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	p.each(func(t time.Time) bool {
		out = append(out, t)
		return true
	})
	return out, nil
}

// NextSlot returns the first free slot of q.Type starting at or after
// q.From, looking at most NextSlotHorizonDays calendar days ahead (in the
// doctor's zone) and not at or past q.To when q.To is set. It stops at the
// first hit. It reports false when there is no such slot or the query is
// invalid; use Slots to see why a query is rejected.
func NextSlot(q Query) (time.Time, bool) {
	if q.Zone == nil {
		return time.Time{}, false
	}
	horizon := q.From.In(q.Zone).AddDate(0, 0, NextSlotHorizonDays)
	if q.To.IsZero() || q.To.After(horizon) {
		q.To = horizon
	}
	p, err := newPlan(q)
	if err != nil {
		return time.Time{}, false
	}
	var found time.Time
	p.each(func(t time.Time) bool {
		found = t
		return false
	})
	return found, !found.IsZero()
}
