package workflows

import "time"

// AdviceReminderLeads are how long before the advice's due time the doctor
// is reminded, earliest first (a copy: the guide's text is tested against
// it).
func AdviceReminderLeads() []time.Duration {
	return append([]time.Duration(nil), adviceReminderLeads[:]...)
}
