package integration

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/live"
)

// nextEvent waits for the next event of sub of type typ (skipping others).
func nextEvent(t *testing.T, sub *live.Subscription, typ live.Type) live.Event {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case e := <-sub.Events():
			if e.Type == typ {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s event within 30 s", typ)
		}
	}
}

// The workflow's transitions reach the process's hub through NOTIFY from
// the projection's transaction: the payment moves a video booking to
// scheduled (a status event), the doctor's delay moves its expected start
// (a delay event, the status unchanged, no status event).
func TestLiveHubHearsWorkflowTransitions(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 160)
	patient, _ := registerPatient(t, newEmail("live-hub"), "live-hub-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(2*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	id := uuid.MustParse(b.ID)
	<-stack.Platform.Live.Connected()
	byConsultation := stack.Platform.Live.Subscribe(live.Filter{Consultation: id})
	defer byConsultation.Close()
	byDoctor := stack.Platform.Live.Subscribe(live.Filter{Doctor: uuid.MustParse(doctorID)})
	defer byDoctor.Close()

	payCheckout(t, b.CheckoutURL)
	for _, sub := range []*live.Subscription{byConsultation, byDoctor} {
		e := nextEvent(t, sub, live.TypeStatus)
		if e.ConsultationID != id || e.Status.Status != "scheduled" || e.Status.At.IsZero() {
			t.Fatalf("status event %+v (%+v)", e, e.Status)
		}
	}
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/delay", map[string]any{"minutes": 20}).expect(t, http.StatusOK)
	e := nextEvent(t, byConsultation, live.TypeDelay)
	if e.Delay.Minutes != 20 || e.Delay.ExpectedStart == nil || !e.Delay.ExpectedStart.Equal(slot.Add(20*time.Minute)) {
		t.Fatalf("delay event %+v", e.Delay)
	}
	select {
	case e := <-byConsultation.Events():
		if e.Type == live.TypeStatus {
			t.Fatalf("a delay also sent a status event: %+v", e.Status)
		}
	case <-time.After(300 * time.Millisecond):
	}
}
