package availability

import (
	"fmt"
	"time"
)

// Consultation types that have availability (email advice has none).
const (
	TypeVideo    = "video"
	TypeWalkIn   = "walk_in"
	TypeInPerson = "in_person"
)

// Exception kinds.
const (
	// KindOff removes hours: the whole day when the exception has no hours
	// (Start and End both 00:00), otherwise only [Start, End).
	KindOff = "off"
	// KindExtra adds [Start, End) for one consultation type.
	KindExtra = "extra"
)

// DefaultZoneName is the IANA zone a doctor has unless they chose another.
// The package never loads it itself (that would be I/O): callers load the
// doctor's zone and pass it in Query.Zone.
const DefaultZoneName = "Europe/Amsterdam"

// Limits on the slot length, in minutes (doctor_fees.duration_minutes).
const (
	MinSlotMinutes = 5
	MaxSlotMinutes = 240
)

// MaxRange is the longest [From, To) that Slots accepts.
const MaxRange = 366 * 24 * time.Hour

// NextSlotHorizonDays is how many calendar days past Query.From NextSlot
// looks before it gives up.
const NextSlotHorizonDays = 60

// Rule is one weekly availability window of a consultation type, in the
// doctor's wall clock (a row of availability_rules).
type Rule struct {
	// Type is TypeVideo, TypeWalkIn or TypeInPerson.
	Type string
	// Weekday is the local day of the week (0 = Sunday).
	Weekday time.Weekday
	// Start and End bound the window [Start, End); End may be 24:00.
	Start, End Clock
}

// Exception changes one civil day (a row of availability_exceptions).
type Exception struct {
	// Day is the doctor's local date the exception applies to.
	Day Date
	// Kind is KindOff or KindExtra.
	Kind string
	// Type is the consultation type. It is required for KindExtra; for
	// KindOff the empty string means all types.
	Type string
	// Start and End bound [Start, End). For KindOff both may be 00:00,
	// meaning the whole day.
	Start, End Clock
}

// WholeDay reports whether e is an "off" exception without hours.
func (e Exception) WholeDay() bool {
	return e.Kind == KindOff && e.Start.IsZero() && e.End.IsZero()
}

// Interval is the half-open span [Start, End) between two instants.
type Interval struct {
	Start, End time.Time
}

// Overlaps reports whether i and j share at least one instant.
func (i Interval) Overlaps(j Interval) bool {
	return i.Start.Before(j.End) && j.Start.Before(i.End)
}

// Query asks for the free slots of one doctor and consultation type.
type Query struct {
	// Rules are the doctor's weekly rules (all types; others are ignored).
	Rules []Rule
	// Exceptions are the doctor's dated exceptions (all types).
	Exceptions []Exception
	// Booked are the slots of the doctor's live consultations, holds
	// included: every interval here blocks the slots it overlaps, whatever
	// their type (one doctor, one appointment at a time).
	Booked []Interval
	// Type is the consultation type to lay out slots for.
	Type string
	// SlotLength is the length of one slot, a whole number of minutes
	// between MinSlotMinutes and MaxSlotMinutes.
	SlotLength time.Duration
	// Zone is the doctor's time zone. Required.
	Zone *time.Location
	// From and To bound the slot starts: From <= start < To.
	From, To time.Time
	// Now is the current instant. Required: the package never reads the clock.
	Now time.Time
	// MinLead is how far ahead of Now the earliest bookable slot starts.
	MinLead time.Duration
}

// RuleError reports one invalid rule, exception or query field.
type RuleError struct {
	// Subject is "rule", "exception", "booked" (an entry of Query.Booked)
	// or "query" (another Query field).
	Subject string
	// Index is the position in the rules or exceptions slice (-1 for query).
	Index int
	// Field is the offending field, e.g. "End".
	Field string
	// Reason says what is wrong, e.g. "must be after Start".
	Reason string
}

// Error implements error.
func (e *RuleError) Error() string {
	subject := e.Subject
	if subject == "" {
		subject = "rule"
	}
	if e.Index < 0 {
		return fmt.Sprintf("availability: %s: %s %s", subject, e.Field, e.Reason)
	}
	return fmt.Sprintf("availability: %s %d: %s %s", subject, e.Index, e.Field, e.Reason)
}

// Equal reports whether i and j are the same span.
func (i Interval) Equal(j Interval) bool { return i.Start.Equal(j.Start) && i.End.Equal(j.End) }
