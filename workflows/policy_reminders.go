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
