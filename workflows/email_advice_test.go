package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
)

// Monday 9 March 2026, 09:00 in Amsterdam: an ordinary week.
var monday0900 = time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)

func TestEmailAdviceHappyPath(t *testing.T) {
	h := newHarness(t, monday0900)
	checkout := h.update(0, UpdateCheckout)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	during := h.query(2 * time.Hour)
	answer := h.update(3*time.Hour, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})

	st := h.run(testInput())

	// The checkout update returned the URL of the payment.
	if !checkout.Accepted || checkout.Err != nil {
		t.Fatalf("checkout: accepted=%v err=%v", checkout.Accepted, checkout.Err)
	}
	if res, ok := checkout.Value.(CheckoutResult); !ok || res.CheckoutURL != "https://pay.test/"+testPayment {
		t.Errorf("checkout result = %#v", checkout.Value)
	}
	if !answer.Accepted || answer.Err != nil {
		t.Fatalf("answer: accepted=%v reject=%v err=%v", answer.Accepted, answer.RejectErr, answer.Err)
	}

	pay := h.callsTo(ActivityCreatePayment)
	if len(pay) != 1 {
		t.Fatalf("CreatePayment called %d times", len(pay))
	}
	if in := pay[0].Input.(*CreatePaymentInput); in.IdempotencyKey != "consultation/c-123/payment" || in.AmountCents != 4500 || in.Language != "nl" {
		t.Errorf("CreatePayment input = %+v", in)
	}

	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusAnswered, StatusCompleted)
	for i, c := range h.callsTo(ActivityRecordTransition) {
		if seq := c.Input.(*RecordTransitionInput).Seq; seq != i+1 {
			t.Errorf("transition %d has Seq %d", i, seq)
		}
	}

	// The SLA runs from the intake: Monday 09:10 plus one working day.
	intake := h.at(2026, 3, 9, 9, 10)
	due := h.at(2026, 3, 10, 9, 10)
	if during.Status != StatusAwaitingAdvice || during.DueAt == nil {
		t.Fatalf("state during advice = %+v", during)
	}
	assertTime(t, "state.DueAt", *during.DueAt, due)
	assertTime(t, "state.IntakeAt", *during.IntakeAt, intake)
	assertTime(t, "state.ExpiresAt", *during.ExpiresAt, h.at(2026, 3, 11, 9, 10))
	if rec := h.callsTo(ActivityRecordTransition)[2].Input.(*RecordTransitionInput); rec.DueAt == nil || !rec.DueAt.Equal(due) {
		t.Errorf("awaiting_advice recorded with DueAt %v, want %s", rec.DueAt, due)
	}

	paid := h.at(2026, 3, 9, 9, 1)
	answered := h.at(2026, 3, 9, 12, 0)
	assertTime(t, "payment_received", h.emailAt(TemplatePaymentReceived, RecipientPatient), paid)
	// The invoice is issued at payment but mailed with the intake, which
	// brings the name and date of birth it prints (a guest's).
	assertTime(t, "invoice", h.emailAt(TemplateInvoice, RecipientPatient), intake)
	if issued := h.callsTo(ActivityIssueInvoice); len(issued) != 1 || !issued[0].At.Equal(paid) {
		t.Errorf("IssueInvoice calls %+v, want one at payment", issued)
	}
	assertTime(t, "advice_request_received", h.emailAt(TemplateAdviceRequestReceived, RecipientDoctor), intake)
	assertTime(t, "advice_answered", h.emailAt(TemplateAdviceAnswered, RecipientPatient), answered)
	assertTime(t, "review_request", h.emailAt(TemplateReviewRequest, RecipientPatient), answered.Add(DefaultReviewDelay))
	if n := h.sent(TemplateAdviceSLAReminder) + h.sent(TemplateAdviceSLABreachedPatient); n != 0 {
		t.Errorf("%d reminders/breach notices sent for an advice answered in time", n)
	}
	for _, c := range h.emails() {
		in := c.Input.(*SendEmailInput)
		if want := "consultation/c-123/email/" + string(in.Template) + "/" + string(in.Recipient); in.DedupKey != want {
			t.Errorf("dedup key %q, want %q", in.DedupKey, want)
		}
	}

	deliver := h.callsTo(ActivityDeliverAdvice)
	if len(deliver) != 1 || deliver[0].Input.(*DeliverAdviceInput).AdviceID != "adv-1" {
		t.Fatalf("DeliverAdvice calls = %+v", deliver)
	}
	assertTime(t, "DeliverAdvice", deliver[0].At, answered)
	if n := len(h.callsTo(ActivityIssueInvoice)); n != 1 {
		t.Errorf("IssueInvoice called %d times", n)
	}
	if n := len(h.callsTo(ActivityIssueRefund)); n != 0 {
		t.Errorf("IssueRefund called %d times", n)
	}

	if st.Status != StatusCompleted || st.InvoiceNumber != "DR1-2026-0001" || st.PaymentStatus != PaymentPaid ||
		st.RefundedCents != 0 || st.LastError != "" || st.SLABreached {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdvicePaymentNotPaid(t *testing.T) {
	tests := []struct {
		status PaymentStatus
		want   Status
		reason string
	}{
		{PaymentFailed, StatusPaymentFailed, ReasonPaymentFailed},
		{PaymentCanceled, StatusPaymentFailed, ReasonPaymentCanceled},
		{PaymentExpired, StatusExpired, ReasonPaymentExpired},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			h := newHarness(t, monday0900)
			h.signalPayment(2*time.Minute, testPayment, PaymentPending) // not final: keep waiting
			h.signalPayment(3*time.Minute, testPayment, tt.status)
			h.signalIntake(4 * time.Minute) // ignored: never paid

			st := h.run(testInput())

			assertStatuses(t, h.statuses(), StatusAwaitingPayment, tt.want)
			if st.Status != tt.want || st.Reason != tt.reason || st.PaymentStatus != tt.status {
				t.Errorf("final state = %+v", st)
			}
			assertTime(t, "final transition", h.callsTo(ActivityRecordTransition)[1].At, monday0900.Add(3*time.Minute))
			for _, name := range []string{ActivityIssueInvoice, ActivitySendEmail, ActivityIssueRefund, ActivityCancelPayment} {
				if n := len(h.callsTo(name)); n != 0 {
					t.Errorf("%s called %d times", name, n)
				}
			}
			// The final status is confirmed with Mollie once, when it is signalled.
			if got := h.callsTo(ActivityGetPaymentStatus); len(got) != 1 || !got[0].At.Equal(monday0900.Add(3*time.Minute)) {
				t.Errorf("GetPaymentStatus calls %+v, want one at the final signal", got)
			}
		})
	}
}

