package availability

import (
	"testing"
	"time"
)

func benchQuery(b *testing.B) Query {
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		b.Fatal(err)
	}
	var rules []Rule
	for wd := time.Monday; wd <= time.Friday; wd++ {
		rules = append(rules, Rule{TypeVideo, wd, Clock{8, 0}, Clock{12, 0}}, Rule{TypeVideo, wd, Clock{13, 0}, Clock{17, 0}})
	}
	from := time.Date(2026, time.January, 1, 0, 0, 0, 0, zone)
	var booked []Interval
	for d := from; d.Before(from.AddDate(1, 0, 0)); d = d.Add(5 * time.Hour) {
		booked = append(booked, Interval{d, d.Add(15 * time.Minute)})
	}
	return Query{Rules: rules, Booked: booked, Type: TypeVideo, SlotLength: 15 * time.Minute,
		Zone: zone, From: from, To: from.AddDate(1, 0, 0), Now: from}
}

// BenchmarkSlotsYear lays out a year of 15-minute slots (about 8,000).
func BenchmarkSlotsYear(b *testing.B) {
	q := benchQuery(b)
	for b.Loop() {
		if _, err := Slots(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNextSlot finds the first slot after a fully booked month.
func BenchmarkNextSlot(b *testing.B) {
	q := benchQuery(b)
	q.Booked = append(q.Booked, Interval{q.From, q.From.AddDate(0, 1, 0)})
	for b.Loop() {
		if _, ok := NextSlot(q); !ok {
			b.Fatal("no slot")
		}
	}
}
