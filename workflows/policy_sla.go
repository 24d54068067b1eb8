package workflows

import (
	"fmt"
	"time"
)

// DefaultTimeZone is the doctors' default IANA zone.
const DefaultTimeZone = "Europe/Amsterdam"

// AdviceDeadlines returns when written advice on an intake taken at intakeAt
// is due (slaDays working days later, see AddWorkingDays) and when the
// request expires and is refunded if still unanswered (one working day after
// the due time).
func AdviceDeadlines(intakeAt time.Time, slaDays int, loc *time.Location) (due, expires time.Time) {
	due = AddWorkingDays(intakeAt, slaDays, loc)
	expires = AddWorkingDays(due, 1, loc)
	return due, expires
}

// adviceReminderLeads are how long before the due time the doctor is
// reminded, earliest first.
var adviceReminderLeads = [...]time.Duration{4 * time.Hour, time.Hour}

// slaEventKind is what happens at an instant of the advice SLA.
type slaEventKind int

const (
	slaReminder slaEventKind = iota // remind the doctor
	slaBreach                       // tell the patient and support the advice is late
	slaExpire                       // refund and expire
)

// slaEvent is one timed step of the advice SLA.
type slaEvent struct {
	kind slaEventKind
	at   time.Time
	// occasion distinguishes reminders in dedup keys and timer summaries.
	occasion string
}

// adviceSchedule lists the SLA events for a request due at due and expiring
// at expires, in chronological order. Reminders at or before now are
// skipped; the breach and the expiry are always listed.
func adviceSchedule(now, due, expires time.Time) []slaEvent {
	events := make([]slaEvent, 0, len(adviceReminderLeads)+2)
	for _, lead := range adviceReminderLeads {
		if at := due.Add(-lead); at.After(now) {
			events = append(events, slaEvent{kind: slaReminder, at: at, occasion: leadName(lead)})
		}
	}
	events = append(events,
		slaEvent{kind: slaBreach, at: due, occasion: "due"},
		slaEvent{kind: slaExpire, at: expires, occasion: "expired"},
	)
	return events
}

// leadName renders a reminder lead compactly: "4h", "90m".
func leadName(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
