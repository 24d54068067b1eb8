package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
)

// The appointment tests book on Monday 9 March 2026 09:00 Amsterdam
// (monday0900) for Thursday 12 March 14:00–14:20 unless they say otherwise.
var (
	apptStart = time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC) // 14:00 CET
	apptEnd   = apptStart.Add(20 * time.Minute)
)

const (
	apptPrice = 6000
	apptFee   = 1000
)

func apptInput(typ ConsultationType) AppointmentInput {
	return AppointmentInput{
		ConsultationID: testConsultation,
		DoctorID:       "d-7",
		Type:           typ,
		AmountCents:    apptPrice,
		AdminFeeCents:  apptFee,
		Start:          apptStart,
		End:            apptEnd,
		DoctorTimeZone: "Europe/Amsterdam",
		Language:       "nl",
	}
}

// since is the offset of an instant from the start of the test
// environment (monday0900), for h.after and h.update.
func since(at time.Time) time.Duration { return at.Sub(monday0900) }

// paidVideo starts a video appointment test: the checkout and the payment
// one minute after booking.
func paidVideo(t *testing.T) *harness {
	h := newHarness(t, monday0900)
	h.update(0, UpdateCheckout)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	return h
}

// emailsOf returns the emails with the given template, in order.
func (h *harness) emailsOf(tpl Template) []call {
	var out []call
	for _, c := range h.emails() {
		if c.Input.(*SendEmailInput).Template == tpl {
			out = append(out, c)
		}
	}
	return out
}

// refundsIssued returns the IssueRefund inputs.
func (h *harness) refundsIssued() []*IssueRefundInput {
	var out []*IssueRefundInput
	for _, c := range h.callsTo(ActivityIssueRefund) {
		out = append(out, c.Input.(*IssueRefundInput))
	}
	return out
}

func assertAccepted(t *testing.T, what string, res *updateResult) {
	t.Helper()
	if !res.Accepted || res.Err != nil {
		t.Errorf("%s: accepted=%v reject=%v err=%v", what, res.Accepted, res.RejectErr, res.Err)
	}
}

func assertRejected(t *testing.T, what string, res *updateResult, errType string) {
	t.Helper()
	if res.Accepted || appErrType(res.RejectErr) != errType {
		t.Errorf("%s: accepted=%v reject=%v, want a rejection of type %s", what, res.Accepted, res.RejectErr, errType)
	}
}

