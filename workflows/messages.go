package workflows

import (
	"time"

	"derma2go/domain"
)

// PaymentUpdate is the payload of SignalPaymentUpdate. Status is what the API
// fetched from Mollie, never what a webhook body claimed.
type PaymentUpdate struct {
	PaymentID string
	Status    PaymentStatus
}

// RefundUpdate is the payload of SignalRefundUpdate. Status is what the API
// fetched from Mollie.
type RefundUpdate struct {
	RefundID string
	Status   RefundStatus
}

// IntakeSubmitted is the payload of SignalIntakeSubmitted. The form itself is
// in Postgres.
type IntakeSubmitted struct {
	// SubmittedAt is when the API stored the form. It is informational only:
	// the SLA clock starts when the workflow takes the signal (workflow
	// time), so a client clock or a delayed signal cannot shorten or extend
	// the doctor's deadline.
	SubmittedAt time.Time
}

// CheckoutResult is the result of UpdateCheckout.
type CheckoutResult struct {
	PaymentID   string
	CheckoutURL string
	Status      Status
}

// AnswerAdviceInput is the argument of UpdateAnswerAdvice. The API stores the
// advice text in Postgres first and passes only its id.
type AnswerAdviceInput struct {
	AdviceID string
}

// AddPhotoInput is the argument of UpdateAddPhoto: the id of the photo the
// API stored in Postgres (the photo itself never travels through Temporal).
type AddPhotoInput struct {
	PhotoID string
}

// DeclineInput is the argument of UpdateDecline. A free-text explanation for
// the patient, if any, is stored by the API in Postgres; only the code
// travels through Temporal.
type DeclineInput struct {
	Reason DeclineReason
}

// DeclineReason is why a doctor declines a consultation (domain).
type DeclineReason = domain.DeclineReason

// Decline reasons (domain).
const (
	DeclineNeedsPhysicalExam       = domain.DeclineNeedsPhysicalExam
	DeclineOutsideExpertise        = domain.DeclineOutsideExpertise
	DeclineUrgentCare              = domain.DeclineUrgentCare
	DeclineInsufficientInformation = domain.DeclineInsufficientInformation
	DeclineOther                   = domain.DeclineOther
)

// DoctorDelay is the argument of UpdateDoctorDelay: how many minutes
// (1..MaxDoctorDelayMinutes) the doctor runs behind the scheduled start. It
// is the whole delay, not an increment: a second update with 30 after one
// with 20 moves the expected start to 30 minutes after the scheduled one,
// and repeating the current value changes nothing.
type DoctorDelay struct {
	Minutes int
}

// MaxDoctorDelayMinutes bounds DoctorDelay.Minutes.
const MaxDoctorDelayMinutes = 180

// CancellationRequest is the argument of UpdateRequestCancellation. Reason
// is one of the CancelReason* codes or empty; a free-text explanation, if
// any, is stored by the API in Postgres.
type CancellationRequest struct {
	Reason string
}

// DoctorCancellation is the optional argument of UpdateDoctorCancel. Reason
// is one of the CancelReason* codes or empty.
type DoctorCancellation struct {
	Reason string
}

// Cancellation reason codes (CancellationRequest, DoctorCancellation;
// domain). Only codes travel through Temporal, never free text.
const (
	CancelReasonScheduleConflict  = domain.CancelReasonScheduleConflict
	CancelReasonFeelingBetter     = domain.CancelReasonFeelingBetter
	CancelReasonOtherCare         = domain.CancelReasonOtherCare
	CancelReasonDoctorUnavailable = domain.CancelReasonDoctorUnavailable
	CancelReasonOther             = domain.CancelReasonOther
)

// ValidCancelReason reports whether r is empty or one of the CancelReason*
// codes.
func ValidCancelReason(r string) bool { return domain.ValidCancelReason(r) }

// ConsultationState is the live state of a consultation workflow, returned by
// QueryState (an operator reads it in the Temporal UI), by the answer and
// decline updates and as the workflow result.
type ConsultationState struct {
	ConsultationID string
	Type           ConsultationType
	DoctorID       string
	Status         Status
	// Reason explains a final status (Reason* constants or a DeclineReason).
	Reason string

	AmountCents   int64
	PaymentID     string
	CheckoutURL   string
	PaymentStatus PaymentStatus
	// PaidAt is when the workflow confirmed the payment with Mollie (or,
	// in person, when the invoice was paid); nil while unpaid.
	PaidAt        *time.Time
	InvoiceNumber string
	// CreditNoteNumbers are the credit notes issued for refunds of the
	// invoice, in order.
	CreditNoteNumbers []string `json:",omitempty"`

	// RefundedCents is the total of the refunds issued and not reported
	// failed; RefundStatus is the status of the latest refund.
	RefundedCents int64
	RefundID      string
	RefundStatus  RefundStatus

	// TimeZone is the doctor's zone the deadlines were computed in.
	TimeZone string
	// IntakeTaken: the workflow took the patient's form (email advice,
	// SignalIntakeSubmitted).
	IntakeTaken bool
	// IntakeAt is when the workflow took the intake (starts the SLA).
	IntakeAt *time.Time
	// DueAt is the advice deadline; ExpiresAt is one working day later,
	// when an unanswered request is refunded.
	DueAt       *time.Time
	ExpiresAt   *time.Time
	SLABreached bool

	// LastError is the latest error the workflow handled without failing
	// (an email that could not be sent, a refund that failed, …).
	LastError string

	// Appointments (video, in_person); unset for email advice. Instants
	// are UTC.

	// ScheduledStart and ScheduledEnd are the booked slot.
	ScheduledStart *time.Time
	ScheduledEnd   *time.Time
	// ExpectedStart is ScheduledStart plus the doctor's announced delay
	// (DelayMinutes, 0 without one).
	ExpectedStart *time.Time
	DelayMinutes  int
	// WaitingRoomOpensAt is when a video patient may check in.
	WaitingRoomOpensAt *time.Time
	// NextReminderAt is the next reminder to the patient; nil when none is
	// pending.
	NextReminderAt *time.Time
	// PatientJoinedAt: the first check-in to the waiting room (video).
	PatientJoinedAt *time.Time
	// SessionStartedAt and SessionEndedAt: the video session.
	SessionStartedAt *time.Time
	SessionEndedAt   *time.Time
	// CompletedAt: the session ended or the visit was marked attended.
	CompletedAt *time.Time
	// CancellationRequestedAt is set while a patient's request is pending
	// and after it was confirmed (cleared when rejected).
	// CancellationRefundCents is the refund of the cancellation: fixed at
	// the patient's request (CancellationRefund), the full amount paid when
	// the doctor cancels or declines. CancellationReason is the request's
	// or the doctor's CancelReason* code.
	CancellationRequestedAt *time.Time
	CancellationRefundCents int64
	CancellationReason      string
	// CancellationRequests counts the patient's cancellation requests; at
	// MaxCancellationRequests a further one is refused.
	CancellationRequests int `json:",omitempty"`
	// AdminFeeCents is the doctor's admin fee fixed at booking, kept from
	// the refund of a timely cancellation request (CancellationRefund).
	AdminFeeCents int64 `json:",omitempty"`
	// InvoicePaidAt: the doctor marked the in-person invoice paid.
	InvoicePaidAt *time.Time
	// PrescriptionAllowed is PrescriptionAllowed(Type, Status).
	PrescriptionAllowed bool
	// WalkIn: the session and queue of a walk-in consultation; nil otherwise.
	WalkIn *WalkInFacts `json:",omitempty"`
}
