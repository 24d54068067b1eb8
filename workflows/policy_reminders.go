package workflows

import "time"

// AppointmentReminderLeads are how long before the start of an appointment
// the patient is reminded (DESIGN §5), earliest first.
var AppointmentReminderLeads = [...]time.Duration{24 * time.Hour, time.Hour}

// ReminderTimes returns the instants at which the patient of an appointment
// starting at start is reminded, earliest first: start minus each of
// AppointmentReminderLeads, leaving out those at or before now (a reminder
// whose moment has passed when the appointment is booked, or when its time
// changes, is skipped rather than sent late). Booked 30 minutes ahead, there
// are none.
//
// The leads are elapsed time: "24 h before" is exactly 24 hours before the
// start, also across a daylight-saving change (when the wall clock of the
// reminder then differs by an hour from the start's). The email shows the
// start in the doctor's zone; no zone is needed here.
func ReminderTimes(now, start time.Time) []time.Time {
	var out []time.Time
	for _, lead := range AppointmentReminderLeads {
		if at := start.Add(-lead); at.After(now) {
			out = append(out, at)
		}
	}
	return out
}

// ReminderSendBy is the last moment the reminder due at at, lead before the
// start, is still worth sending: a quarter of its lead later (the 24 h
// reminder until 18 h before the start, the 1 h reminder until 45 minutes
// before). A reminder that cannot go out by then (the worker or the mail
// server was down) is dropped, not sent late: "your appointment is
// tomorrow" two hours before the start is wrong, and the next reminder
// follows anyway.
func ReminderSendBy(at time.Time, lead time.Duration) time.Time {
	return at.Add(lead / 4)
}
