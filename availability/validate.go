package availability

import (
	"fmt"
	"time"
)

// ValidType reports whether t is a consultation type with availability.
func ValidType(t string) bool {
	return t == TypeVideo || t == TypeWalkIn || t == TypeInPerson
}

// ValidateRules checks every rule on its own (type, weekday, clock range,
// Start < End) and rejects two rules of the same type on the same weekday
// whose windows overlap (touching windows, 09:00–12:00 and 12:00–13:00, are
// fine). The first problem found is returned as a *RuleError; for an overlap
// it names the later rule of the pair.
func ValidateRules(rules []Rule) error {
	for i, r := range rules {
		if err := validateRule(i, r); err != nil {
			return err
		}
	}
	for j, b := range rules {
		for i, a := range rules[:j] {
			if a.Type == b.Type && a.Weekday == b.Weekday &&
				a.Start.Minutes() < b.End.Minutes() && b.Start.Minutes() < a.End.Minutes() {
				return &RuleError{Subject: "rule", Index: j, Field: "Start",
					Reason: fmt.Sprintf("overlaps rule %d (%s %s %s–%s)", i, a.Type, a.Weekday, a.Start, a.End)}
			}
		}
	}
	return nil
}

func validateRule(i int, r Rule) error {
	bad := func(field, reason string) error {
		return &RuleError{Subject: "rule", Index: i, Field: field, Reason: reason}
	}
	switch {
	case !ValidType(r.Type):
		return bad("Type", fmt.Sprintf("must be video, walk_in or in_person, not %q", r.Type))
	case r.Weekday < time.Sunday || r.Weekday > time.Saturday:
		return bad("Weekday", fmt.Sprintf("must be 0 (Sunday) to 6 (Saturday), not %d", int(r.Weekday)))
	case !r.Start.Valid():
		return bad("Start", "is not a valid time of day")
	case !r.End.Valid():
		return bad("End", "is not a valid time of day")
	case r.Start.Minutes() >= r.End.Minutes():
		return bad("End", fmt.Sprintf("must be after Start (%s–%s)", r.Start, r.End))
	}
	return nil
}

// ValidateExceptions checks every exception on its own: a real date, kind
// off or extra, a known type (empty only for off), and a valid range with
// Start < End (an off exception may instead leave both at 00:00 for the
// whole day). Overlapping exceptions are allowed: extras merge, offs add up.
// The first problem found is returned as a *RuleError.
func ValidateExceptions(exceptions []Exception) error {
	for i, e := range exceptions {
		if err := validateException(i, e); err != nil {
			return err
		}
	}
	return nil
}

func validateException(i int, e Exception) error {
	bad := func(field, reason string) error {
		return &RuleError{Subject: "exception", Index: i, Field: field, Reason: reason}
	}
	if !e.Day.Valid() {
		return bad("Day", fmt.Sprintf("is not a calendar date (%s)", e.Day))
	}
	switch e.Kind {
	case KindOff:
		if e.Type != "" && !ValidType(e.Type) {
			return bad("Type", fmt.Sprintf("must be empty (all types), video, walk_in or in_person, not %q", e.Type))
		}
		if e.WholeDay() {
			return nil
		}
	case KindExtra:
		if !ValidType(e.Type) {
			return bad("Type", fmt.Sprintf("must be video, walk_in or in_person for extra hours, not %q", e.Type))
		}
	default:
		return bad("Kind", fmt.Sprintf("must be off or extra, not %q", e.Kind))
	}
	switch {
	case !e.Start.Valid():
		return bad("Start", "is not a valid time of day")
	case !e.End.Valid():
		return bad("End", "is not a valid time of day")
	case e.Start.Minutes() >= e.End.Minutes():
		return bad("End", fmt.Sprintf("must be after Start (%s–%s)", e.Start, e.End))
	}
	return nil
}

// ValidateSlotLength checks that d is a whole number of minutes between
// MinSlotMinutes and MaxSlotMinutes.
func ValidateSlotLength(d time.Duration) error {
	if d%time.Minute != 0 || d < MinSlotMinutes*time.Minute || d > MaxSlotMinutes*time.Minute {
		return &RuleError{Subject: "query", Index: -1, Field: "SlotLength",
			Reason: fmt.Sprintf("must be a whole number of minutes between %d and %d, not %v", MinSlotMinutes, MaxSlotMinutes, d)}
	}
	return nil
}

// validateQuery checks everything Slots needs. Rules are checked one by one
// but may overlap: Slots merges them.
func validateQuery(q *Query) error {
	bad := func(field, reason string) error {
		return &RuleError{Subject: "query", Index: -1, Field: field, Reason: reason}
	}
	if !ValidType(q.Type) {
		return bad("Type", fmt.Sprintf("must be video, walk_in or in_person, not %q", q.Type))
	}
	if err := ValidateSlotLength(q.SlotLength); err != nil {
		return err
	}
	switch {
	case q.Zone == nil:
		return bad("Zone", "is required")
	case q.Now.IsZero():
		return bad("Now", "is required")
	case q.MinLead < 0:
		return bad("MinLead", "must not be negative")
	case !q.To.After(q.From):
		return bad("To", "must be after From")
	case q.To.Sub(q.From) > MaxRange:
		return bad("To", fmt.Sprintf("must be at most %v after From", MaxRange))
	}
	for i, r := range q.Rules {
		if err := validateRule(i, r); err != nil {
			return err
		}
	}
	if err := ValidateExceptions(q.Exceptions); err != nil {
		return err
	}
	for i, b := range q.Booked {
		if !b.End.After(b.Start) {
			return &RuleError{Subject: "booked", Index: i, Field: "End", Reason: "must be after Start"}
		}
	}
	return nil
}
