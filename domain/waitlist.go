package domain

import "time"

// TimeOfDay is a waitlist entry's preference for the part of the day a slot
// starts in, in the doctor's zone.
type TimeOfDay string

// Parts of the day: morning before 12:00, afternoon 12:00–17:00, evening
// from 17:00.
const (
	TimeAny       TimeOfDay = "any"
	TimeMorning   TimeOfDay = "morning"
	TimeAfternoon TimeOfDay = "afternoon"
	TimeEvening   TimeOfDay = "evening"
)

// TimesOfDay lists the preferences a waitlist entry may have.
func TimesOfDay() []TimeOfDay { return []TimeOfDay{TimeAny, TimeMorning, TimeAfternoon, TimeEvening} }

// Valid reports whether t is a known preference.
func (t TimeOfDay) Valid() bool { return contains(TimesOfDay(), t) }

// PartOfDay is the part of the day a slot starting at start falls in, in
// zone.
func PartOfDay(start time.Time, zone *time.Location) TimeOfDay {
	h := start.In(zone).Hour()
	switch {
	case h < 12:
		return TimeMorning
	case h < 17:
		return TimeAfternoon
	default:
		return TimeEvening
	}
}

// Waitlist rules.
const (
	// WaitlistDeclineLimit: a patient who declines this many offers of one
	// entry moves to the end of the list (first come, first served
	// otherwise); the count starts again. Not answering is not a decline.
	WaitlistDeclineLimit = 3
	// WaitlistMaxWindow bounds how far ahead an entry's latest date may lie.
	WaitlistMaxWindow = 180 * 24 * time.Hour
)

// WaitlistTypes are the consultation types with a waitlist: the
// appointments booked in a slot.
func WaitlistTypes() []ConsultationType { return []ConsultationType{TypeVideo, TypeInPerson} }

// WaitlistExpiry is the end of an entry's latest date (year, month, day) in
// the doctor's zone: the entry stops counting then.
func WaitlistExpiry(year int, month time.Month, day int, zone *time.Location) time.Time {
	return time.Date(year, month, day+1, 0, 0, 0, 0, zone).UTC()
}
