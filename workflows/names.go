package workflows

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// TaskQueue is the task queue on which the consultation workflows and their
// activities run.
const TaskQueue = "derma-consultations"

// EmailAdviceWorkflowType is the registered name of EmailAdviceWorkflow.
const EmailAdviceWorkflowType = "EmailAdviceWorkflow"

// ConsultationWorkflowID returns the workflow ID of the consultation with the
// given id: "consultation/<id>". It is also the prefix of every idempotency
// and deduplication key the workflow hands to activities.
func ConsultationWorkflowID(consultationID string) string {
	return "consultation/" + consultationID
}

// Signal names. Signals carry facts the API learned from the outside world;
// the workflow ignores duplicates and signals that no longer apply.
const (
	// SignalPaymentUpdate carries a PaymentUpdate. The API sends it after it
	// fetched the payment from Mollie in response to a webhook.
	SignalPaymentUpdate = "payment-update"
	// SignalIntakeSubmitted carries an IntakeSubmitted once the patient's
	// form (and photos) are stored in Postgres.
	SignalIntakeSubmitted = "intake-submitted"
	// SignalRefundUpdate carries a RefundUpdate. The API sends it after it
	// fetched the refund from Mollie in response to a webhook.
	SignalRefundUpdate = "refund-update"
)

// Update names. Updates are used where the caller needs an immediate yes or
// no: their validators reject requests that do not fit the current status
// with an application error of type ErrTypeInvalidState (HTTP 409) or
// ErrTypeInvalidInput (HTTP 400).
const (
	// UpdateCheckout takes no argument and returns a CheckoutResult once the
	// payment exists. The API sends it with UpdateWithStartWorkflow.
	UpdateCheckout = "checkout"
	// UpdateAnswerAdvice takes an AnswerAdviceInput and returns the
	// ConsultationState after the answer was accepted.
	UpdateAnswerAdvice = "answer-advice"
	// UpdateDecline takes a DeclineInput and returns the ConsultationState
	// after the decline was accepted.
	UpdateDecline = "decline"
)

// QueryState is the query that returns the live ConsultationState.
const QueryState = "state"

// Search attribute names, as registered in the namespace.
const (
	SearchAttributeConsultationType   = "ConsultationType"
	SearchAttributeDoctorID           = "DoctorId"
	SearchAttributeConsultationStatus = "ConsultationStatus"
	SearchAttributeScheduledStart     = "ScheduledStart"
)

// Typed search attribute keys for the Temporal UI and visibility queries,
// such as `ConsultationStatus = "awaiting_advice" AND DoctorId = "…"`.
var (
	// ConsultationTypeKey holds the ConsultationType (email_advice, video, …).
	ConsultationTypeKey = temporal.NewSearchAttributeKeyKeyword(SearchAttributeConsultationType)
	// DoctorIDKey holds the doctor's id.
	DoctorIDKey = temporal.NewSearchAttributeKeyKeyword(SearchAttributeDoctorID)
	// ConsultationStatusKey holds the current Status; upserted at every
	// transition.
	ConsultationStatusKey = temporal.NewSearchAttributeKeyKeyword(SearchAttributeConsultationStatus)
	// ScheduledStartKey holds the appointment start of scheduled consultation
	// types; unset for email advice.
	ScheduledStartKey = temporal.NewSearchAttributeKeyTime(SearchAttributeScheduledStart)
)

// StartSearchAttributes returns the search attributes a starter sets on a
// new consultation workflow (client.StartWorkflowOptions.TypedSearchAttributes),
// so that the consultation is findable from its first moment. The workflow
// upserts the same values itself, so setting them is optional.
func StartSearchAttributes(typ ConsultationType, doctorID string) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		ConsultationTypeKey.ValueSet(string(typ)),
		DoctorIDKey.ValueSet(doctorID),
		ConsultationStatusKey.ValueSet(string(StatusAwaitingPayment)),
	)
}

// SearchAttributeTypes returns the custom search attributes the consultation
// workflows use, for registering them in a namespace (the dev server passes
// them to its namespace config; production registers them once with the
// operator service). A workflow that upserts an unregistered attribute gets
// stuck on a failing workflow task, so register before starting workers.
func SearchAttributeTypes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		SearchAttributeConsultationType:   enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttributeDoctorID:           enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttributeConsultationStatus: enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchAttributeScheduledStart:     enumspb.INDEXED_VALUE_TYPE_DATETIME,
	}
}