func TestAppointmentVideoHappyPath(t *testing.T) {
	h := paidVideo(t)
	booked := h.query(2 * time.Minute)
	join := h.update(since(apptStart.Add(-10*time.Minute)), UpdatePatientJoined)
	waiting := h.query(since(apptStart.Add(-9 * time.Minute)))
	start := h.update(since(apptStart.Add(time.Minute)), UpdateStartSession)
	inSession := h.query(since(apptStart.Add(2 * time.Minute)))
	end := h.update(since(apptStart.Add(18*time.Minute)), UpdateEndSession)

	st := h.runAppointment(apptInput(TypeVideo))

	paid := monday0900.Add(time.Minute)
	ended := apptStart.Add(18 * time.Minute)
	assertAccepted(t, "join", join)
	assertAccepted(t, "start", start)
	assertAccepted(t, "end", end)
	if v, ok := start.Value.(ConsultationState); !ok || v.Status != StatusInSession {
		t.Errorf("start-session result = %#v", start.Value)
	}

	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusWaiting, StatusInSession, StatusCompleted)
	for i, c := range h.callsTo(ActivityRecordTransition) {
		in := c.Input.(*RecordTransitionInput)
		if in.Seq != i+1 || in.ExpectedStart == nil || !in.ExpectedStart.Equal(apptStart) {
			t.Errorf("transition %d = %+v", i, in)
		}
	}
	assertTime(t, "waiting recorded", h.callsTo(ActivityRecordTransition)[2].At, apptStart.Add(-10*time.Minute))

	pay := h.callsTo(ActivityCreatePayment)
	if len(pay) != 1 || pay[0].Input.(*CreatePaymentInput).AmountCents != apptPrice ||
		pay[0].Input.(*CreatePaymentInput).Description != "Derma2Go videoconsult c-123" {
		t.Fatalf("CreatePayment calls = %+v", pay)
	}
	if n := len(h.callsTo(ActivityIssueInvoice)); n != 1 {
		t.Errorf("IssueInvoice called %d times", n)
	}
	assertTime(t, "invoice", h.emailAt(TemplateInvoice, RecipientPatient), paid)
	assertTime(t, "appointment_invitation", h.emailAt(TemplateAppointmentInvitation, RecipientPatient), paid)
	assertTime(t, "new_booking_doctor", h.emailAt(TemplateNewBookingDoctor, RecipientDoctor), paid)
	inv := h.emailsOf(TemplateAppointmentInvitation)[0].Input.(*SendEmailInput)
	if a := inv.Appointment; a == nil || a.Type != TypeVideo || !a.Start.Equal(apptStart) || !a.End.Equal(apptEnd) ||
		!a.ExpectedStart.Equal(apptStart) || inv.DedupKey != "consultation/c-123/email/appointment_invitation/patient" {
		t.Errorf("invitation input = %+v (facts %+v)", inv, inv.Appointment)
	}

	// Reminders 24 h and 1 h before the start, at those instants.
	reminders := h.emailsOf(TemplateAppointmentReminder)
	if len(reminders) != 2 {
		t.Fatalf("%d reminders, want 2", len(reminders))
	}
	for i, want := range []struct {
		at    time.Time
		hours int
		key   string
	}{
		{apptStart.Add(-24 * time.Hour), 24, "consultation/c-123/email/appointment_reminder/patient/24h"},
		{apptStart.Add(-time.Hour), 1, "consultation/c-123/email/appointment_reminder/patient/1h"},
	} {
		in := reminders[i].Input.(*SendEmailInput)
		assertTime(t, "reminder", reminders[i].At, want.at)
		// Sent in the workflow task of its timer (changeLocalReminders).
		if !reminders[i].Local {
			t.Errorf("reminder %d sent as an activity task, want a local activity", i)
		}
		if in.Recipient != RecipientPatient || in.DedupKey != want.key || in.Appointment == nil || in.Appointment.HoursBefore != want.hours {
			t.Errorf("reminder %d = %+v (facts %+v)", i, in, in.Appointment)
		}
	}
	assertTime(t, "review_request", h.emailAt(TemplateReviewRequest, RecipientPatient), ended.Add(DefaultReviewDelay))
	for _, c := range h.emails() {
		if c.Local && c.Input.(*SendEmailInput).Template != TemplateAppointmentReminder {
			t.Errorf("%s sent as a local activity; only reminders are", c.Input.(*SendEmailInput).Template)
		}
	}
	if n := len(h.callsTo(ActivityIssueRefund)); n != 0 {
		t.Errorf("IssueRefund called %d times", n)
	}

	if booked.Status != StatusScheduled || booked.NextReminderAt == nil || !booked.NextReminderAt.Equal(apptStart.Add(-24*time.Hour)) ||
		booked.ScheduledStart == nil || !booked.ScheduledStart.Equal(apptStart) || booked.WaitingRoomOpensAt == nil ||
		!booked.WaitingRoomOpensAt.Equal(apptStart.Add(-10*time.Minute)) || booked.PrescriptionAllowed {
		t.Errorf("state after booking = %+v", booked)
	}
	if waiting.Status != StatusWaiting || waiting.PatientJoinedAt == nil || waiting.PrescriptionAllowed {
		t.Errorf("state while waiting = %+v", waiting)
	}
	if inSession.Status != StatusInSession || !inSession.PrescriptionAllowed {
		t.Errorf("state in session = %+v", inSession)
	}
	if st.Status != StatusCompleted || !st.PrescriptionAllowed || st.LastError != "" || st.InvoiceNumber == "" ||
		st.SessionEndedAt == nil || !st.SessionEndedAt.Equal(ended) || st.NextReminderAt != nil {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentBookedShortlyBefore(t *testing.T) {
	h := newHarness(t, monday0900)
	h.update(0, UpdateCheckout)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	start := monday0900.Add(30 * time.Minute)
	h.update(since(start.Add(-5*time.Minute)), UpdatePatientJoined)
	h.update(since(start), UpdateStartSession)
	h.update(since(start.Add(15*time.Minute)), UpdateEndSession)
	in := apptInput(TypeVideo)
	in.Start, in.End = start, start.Add(20*time.Minute)
	st := h.runAppointment(in)

	if n := h.sent(TemplateAppointmentReminder); n != 0 {
		t.Errorf("%d reminders sent for an appointment booked 30 minutes ahead", n)
	}
	h.emailAt(TemplateAppointmentInvitation, RecipientPatient)
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentVideoRejectedUpdates(t *testing.T) {
	h := paidVideo(t)
	opens := apptStart.Add(-10 * time.Minute)
	startEarly := h.update(since(opens.Add(-time.Hour)), UpdateStartSession)
	joinEarly := h.update(since(opens.Add(-time.Minute)), UpdatePatientJoined)
	startNoPatient := h.update(since(opens.Add(time.Minute)), UpdateStartSession)
	attended := h.update(since(opens.Add(2*time.Minute)), UpdateMarkAttended)
	paid := h.update(since(opens.Add(3*time.Minute)), UpdateMarkPaid)
	endNotStarted := h.update(since(opens.Add(4*time.Minute)), UpdateEndSession)
	join := h.update(since(opens.Add(5*time.Minute)), UpdatePatientJoined)
	rejoin := h.update(since(opens.Add(6*time.Minute)), UpdatePatientJoined)
	cancelWaiting := h.update(since(opens.Add(7*time.Minute)), UpdateRequestCancellation, CancellationRequest{})
	start := h.update(since(apptStart), UpdateStartSession)
	startTwice := h.update(since(apptStart.Add(time.Minute)), UpdateStartSession)
	delayInSession := h.update(since(apptStart.Add(2*time.Minute)), UpdateDoctorDelay, DoctorDelay{Minutes: 10})
	cancelInSession := h.update(since(apptStart.Add(3*time.Minute)), UpdateDoctorCancel, DoctorCancellation{})
	end := h.update(since(apptStart.Add(10*time.Minute)), UpdateEndSession)
	joinAfter := h.update(since(apptStart.Add(11*time.Minute)), UpdatePatientJoined)
	st := h.runAppointment(apptInput(TypeVideo))

	for name, tc := range map[string]*updateResult{
		"start before check-in (early)":  startEarly,
		"check-in before the room opens": joinEarly,
		"start before check-in":          startNoPatient,
		"mark attended on video":         attended,
		"mark paid on video":             paid,
		"end before start":               endNotStarted,
		"cancellation while waiting":     cancelWaiting,
		"second start":                   startTwice,
		"delay in session":               delayInSession,
		"doctor cancel in session":       cancelInSession,
		"check-in after the end":         joinAfter,
	} {
		assertRejected(t, name, tc, ErrTypeInvalidState)
	}
	assertAccepted(t, "join", join)
	assertAccepted(t, "re-join", rejoin)
	assertAccepted(t, "start", start)
	assertAccepted(t, "end", end)
	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusWaiting, StatusInSession, StatusCompleted)
	if st.PatientJoinedAt == nil || !st.PatientJoinedAt.Equal(opens.Add(5*time.Minute)) {
		t.Errorf("PatientJoinedAt = %v, want the first check-in", st.PatientJoinedAt)
	}
}

func TestAppointmentDoctorDelay(t *testing.T) {
	h := paidVideo(t)
	first := apptStart.Add(-3 * time.Hour) // 24 h reminder sent, 1 h not yet
	tooLong := h.update(since(first.Add(-time.Minute)), UpdateDoctorDelay, DoctorDelay{Minutes: 181})
	zero := h.update(since(first.Add(-2*time.Minute)), UpdateDoctorDelay, DoctorDelay{})
	delay := h.update(since(first), UpdateDoctorDelay, DoctorDelay{Minutes: 30})
	after := h.query(since(first.Add(time.Minute)))
	same := h.update(since(first.Add(2*time.Minute)), UpdateDoctorDelay, DoctorDelay{Minutes: 30})
	// After the re-armed 1 h reminder (13:30 CET local, 12:30 UTC) went out.
	second := apptStart.Add(-20 * time.Minute)
	more := h.update(since(second), UpdateDoctorDelay, DoctorDelay{Minutes: 45})
	// The patient may check in until the expected end, 14:20 + 45 min.
	join := h.update(since(apptEnd.Add(40*time.Minute)), UpdatePatientJoined)
	h.update(since(apptEnd.Add(42*time.Minute)), UpdateStartSession)
	h.update(since(apptEnd.Add(60*time.Minute)), UpdateEndSession)
	st := h.runAppointment(apptInput(TypeVideo))

	assertRejected(t, "delay of 181 minutes", tooLong, ErrTypeInvalidInput)
	assertRejected(t, "delay of 0 minutes", zero, ErrTypeInvalidInput)
	assertAccepted(t, "delay", delay)
	assertAccepted(t, "same delay again", same)
	assertAccepted(t, "longer delay", more)
	assertAccepted(t, "late check-in within the delayed slot", join)

	delays := h.emailsOf(TemplateDoctorDelay)
	if len(delays) != 2 {
		t.Fatalf("%d doctor_delay emails, want 2 (a repeat changes nothing)", len(delays))
	}
	assertTime(t, "first doctor_delay", delays[0].At, first)
	assertTime(t, "second doctor_delay", delays[1].At, second)
	for i, want := range []struct {
		minutes int
		key     string
	}{{30, "consultation/c-123/email/doctor_delay/patient/delay-1"}, {45, "consultation/c-123/email/doctor_delay/patient/delay-2"}} {
		in := delays[i].Input.(*SendEmailInput)
		if in.DedupKey != want.key || in.Appointment == nil || in.Appointment.DelayMinutes != want.minutes ||
			!in.Appointment.ExpectedStart.Equal(apptStart.Add(time.Duration(want.minutes)*time.Minute)) {
			t.Errorf("doctor_delay %d = %+v (facts %+v)", i, in, in.Appointment)
		}
	}

	// The 24 h reminder went out before the delay, the 1 h one moved with
	// the first delay and is not repeated after the second.
	reminders := h.emailsOf(TemplateAppointmentReminder)
	if len(reminders) != 2 {
		t.Fatalf("%d reminders, want 2", len(reminders))
	}
	assertTime(t, "24 h reminder", reminders[0].At, apptStart.Add(-24*time.Hour))
	assertTime(t, "1 h reminder, re-armed", reminders[1].At, apptStart.Add(30*time.Minute-time.Hour))
	if in := reminders[1].Input.(*SendEmailInput); !in.Appointment.ExpectedStart.Equal(apptStart.Add(30 * time.Minute)) {
		t.Errorf("re-armed reminder facts = %+v", in.Appointment)
	}

	if after.ExpectedStart == nil || !after.ExpectedStart.Equal(apptStart.Add(30*time.Minute)) || after.DelayMinutes != 30 ||
		after.NextReminderAt == nil || !after.NextReminderAt.Equal(apptStart.Add(-30*time.Minute)) {
		t.Errorf("state after the delay = %+v", after)
	}
	// The delay is projected with the status unchanged.
	var projected []time.Time
	for _, c := range h.callsTo(ActivityRecordTransition) {
		in := c.Input.(*RecordTransitionInput)
		if in.Status == StatusScheduled && in.ExpectedStart != nil {
			projected = append(projected, *in.ExpectedStart)
		}
	}
	if len(projected) != 3 || !projected[1].Equal(apptStart.Add(30*time.Minute)) || !projected[2].Equal(apptStart.Add(45*time.Minute)) {
		t.Errorf("scheduled projections with expected starts %v", projected)
	}
	if st.Status != StatusCompleted || st.DelayMinutes != 45 {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentDelayMovesNoShow(t *testing.T) {
	h := paidVideo(t)
	h.update(since(apptStart.Add(-2*time.Hour)), UpdateDoctorDelay, DoctorDelay{Minutes: 60})
	st := h.runAppointment(apptInput(TypeVideo))

	recs := h.callsTo(ActivityRecordTransition)
	last := recs[len(recs)-1]
	assertTime(t, "no-show", last.At, apptEnd.Add(time.Hour+NoShowGrace))
	if st.Status != StatusNoShow || st.Reason != ReasonPatientNoShow {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentUnpaid(t *testing.T) {
	t.Run("hold elapsed", func(t *testing.T) {
		h := newHarness(t, monday0900)
		checkout := h.update(0, UpdateCheckout)
		cancel := h.update(time.Minute, UpdateRequestCancellation, CancellationRequest{})
		st := h.runAppointment(apptInput(TypeVideo))

		assertAccepted(t, "checkout", checkout)
		assertRejected(t, "cancellation while paying", cancel, ErrTypeInvalidState)
		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusExpired)
		assertTime(t, "expiry", h.callsTo(ActivityRecordTransition)[1].At, monday0900.Add(DefaultPaymentHold))
		if n := len(h.callsTo(ActivityCancelPayment)); n != 1 {
			t.Errorf("CancelPayment called %d times", n)
		}
		if n := len(h.emails()); n != 0 {
			t.Errorf("%d emails sent for an unpaid booking", n)
		}
		if n := len(h.callsTo(ActivityIssueInvoice)); n != 0 {
			t.Errorf("IssueInvoice called %d times", n)
		}
		if st.Status != StatusExpired || st.Reason != ReasonPaymentHoldElapsed {
			t.Errorf("final state = %+v", st)
		}
	})
	t.Run("custom hold", func(t *testing.T) {
		h := newHarness(t, monday0900)
		in := apptInput(TypeVideo)
		in.PaymentHold = 5 * time.Minute
		h.runAppointment(in)
		assertTime(t, "expiry", h.callsTo(ActivityRecordTransition)[1].At, monday0900.Add(5*time.Minute))
	})
	t.Run("payment failed", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.signalPayment(2*time.Minute, testPayment, PaymentFailed)
		st := h.runAppointment(apptInput(TypeVideo))
		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusPaymentFailed)
		if st.Reason != ReasonPaymentFailed || len(h.emails()) != 0 {
			t.Errorf("final state = %+v, emails %d", st, len(h.emails()))
		}
	})
}

func TestAppointmentInPersonAttended(t *testing.T) {
	h := newHarness(t, monday0900)
	checkout := h.update(0, UpdateCheckout)
	scheduled := h.query(time.Minute)
	early := h.update(since(apptStart.Add(-16*time.Minute)), UpdateMarkAttended)
	paidEarly := h.update(since(apptStart.Add(-15*time.Minute)), UpdateMarkPaid)
	join := h.update(since(apptStart.Add(-5*time.Minute)), UpdatePatientJoined)
	attended := h.update(since(apptStart.Add(25*time.Minute)), UpdateMarkAttended)
	noShowAfter := h.update(since(apptStart.Add(26*time.Minute)), UpdateMarkNoShow)
	paid := h.update(since(apptStart.Add(2*time.Hour)), UpdateMarkPaid)
	paidAgain := h.update(since(apptStart.Add(3*time.Hour)), UpdateMarkPaid)
	st := h.runAppointment(apptInput(TypeInPerson))

	marked := apptStart.Add(25 * time.Minute)
	assertRejected(t, "checkout of an in-person appointment", checkout, ErrTypeInvalidState)
	assertRejected(t, "attended 16 minutes before the start", early, ErrTypeInvalidState)
	assertRejected(t, "paid before the visit", paidEarly, ErrTypeInvalidState)
	assertRejected(t, "check-in to an in-person appointment", join, ErrTypeInvalidState)
	assertRejected(t, "no-show after attended", noShowAfter, ErrTypeInvalidState)
	assertAccepted(t, "attended", attended)
	assertAccepted(t, "paid", paid)
	assertAccepted(t, "paid again", paidAgain)

	assertStatuses(t, h.statuses(), StatusScheduled, StatusCompleted)
	// Nothing is paid at booking; the invoice gets an online payment link.
	payments := h.callsTo(ActivityCreatePayment)
	if len(payments) != 1 || !payments[0].At.Equal(marked) ||
		payments[0].Input.(*CreatePaymentInput).IdempotencyKey != "consultation/c-123/payment/invoice" {
		t.Errorf("CreatePayment calls %+v, want one for the invoice when attended", payments)
	}
	invoices := h.callsTo(ActivityIssueInvoice)
	if len(invoices) != 1 {
		t.Fatalf("IssueInvoice called %d times", len(invoices))
	}
	assertTime(t, "IssueInvoice", invoices[0].At, marked)
	assertTime(t, "invoice email", h.emailAt(TemplateInvoiceDue, RecipientPatient), marked)
	if n := h.sent(TemplateInvoice); n != 0 {
		t.Errorf("%d paid-invoice emails for an unpaid invoice", n)
	}
	// Paid at the desk: the online payment is cancelled.
	if got := h.callsTo(ActivityCancelPayment); len(got) != 1 || !got[0].At.Equal(apptStart.Add(2*time.Hour)) {
		t.Errorf("CancelPayment calls %+v, want one when marked paid", got)
	}
	assertTime(t, "review_request", h.emailAt(TemplateReviewRequest, RecipientPatient), marked.Add(DefaultReviewDelay))
	assertTime(t, "appointment_invitation", h.emailAt(TemplateAppointmentInvitation, RecipientPatient), monday0900)
	if in := h.emailsOf(TemplateAppointmentInvitation)[0].Input.(*SendEmailInput); in.Appointment.Type != TypeInPerson {
		t.Errorf("invitation facts = %+v", in.Appointment)
	}
	if n := h.sent(TemplateAppointmentReminder); n != 2 {
		t.Errorf("%d reminders, want 2", n)
	}
	marks := h.callsTo(ActivityMarkInvoicePaid)
	if len(marks) != 1 {
		t.Fatalf("MarkInvoicePaid called %d times", len(marks))
	}
	if in := marks[0].Input.(*MarkInvoicePaidInput); in.ConsultationID != testConsultation || !in.PaidAt.Equal(apptStart.Add(2*time.Hour)) {
		t.Errorf("MarkInvoicePaid input = %+v", in)
	}
	// Paid within the window: the workflow ends with the review request.
	assertTime(t, "workflow end", h.env.Now(), marked.Add(DefaultReviewDelay))

	if scheduled.Status != StatusScheduled || scheduled.PrescriptionAllowed || scheduled.WaitingRoomOpensAt != nil {
		t.Errorf("state after booking = %+v", scheduled)
	}
	if st.Status != StatusCompleted || !st.PrescriptionAllowed || st.InvoicePaidAt == nil || st.InvoiceNumber == "" || st.RefundedCents != 0 {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentInPersonInvoiceNeverPaid(t *testing.T) {
	h := newHarness(t, monday0900)
	h.update(since(apptStart.Add(20*time.Minute)), UpdateMarkAttended)
	in := apptInput(TypeInPerson)
	in.InvoiceOpenFor = 10 * 24 * time.Hour
	st := h.runAppointment(in)

	assertTime(t, "workflow end", h.env.Now(), apptStart.Add(20*time.Minute).Add(in.InvoiceOpenFor))
	if n := len(h.callsTo(ActivityMarkInvoicePaid)); n != 0 {
		t.Errorf("MarkInvoicePaid called %d times", n)
	}
	if st.Status != StatusCompleted || st.InvoicePaidAt != nil {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentInPersonMarkPaidWithoutInvoice(t *testing.T) {
	h := newHarness(t, monday0900)
	h.env.OnActivity(ActivityIssueInvoice, mock.Anything, mock.Anything).
		Return(IssueInvoiceResult{}, temporalNonRetryable("no invoice series"))
	h.update(since(apptStart), UpdateMarkAttended)
	paid := h.update(since(apptStart.Add(time.Hour)), UpdateMarkPaid)
	in := apptInput(TypeInPerson)
	in.InvoiceOpenFor = 48 * time.Hour
	st := h.runAppointment(in)

	if !paid.Accepted || appErrType(paid.Err) != ErrTypeInvalidState {
		t.Errorf("mark paid without invoice: accepted=%v err=%v", paid.Accepted, paid.Err)
	}
	if n := len(h.callsTo(ActivityMarkInvoicePaid)); n != 0 {
		t.Errorf("MarkInvoicePaid called %d times", n)
	}
	alerts := h.callsTo(ActivityAlertSupport)
	if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertInvoiceFailed {
		t.Errorf("alerts = %+v", alerts)
	}
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentNoShow(t *testing.T) {
	t.Run("in person, marked", func(t *testing.T) {
		h := newHarness(t, monday0900)
		early := h.update(since(apptStart.Add(-20*time.Minute)), UpdateMarkNoShow)
		noShow := h.update(since(apptStart.Add(10*time.Minute)), UpdateMarkNoShow)
		st := h.runAppointment(apptInput(TypeInPerson))

		assertRejected(t, "no-show 20 minutes before the start", early, ErrTypeInvalidState)
		assertAccepted(t, "no-show", noShow)
		assertStatuses(t, h.statuses(), StatusScheduled, StatusNoShow)
		for _, name := range []string{ActivityIssueInvoice, ActivityIssueRefund, ActivityCreatePayment} {
			if n := len(h.callsTo(name)); n != 0 {
				t.Errorf("%s called %d times", name, n)
			}
		}
		if st.Status != StatusNoShow || st.Reason != ReasonMarkedNoShow || st.PrescriptionAllowed {
			t.Errorf("final state = %+v", st)
		}
		assertTime(t, "workflow end", h.env.Now(), apptStart.Add(10*time.Minute))
	})

	t.Run("video, never checked in", func(t *testing.T) {
		h := paidVideo(t)
		st := h.runAppointment(apptInput(TypeVideo))

		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusNoShow)
		assertTime(t, "no-show", h.callsTo(ActivityRecordTransition)[2].At, apptEnd.Add(NoShowGrace))
		if n := len(h.callsTo(ActivityIssueRefund)); n != 0 {
			t.Errorf("IssueRefund called %d times for a no-show", n)
		}
		if n := h.sent(TemplateReviewRequest) + h.sent(TemplateAppointmentCancelled); n != 0 {
			t.Errorf("%d review/cancellation emails for a no-show", n)
		}
		if st.Status != StatusNoShow || st.Reason != ReasonPatientNoShow {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("video, checked in, never admitted", func(t *testing.T) {
		h := paidVideo(t)
		h.update(since(apptStart.Add(-5*time.Minute)), UpdatePatientJoined)
		st := h.runAppointment(apptInput(TypeVideo))

		notHeld := apptEnd.Add(NoShowGrace)
		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusWaiting, StatusCancelled)
		refunds := h.refundsIssued()
		if len(refunds) != 1 || refunds[0].AmountCents != apptPrice || refunds[0].IdempotencyKey != "consultation/c-123/refund/not_held" {
			t.Fatalf("refunds = %+v", refunds)
		}
		alerts := h.callsTo(ActivityAlertSupport)
		if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertSessionNotHeld {
			t.Errorf("alerts = %+v", alerts)
		}
		assertTime(t, "appointment_cancelled", h.emailAt(TemplateAppointmentCancelled, RecipientPatient), notHeld)
		if in := h.emailsOf(TemplateAppointmentCancelled)[0].Input.(*SendEmailInput); in.Appointment.RefundCents != apptPrice {
			t.Errorf("appointment_cancelled facts = %+v", in.Appointment)
		}
		if st.Status != StatusCancelled || st.Reason != ReasonSessionNotHeld || st.RefundedCents != apptPrice {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("video session never ended", func(t *testing.T) {
		h := paidVideo(t)
		h.update(since(apptStart.Add(-5*time.Minute)), UpdatePatientJoined)
		h.update(since(apptStart.Add(10*time.Minute)), UpdateStartSession)
		st := h.runAppointment(apptInput(TypeVideo))

		// Started 10 minutes late, planned to run 20 minutes: overtime
		// counts from 14:30 local.
		done := apptStart.Add(30 * time.Minute).Add(SessionOvertime)
		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusWaiting, StatusInSession, StatusCompleted)
		assertTime(t, "auto-completed", h.callsTo(ActivityRecordTransition)[4].At, done)
		assertTime(t, "review_request", h.emailAt(TemplateReviewRequest, RecipientPatient), done.Add(DefaultReviewDelay))
		if st.Reason != ReasonSessionEndNotMarked {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("in person, never marked", func(t *testing.T) {
		h := newHarness(t, monday0900)
		st := h.runAppointment(apptInput(TypeInPerson))

		alerts := h.callsTo(ActivityAlertSupport)
		if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertAttendanceUnmarked {
			t.Fatalf("alerts = %+v", alerts)
		}
		assertTime(t, "alert", alerts[0].At, apptEnd.Add(AttendanceAlertAfter))
		assertStatuses(t, h.statuses(), StatusScheduled, StatusExpired)
		assertTime(t, "expiry", h.callsTo(ActivityRecordTransition)[1].At, apptEnd.Add(AttendanceMarkLimit))
		if st.Reason != ReasonAttendanceNotMarked || len(h.callsTo(ActivityIssueInvoice)) != 0 {
			t.Errorf("final state = %+v", st)
		}
	})
}

func TestAppointmentPatientCancellation(t *testing.T) {
	tests := []struct {
		name   string
		before time.Duration // request this long before the start
		fee    int64
		refund int64
	}{
		{"30 h ahead: price minus fee", 30 * time.Hour, apptFee, apptPrice - apptFee},
		{"24h00m ahead: price minus fee", 24 * time.Hour, apptFee, apptPrice - apptFee},
		{"23h59m ahead: nothing", 24*time.Hour - time.Minute, apptFee, 0},
		{"fee larger than the price: nothing", 48 * time.Hour, apptPrice + 1000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := paidVideo(t)
			requested := apptStart.Add(-tt.before)
			badReason := h.update(since(requested.Add(-time.Minute)), UpdateRequestCancellation, CancellationRequest{Reason: "my rash is gone"})
			confirmEarly := h.update(since(requested.Add(-2*time.Minute)), UpdateConfirmCancellation)
			request := h.update(since(requested), UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonScheduleConflict})
			pending := h.query(since(requested.Add(time.Minute)))
			again := h.update(since(requested.Add(2*time.Minute)), UpdateRequestCancellation, CancellationRequest{})
			// The doctor confirms a minute before the start: eligibility
			// was fixed at the request, not at the confirmation.
			confirmed := apptStart.Add(-time.Minute)
			confirm := h.update(since(confirmed), UpdateConfirmCancellation)
			join := h.update(since(apptStart.Add(-30*time.Second)), UpdatePatientJoined)
			in := apptInput(TypeVideo)
			in.AdminFeeCents = tt.fee
			st := h.runAppointment(in)

			assertRejected(t, "free-text reason", badReason, ErrTypeInvalidInput)
			assertRejected(t, "confirm without a request", confirmEarly, ErrTypeInvalidState)
			assertAccepted(t, "request", request)
			assertRejected(t, "second request", again, ErrTypeInvalidState)
			assertAccepted(t, "confirm", confirm)
			if tt.refund > 0 {
				// The workflow still follows the refund; without one it
				// has ended and the update finds no workflow.
				assertRejected(t, "check-in after the cancellation", join, ErrTypeInvalidState)
			}

			assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusCancellationRequested, StatusCancelled)
			if pending.Status != StatusCancellationRequested || pending.CancellationRequestedAt == nil ||
				!pending.CancellationRequestedAt.Equal(requested) || pending.CancellationRefundCents != tt.refund ||
				pending.CancellationReason != CancelReasonScheduleConflict {
				t.Errorf("state after the request = %+v", pending)
			}
			doctorMail := h.emailsOf(TemplateCancellationRequested)
			if len(doctorMail) != 1 {
				t.Fatalf("%d cancellation_requested emails", len(doctorMail))
			}
			if in := doctorMail[0].Input.(*SendEmailInput); in.Recipient != RecipientDoctor || in.Appointment.RefundCents != tt.refund {
				t.Errorf("cancellation_requested = %+v (facts %+v)", in, in.Appointment)
			}
			assertTime(t, "cancellation_requested", doctorMail[0].At, requested)

			refunds := h.refundsIssued()
			if tt.refund == 0 {
				if len(refunds) != 0 {
					t.Errorf("refunds = %+v, want none", refunds)
				}
			} else {
				if len(refunds) != 1 {
					t.Fatalf("IssueRefund called %d times, want once", len(refunds))
				}
				if refunds[0].AmountCents != tt.refund || refunds[0].IdempotencyKey != "consultation/c-123/refund/cancellation" ||
					refunds[0].PaymentID != testPayment {
					t.Errorf("IssueRefund input = %+v", refunds[0])
				}
				assertTime(t, "refund", h.callsTo(ActivityIssueRefund)[0].At, confirmed)
			}
			assertTime(t, "appointment_cancelled", h.emailAt(TemplateAppointmentCancelled, RecipientPatient), confirmed)
			if in := h.emailsOf(TemplateAppointmentCancelled)[0].Input.(*SendEmailInput); in.Appointment.RefundCents != tt.refund {
				t.Errorf("appointment_cancelled facts = %+v", in.Appointment)
			}
			// Reminders after the request still go out (the appointment
			// stands until confirmed); none after the cancellation.
			for _, c := range h.emailsOf(TemplateAppointmentReminder) {
				if c.At.After(confirmed) {
					t.Errorf("reminder at %s after the cancellation", c.At)
				}
			}
			if n := h.sent(TemplateReviewRequest); n != 0 {
				t.Errorf("%d review requests", n)
			}
			if st.Status != StatusCancelled || st.Reason != ReasonCancellationConfirmed || st.RefundedCents != tt.refund ||
				st.CancellationRefundCents != tt.refund || st.NextReminderAt != nil {
				t.Errorf("final state = %+v", st)
			}
		})
	}
}

func TestAppointmentCancellationRejected(t *testing.T) {
	h := paidVideo(t)
	requested := apptStart.Add(-30 * time.Hour)
	h.update(since(requested), UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonFeelingBetter})
	reject := h.update(since(requested.Add(time.Hour)), UpdateRejectCancellation)
	after := h.query(since(requested.Add(2 * time.Hour)))
	rejectAgain := h.update(since(requested.Add(3*time.Hour)), UpdateRejectCancellation)
	h.update(since(apptStart.Add(-5*time.Minute)), UpdatePatientJoined)
	h.update(since(apptStart), UpdateStartSession)
	h.update(since(apptStart.Add(15*time.Minute)), UpdateEndSession)
	st := h.runAppointment(apptInput(TypeVideo))

	assertAccepted(t, "reject", reject)
	assertRejected(t, "second reject", rejectAgain, ErrTypeInvalidState)
	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusCancellationRequested, StatusScheduled,
		StatusWaiting, StatusInSession, StatusCompleted)
	if after.Status != StatusScheduled || after.CancellationRequestedAt != nil || after.CancellationRefundCents != 0 {
		t.Errorf("state after the rejection = %+v", after)
	}
	assertTime(t, "cancellation_rejected", h.emailAt(TemplateCancellationRejected, RecipientPatient), requested.Add(time.Hour))
	if n := h.sent(TemplateAppointmentReminder); n != 2 {
		t.Errorf("%d reminders, want 2", n)
	}
	if n := len(h.callsTo(ActivityIssueRefund)); n != 0 {
		t.Errorf("IssueRefund called %d times", n)
	}
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentCancellationAutoConfirmedAtStart(t *testing.T) {
	h := paidVideo(t)
	h.update(since(apptStart.Add(-30*time.Hour)), UpdateRequestCancellation, CancellationRequest{})
	late := h.update(since(apptStart.Add(time.Minute)), UpdateConfirmCancellation)
	st := h.runAppointment(apptInput(TypeVideo))

	assertRejected(t, "confirm after the automatic confirmation", late, ErrTypeInvalidState)
	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusScheduled, StatusCancellationRequested, StatusCancelled)
	assertTime(t, "auto-confirmation", h.callsTo(ActivityRecordTransition)[3].At, apptStart)
	refunds := h.refundsIssued()
	if len(refunds) != 1 || refunds[0].AmountCents != apptPrice-apptFee || refunds[0].IdempotencyKey != "consultation/c-123/refund/cancellation" {
		t.Fatalf("refunds = %+v", refunds)
	}
	// The 24 h and 1 h reminders went out while the request was pending.
	if n := h.sent(TemplateAppointmentReminder); n != 2 {
		t.Errorf("%d reminders, want 2", n)
	}
	if st.Status != StatusCancelled || st.Reason != ReasonCancellationAutoConfirmed || st.RefundedCents != apptPrice-apptFee {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentCancellationRequestTooLate(t *testing.T) {
	h := newHarness(t, monday0900)
	late := h.update(since(apptStart), UpdateRequestCancellation, CancellationRequest{})
	h.update(since(apptStart.Add(5*time.Minute)), UpdateMarkAttended)
	h.runAppointment(apptInput(TypeInPerson))
	assertRejected(t, "request at the start", late, ErrTypeInvalidState)
}

func TestAppointmentInPersonCancellationRefundsNothing(t *testing.T) {
	h := newHarness(t, monday0900)
	h.update(time.Hour, UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonOtherCare})
	h.update(2*time.Hour, UpdateConfirmCancellation)
	st := h.runAppointment(apptInput(TypeInPerson))

	assertStatuses(t, h.statuses(), StatusScheduled, StatusCancellationRequested, StatusCancelled)
	if n := len(h.callsTo(ActivityIssueRefund)); n != 0 {
		t.Errorf("IssueRefund called %d times", n)
	}
	if n := len(h.callsTo(ActivityIssueInvoice)); n != 0 {
		t.Errorf("IssueInvoice called %d times", n)
	}
	if n := h.sent(TemplateAppointmentReminder); n != 0 {
		t.Errorf("%d reminders after the cancellation", n)
	}
	if st.Status != StatusCancelled || st.CancellationRefundCents != 0 || st.RefundedCents != 0 {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentDoctorEnds(t *testing.T) {
	tests := []struct {
		name    string
		update  string
		arg     any
		status  Status
		reason  string
		purpose string
		pending bool // a patient's late request is pending
	}{
		{"doctor cancels", UpdateDoctorCancel, DoctorCancellation{Reason: CancelReasonDoctorUnavailable}, StatusCancelled, ReasonDoctorCancelled, "doctor_cancellation", false},
		{"doctor cancels without a reason", UpdateDoctorCancel, nil, StatusCancelled, ReasonDoctorCancelled, "doctor_cancellation", false},
		{"doctor cancels over a late request", UpdateDoctorCancel, DoctorCancellation{}, StatusCancelled, ReasonDoctorCancelled, "doctor_cancellation", true},
		{"doctor declines", UpdateDecline, DeclineInput{Reason: DeclineOutsideExpertise}, StatusDeclined, string(DeclineOutsideExpertise), "declined", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := paidVideo(t)
			if tt.pending {
				h.update(since(apptStart.Add(-2*time.Hour)), UpdateRequestCancellation, CancellationRequest{})
			}
			at := apptStart.Add(-90 * time.Minute)
			var res *updateResult
			if tt.arg == nil {
				res = h.update(since(at), tt.update)
			} else {
				res = h.update(since(at), tt.update, tt.arg)
			}
			st := h.runAppointment(apptInput(TypeVideo))

			assertAccepted(t, tt.update, res)
			refunds := h.refundsIssued()
			if len(refunds) != 1 || refunds[0].AmountCents != apptPrice || refunds[0].IdempotencyKey != "consultation/c-123/refund/"+tt.purpose {
				t.Fatalf("refunds = %+v", refunds)
			}
			assertTime(t, "appointment_cancelled", h.emailAt(TemplateAppointmentCancelled, RecipientPatient), at)
			if in := h.emailsOf(TemplateAppointmentCancelled)[0].Input.(*SendEmailInput); in.Appointment.RefundCents != apptPrice {
				t.Errorf("appointment_cancelled facts = %+v", in.Appointment)
			}
			// The 1 h reminder was still ahead and is dropped.
			if n := h.sent(TemplateAppointmentReminder); n != 1 {
				t.Errorf("%d reminders, want only the 24 h one", n)
			}
			if st.Status != tt.status || st.Reason != tt.reason || st.RefundedCents != apptPrice || st.CancellationRefundCents != apptPrice {
				t.Errorf("final state = %+v", st)
			}
		})
	}
}

func TestAppointmentDoctorEndRejected(t *testing.T) {
	h := paidVideo(t)
	badDecline := h.update(time.Hour, UpdateDecline, DeclineInput{Reason: "busy"})
	badCancel := h.update(2*time.Hour, UpdateDoctorCancel, DoctorCancellation{Reason: "I am on holiday in Spain"})
	h.update(since(apptStart.Add(-5*time.Minute)), UpdatePatientJoined)
	h.update(since(apptStart), UpdateStartSession)
	declineInSession := h.update(since(apptStart.Add(time.Minute)), UpdateDecline, DeclineInput{Reason: DeclineOther})
	h.update(since(apptStart.Add(10*time.Minute)), UpdateEndSession)
	cancelDone := h.update(since(apptStart.Add(11*time.Minute)), UpdateDoctorCancel)
	st := h.runAppointment(apptInput(TypeVideo))

	assertRejected(t, "decline with unknown reason", badDecline, ErrTypeInvalidInput)
	assertRejected(t, "cancel with free text", badCancel, ErrTypeInvalidInput)
	assertRejected(t, "decline in session", declineInSession, ErrTypeInvalidState)
	assertRejected(t, "cancel after completion", cancelDone, ErrTypeInvalidState)
	if st.Status != StatusCompleted || len(h.callsTo(ActivityIssueRefund)) != 0 {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentRefundRetriedWithSameKey(t *testing.T) {
	h := paidVideo(t)
	attempts := 0
	h.env.OnActivity(ActivityIssueRefund, mock.Anything, mock.Anything).
		Return(func(_ context.Context, in IssueRefundInput) (IssueRefundResult, error) {
			attempts++
			if attempts == 1 {
				return IssueRefundResult{}, errors.New("mollie: 503")
			}
			return IssueRefundResult{RefundID: testRefund, Status: RefundRefunded}, nil
		})
	h.update(since(apptStart.Add(-48*time.Hour)), UpdateRequestCancellation, CancellationRequest{})
	h.update(since(apptStart.Add(-47*time.Hour)), UpdateConfirmCancellation)
	st := h.runAppointment(apptInput(TypeVideo))

	refunds := h.refundsIssued()
	if len(refunds) != 2 {
		t.Fatalf("IssueRefund attempted %d times, want 2", len(refunds))
	}
	for _, r := range refunds {
		if r.IdempotencyKey != "consultation/c-123/refund/cancellation" || r.AmountCents != apptPrice-apptFee {
			t.Errorf("attempt %+v", r)
		}
	}
	if st.RefundedCents != apptPrice-apptFee || st.RefundStatus != RefundRefunded {
		t.Errorf("final state = %+v", st)
	}
}

func TestAppointmentSearchAttributes(t *testing.T) {
	h := newHarness(t, monday0900)
	var upserted []temporal.SearchAttributes
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		upserted = append(upserted, args.Get(0).(temporal.SearchAttributes))
	}).Return(nil)
	h.update(time.Minute, UpdateDoctorCancel)
	h.runAppointment(apptInput(TypeInPerson))

	if len(upserted) != 3 {
		t.Fatalf("%d upserts, want identity + 2 statuses", len(upserted))
	}
	if v, _ := upserted[0].GetKeyword(ConsultationTypeKey); v != string(TypeInPerson) {
		t.Errorf("ConsultationType = %q", v)
	}
	if v, ok := upserted[0].GetTime(ScheduledStartKey); !ok || !v.Equal(apptStart) {
		t.Errorf("ScheduledStart = %v, %v", v, ok)
	}
	for i, want := range []Status{StatusScheduled, StatusCancelled} {
		if v, _ := upserted[i+1].GetKeyword(ConsultationStatusKey); v != string(want) {
			t.Errorf("upsert %d: ConsultationStatus = %q, want %q", i+1, v, want)
		}
	}
	if got := InitialStatus(TypeInPerson); got != StatusScheduled {
		t.Errorf("InitialStatus(in_person) = %s", got)
	}
	if v, _ := StartSearchAttributes(TypeVideo, "d").GetKeyword(ConsultationStatusKey); v != string(StatusAwaitingPayment) {
		t.Errorf("StartSearchAttributes(video) status = %q", v)
	}
}

func TestAppointmentInvalidInput(t *testing.T) {
	valid := apptInput(TypeVideo).withDefaults()
	if err := valid.validate(); err != nil {
		t.Fatalf("valid input rejected: %v", err)
	}
	if valid.WaitingRoomOpens != DefaultWaitingRoomOpens || valid.PaymentHold != DefaultPaymentHold ||
		valid.ReviewDelay != DefaultReviewDelay || valid.InvoiceOpenFor != DefaultInvoiceOpenFor {
		t.Errorf("defaults = %+v", valid)
	}
	for name, mutate := range map[string]func(*AppointmentInput){
		"no consultation": func(in *AppointmentInput) { in.ConsultationID = "" },
		"no doctor":       func(in *AppointmentInput) { in.DoctorID = "" },
		"email advice":    func(in *AppointmentInput) { in.Type = TypeEmailAdvice },
		"zero amount":     func(in *AppointmentInput) { in.AmountCents = 0 },
		"negative fee":    func(in *AppointmentInput) { in.AdminFeeCents = -1 },
		"no start":        func(in *AppointmentInput) { in.Start = time.Time{} },
		"end at start":    func(in *AppointmentInput) { in.End = in.Start },
		"a day long":      func(in *AppointmentInput) { in.End = in.Start.Add(24 * time.Hour) },
		"language":        func(in *AppointmentInput) { in.Language = "fr" },
		"negative hold":   func(in *AppointmentInput) { in.PaymentHold = -time.Second },
	} {
		bad := valid
		mutate(&bad)
		if err := bad.validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}

	h := newHarness(t, monday0900)
	in := apptInput(TypeVideo)
	in.End = in.Start.Add(-time.Minute)
	h.env.ExecuteWorkflow(AppointmentWorkflowType, in)
	if err := h.env.GetWorkflowError(); appErrType(err) != ErrTypeInvalidInput {
		t.Fatalf("workflow error = %v, want %s", err, ErrTypeInvalidInput)
	}

	for _, s := range []Status{StatusNoShow, StatusCancelled, StatusCompleted} {
		if !s.Final() {
			t.Errorf("%s not final", s)
		}
	}
	for _, s := range []Status{StatusScheduled, StatusWaiting, StatusInSession, StatusCancellationRequested} {
		if s.Final() {
			t.Errorf("%s final", s)
		}
	}
}

func TestPrescriptionAllowed(t *testing.T) {
	for _, tt := range []struct {
		typ    ConsultationType
		status Status
		want   bool
	}{
		{TypeVideo, StatusInSession, true},
		{TypeVideo, StatusCompleted, true},
		{TypeVideo, StatusWaiting, false},
		{TypeVideo, StatusScheduled, false},
		{TypeVideo, StatusCancelled, false},
		{TypeInPerson, StatusCompleted, true},
		{TypeInPerson, StatusScheduled, false},
		{TypeInPerson, StatusNoShow, false},
		{TypeWalkIn, StatusInSession, true},
		{TypeEmailAdvice, StatusCompleted, false},
	} {
		if got := PrescriptionAllowed(tt.typ, tt.status); got != tt.want {
			t.Errorf("PrescriptionAllowed(%s, %s) = %v, want %v", tt.typ, tt.status, got, tt.want)
		}
	}
}

func TestAppointmentMarkPaidFailureCanBeRetried(t *testing.T) {
	h := newHarness(t, monday0900)
	attempts := 0
	h.env.OnActivity(ActivityMarkInvoicePaid, mock.Anything, mock.Anything).
		Return(func(context.Context, MarkInvoicePaidInput) error {
			attempts++
			if attempts == 1 {
				return temporalNonRetryable("invoice row locked by a migration")
			}
			return nil
		})
	h.update(since(apptStart), UpdateMarkAttended)
	first := h.update(since(apptStart.Add(time.Hour)), UpdateMarkPaid)
	failed := h.query(since(apptStart.Add(90 * time.Minute)))
	second := h.update(since(apptStart.Add(2*time.Hour)), UpdateMarkPaid)
	st := h.runAppointment(apptInput(TypeInPerson))

	if !first.Accepted || first.Err == nil {
		t.Errorf("first mark-paid: accepted=%v err=%v, want a failure", first.Accepted, first.Err)
	}
	if failed.InvoicePaidAt != nil || failed.LastError == "" {
		t.Errorf("state after the failure = %+v", failed)
	}
	assertAccepted(t, "second mark-paid", second)
	if n := len(h.callsTo(ActivityMarkInvoicePaid)); n != 2 {
		t.Errorf("MarkInvoicePaid called %d times, want 2", n)
	}
	if st.InvoicePaidAt == nil || !st.InvoicePaidAt.Equal(apptStart.Add(2*time.Hour)) {
		t.Errorf("final state = %+v", st)
	}
}

// An in-person invoice paid through its online link is marked paid once
// Mollie confirms the payment; the doctor need not mark it.
func TestAppointmentInPersonInvoicePaidOnline(t *testing.T) {
	h := newHarness(t, monday0900)
	marked := apptStart.Add(20 * time.Minute)
	h.update(since(marked), UpdateMarkAttended)
	h.forgePayment(since(marked)+time.Hour, PaymentPaid) // Mollie still says open
	h.signalPayment(since(marked)+2*time.Hour, testPayment, PaymentPaid)
	in := apptInput(TypeInPerson)
	in.InvoiceOpenFor = 10 * 24 * time.Hour
	st := h.runAppointment(in)

	paid := marked.Add(2 * time.Hour)
	marks := h.callsTo(ActivityMarkInvoicePaid)
	if len(marks) != 1 || !marks[0].Input.(*MarkInvoicePaidInput).PaidAt.Equal(paid) {
		t.Fatalf("MarkInvoicePaid calls %+v, want one at %s", marks, paid)
	}
	if st.InvoicePaidAt == nil || st.PaidAt == nil || !st.PaidAt.Equal(paid) || st.PaymentStatus != PaymentPaid {
		t.Errorf("final state = %+v", st)
	}
	if n := len(h.callsTo(ActivityCancelPayment)); n != 0 {
		t.Errorf("CancelPayment called %d times for a payment made online", n)
	}
	// Paid within the window: the workflow ends with the review request.
	assertTime(t, "workflow end", h.env.Now(), marked.Add(DefaultReviewDelay))
}

// A refund of an invoiced consultation gets a credit note, emailed to the
// patient, after the invoice exists.
func TestRefundIssuesCreditNote(t *testing.T) {
	h := paidVideo(t)
	h.update(since(apptStart)-time.Hour, UpdateDoctorCancel, DoctorCancellation{})
	st := h.runAppointment(apptInput(TypeVideo))
	notes := h.callsTo(ActivityIssueCreditNote)
	if len(notes) != 1 || notes[0].Input.(*IssueCreditNoteInput).RefundKey != "consultation/c-123/refund/doctor_cancellation" {
		t.Fatalf("IssueCreditNote calls %+v", notes)
	}
	if !notes[0].At.After(h.callsTo(ActivityIssueInvoice)[0].At) && !notes[0].At.Equal(h.callsTo(ActivityIssueInvoice)[0].At) {
		t.Errorf("credit note before the invoice")
	}
	h.emailAt(TemplateCreditNote, RecipientPatient)
	if len(st.CreditNoteNumbers) != 1 {
		t.Errorf("final state = %+v", st)
	}
}
