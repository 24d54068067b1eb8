package workflows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

func TestAppointmentNoShowOnlyAfterStartAndGrace(t *testing.T) {
	t.Run("default grace", func(t *testing.T) {
		h := newHarness(t, monday0900)
		before := h.update(since(apptStart.Add(-5*time.Minute)), UpdateMarkNoShow)
		atStart := h.update(since(apptStart), UpdateMarkNoShow)
		inGrace := h.update(since(apptStart.Add(DefaultNoShowMarkGrace-time.Minute)), UpdateMarkNoShow)
		after := h.update(since(apptStart.Add(DefaultNoShowMarkGrace)), UpdateMarkNoShow)
		st := h.runAppointment(apptInput(TypeInPerson))

		assertRejected(t, "no-show 5 minutes before the start", before, ErrTypeInvalidState)
		assertRejected(t, "no-show at the start", atStart, ErrTypeInvalidState)
		assertRejected(t, "no-show within the grace period", inGrace, ErrTypeInvalidState)
		assertAccepted(t, "no-show after the grace period", after)
		if st.Status != StatusNoShow || st.Reason != ReasonMarkedNoShow {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("configured grace after a delay", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.update(since(apptStart.Add(-time.Hour)), UpdateDoctorDelay, DoctorDelay{Minutes: 20})
		// The expected start is 14:20; with a 3-minute grace the mark is
		// possible from 14:23.
		early := h.update(since(apptStart.Add(22*time.Minute)), UpdateMarkNoShow)
		ok := h.update(since(apptStart.Add(23*time.Minute)), UpdateMarkNoShow)
		in := apptInput(TypeInPerson)
		in.NoShowMarkGrace = 3 * time.Minute
		st := h.runAppointment(in)

		assertRejected(t, "no-show before the delayed start plus grace", early, ErrTypeInvalidState)
		if early.RejectErr != nil && !strings.Contains(early.RejectErr.Error(), "13:23:00Z") {
			t.Errorf("refusal %q does not say from when", early.RejectErr)
		}
		assertAccepted(t, "no-show", ok)
		if st.Status != StatusNoShow {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("attended may still be marked before the start", func(t *testing.T) {
		h := newHarness(t, monday0900)
		attended := h.update(since(apptStart.Add(-5*time.Minute)), UpdateMarkAttended)
		st := h.runAppointment(apptInput(TypeInPerson))
		assertAccepted(t, "attended before the start", attended)
		if st.Status != StatusCompleted {
			t.Errorf("final state = %+v", st)
		}
	})
}

func TestAppointmentInputRejectsNegativeNoShowGrace(t *testing.T) {
	in := apptInput(TypeInPerson)
	in.NoShowMarkGrace = -time.Minute
	if err := in.withDefaults().validate(); err == nil {
		t.Fatal("a negative no-show grace was accepted")
	}
}

func TestAppointmentOneCancellationRequestAfterRejection(t *testing.T) {
	h := paidVideo(t)
	first := apptStart.Add(-72 * time.Hour)
	h.update(since(first), UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonFeelingBetter})
	h.update(since(first.Add(time.Hour)), UpdateRejectCancellation)
	second := h.update(since(first.Add(2*time.Hour)), UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonScheduleConflict})
	h.update(since(first.Add(3*time.Hour)), UpdateRejectCancellation)
	third := h.update(since(first.Add(4*time.Hour)), UpdateRequestCancellation, CancellationRequest{})
	after := h.query(since(first.Add(5 * time.Hour)))
	h.update(since(apptStart.Add(-5*time.Minute)), UpdatePatientJoined)
	h.update(since(apptStart), UpdateStartSession)
	h.update(since(apptStart.Add(15*time.Minute)), UpdateEndSession)
	st := h.runAppointment(apptInput(TypeVideo))

	assertAccepted(t, "request after one rejection", second)
	assertRejected(t, "request after two rejections", third, ErrTypeInvalidState)
	if third.RejectErr != nil && !strings.Contains(third.RejectErr.Error(), "contact the practice") {
		t.Errorf("refusal %q does not tell the patient what to do", third.RejectErr)
	}
	if after.Status != StatusScheduled || after.CancellationRequests != MaxCancellationRequests {
		t.Errorf("state after the refusal = %+v", after)
	}
	if n := h.sent(TemplateCancellationRequested); n != 2 {
		t.Errorf("%d cancellation_requested emails, want 2", n)
	}
	rejections := h.emailsOf(TemplateCancellationRejected)
	if len(rejections) != 2 {
		t.Fatalf("%d cancellation_rejected emails, want 2", len(rejections))
	}
	for i, c := range rejections {
		if n := c.Input.(*SendEmailInput).Appointment.CancellationRequests; n != i+1 {
			t.Errorf("rejection %d tells of %d requests, want %d", i+1, n, i+1)
		}
	}
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}

func TestReminderSendBy(t *testing.T) {
	at := apptStart.Add(-24 * time.Hour)
	assertTime(t, "24 h reminder", ReminderSendBy(at, 24*time.Hour), apptStart.Add(-18*time.Hour))
	assertTime(t, "1 h reminder", ReminderSendBy(apptStart.Add(-time.Hour), time.Hour), apptStart.Add(-45*time.Minute))
}

// TestAppointmentReminderNotRetriedLate: the mail server is unavailable
// from 30 h until 17 h before the start and asks to retry in 150 minutes
// (the test environment caps an activity at 10 attempts, so the delay
// stands in for the production policy's many 15-minute retries). The 24 h
// reminder is retried only until ReminderSendBy (18 h before), not
// delivered late; the 1 h reminder goes out.
func TestAppointmentReminderNotRetriedLate(t *testing.T) {
	h := newHarness(t, monday0900)
	outageEnd := apptStart.Add(-17 * time.Hour)
	var delivered []SendEmailInput
	var deliveredAt []time.Time
	h.env.OnActivity(ActivitySendEmail, mock.Anything, mock.Anything).
		Return(func(_ context.Context, in SendEmailInput) error {
			now := h.env.Now()
			if now.After(apptStart.Add(-30*time.Hour)) && now.Before(outageEnd) {
				return temporal.NewApplicationErrorWithOptions("smtp: 421 service not available", "SMTPUnavailable",
					temporal.ApplicationErrorOptions{NextRetryDelay: 150 * time.Minute})
			}
			h.mu.Lock()
			delivered, deliveredAt = append(delivered, in), append(deliveredAt, now)
			h.mu.Unlock()
			return nil
		})
	h.update(since(apptStart.Add(5*time.Minute)), UpdateMarkAttended)
	h.runAppointment(apptInput(TypeInPerson))

	sendBy := apptStart.Add(-18 * time.Hour)
	var hours []int
	for i, in := range delivered {
		if in.Template != TemplateAppointmentReminder {
			continue
		}
		hours = append(hours, in.Appointment.HoursBefore)
		if in.Appointment.HoursBefore == 24 {
			t.Errorf("24 h reminder delivered at %s (send by %s)", deliveredAt[i], sendBy)
		}
		if in.Appointment.SendBy == nil {
			t.Errorf("reminder %+v carries no SendBy", in.Appointment)
		}
	}
	if len(hours) != 1 || hours[0] != 1 {
		t.Errorf("reminders delivered: %v hours before, want only the 1 h one", hours)
	}
	for _, c := range h.emailsOf(TemplateAppointmentReminder) {
		if in := c.Input.(*SendEmailInput); in.Appointment.HoursBefore == 24 && c.At.After(sendBy) {
			t.Errorf("24 h reminder attempted at %s, after %s", c.At, sendBy)
		}
	}
}

// lateLoopWorkflow books an in-person appointment, arms its reminders and
// then runs the main loop only from resume on: what the workflow sees when
// its worker was down until then and the reminder timers fire late.
func lateLoopWorkflow(ctx workflow.Context, in AppointmentInput, resume time.Time) (ConsultationState, error) {
	in = in.withDefaults()
	w := newAppointment(ctx, in)
	if err := w.register(ctx); err != nil {
		return w.st, err
	}
	w.armReminders(workflow.Now(ctx))
	if err := workflow.Sleep(ctx, resume.Sub(workflow.Now(ctx))); err != nil {
		return w.st, err
	}
	if err := w.loop(ctx); err != nil {
		return w.st, err
	}
	return w.st, w.finish(ctx)
}

// TestAppointmentLateReminderTimerDropped: the worker was down until 2 h
// before the start; the overdue 24 h reminder is dropped, the 1 h one still
// goes out on time.
func TestAppointmentLateReminderTimerDropped(t *testing.T) {
	h := newHarness(t, monday0900)
	h.env.RegisterWorkflowWithOptions(lateLoopWorkflow, workflow.RegisterOptions{Name: "lateLoop"})
	h.update(since(apptStart.Add(DefaultNoShowMarkGrace)), UpdateMarkNoShow)
	h.env.ExecuteWorkflow("lateLoop", apptInput(TypeInPerson), apptStart.Add(-2*time.Hour))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	reminders := h.emailsOf(TemplateAppointmentReminder)
	if len(reminders) != 1 {
		for _, r := range reminders {
			t.Logf("reminder %+v at %s", r.Input.(*SendEmailInput).Appointment, r.At)
		}
		t.Fatalf("%d reminders, want only the 1 h one", len(reminders))
	}
	in := reminders[0].Input.(*SendEmailInput)
	if in.Appointment.HoursBefore != 1 {
		t.Errorf("reminder sent = %+v", in.Appointment)
	}
	assertTime(t, "1 h reminder", reminders[0].At, apptStart.Add(-time.Hour))
}
