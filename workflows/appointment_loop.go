package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"
)

// Timed steps of the main loop.
type timedKind int

const (
	timedReminder         timedKind = iota + 1 // remind the patient
	timedAutoConfirm                           // confirm an undecided cancellation at the start
	timedNoShow                                // video: never checked in, or never admitted
	timedOvertime                              // video: a session nobody ended
	timedAttendanceAlert                       // in-person: unmarked a day after the end
	timedAttendanceExpire                      // in-person: unmarked at the limit
)

// timedStep is the next timed step of the main loop.
type timedStep struct {
	kind    timedKind
	at      time.Time
	summary string
}

// loop runs the timed steps until the appointment reaches a final status.
// Updates change the state and kick wake; every turn recomputes the next
// step from the state, so a step always fits the status it fires in.
func (w *appointment) loop(ctx workflow.Context) error {
	for !w.st.Status.Final() {
		step, ok := w.nextStep()
		if !ok {
			// Every non-final status has a timed step; this is a guard.
			return fmt.Errorf("appointment in status %s has no next step", w.st.Status)
		}
		if workflow.Now(ctx).Before(step.at) {
			if err := w.sleep(ctx, step.at, step.summary); err != nil {
				return err
			}
			continue
		}
		w.fire(ctx, step)
	}
	return ctx.Err()
}

// nextStep returns the earliest timed step that applies to the current
// status.
func (w *appointment) nextStep() (timedStep, bool) {
	var best timedStep
	found := false
	consider := func(kind timedKind, at time.Time, summary string) {
		if !found || at.Before(best.at) {
			best, found = timedStep{kind: kind, at: at, summary: summary}, true
		}
	}
	status := w.st.Status
	if (status == StatusScheduled || status == StatusCancellationRequested) && len(w.reminders) > 0 {
		r := w.reminders[0]
		consider(timedReminder, r.at, "reminder "+leadName(r.lead))
	}
	if status == StatusCancellationRequested {
		consider(timedAutoConfirm, w.in.Start, "cancellation auto-confirm")
	}
	end := w.expectedEnd()
	switch w.in.Type {
	case TypeVideo:
		switch status {
		case StatusScheduled, StatusWaiting:
			consider(timedNoShow, end.Add(NoShowGrace), "no-show")
		case StatusInSession:
			if started := w.st.SessionStartedAt; started != nil {
				if planned := started.Add(w.in.End.Sub(w.in.Start)); planned.After(end) {
					end = planned
				}
			}
			consider(timedOvertime, end.Add(SessionOvertime), "session overtime")
		}
	case TypeInPerson:
		if status == StatusScheduled {
			if !w.attendanceAlerted {
				consider(timedAttendanceAlert, end.Add(AttendanceAlertAfter), "attendance unmarked")
			}
			consider(timedAttendanceExpire, end.Add(AttendanceMarkLimit), "attendance limit")
		}
	}
	return best, found
}

// fire carries out a timed step that is due.
func (w *appointment) fire(ctx workflow.Context, step timedStep) {
	switch step.kind {
	case timedReminder:
		r := w.reminders[0]
		w.reminders = w.reminders[1:]
		w.reminded = append(w.reminded, r.lead)
		w.setNextReminder()
		sendBy := ReminderSendBy(r.at, r.lead)
		if !workflow.Now(ctx).Before(sendBy) &&
			workflow.GetVersion(ctx, versionDropLateReminders, workflow.DefaultVersion, 1) >= 1 {
			// The timer fired this late (the worker was down): a
			// "tomorrow" reminder two hours before the start misleads.
			workflow.GetLogger(ctx).Info("late reminder dropped",
				"consultation", w.st.ConsultationID, "lead", leadName(r.lead), "due", r.at)
			return
		}
		facts := w.facts()
		facts.HoursBefore = int(r.lead / time.Hour)
		facts.SendBy = &sendBy
		w.notifyBy(ctx, TemplateAppointmentReminder, RecipientPatient, leadName(r.lead), facts, sendBy)
	case timedAutoConfirm:
		w.endAppointment(ctx, StatusCancelled, ReasonCancellationAutoConfirmed, w.st.CancellationRefundCents, "cancellation")
	case timedNoShow:
		if w.st.Status == StatusWaiting {
			w.endAppointment(ctx, StatusCancelled, ReasonSessionNotHeld, w.paidCents(), "not_held")
			w.alert(ctx, AlertSessionNotHeld, nil)
			return
		}
		w.dropReminders()
		w.transition(ctx, StatusNoShow, ReasonPatientNoShow)
	case timedOvertime:
		now := workflow.Now(ctx).UTC()
		w.st.CompletedAt = &now
		w.transition(ctx, StatusCompleted, ReasonSessionEndNotMarked)
	case timedAttendanceAlert:
		w.attendanceAlerted = true
		w.alert(ctx, AlertAttendanceUnmarked, nil)
	case timedAttendanceExpire:
		w.dropReminders()
		w.transition(ctx, StatusExpired, ReasonAttendanceNotMarked)
	}
}

// sleep waits until at or until an update kicks wake, whichever comes
// first.
func (w *appointment) sleep(ctx workflow.Context, at time.Time, summary string) error {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, at.Sub(workflow.Now(ctx)), workflow.TimerOptions{Summary: summary})
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.ReceiveAsync(nil) })
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.Select(ctx)
	return ctx.Err()
}

// kick wakes the main loop (a pending kick is enough).
func (w *appointment) kick() { w.wake.SendAsync(true) }

// conclude carries out what follows the final status: the refund of a
// cancelled or declined appointment, the review request of a completed one
// and, in person, the wait for the invoice to be marked paid.
func (w *appointment) conclude(ctx workflow.Context) error {
	switch w.st.Status {
	case StatusCancelled, StatusDeclined:
		if w.st.Reason == ReasonCancellationConfirmed {
			w.offerFreedSlot(ctx, WaitlistTriggerCancellation)
		}
		w.refund(ctx, w.refundCents, w.refundDescription(), w.refundPurpose, "")
		return ctx.Err()
	case StatusCompleted:
		if w.in.Type != TypeInPerson {
			return w.requestReview(ctx, w.in.ReviewDelay)
		}
		w.goBackground(ctx, func(ctx workflow.Context) {
			if err := w.requestReview(ctx, w.in.ReviewDelay); err != nil {
				w.noteError(ctx, err)
			}
		})
		until := workflow.Now(ctx).Add(w.in.InvoiceOpenFor)
		if w.st.CompletedAt != nil {
			until = w.st.CompletedAt.Add(w.in.InvoiceOpenFor)
		}
		for w.st.InvoicePaidAt == nil && workflow.Now(ctx).Before(until) {
			if err := w.awaitInvoice(ctx, until); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}