func TestEmailAdviceHoldElapsed(t *testing.T) {
	holdEnd := monday0900.Add(DefaultPaymentHold)

	t.Run("cancelled", func(t *testing.T) {
		h := newHarness(t, monday0900)
		st := h.run(testInput())

		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusExpired)
		if st.Reason != ReasonPaymentHoldElapsed || st.PaymentStatus != PaymentCanceled {
			t.Errorf("final state = %+v", st)
		}
		get, cancel := h.callsTo(ActivityGetPaymentStatus), h.callsTo(ActivityCancelPayment)
		if len(get) != 1 || len(cancel) != 1 {
			t.Fatalf("GetPaymentStatus %d, CancelPayment %d calls; want 1 each", len(get), len(cancel))
		}
		assertTime(t, "GetPaymentStatus", get[0].At, holdEnd)
		assertTime(t, "CancelPayment", cancel[0].At, holdEnd)
		if in := cancel[0].Input.(*PaymentRefInput); in.PaymentID != testPayment {
			t.Errorf("CancelPayment input = %+v", in)
		}
	})

	t.Run("lost webhook, status fetch finds it paid", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.pollStatus = PaymentPaid
		h.signalIntake(20 * time.Minute)
		h.update(30*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
		st := h.run(testInput())

		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusAnswered, StatusCompleted)
		if n := len(h.callsTo(ActivityCancelPayment)); n != 0 {
			t.Errorf("CancelPayment called %d times for a paid payment", n)
		}
		assertTime(t, "payment_received", h.emailAt(TemplatePaymentReceived, RecipientPatient), holdEnd)
		if st.Status != StatusCompleted {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("paid while cancelling", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.cancelStatus = PaymentPaid
		h.signalIntake(20 * time.Minute)
		h.update(30*time.Minute, UpdateDecline, DeclineInput{Reason: DeclineOutsideExpertise})
		st := h.run(testInput())

		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusDeclined)
		if st.RefundedCents != 4500 {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("not cancelable, paid late, refunded", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.cancelStatus = PaymentOpen
		h.signalPayment(40*time.Minute, testPayment, PaymentPaid)
		st := h.run(testInput())

		assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusExpired)
		refunds := h.callsTo(ActivityIssueRefund)
		if len(refunds) != 1 {
			t.Fatalf("IssueRefund called %d times", len(refunds))
		}
		if in := refunds[0].Input.(*IssueRefundInput); in.IdempotencyKey != "consultation/c-123/refund/late_payment" || in.AmountCents != 4500 {
			t.Errorf("IssueRefund input = %+v", in)
		}
		assertTime(t, "refund", refunds[0].At, monday0900.Add(40*time.Minute))
		assertTime(t, "refund_issued", h.emailAt(TemplateRefundIssued, RecipientPatient), monday0900.Add(40*time.Minute))
		if st.Status != StatusExpired || st.PaymentStatus != PaymentPaid || st.RefundedCents != 4500 || st.RefundStatus != RefundRefunded {
			t.Errorf("final state = %+v", st)
		}
		if n := len(h.callsTo(ActivityIssueInvoice)); n != 0 {
			t.Errorf("IssueInvoice called %d times", n)
		}
	})

	t.Run("not cancelable, never paid", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.cancelStatus = PaymentOpen
		st := h.run(testInput())

		if n := len(h.callsTo(ActivityIssueRefund)); n != 0 {
			t.Errorf("IssueRefund called %d times", n)
		}
		get := h.callsTo(ActivityGetPaymentStatus)
		if len(get) != 2 {
			t.Fatalf("GetPaymentStatus called %d times, want at the hold and after the late-payment watch", len(get))
		}
		assertTime(t, "final status fetch", get[1].At, holdEnd.Add(latePaymentWatch))
		if st.Status != StatusExpired {
			t.Errorf("final state = %+v", st)
		}
	})
}

