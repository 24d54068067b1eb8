package workflows

import (
	"time"
)

// WaitlistOfferWorkflowType is the registered name of WaitlistOfferWorkflow
// (the offer chain of one freed slot, ID WaitlistOfferWorkflowID).
const WaitlistOfferWorkflowType = "WaitlistOfferWorkflow"

// WaitlistOfferWorkflowID returns the workflow ID of the offer chain of a
// doctor's slot that starts at start: "waitlist-<doctor>-<start as
// 20060102T1504Z>". One chain runs per slot at a time; a slot freed again
// later (the accepted booking is cancelled) gets a new run under the same ID.
func WaitlistOfferWorkflowID(doctorID string, start time.Time) string {
	return "waitlist-" + doctorID + "-" + start.UTC().Format("20060102T1504Z")
}

// Waitlist chain updates. Both take a WaitlistAnswer and return the
// WaitlistChainState; their validators refuse (ErrTypeInvalidState, HTTP
// 409) an answer to an offer that is not the open one or whose time is up.
const (
	// UpdateWaitlistAccept (patient): the patient takes the offered slot.
	// The chain waits WaitlistBookingGrace for the booking, which the API
	// makes at once through the normal booking path, taking the hold in the
	// same transaction.
	UpdateWaitlistAccept = "waitlist-accept"
	// UpdateWaitlistDecline (patient): the patient does not want the slot;
	// the chain offers it to the next patient at once. The third decline
	// of an entry moves it to the end of the list.
	UpdateWaitlistDecline = "waitlist-decline"
)

// SignalWaitlistBooked (no payload) tells the chain that the accepting
// patient's booking was made. The chain trusts nothing in it: it reads the
// hold from Postgres (ActivityWaitlistHoldStatus) to learn whether the slot
// was taken.
const SignalWaitlistBooked = "waitlist-booked"

// QueryWaitlistChain returns the WaitlistChainState of a chain.
const QueryWaitlistChain = "waitlist-chain"

// What freed a slot (WaitlistOfferInput.Trigger).
const (
	// WaitlistTriggerCancellation: the doctor confirmed a patient's
	// cancellation.
	WaitlistTriggerCancellation = "cancellation"
	// WaitlistTriggerHoldExpired: a video booking's payment hold ended
	// unpaid.
	WaitlistTriggerHoldExpired = "hold_expired"
	// WaitlistTriggerAvailability: the doctor opened new hours.
	WaitlistTriggerAvailability = "availability"
)

// Waitlist chain timing; zero WaitlistOfferInput fields take the defaults.
const (
	// DefaultWaitlistOfferWait is how long a patient has to answer an offer
	// (WAITLIST_OFFER_WAIT), unless the start is near (WaitlistOfferWindow).
	DefaultWaitlistOfferWait = 30 * time.Minute
	// DefaultWaitlistCutoff: no offer runs into the last hour before the
	// start (WAITLIST_CUTOFF); the slot is released to everyone then.
	DefaultWaitlistCutoff = time.Hour
	// MinWaitlistOfferWindow: an offer shorter than this is not made; the
	// slot is released instead.
	MinWaitlistOfferWindow = 5 * time.Minute
	// WaitlistBookingGrace is how long the chain waits for the booking of
	// an accepted offer before it offers the slot to the next patient.
	WaitlistBookingGrace = 2 * time.Minute
)

// Chain phases (WaitlistChainState.Phase).
const (
	WaitlistPhaseHolding  = "holding"
	WaitlistPhaseOffering = "offering"
	WaitlistPhaseBooking  = "booking"
	WaitlistPhaseEnded    = "ended"
)

// Chain outcomes (WaitlistChainState.Outcome, and the hold's outcome in
// Postgres).
const (
	// WaitlistTaken: a patient accepted and booked the slot.
	WaitlistTaken = "taken"
	// WaitlistExhausted: nobody (more) on the list matches the slot.
	WaitlistExhausted = "exhausted"
	// WaitlistStartNear: the start came too near for another offer.
	WaitlistStartNear = "start_near"
	// WaitlistNotFree: the slot was booked before it could be held.
	WaitlistNotFree = "not_free"
)

// Offer answers (ActivityAnswerWaitlistOffer).
const (
	WaitlistAnswerAccepted = "accepted"
	WaitlistAnswerDeclined = "declined"
	WaitlistAnswerExpired  = "expired"
)

// versionWaitlistOffers: AppointmentWorkflow offers the slot a confirmed
// cancellation or an expired unpaid hold freed to the doctor's waitlist
// (ActivityOfferFreedSlot).
const versionWaitlistOffers = "waitlist-offers"
