package live

import (
	"context"
	"time"

	"github.com/google/uuid"

	"derma2go/db"
)

// WaitlistOffer is the payload of TypeWaitlistOffer: which offer was made,
// until when.
type WaitlistOffer struct {
	OfferID   uuid.UUID `json:"offer_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PublishWaitlistOffer tells a patient's open waitlist pages that a slot of
// doctorID is offered to them until expires. Call it in the transaction
// that records the offer's email.
func PublishWaitlistOffer(ctx context.Context, q *db.Queries, patientID, doctorID, offerID uuid.UUID, expires time.Time) error {
	return Publish(ctx, q, Event{Type: TypeWaitlistOffer, PatientID: patientID, DoctorID: doctorID,
		WaitlistOffer: &WaitlistOffer{OfferID: offerID, ExpiresAt: expires.UTC()}})
}