func TestEmailAdviceCreatePaymentFails(t *testing.T) {
	h := newHarness(t, monday0900)
	h.env.OnActivity(ActivityCreatePayment, mock.Anything, mock.Anything).
		Return(CreatePaymentResult{}, errors.New("mollie unavailable"))
	checkout := h.update(0, UpdateCheckout)
	st := h.run(testInput())

	if !checkout.Accepted || appErrType(checkout.Err) != ErrTypePaymentUnavailable {
		t.Errorf("checkout: accepted=%v err=%v", checkout.Accepted, checkout.Err)
	}
	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusPaymentFailed)
	if st.Reason != ReasonPaymentNotCreated || st.LastError == "" {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdviceDuplicatePaymentSignals(t *testing.T) {
	h := newHarness(t, monday0900)
	h.signalPayment(time.Minute, "tr_other", PaymentFailed) // another payment: ignored
	h.signalPayment(2*time.Minute, testPayment, PaymentPaid)
	h.signalPayment(3*time.Minute, testPayment, PaymentPaid) // duplicate webhook
	h.signalPayment(4*time.Minute, testPayment, PaymentPaid)
	h.signalIntake(5 * time.Minute)
	h.signalIntake(6 * time.Minute) // duplicate intake: ignored
	h.update(time.Hour, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	h.signalPayment(2*time.Hour, testPayment, PaymentPaid) // late duplicate
	st := h.run(testInput())

	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusAnswered, StatusCompleted)
	if n := len(h.callsTo(ActivityIssueInvoice)); n != 1 {
		t.Errorf("IssueInvoice called %d times", n)
	}
	assertTime(t, "payment_received", h.emailAt(TemplatePaymentReceived, RecipientPatient), monday0900.Add(2*time.Minute))
	h.emailAt(TemplateAdviceRequestReceived, RecipientDoctor)
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdviceRemindersAndLateAnswer(t *testing.T) {
	h := newHarness(t, monday0900)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	// Due Tuesday 09:10; the doctor answers at 10:00, late but before the
	// request expires on Wednesday 09:10.
	h.update(25*time.Hour, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-late"})
	st := h.run(testInput())

	due := h.at(2026, 3, 10, 9, 10)
	var reminders []time.Time
	for _, c := range h.emails() {
		in := c.Input.(*SendEmailInput)
		if in.Template == TemplateAdviceSLAReminder {
			if in.Recipient != RecipientDoctor {
				t.Errorf("reminder to %s", in.Recipient)
			}
			reminders = append(reminders, c.At)
			if want := "consultation/c-123/email/advice_sla_reminder/doctor/"; in.DedupKey != want+"4h" && in.DedupKey != want+"1h" {
				t.Errorf("reminder dedup key %q", in.DedupKey)
			}
		}
	}
	if len(reminders) != 2 {
		t.Fatalf("%d reminders, want 2", len(reminders))
	}
	assertTime(t, "first reminder", reminders[0], due.Add(-4*time.Hour))
	assertTime(t, "second reminder", reminders[1], due.Add(-time.Hour))
	assertTime(t, "breach notice to patient", h.emailAt(TemplateAdviceSLABreachedPatient, RecipientPatient), due)
	assertTime(t, "breach notice to support", h.emailAt(TemplateAdviceSLABreachedSupport, RecipientSupport), due)

	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusAnswered, StatusCompleted)
	if n := len(h.callsTo(ActivityIssueRefund)); n != 0 {
		t.Errorf("IssueRefund called %d times for a late but answered request", n)
	}
	if st.Status != StatusCompleted || !st.SLABreached {
		t.Errorf("final state = %+v", st)
	}
}

// TestEmailAdviceDeadlines checks the due time the workflow computes and
// records across a weekend, King's Day and Easter Monday (with the DST
// change of 2027).
func TestEmailAdviceDeadlines(t *testing.T) {
	ams := mustZone(t, "Europe/Amsterdam")
	tests := []struct {
		name    string
		intake  time.Time
		slaDays int
		due     time.Time
	}{
		{"weekend", time.Date(2026, 3, 6, 15, 10, 0, 0, ams), 1, time.Date(2026, 3, 9, 15, 10, 0, 0, ams)},
		{"weekend, 2 days", time.Date(2026, 3, 6, 15, 10, 0, 0, ams), 2, time.Date(2026, 3, 10, 15, 10, 0, 0, ams)},
		{"submitted on Saturday", time.Date(2026, 3, 7, 11, 0, 0, 0, ams), 1, time.Date(2026, 3, 10, 0, 0, 0, 0, ams)},
		{"King's Day 2026", time.Date(2026, 4, 24, 15, 10, 0, 0, ams), 1, time.Date(2026, 4, 28, 15, 10, 0, 0, ams)},
		{"Easter Monday 2026", time.Date(2026, 4, 3, 15, 10, 0, 0, ams), 1, time.Date(2026, 4, 7, 15, 10, 0, 0, ams)},
		{"Easter Monday 2027 and DST", time.Date(2027, 3, 26, 15, 10, 0, 0, ams), 1, time.Date(2027, 3, 30, 15, 10, 0, 0, ams)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := tt.intake.Add(-10 * time.Minute)
			h := newHarness(t, start)
			h.signalPayment(time.Minute, testPayment, PaymentPaid)
			// The API's SubmittedAt claims an earlier time; the workflow
			// counts from when it takes the signal.
			h.after(10*time.Minute, func() {
				h.env.SignalWorkflow(SignalIntakeSubmitted, IntakeSubmitted{SubmittedAt: start.Add(-48 * time.Hour)})
			})
			state := h.query(11 * time.Minute)
			h.update(12*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
			in := testInput()
			in.SLADays = tt.slaDays
			h.run(in)

			if state.DueAt == nil {
				t.Fatalf("state = %+v", state)
			}
			assertTime(t, "due", *state.DueAt, tt.due)
			assertTime(t, "intake", *state.IntakeAt, tt.intake)
			rec := h.callsTo(ActivityRecordTransition)[2].Input.(*RecordTransitionInput)
			if rec.Status != StatusAwaitingAdvice || rec.DueAt == nil {
				t.Fatalf("third transition = %+v", rec)
			}
			assertTime(t, "recorded due", *rec.DueAt, tt.due)
			if state.TimeZone != "Europe/Amsterdam" {
				t.Errorf("time zone %q", state.TimeZone)
			}
		})
	}
}

func TestEmailAdviceUnknownZoneFallsBack(t *testing.T) {
	h := newHarness(t, monday0900)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	h.update(20*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	in := testInput()
	in.DoctorTimeZone = "Mars/Olympus_Mons"
	st := h.run(in)

	if st.TimeZone != DefaultTimeZone {
		t.Errorf("time zone %q, want the default", st.TimeZone)
	}
	assertTime(t, "due", *st.DueAt, h.at(2026, 3, 10, 9, 10))
}

func TestEmailAdviceExpiresAndRefunds(t *testing.T) {
	h := newHarness(t, monday0900)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	expires := h.at(2026, 3, 11, 9, 10) // due Tuesday 09:10 + 1 working day
	// An answer after the expiry is rejected.
	late := h.update(expires.Sub(monday0900)+time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	st := h.run(testInput())

	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusExpired)
	assertTime(t, "expiry", h.callsTo(ActivityRecordTransition)[3].At, expires)
	due := h.at(2026, 3, 10, 9, 10)
	assertTime(t, "breach notice", h.emailAt(TemplateAdviceSLABreachedPatient, RecipientPatient), due)
	assertTime(t, "support notice", h.emailAt(TemplateAdviceSLABreachedSupport, RecipientSupport), due)

	refunds := h.callsTo(ActivityIssueRefund)
	if len(refunds) != 1 {
		t.Fatalf("IssueRefund called %d times", len(refunds))
	}
	in := refunds[0].Input.(*IssueRefundInput)
	if in.IdempotencyKey != "consultation/c-123/refund/advice_expired" || in.AmountCents != 4500 || in.PaymentID != testPayment {
		t.Errorf("IssueRefund input = %+v", in)
	}
	assertTime(t, "refund", refunds[0].At, expires)
	assertTime(t, "advice_expired_refunded", h.emailAt(TemplateAdviceExpiredRefunded, RecipientPatient), expires)

	// The refund is followed: pending at issue, refunded at the first poll.
	polls := h.callsTo(ActivityGetRefundStatus)
	if len(polls) != 1 {
		t.Fatalf("GetRefundStatus called %d times", len(polls))
	}
	assertTime(t, "refund poll", polls[0].At, expires.Add(refundPollFirst))

	if late.Accepted || appErrType(late.RejectErr) != ErrTypeInvalidState {
		t.Errorf("late answer: accepted=%v reject=%v", late.Accepted, late.RejectErr)
	}
	if n := len(h.callsTo(ActivityDeliverAdvice)); n != 0 {
		t.Errorf("DeliverAdvice called %d times", n)
	}
	if st.Status != StatusExpired || st.Reason != ReasonAdviceSLAExpired || st.RefundedCents != 4500 ||
		st.RefundStatus != RefundRefunded || !st.SLABreached {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdviceDoctorDeclines(t *testing.T) {
	tests := []struct {
		name     string
		intake   bool
		statuses []Status
	}{
		{"awaiting advice", true, []Status{StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusDeclined}},
		{"awaiting intake", false, []Status{StatusAwaitingPayment, StatusAwaitingIntake, StatusDeclined}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, monday0900)
			h.signalPayment(time.Minute, testPayment, PaymentPaid)
			if tt.intake {
				h.signalIntake(10 * time.Minute)
			}
			decline := h.update(time.Hour, UpdateDecline, DeclineInput{Reason: DeclineNeedsPhysicalExam})
			// A refund-update webhook confirms the refund before the first poll.
			h.after(time.Hour+time.Minute, func() {
				h.env.SignalWorkflow(SignalRefundUpdate, RefundUpdate{RefundID: testRefund, Status: RefundRefunded})
			})
			answer := h.update(time.Hour+30*time.Second, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
			st := h.run(testInput())

			if !decline.Accepted || decline.Err != nil {
				t.Fatalf("decline: accepted=%v reject=%v err=%v", decline.Accepted, decline.RejectErr, decline.Err)
			}
			if res, ok := decline.Value.(ConsultationState); !ok || res.Status != StatusDeclined {
				t.Errorf("decline result = %#v", decline.Value)
			}
			if answer.Accepted || appErrType(answer.RejectErr) != ErrTypeInvalidState {
				t.Errorf("answer after decline: accepted=%v reject=%v", answer.Accepted, answer.RejectErr)
			}
			assertStatuses(t, h.statuses(), tt.statuses...)
			declinedAt := monday0900.Add(time.Hour)
			assertTime(t, "consultation_declined", h.emailAt(TemplateConsultationDeclined, RecipientPatient), declinedAt)
			// Declined before the intake, the invoice the credit note refers
			// to goes out at the decline.
			invoiceMailed := declinedAt
			if tt.intake {
				invoiceMailed = monday0900.Add(10 * time.Minute)
			}
			assertTime(t, "invoice", h.emailAt(TemplateInvoice, RecipientPatient), invoiceMailed)
			refunds := h.callsTo(ActivityIssueRefund)
			if len(refunds) != 1 {
				t.Fatalf("IssueRefund called %d times", len(refunds))
			}
			if in := refunds[0].Input.(*IssueRefundInput); in.IdempotencyKey != "consultation/c-123/refund/declined" || in.AmountCents != 4500 {
				t.Errorf("IssueRefund input = %+v", in)
			}
			// The webhook's signal is checked with Mollie at once, instead of
			// waiting for the first poll.
			if got := h.callsTo(ActivityGetRefundStatus); len(got) != 1 || !got[0].At.Equal(monday0900.Add(time.Hour+time.Minute)) {
				t.Errorf("GetRefundStatus calls %+v, want one at the webhook's signal", got)
			}
			if st.Status != StatusDeclined || st.Reason != string(DeclineNeedsPhysicalExam) ||
				st.RefundedCents != 4500 || st.RefundStatus != RefundRefunded {
				t.Errorf("final state = %+v", st)
			}
		})
	}
}

func TestEmailAdviceUpdatesRejectedInWrongState(t *testing.T) {
	h := newHarness(t, monday0900)
	declineUnpaid := h.update(30*time.Second, UpdateDecline, DeclineInput{Reason: DeclineOther})
	answerUnpaid := h.update(40*time.Second, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	checkoutPaid := h.update(2*time.Minute, UpdateCheckout)
	answerNoIntake := h.update(3*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	badReason := h.update(4*time.Minute, UpdateDecline, DeclineInput{Reason: "because"})
	h.signalIntake(10 * time.Minute)
	noAdvice := h.update(20*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{})
	ok := h.update(30*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	twice := h.update(31*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-2"})
	declineDone := h.update(32*time.Minute, UpdateDecline, DeclineInput{Reason: DeclineOther})
	st := h.run(testInput())

	for name, tc := range map[string]struct {
		res  *updateResult
		want string
	}{
		"decline while awaiting payment": {declineUnpaid, ErrTypeInvalidState},
		"answer while awaiting payment":  {answerUnpaid, ErrTypeInvalidState},
		"checkout after payment":         {checkoutPaid, ErrTypeInvalidState},
		"answer while awaiting intake":   {answerNoIntake, ErrTypeInvalidState},
		"decline with unknown reason":    {badReason, ErrTypeInvalidInput},
		"answer without advice id":       {noAdvice, ErrTypeInvalidInput},
		"second answer":                  {twice, ErrTypeInvalidState},
		"decline after answer":           {declineDone, ErrTypeInvalidState},
	} {
		if tc.res.Accepted || appErrType(tc.res.RejectErr) != tc.want {
			t.Errorf("%s: accepted=%v reject=%v, want rejection of type %s", name, tc.res.Accepted, tc.res.RejectErr, tc.want)
		}
	}
	if !ok.Accepted || ok.Err != nil {
		t.Errorf("valid answer: accepted=%v reject=%v err=%v", ok.Accepted, ok.RejectErr, ok.Err)
	}
	deliver := h.callsTo(ActivityDeliverAdvice)
	if len(deliver) != 1 || deliver[0].Input.(*DeliverAdviceInput).AdviceID != "adv-1" {
		t.Errorf("DeliverAdvice calls = %+v", deliver)
	}
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdviceRefundRetriedWithSameKey(t *testing.T) {
	h := newHarness(t, monday0900)
	attempts := 0
	h.env.OnActivity(ActivityIssueRefund, mock.Anything, mock.Anything).
		Return(func(_ context.Context, in IssueRefundInput) (IssueRefundResult, error) {
			attempts++
			if attempts == 1 {
				return IssueRefundResult{}, errors.New("mollie: 503")
			}
			return IssueRefundResult{RefundID: testRefund, Status: RefundQueued}, nil
		})
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	h.update(time.Hour, UpdateDecline, DeclineInput{Reason: DeclineOutsideExpertise})
	// Pending at the first poll, refunded at the second.
	polled := 0
	h.env.OnActivity(ActivityGetRefundStatus, mock.Anything, mock.Anything).
		Return(func(context.Context, RefundRefInput) (RefundStatusResult, error) {
			polled++
			if polled == 1 {
				return RefundStatusResult{Status: RefundPending}, nil
			}
			return RefundStatusResult{Status: RefundRefunded}, nil
		})
	st := h.run(testInput())

	refunds := h.callsTo(ActivityIssueRefund)
	if len(refunds) != 2 {
		t.Fatalf("IssueRefund attempted %d times, want 2 (one failure, one retry)", len(refunds))
	}
	for _, r := range refunds {
		if key := r.Input.(*IssueRefundInput).IdempotencyKey; key != "consultation/c-123/refund/declined" {
			t.Errorf("attempt with key %q", key)
		}
	}
	polls := h.callsTo(ActivityGetRefundStatus)
	if len(polls) != 2 {
		t.Fatalf("GetRefundStatus called %d times, want 2", len(polls))
	}
	issued := refunds[1].At
	assertTime(t, "first poll", polls[0].At, issued.Add(refundPollFirst))
	assertTime(t, "second poll (backed off)", polls[1].At, issued.Add(3*refundPollFirst))
	for _, p := range polls {
		if p.Input.(*RefundRefInput).RefundID != testRefund {
			t.Errorf("followed refund %+v", p.Input)
		}
	}
	if n := len(h.callsTo(ActivityAlertSupport)); n != 0 {
		t.Errorf("AlertSupport called %d times", n)
	}
	if st.RefundedCents != 4500 || st.RefundStatus != RefundRefunded || st.RefundID != testRefund {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdviceRefundFailureAlertsSupport(t *testing.T) {
	t.Run("failed at Mollie", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.refundPolled = RefundFailed
		h.signalPayment(time.Minute, testPayment, PaymentPaid)
		h.update(time.Hour, UpdateDecline, DeclineInput{Reason: DeclineOther})
		st := h.run(testInput())

		alerts := h.callsTo(ActivityAlertSupport)
		if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertRefundFailed {
			t.Fatalf("alerts = %+v", alerts)
		}
		h.emailAt(TemplateRefundFailedSupport, RecipientSupport)
		if st.RefundedCents != 0 || st.RefundStatus != RefundFailed || st.LastError == "" {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("never confirmed", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.refundPolled = RefundPending
		h.signalPayment(time.Minute, testPayment, PaymentPaid)
		h.update(time.Hour, UpdateDecline, DeclineInput{Reason: DeclineOther})
		st := h.run(testInput())

		alerts := h.callsTo(ActivityAlertSupport)
		if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertRefundUnconfirmed {
			t.Fatalf("alerts = %+v", alerts)
		}
		assertTime(t, "alert", alerts[0].At, monday0900.Add(time.Hour).Add(refundFollowLimit))
		if polls := len(h.callsTo(ActivityGetRefundStatus)); polls > 100 {
			t.Errorf("%d polls in the follow limit; the backoff should keep it small", polls)
		}
		if st.RefundStatus != RefundPending {
			t.Errorf("final state = %+v", st)
		}
	})

	t.Run("cannot be issued", func(t *testing.T) {
		h := newHarness(t, monday0900)
		h.env.OnActivity(ActivityIssueRefund, mock.Anything, mock.Anything).
			Return(IssueRefundResult{}, temporalNonRetryable("amount exceeds the payment"))
		h.signalPayment(time.Minute, testPayment, PaymentPaid)
		h.update(time.Hour, UpdateDecline, DeclineInput{Reason: DeclineOther})
		st := h.run(testInput())

		if n := len(h.callsTo(ActivityIssueRefund)); n != 1 {
			t.Errorf("IssueRefund attempted %d times", n)
		}
		alerts := h.callsTo(ActivityAlertSupport)
		if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertRefundFailed {
			t.Fatalf("alerts = %+v", alerts)
		}
		h.emailAt(TemplateRefundFailedSupport, RecipientSupport)
		// The patient is still told about the decline.
		h.emailAt(TemplateConsultationDeclined, RecipientPatient)
		if st.Status != StatusDeclined || st.RefundedCents != 0 {
			t.Errorf("final state = %+v", st)
		}
	})
}

func TestEmailAdviceIntakeTimeoutRefunds(t *testing.T) {
	h := newHarness(t, monday0900)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	st := h.run(testInput())

	timeout := monday0900.Add(time.Minute + DefaultIntakeTimeout)
	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusExpired)
	assertTime(t, "expiry", h.callsTo(ActivityRecordTransition)[2].At, timeout)
	refunds := h.callsTo(ActivityIssueRefund)
	if len(refunds) != 1 {
		t.Fatalf("IssueRefund called %d times", len(refunds))
	}
	if in := refunds[0].Input.(*IssueRefundInput); in.IdempotencyKey != "consultation/c-123/refund/intake_timeout" || in.AmountCents != 4500 {
		t.Errorf("IssueRefund input = %+v", in)
	}
	assertTime(t, "refund_issued", h.emailAt(TemplateRefundIssued, RecipientPatient), timeout)
	assertTime(t, "invoice", h.emailAt(TemplateInvoice, RecipientPatient), timeout)
	if st.Status != StatusExpired || st.Reason != ReasonIntakeTimeout || st.RefundedCents != 4500 {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdviceDeliveryFailureFailsWorkflow(t *testing.T) {
	h := newHarness(t, monday0900)
	h.env.OnActivity(ActivityDeliverAdvice, mock.Anything, mock.Anything).
		Return(temporalNonRetryable("advice adv-x does not belong to the consultation"))
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	h.update(time.Hour, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-x"})
	h.env.ExecuteWorkflow(EmailAdviceWorkflowType, testInput())

	if err := h.env.GetWorkflowError(); err == nil {
		t.Fatal("workflow succeeded although the advice could not be delivered")
	}
	alerts := h.callsTo(ActivityAlertSupport)
	if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertDeliveryFailed {
		t.Fatalf("alerts = %+v", alerts)
	}
}

func TestEmailAdviceInvalidInput(t *testing.T) {
	h := newHarness(t, monday0900)
	in := testInput()
	in.SLADays = 3
	h.env.ExecuteWorkflow(EmailAdviceWorkflowType, in)
	if err := h.env.GetWorkflowError(); appErrType(err) != ErrTypeInvalidInput {
		t.Fatalf("workflow error = %v, want %s", err, ErrTypeInvalidInput)
	}
	if n := len(h.callsTo(ActivityCreatePayment)); n != 0 {
		t.Errorf("CreatePayment called %d times", n)
	}
}

func TestEmailAdviceSearchAttributes(t *testing.T) {
	h := newHarness(t, monday0900)
	var upserted []temporal.SearchAttributes
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		upserted = append(upserted, args.Get(0).(temporal.SearchAttributes))
	}).Return(nil)
	h.signalPayment(time.Minute, testPayment, PaymentFailed)
	h.run(testInput())

	if len(upserted) != 3 {
		t.Fatalf("%d upserts, want identity + 2 statuses", len(upserted))
	}
	if v, _ := upserted[0].GetKeyword(ConsultationTypeKey); v != string(TypeEmailAdvice) {
		t.Errorf("ConsultationType = %q", v)
	}
	if v, _ := upserted[0].GetKeyword(DoctorIDKey); v != "d-7" {
		t.Errorf("DoctorId = %q", v)
	}
	for i, want := range []Status{StatusAwaitingPayment, StatusPaymentFailed} {
		if v, _ := upserted[i+1].GetKeyword(ConsultationStatusKey); v != string(want) {
			t.Errorf("upsert %d: ConsultationStatus = %q, want %q", i+1, v, want)
		}
	}
	if len(SearchAttributeTypes()) != 4 {
		t.Errorf("SearchAttributeTypes() = %v", SearchAttributeTypes())
	}
	if got := ConsultationWorkflowID("abc"); got != "consultation/abc" {
		t.Errorf("ConsultationWorkflowID = %q", got)
	}
}

func TestEmailAdviceInvoiceAndEmailFailuresDoNotStopTheConsultation(t *testing.T) {
	h := newHarness(t, monday0900)
	h.env.OnActivity(ActivityIssueInvoice, mock.Anything, mock.Anything).
		Return(IssueInvoiceResult{}, temporalNonRetryable("no invoice series for the doctor"))
	h.env.OnActivity(ActivitySendEmail, mock.Anything, mock.Anything).
		Return(func(_ context.Context, in SendEmailInput) error {
			if in.Template == TemplatePaymentReceived {
				return temporalNonRetryable("template missing")
			}
			return nil
		})
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	h.update(time.Hour, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	st := h.run(testInput())

	alerts := h.callsTo(ActivityAlertSupport)
	if len(alerts) != 1 || alerts[0].Input.(*AlertSupportInput).Code != AlertInvoiceFailed {
		t.Fatalf("alerts = %+v", alerts)
	}
	if h.sent(TemplateInvoice) != 0 {
		t.Error("invoice emailed although none was issued")
	}
	assertTime(t, "advice_request_received", h.emailAt(TemplateAdviceRequestReceived, RecipientDoctor), monday0900.Add(10*time.Minute))
	if st.Status != StatusCompleted || st.InvoiceNumber != "" || st.LastError == "" {
		t.Errorf("final state = %+v", st)
	}
}

func TestEmailAdviceInputDefaultsAndValidation(t *testing.T) {
	in := EmailAdviceInput{ConsultationID: "c", DoctorID: "d", AmountCents: 1, FormKind: FormDetailed}.withDefaults()
	if in.SLADays != 1 || in.DoctorTimeZone != DefaultTimeZone || in.Language != "nl" ||
		in.PaymentHold != DefaultPaymentHold || in.ReviewDelay != DefaultReviewDelay || in.IntakeTimeout != DefaultIntakeTimeout {
		t.Errorf("defaults = %+v", in)
	}
	if err := in.validate(); err != nil {
		t.Errorf("valid input rejected: %v", err)
	}
	for name, mutate := range map[string]func(*EmailAdviceInput){
		"no consultation": func(in *EmailAdviceInput) { in.ConsultationID = "" },
		"no doctor":       func(in *EmailAdviceInput) { in.DoctorID = "" },
		"zero amount":     func(in *EmailAdviceInput) { in.AmountCents = 0 },
		"form kind":       func(in *EmailAdviceInput) { in.FormKind = "long" },
		"sla days":        func(in *EmailAdviceInput) { in.SLADays = 5 },
		"language":        func(in *EmailAdviceInput) { in.Language = "de" },
		"negative hold":   func(in *EmailAdviceInput) { in.PaymentHold = -time.Second },
	} {
		bad := in
		mutate(&bad)
		if err := bad.validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, s := range []Status{StatusPaymentFailed, StatusExpired, StatusCompleted, StatusDeclined, StatusCancelled} {
		if !s.Final() {
			t.Errorf("%s not final", s)
		}
	}
	for _, s := range []Status{StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusAnswered} {
		if s.Final() {
			t.Errorf("%s final", s)
		}
	}
}
