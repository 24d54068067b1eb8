package availability

import (
	"sort"
	"time"
)

// wallClock returns the local wall-clock reading of instant t in zone,
// expressed as a time in UTC so that wall readings can be compared.
func wallClock(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// candidates returns the instants that a wall-clock reading w (given as a
// UTC time) could denote in zone: one per UTC offset that the zone uses
// around that date, earliest first. Not all of them need be valid.
func candidates(w time.Time, zone *time.Location) []time.Time {
	var out []time.Time
	for _, d := range []time.Duration{-48 * time.Hour, -24 * time.Hour, 0, 24 * time.Hour, 48 * time.Hour} {
		_, off := w.Add(d).In(zone).Zone()
		c := w.Add(-time.Duration(off) * time.Second)
		dup := false
		for _, o := range out {
			dup = dup || o.Equal(c)
		}
		if !dup {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// resolve turns the wall-clock time minute (minutes after midnight, up to
// 1440) of date d in zone into an instant. It returns the first occurrence
// when the wall time is ambiguous (a fall-back hour) and ok == false when it
// does not exist (a spring-forward gap).
func resolve(d Date, minute int, zone *time.Location) (t time.Time, ok bool) {
	w := time.Date(d.Year, d.Month, d.Day, 0, minute, 0, 0, time.UTC)
	for _, c := range candidates(w, zone) {
		if wallClock(c, zone).Equal(w) {
			return c, true
		}
	}
	return time.Time{}, false
}

// resolveBound is resolve for the end of a window: a wall time that does not
// exist becomes the instant at which the clock jumps past it.
func resolveBound(d Date, minute int, zone *time.Location) time.Time {
	if t, ok := resolve(d, minute, zone); ok {
		return t
	}
	w := time.Date(d.Year, d.Month, d.Day, 0, minute, 0, 0, time.UTC)
	cs := candidates(w, zone)
	lo, hi := cs[0], cs[len(cs)-1]
	// The wall clock reads before w at lo and after w at hi; find, to the
	// second, the first instant at which it reads after w.
	n := int(hi.Sub(lo) / time.Second)
	k := sort.Search(n+1, func(k int) bool {
		return wallClock(lo.Add(time.Duration(k)*time.Second), zone).After(w)
	})
	return lo.Add(time.Duration(k) * time.Second)
}
