package live

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// A waitlist offer reaches its patient's streams only: not the doctor's
// (it names a patient waiting for them), not a consultation's, not another
// patient's; and it must name its patient.
func TestWaitlistOfferGoesToItsPatientOnly(t *testing.T) {
	h := NewHub(nil, nil)
	p1, p2, d, offer := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	onP1, onP2, onD := h.Subscribe(Filter{Patient: p1}), h.Subscribe(Filter{Patient: p2}), h.Subscribe(Filter{Doctor: d})
	ev := Event{Type: TypeWaitlistOffer, PatientID: p1, DoctorID: d,
		WaitlistOffer: &WaitlistOffer{OfferID: offer, ExpiresAt: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)}}
	h.dispatch(mustEncode(t, ev))
	h.dispatch(mustEncode(t, statusEvent(uuid.New(), d, "scheduled")))

	if got := received(onP1); len(got) != 1 || got[0].WaitlistOffer == nil || got[0].WaitlistOffer.OfferID != offer {
		t.Errorf("patient 1 received %+v", got)
	}
	if got := received(onP2); len(got) != 0 {
		t.Errorf("patient 2 received %+v", got)
	}
	if got := received(onD); len(got) != 1 || got[0].Type != TypeStatus {
		t.Errorf("the doctor received %+v, want only the status event", got)
	}
	ev.PatientID = uuid.Nil
	if _, err := ev.Encode(); err == nil {
		t.Error("a waitlist offer without its patient was encoded")
	}
}
