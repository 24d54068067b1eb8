package workflows

import (
	"testing"
	"time"
)

// A payment-update signal that Mollie does not back up (sent by hand through
// the Temporal UI or CLI) must not mark the consultation paid: the workflow
// asks Mollie, which still says "open", and the hold ends as if no signal had
// come.
func TestForgedPaidSignalIsNotTrusted(t *testing.T) {
	t.Run("email advice", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.forgePayment(time.Minute, PaymentPaid)
		st := h.run(testInput())

		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusExpired)
		if st.Reason != ReasonPaymentHoldElapsed || st.PaymentStatus == PaymentPaid {
			t.Errorf("final state = %+v", st)
		}
		if n := len(h.callsTo(ActivityIssueInvoice)); n != 0 {
			t.Errorf("IssueInvoice called %d times", n)
		}
		if n := h.sent(TemplateInvoice) + h.sent(TemplatePaymentReceived); n != 0 {
			t.Errorf("%d payment emails sent", n)
		}
		if got := h.callsTo(ActivityGetPaymentStatus); len(got) == 0 || !got[0].At.Equal(monday0900.Add(time.Minute)) {
			t.Errorf("the signal was not checked with Mollie at once: %+v", got)
		}
	})
	t.Run("video appointment", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.update(0, UpdateCheckout)
		h.forgePayment(time.Minute, PaymentPaid)
		mid := h.query(5 * time.Minute)
		st := h.runAppointment(apptInput(TypeVideo))

		if mid.Status != StatusAwaitingPayment {
			t.Errorf("after the forged signal: status %s, want %s", mid.Status, StatusAwaitingPayment)
		}
		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusExpired)
		if st.PaidAt != nil || len(h.callsTo(ActivityIssueInvoice)) != 0 || h.sent(TemplateAppointmentInvitation) != 0 {
			t.Errorf("a forged signal booked the appointment: %+v", st)
		}
	})
	t.Run("a real payment after a forged one still counts", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.forgePayment(time.Minute, PaymentPaid)
		h.signalPayment(2*time.Minute, testPayment, PaymentPaid)
		h.update(time.Hour, UpdateDecline, DeclineInput{Reason: DeclineOther})
		st := h.run(testInput())
		if st.Status != StatusDeclined || st.PaidAt == nil || !st.PaidAt.Equal(monday0900.Add(2*time.Minute)) {
			t.Errorf("final state = %+v", st)
		}
	})
}

// A forged refund-update signal claiming "failed" while Mollie says
// "refunded" raises no alert and leaves the refund counted.
func TestForgedRefundSignalIsNotTrusted(t *testing.T) {
	h := newHarness(t, monday0900)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.update(time.Hour, UpdateDecline, DeclineInput{Reason: DeclineOther})
	h.after(time.Hour+time.Minute, func() {
		h.env.SignalWorkflow(SignalRefundUpdate, RefundUpdate{RefundID: testRefund, Status: RefundFailed})
	})
	st := h.run(testInput())
	if n := len(h.callsTo(ActivityAlertSupport)); n != 0 {
		t.Errorf("%d support alerts for a refund Mollie reports refunded", n)
	}
	if st.RefundStatus != RefundRefunded || st.RefundedCents != 4500 {
		t.Errorf("final state = %+v", st)
	}
}

// paid_at: a paid video appointment and a paid email advice carry the
// moment the payment was confirmed into Postgres (RecordTransitionInput.PaidAt).
func TestPaidAtIsRecorded(t *testing.T) {
	h := paidVideo(t)
	h.update(since(apptStart)-time.Hour, UpdateDoctorCancel, DoctorCancellation{})
	st := h.runAppointment(apptInput(TypeVideo))
	paid := monday0900.Add(time.Minute)
	if st.PaidAt == nil || !st.PaidAt.Equal(paid) {
		t.Fatalf("state PaidAt = %v, want %s", st.PaidAt, paid)
	}
	var scheduled *RecordTransitionInput
	for _, c := range h.callsTo(ActivityRecordTransition) {
		if in := c.Input.(*RecordTransitionInput); in.Status == StatusScheduled {
			scheduled = in
			break
		}
	}
	if scheduled == nil || scheduled.PaidAt == nil || !scheduled.PaidAt.Equal(paid) {
		t.Fatalf("transition to scheduled = %+v, want PaidAt %s", scheduled, paid)
	}
}
