package workflows

import (
	"testing"
	"time"
)

// freedSlotOffers returns the OfferFreedSlot calls of an appointment.
func (h *harness) freedSlotOffers() []call { return h.callsTo(ActivityOfferFreedSlot) }

func assertOfferedOnce(t *testing.T, h *harness, trigger string, at time.Time) {
	t.Helper()
	calls := h.freedSlotOffers()
	if len(calls) != 1 {
		t.Fatalf("OfferFreedSlot called %d times, want once", len(calls))
	}
	in := calls[0].Input.(*OfferFreedSlotInput)
	if in.Trigger != trigger || in.DoctorID != "d-7" || in.Type != TypeVideo || !in.Start.Equal(apptStart) || !in.End.Equal(apptEnd) {
		t.Errorf("OfferFreedSlot(%+v)", in)
	}
	assertTime(t, "the offer of the freed slot", calls[0].At, at)
}

// TestWaitlistTriggerConfirmedCancellation: the doctor's confirmation of a
// cancellation offers the slot to the waitlist at once, and the 24-hour
// refund rule is unchanged (price minus the admin fee).
func TestWaitlistTriggerConfirmedCancellation(t *testing.T) {
	h := paidVideo(t)
	h.update(since(apptStart.Add(-30*time.Hour)), UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonScheduleConflict})
	confirmed := apptStart.Add(-29 * time.Hour)
	h.update(since(confirmed), UpdateConfirmCancellation)
	st := h.runAppointment(apptInput(TypeVideo))
	assertOfferedOnce(t, h, WaitlistTriggerCancellation, confirmed)
	if refunds := h.refundsIssued(); len(refunds) != 1 || refunds[0].AmountCents != apptPrice-apptFee {
		t.Errorf("refunds = %+v", refunds)
	}
	if st.Status != StatusCancelled {
		t.Errorf("final state = %+v", st)
	}
}

// TestWaitlistTriggerExpiredHold: a video booking whose payment hold ends
// unpaid offers its slot.
func TestWaitlistTriggerExpiredHold(t *testing.T) {
	h := newHarness(t, monday0900)
	h.update(0, UpdateCheckout)
	h.runAppointment(apptInput(TypeVideo))
	assertOfferedOnce(t, h, WaitlistTriggerHoldExpired, monday0900.Add(DefaultPaymentHold))
}

// TestWaitlistTriggerNotForOtherEnds: a doctor's cancellation (the doctor
// is not available), a decline, a rejected request and a held appointment
// offer nothing.
func TestWaitlistTriggerNotForOtherEnds(t *testing.T) {
	t.Run("doctor cancels", func(t *testing.T) {
		h := paidVideo(t)
		h.update(time.Hour, UpdateDoctorCancel, DoctorCancellation{})
		h.runAppointment(apptInput(TypeVideo))
		if n := len(h.freedSlotOffers()); n != 0 {
			t.Errorf("OfferFreedSlot called %d times", n)
		}
	})
	t.Run("rejected, then held", func(t *testing.T) {
		h := paidVideo(t)
		h.update(time.Hour, UpdateRequestCancellation, CancellationRequest{Reason: CancelReasonScheduleConflict})
		h.update(2*time.Hour, UpdateRejectCancellation)
		h.update(since(apptStart.Add(-5*time.Minute)), UpdatePatientJoined)
		h.update(since(apptStart), UpdateStartSession)
		h.update(since(apptEnd), UpdateEndSession)
		h.runAppointment(apptInput(TypeVideo))
		if n := len(h.freedSlotOffers()); n != 0 {
			t.Errorf("OfferFreedSlot called %d times", n)
		}
	})
}
