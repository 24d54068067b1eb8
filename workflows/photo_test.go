package workflows

import (
	"testing"
	"time"
)

// Photos are taken after payment, before and after the form, until the
// doctor answers; the validator is the judge, not the projection.
func TestEmailAdviceTakesPhotosUntilTheDoctorAnswers(t *testing.T) {
	h := newHarness(t, monday0900)
	beforePayment := h.update(30*time.Second, UpdateAddPhoto, AddPhotoInput{PhotoID: "p-0"})
	h.signalPayment(time.Minute, testPayment, PaymentPaid)
	beforeForm := h.update(5*time.Minute, UpdateAddPhoto, AddPhotoInput{PhotoID: "p-1"})
	h.signalIntake(10 * time.Minute)
	afterForm := h.update(20*time.Minute, UpdateAddPhoto, AddPhotoInput{PhotoID: "p-2"})
	noID := h.update(21*time.Minute, UpdateAddPhoto, AddPhotoInput{})
	h.update(3*time.Hour, UpdateAnswerAdvice, AnswerAdviceInput{AdviceID: "adv-1"})
	afterAdvice := h.update(3*time.Hour+time.Minute, UpdateAddPhoto, AddPhotoInput{PhotoID: "p-3"})

	st := h.run(testInput())

	for name, r := range map[string]*updateResult{"before the form": beforeForm, "after the form": afterForm} {
		if !r.Accepted || r.Err != nil {
			t.Errorf("photo %s: accepted=%v reject=%v err=%v", name, r.Accepted, r.RejectErr, r.Err)
		}
	}
	if res, ok := afterForm.Value.(ConsultationState); !ok || res.Status != StatusAwaitingAdvice {
		t.Errorf("photo after the form returned %#v", afterForm.Value)
	}
	for name, r := range map[string]*updateResult{"before payment": beforePayment, "after the advice": afterAdvice} {
		if r.Accepted || appErrType(r.RejectErr) != ErrTypeInvalidState {
			t.Errorf("photo %s: accepted=%v reject=%v", name, r.Accepted, r.RejectErr)
		}
	}
	if noID.Accepted || appErrType(noID.RejectErr) != ErrTypeInvalidInput {
		t.Errorf("photo without id: accepted=%v reject=%v", noID.Accepted, noID.RejectErr)
	}
	assertStatuses(t, h.statuses(), StatusAwaitingPayment, StatusAwaitingIntake, StatusAwaitingAdvice, StatusAnswered, StatusCompleted)
	if st.Status != StatusCompleted {
		t.Errorf("final state = %+v", st)
	}
}