// Register registers every consultation workflow under its type name. The
// activities are registered by package activities: their names must equal
// the Activity* constants (registering a struct whose methods carry those
// names does that).
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(EmailAdviceWorkflow, workflow.RegisterOptions{Name: EmailAdviceWorkflowType})
}

// ConsultationType is one of the four kinds of consultation.
type ConsultationType string

// Consultation types.
const (
	TypeEmailAdvice ConsultationType = "email_advice"
	TypeVideo       ConsultationType = "video"
	TypeWalkIn      ConsultationType = "walk_in"
	TypeInPerson    ConsultationType = "in_person"
)

// Status is the lifecycle status of a consultation, as shown in the
// ConsultationStatus search attribute, the state query and Postgres.
//
// Email advice moves through
//
//	awaiting_payment ─paid─▶ awaiting_intake ─form─▶ awaiting_advice ─answer─▶ answered ─delivered─▶ completed
//	       │                      │                         │
//	       ├─▶ payment_failed     ├─▶ declined (refund)     ├─▶ declined (refund)
//	       └─▶ expired            └─▶ expired (refund)      └─▶ expired (refund, SLA + 1 working day)
//
// payment_failed, expired, declined, cancelled and completed are final.
// "Refunded" is deliberately not a status: a refund accompanies declined,
// expired or cancelled and the reason would be lost if it replaced them;
// ConsultationState.RefundedCents and RefundStatus record it instead.
// A breached SLA is not a status either (the doctor may still answer):
// ConsultationState.SLABreached records it.
type Status string

// Statuses.
const (
	// StatusAwaitingPayment: the payment is being created or the patient is
	// at the checkout; the payment hold runs.
	StatusAwaitingPayment Status = "awaiting_payment"
	// StatusPaymentFailed (final): Mollie reported the payment failed or
	// canceled, or it could not be created. Nothing was paid.
	StatusPaymentFailed Status = "payment_failed"
	// StatusExpired (final): a deadline passed. Reason tells which: the
	// payment hold (nothing paid), the intake timeout or the advice SLA plus
	// one working day (both refunded in full).
	StatusExpired Status = "expired"
	// StatusAwaitingIntake: paid; waiting for the patient's form.
	StatusAwaitingIntake Status = "awaiting_intake"
	// StatusAwaitingAdvice: the form is in; the doctor must answer by DueAt.
	StatusAwaitingAdvice Status = "awaiting_advice"
	// StatusAnswered: the doctor's advice was accepted; it is being
	// delivered to the patient.
	StatusAnswered Status = "answered"
	// StatusCompleted (final): the advice (or, for other types, the
	// session) was delivered. A review request may still follow.
	StatusCompleted Status = "completed"
	// StatusDeclined (final): the doctor declined; refunded in full.
	StatusDeclined Status = "declined"
	// StatusCancelled (final): a cancellation requested by the patient was
	// confirmed (appointment types; email advice does not reach it).
	StatusCancelled Status = "cancelled"
)

// Final reports whether no further transition follows s.
func (s Status) Final() bool {
	switch s {
	case StatusPaymentFailed, StatusExpired, StatusCompleted, StatusDeclined, StatusCancelled:
		return true
	}
	return false
}

// Reasons explain final statuses (ConsultationState.Reason and
// RecordTransitionInput.Reason). Decline reasons are DeclineReason values.
const (
	ReasonPaymentNotCreated  = "payment_not_created"
	ReasonPaymentFailed      = "payment_failed"
	ReasonPaymentCanceled    = "payment_canceled"
	ReasonPaymentExpired     = "payment_expired"
	ReasonPaymentHoldElapsed = "payment_hold_elapsed"
	ReasonIntakeTimeout      = "intake_timeout"
	ReasonAdviceSLAExpired   = "advice_sla_expired"
)

// Application error types returned by update validators and handlers. The
// API maps ErrTypeInvalidState to HTTP 409 and ErrTypeInvalidInput to 400.
const (
	ErrTypeInvalidState       = "InvalidState"
	ErrTypeInvalidInput       = "InvalidInput"
	ErrTypePaymentUnavailable = "PaymentUnavailable"
)
