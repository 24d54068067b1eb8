package workflows

import (
	"testing"
	"time"
)

// The store-then-tell steps can be repeated: a repeated intake signal (the
// API's retry) is taken once and the SLA runs from the first, and the
// accepted advice id is accepted again while other advice is refused.
func TestEmailAdviceIntakeAndAdviceRetrySafe(t *testing.T) {
	h := newHarness(t, monday0900)
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	h.signalIntake(10 * time.Minute)
	h.signalIntake(11 * time.Minute)
	during := h.query(time.Hour)
	answer := h.update(2*time.Hour, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	answerAgain := h.update(2*time.Hour+time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	other := h.update(2*time.Hour+2*time.Minute, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-2"})
	h.signalIntake(2*time.Hour + 3*time.Minute)
	st := h.run(testInput())

	for name, res := range map[string]*updateResult{"answer": answer, "same answer again": answerAgain} {
		if !res.Accepted || res.Err != nil {
			t.Errorf("%s: accepted=%v reject=%v err=%v", name, res.Accepted, res.RejectErr, res.Err)
		}
	}
	if other.Accepted || appErrType(other.RejectErr) != ErrTypeInvalidState {
		t.Errorf("other advice after the answer: accepted=%v reject=%v", other.Accepted, other.RejectErr)
	}
	if !during.IntakeTaken || during.Status != StatusAwaitingAdvice || during.IntakeAt == nil {
		t.Fatalf("state after the intake = %+v", during)
	}
	assertTime(t, "state.IntakeAt", *during.IntakeAt, h.at(2026, 3, 9, 9, 10))
	if n := len(h.callsTo(ActivityDeliverAdvice)); n != 1 {
		t.Errorf("DeliverAdvice called %d times", n)
	}
	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusAnswered, StatusCompleted)
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}
