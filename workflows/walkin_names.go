package workflows

import (
	"time"

	"derma2go/domain"
)

// WalkInWorkflowType is the registered name of WalkInWorkflow (one walk-in
// consultation, ID ConsultationWorkflowID).
const WalkInWorkflowType = "WalkInWorkflow"

// WalkInQueueWorkflowType is the registered name of WalkInQueueWorkflow
// (the queue of one doctor's opening session, ID WalkInQueueWorkflowID).
const WalkInQueueWorkflowType = "WalkInQueueWorkflow"

// WalkInQueueWorkflowID returns the workflow ID of the walk-in queue of a
// doctor's opening session that opens at opens:
// "walkin-<doctor>-<opens as 20060102T1504Z>". One doctor has at most one
// session opening at a given minute, so the ID names the session; a second
// window on the same day is another session with its own queue.
func WalkInQueueWorkflowID(doctorID string, opens time.Time) string {
	return "walkin-" + doctorID + "-" + opens.UTC().Format("20060102T1504Z")
}

// Walk-in statuses (domain). A walk-in consultation moves through
//
//	awaiting_payment ─paid─▶ queued ─called─▶ called ─answered─▶ in_session ─end─▶ completed
//	       ├─▶ payment_failed      ▲             │
//	       └─▶ expired             └─ absent, ───┤ (once: back of the queue)
//	                                  1st time   └─ absent again ─▶ cancelled (walkin_absent, full refund)
//	queued, called ─ the session closes (at closing time or early) ─▶ cancelled (walkin_closed, full refund)
//	paid after the session closed ─▶ cancelled (walkin_closed, full refund)
//
// As elsewhere, a refund is not a status: RefundedCents records it next to
// the cancelled status and its reason.
const (
	StatusQueued = domain.StatusQueued
	StatusCalled = domain.StatusCalled
)

// Walk-in reasons (ConsultationState.Reason).
const (
	// ReasonWalkInAbsent: called twice without answering; refunded in full.
	ReasonWalkInAbsent = "walkin_absent"
	// ReasonWalkInClosed: the session closed (at closing time, early by
	// the doctor, or before the payment came in) while the patient still
	// waited; refunded in full.
	ReasonWalkInClosed = "walkin_closed"
)

// Walk-in queue updates (WalkInQueueWorkflow). Validators refuse with
// ErrTypeInvalidState (HTTP 409) what does not fit the queue now.
const (
	// UpdateWalkInJoin takes a WalkInJoin and returns the WalkInPosition
	// of the patient. Sent (with update-with-start, which starts the
	// queue for the first paid patient) by the JoinWalkInQueue activity
	// of a paid WalkInWorkflow; a repeat for a patient in the queue
	// returns their position. Valid until the session closes.
	UpdateWalkInJoin = "walkin-join"
	// UpdateWalkInCallNext (doctor, no argument) calls the first waiting
	// patient, who must answer within the answer window; returns a
	// WalkInCallResult. Valid while open, not paused, with patients
	// waiting and nobody called or in session.
	UpdateWalkInCallNext = "walkin-call-next"
	// UpdateWalkInAnswer (patient) takes a WalkInAnswer: the called
	// patient answers before the answer window ends; the session starts.
	// Returns the WalkInQueueState.
	UpdateWalkInAnswer = "walkin-answer"
	// UpdateWalkInPause (doctor, no argument): no one is called until
	// UpdateWalkInResume. Valid while open and not paused.
	UpdateWalkInPause = "walkin-pause"
	// UpdateWalkInResume (doctor, no argument): valid while paused.
	UpdateWalkInResume = "walkin-resume"
	// UpdateWalkInClose (doctor, no argument) closes the session early:
	// everyone still waiting (or called) is refunded in full. A session in
	// progress carries on.
	UpdateWalkInClose = "walkin-close"
)

// SignalWalkInDone carries a WalkInDone from a WalkInWorkflow to its queue:
// the consultation left the queue for good (its session ended, or it ended
// otherwise). The queue frees the doctor and updates the average session
// length.
const SignalWalkInDone = "walkin-done"

// SignalWalkInNotice carries a WalkInNotice from the queue to a
// WalkInWorkflow: called, answered, re-queued or removed.
const SignalWalkInNotice = "walkin-notice"

// QueryWalkInQueue returns the WalkInQueueState of a queue.
const QueryWalkInQueue = "walkin-queue"

// Walk-in update of the consultation workflow: UpdateEndSession (doctor, no
// argument) ends the walk-in session as it ends a video session.
