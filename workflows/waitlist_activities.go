package workflows

import "time"

// Waitlist activities (package activities implements them; waitlist.go and
// appointment.go call them). Like every activity they are idempotent and
// carry ids, never personal data.
const (
	// ActivityHoldWaitlistSlot holds a freed slot for the chain run
	// (HoldWaitlistSlotInput → HoldWaitlistSlotResult): a hold row that
	// counts like a booking. Held is false when the slot is booked (or held
	// by another chain) already. A retry returns the hold of the run.
	ActivityHoldWaitlistSlot = "HoldWaitlistSlot"
	// ActivityOfferWaitlistSlot offers the held slot to the first matching
	// entry not offered this hold yet (OfferWaitlistSlotInput →
	// OfferWaitlistSlotResult); Found is false when nobody matches. A retry
	// returns the offer that is open already.
	ActivityOfferWaitlistSlot = "OfferWaitlistSlot"
	// ActivitySendWaitlistOffer emails the offer with the link to its page
	// and publishes a live event to the patient (SendWaitlistOfferInput →
	// nothing); once per offer.
	ActivitySendWaitlistOffer = "SendWaitlistOffer"
	// ActivityAnswerWaitlistOffer records an answer (accepted, declined,
	// expired) of an offer (AnswerWaitlistOfferInput →
	// AnswerWaitlistOfferResult). A decline counts towards
	// domain.WaitlistDeclineLimit. Closing an accepted offer whose booking
	// took the hold meanwhile closes nothing and reports HoldTaken.
	ActivityAnswerWaitlistOffer = "AnswerWaitlistOffer"
	// ActivityWaitlistHoldStatus reads the hold (WaitlistHoldRef →
	// WaitlistHoldStatusResult). Read-only.
	ActivityWaitlistHoldStatus = "WaitlistHoldStatus"
	// ActivityReleaseWaitlistHold frees a slot nobody took (ReleaseWaitlistHoldInput →
	// nothing). Releasing twice is harmless.
	ActivityReleaseWaitlistHold = "ReleaseWaitlistHold"
	// ActivityOfferFreedSlot starts the offer chain of a slot that was just
	// freed, if entries of the doctor's waitlist match it (OfferFreedSlotInput
	// → OfferFreedSlotResult). A chain already running for the slot is left
	// alone.
	ActivityOfferFreedSlot = "OfferFreedSlot"
)

// HoldWaitlistSlotInput is the input of ActivityHoldWaitlistSlot.
type HoldWaitlistSlotInput struct {
	WorkflowID, RunID string
	DoctorID          string
	Type              ConsultationType
	Start, End        time.Time
	// HeldUntil bounds the hold should the chain be lost: no later than
	// the start.
	HeldUntil time.Time
}

// HoldWaitlistSlotResult is the output of ActivityHoldWaitlistSlot.
type HoldWaitlistSlotResult struct {
	HoldID string
	Held   bool
}

// OfferWaitlistSlotInput is the input of ActivityOfferWaitlistSlot.
type OfferWaitlistSlotInput struct {
	HoldID    string
	ExpiresAt time.Time
}

// OfferWaitlistSlotResult is the output of ActivityOfferWaitlistSlot.
type OfferWaitlistSlotResult struct {
	Found   bool
	OfferID string
	// ExpiresAt is the offer's stored end (a retried offer keeps its own).
	ExpiresAt time.Time
}

// SendWaitlistOfferInput is the input of ActivitySendWaitlistOffer.
type SendWaitlistOfferInput struct {
	OfferID string
}

// AnswerWaitlistOfferInput is the input of ActivityAnswerWaitlistOffer.
type AnswerWaitlistOfferInput struct {
	OfferID string
	Answer  string // WaitlistAnswer*
}

// AnswerWaitlistOfferResult is the output of ActivityAnswerWaitlistOffer.
type AnswerWaitlistOfferResult struct {
	HoldTaken bool
}

// WaitlistHoldRef names a hold.
type WaitlistHoldRef struct {
	HoldID string
}

// WaitlistHoldStatusResult is the output of ActivityWaitlistHoldStatus.
type WaitlistHoldStatusResult struct {
	// Status is held, taken or released.
	Status         string
	ConsultationID string
}

// ReleaseWaitlistHoldInput is the input of ActivityReleaseWaitlistHold.
type ReleaseWaitlistHoldInput struct {
	HoldID  string
	Outcome string
}

// OfferFreedSlotInput is the input of ActivityOfferFreedSlot.
type OfferFreedSlotInput struct {
	DoctorID   string
	Type       ConsultationType
	Start, End time.Time
	Trigger    string // WaitlistTrigger*
}

// OfferFreedSlotResult is the output of ActivityOfferFreedSlot.
type OfferFreedSlotResult struct {
	Started bool
}
