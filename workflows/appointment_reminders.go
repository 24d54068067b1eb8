package workflows

import (
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/workflow"
)

// reminder is a pending reminder to the patient.
type reminder struct {
	at   time.Time
	lead time.Duration
}

// armReminders (re)computes the pending reminders for the expected start:
// the leads not sent yet whose moment is still ahead.
func (w *appointment) armReminders(now time.Time) {
	expected := *w.st.ExpectedStart
	w.reminders = nil
	for _, at := range ReminderTimes(now, expected) {
		lead := expected.Sub(at)
		if !w.wasReminded(lead) {
			w.reminders = append(w.reminders, reminder{at: at, lead: lead})
		}
	}
	w.setNextReminder()
}

func (w *appointment) wasReminded(lead time.Duration) bool {
	for _, l := range w.reminded {
		if l == lead {
			return true
		}
	}
	return false
}

func (w *appointment) dropReminders() {
	w.reminders = nil
	w.setNextReminder()
}

func (w *appointment) setNextReminder() {
	w.st.NextReminderAt = nil
	if len(w.reminders) > 0 {
		at := w.reminders[0].at
		w.st.NextReminderAt = &at
	}
}

func (w *appointment) validateDoctorDelay(_ workflow.Context, in DoctorDelay) error {
	if in.Minutes < 1 || in.Minutes > MaxDoctorDelayMinutes {
		return invalidInput(fmt.Sprintf("a delay must be 1 to %d minutes, got %d", MaxDoctorDelayMinutes, in.Minutes))
	}
	if w.st.Status != StatusScheduled && w.st.Status != StatusWaiting {
		return invalidState("announcing a delay", w.st.Status)
	}
	return nil
}

// doctorDelay moves the expected start to the scheduled start plus
// in.Minutes, emails the patient and re-arms the reminders not sent yet.
// Repeating the current delay changes nothing.
func (w *appointment) doctorDelay(ctx workflow.Context, in DoctorDelay) (ConsultationState, error) {
	if err := w.validateDoctorDelay(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	if in.Minutes == w.st.DelayMinutes {
		return w.st, nil
	}
	expected := w.in.Start.Add(time.Duration(in.Minutes) * time.Minute)
	w.st.DelayMinutes, w.st.ExpectedStart = in.Minutes, &expected
	w.armReminders(workflow.Now(ctx))
	w.delays++
	w.notifyWith(ctx, TemplateDoctorDelay, RecipientPatient, "delay-"+strconv.Itoa(w.delays), w.facts())
	w.change(ctx)
	return w.st, nil
}
