package workflows

import (
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"derma2go/domain"
)

// TaskQueue is the task queue on which the consultation workflows and their
// activities run.
const TaskQueue = "derma-consultations"

// EmailAdviceWorkflowType is the registered name of EmailAdviceWorkflow.
const EmailAdviceWorkflowType = "EmailAdviceWorkflow"

// AppointmentWorkflowType is the registered name of AppointmentWorkflow
// (video and in-person appointments).
const AppointmentWorkflowType = "AppointmentWorkflow"

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
	// form (and photos) are stored in Postgres. It is durable without a
	// running worker; the API sends it again on a retry, and the workflow
	// takes the first while awaiting intake and ignores the others.
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
	// ConsultationState after the answer was accepted. The advice already
	// accepted is accepted again (a retry by advice id); other advice only
	// while awaiting advice.
	UpdateAnswerAdvice = "answer-advice"
	// UpdateDecline takes a DeclineInput and returns the ConsultationState
	// after the decline was accepted. Email advice: while awaiting intake or
	// advice. Appointments: while scheduled, waiting or
	// cancellation_requested; the patient is refunded in full.
	UpdateDecline = "decline"
	// UpdateAddPhoto takes an AddPhotoInput: the API stored a photo and
	// asks whether the request still takes it. Valid while awaiting intake
	// or advice (photos may follow the form until the doctor answers);
	// otherwise the API removes the photo again (409). It returns the
	// ConsultationState; the handler schedules nothing.
	UpdateAddPhoto = "add-photo"
)

// Appointment updates (AppointmentWorkflow, video and in_person). Each
// returns the ConsultationState after the change; ones without an argument
// ignore any argument sent. "Patient" and "doctor" say who may send them:
// the API checks the caller, the workflow checks the status and the time.
const (
	// UpdatePatientJoined (patient, video, no argument): the patient is in
	// the waiting room. Valid from the waiting room's opening
	// (ScheduledStart − WaitingRoomOpens) until the expected end, while
	// scheduled (→ waiting) or waiting (a re-join: no change).
	UpdatePatientJoined = "patient-joined"
	// UpdateStartSession (doctor, video, no argument): the doctor admits the
	// patient. Valid only while the patient waits (→ in_session).
	UpdateStartSession = "start-session"
	// UpdateEndSession (doctor, video, no argument): valid while in_session
	// (→ completed; the review request follows after ReviewDelay).
	UpdateEndSession = "end-session"
	// UpdateDoctorDelay (doctor) takes a DoctorDelay: the doctor runs
	// Minutes (1..180) behind the scheduled start. Valid while scheduled or
	// waiting. The patient is emailed at once (doctor_delay),
	// ExpectedStart moves and reminders not yet sent are re-armed.
	UpdateDoctorDelay = "doctor-delay"
	// UpdateMarkAttended (doctor, in_person, no argument): valid while
	// scheduled, from ScheduledStart − AttendanceMarkLead (→ completed; the
	// invoice is issued and the review request follows).
	UpdateMarkAttended = "mark-attended"
	// UpdateMarkNoShow (doctor, in_person, no argument): valid while
	// scheduled, from ExpectedStart + NoShowMarkGrace (→ no_show): never
	// before the appointment has begun.
	UpdateMarkNoShow = "mark-no-show"
	// UpdateMarkPaid (doctor, in_person, no argument): the patient paid the
	// invoice. Valid once completed; recorded with the MarkInvoicePaid
	// activity, once (a repeat returns the state unchanged). The workflow
	// accepts it for InvoiceOpenFor after the visit.
	UpdateMarkPaid = "mark-paid"
	// UpdateRequestCancellation (patient) takes a CancellationRequest.
	// Valid while scheduled and before ScheduledStart
	// (→ cancellation_requested), at most MaxCancellationRequests times
	// per appointment (the first request and one more after a
	// rejection). The refund is fixed now (CancellationRefund) and shown
	// in CancellationRefundCents.
	UpdateRequestCancellation = "request-cancellation"
	// UpdateConfirmCancellation (doctor, no argument): valid while
	// cancellation_requested (→ cancelled; the fixed refund is issued).
	UpdateConfirmCancellation = "confirm-cancellation"
	// UpdateRejectCancellation (doctor, no argument): valid while
	// cancellation_requested (→ scheduled).
	UpdateRejectCancellation = "reject-cancellation"
	// UpdateDoctorCancel (doctor) takes a DoctorCancellation (optional).
	// Valid while scheduled, waiting or cancellation_requested
	// (→ cancelled; the patient is refunded in full).
	UpdateDoctorCancel = "doctor-cancel"
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
// upserts the same values itself, so setting them is optional. Appointments
// may add ScheduledStartKey.ValueSet(start).
func StartSearchAttributes(typ ConsultationType, doctorID string) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		ConsultationTypeKey.ValueSet(string(typ)),
		DoctorIDKey.ValueSet(doctorID),
		ConsultationStatusKey.ValueSet(string(InitialStatus(typ))),
	)
}

// InitialStatus is the status a new consultation of type typ starts in:
// scheduled for in-person appointments (paid afterwards), awaiting_payment
// for every type paid in advance.
func InitialStatus(typ ConsultationType) Status {
	if typ == TypeInPerson {
		return StatusScheduled
	}
	return StatusAwaitingPayment
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
	r.RegisterWorkflowWithOptions(AppointmentWorkflow, workflow.RegisterOptions{Name: AppointmentWorkflowType})
	r.RegisterWorkflowWithOptions(DeliverEmailWorkflow, workflow.RegisterOptions{Name: DeliverEmailWorkflowType})
	r.RegisterWorkflowWithOptions(WalkInWorkflow, workflow.RegisterOptions{Name: WalkInWorkflowType})
	r.RegisterWorkflowWithOptions(WalkInQueueWorkflow, workflow.RegisterOptions{Name: WalkInQueueWorkflowType})
	r.RegisterWorkflowWithOptions(IntegrationHealthWorkflow, workflow.RegisterOptions{Name: IntegrationHealthWorkflowType})
	r.RegisterWorkflowWithOptions(WaitlistOfferWorkflow, workflow.RegisterOptions{Name: WaitlistOfferWorkflowType})
	r.RegisterWorkflowWithOptions(RetentionWorkflow, workflow.RegisterOptions{Name: RetentionWorkflowType})
}

// ConsultationType is one of the four kinds of consultation (domain).
type ConsultationType = domain.ConsultationType

// Consultation types (domain).
const (
	TypeEmailAdvice = domain.TypeEmailAdvice
	TypeVideo       = domain.TypeVideo
	TypeWalkIn      = domain.TypeWalkIn
	TypeInPerson    = domain.TypeInPerson
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
// Appointments (AppointmentWorkflow) move through
//
//	video:     awaiting_payment ─paid─▶ scheduled ─joined─▶ waiting ─start─▶ in_session ─end─▶ completed
//	                  ├─▶ payment_failed    │                  │
//	                  └─▶ expired           │                  └─ expected end + 15 min, never started ─▶ cancelled (full refund)
//	                                        └─ expected end + 15 min, never joined ─▶ no_show (no refund)
//	in_person: scheduled ─attended─▶ completed (invoice)
//	                     ─no-show──▶ no_show
//	both:      scheduled ─request─▶ cancellation_requested ─confirm, or the start passes─▶ cancelled (refund per CancellationRefund)
//	                                                      ─reject─▶ scheduled
//	           scheduled, waiting, cancellation_requested ─doctor-cancel─▶ cancelled (full refund)
//	                                                      ─decline──────▶ declined (full refund)
//
// payment_failed, expired, declined, cancelled, completed and no_show are
// final. "Refunded" is deliberately not a status: a refund accompanies declined,
// expired or cancelled and the reason would be lost if it replaced them;
// ConsultationState.RefundedCents and RefundStatus record it instead.
// A breached SLA is not a status either (the doctor may still answer):
// ConsultationState.SLABreached records it. A slot stops counting against the
// doctor's calendar with payment_failed, expired, declined and cancelled (the
// no-overlap constraint ignores those statuses), which is how an unpaid hold
// and a cancellation free it.
type Status = domain.Status

// Statuses (domain; see there for what each means).
const (
	StatusAwaitingPayment       = domain.StatusAwaitingPayment
	StatusPaymentFailed         = domain.StatusPaymentFailed
	StatusExpired               = domain.StatusExpired
	StatusAwaitingIntake        = domain.StatusAwaitingIntake
	StatusAwaitingAdvice        = domain.StatusAwaitingAdvice
	StatusAnswered              = domain.StatusAnswered
	StatusCompleted             = domain.StatusCompleted
	StatusDeclined              = domain.StatusDeclined
	StatusCancelled             = domain.StatusCancelled
	StatusScheduled             = domain.StatusScheduled
	StatusWaiting               = domain.StatusWaiting
	StatusInSession             = domain.StatusInSession
	StatusNoShow                = domain.StatusNoShow
	StatusCancellationRequested = domain.StatusCancellationRequested
)

// PrescriptionAllowed reports whether a doctor may write a prescription for
// a consultation of type typ in status s: domain.PrescriptionRule, the one
// rule the API applies too. ConsultationState.PrescriptionAllowed carries
// the answer.
func PrescriptionAllowed(typ ConsultationType, s Status) bool {
	return domain.PrescriptionAllowedFor(typ, s)
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

	// Appointments.

	// ReasonCancellationConfirmed: the doctor confirmed the patient's request.
	ReasonCancellationConfirmed = "cancellation_confirmed"
	// ReasonCancellationAutoConfirmed: the request was still undecided at
	// the start and confirmed automatically.
	ReasonCancellationAutoConfirmed = "cancellation_auto_confirmed"
	// ReasonDoctorCancelled: the doctor cancelled (full refund).
	ReasonDoctorCancelled = "doctor_cancelled"
	// ReasonSessionNotHeld: the video patient waited but the doctor never
	// started the session (full refund, support alerted).
	ReasonSessionNotHeld = "session_not_held"
	// ReasonPatientNoShow: no_show of a video patient who never checked in.
	// (An in-person no-show marked by the doctor has ReasonMarkedNoShow.)
	ReasonPatientNoShow = "patient_no_show"
	// ReasonMarkedNoShow: the doctor marked the in-person patient absent.
	ReasonMarkedNoShow = "marked_no_show"
	// ReasonSessionEndNotMarked: a video session nobody ended was completed
	// SessionOvertime after its expected end.
	ReasonSessionEndNotMarked = "session_end_not_marked"
	// ReasonAttendanceNotMarked: an in-person visit the doctor marked
	// neither attended nor no-show expired AttendanceMarkLimit after its
	// expected end (no invoice).
	ReasonAttendanceNotMarked = "attendance_not_marked"
)

// Application error types returned by update validators and handlers
// (domain). The API maps ErrTypeInvalidState to HTTP 409 and
// ErrTypeInvalidInput to 400.
const (
	ErrTypeInvalidState       = domain.ErrTypeInvalidState
	ErrTypeInvalidInput       = domain.ErrTypeInvalidInput
	ErrTypePaymentUnavailable = domain.ErrTypePaymentUnavailable
)

// Change IDs for workflow.GetVersion: each guards a change in the commands a
// workflow issues, so that histories recorded before it replay as they ran.
const (
	// versionDropLateReminders: a reminder whose timer fired after
	// ReminderSendBy is dropped instead of sent.
	versionDropLateReminders = "drop-late-reminders"
	// versionNoShowAfterStart: an in-person no-show may be marked only
	// NoShowMarkGrace after the expected start (was: from
	// AttendanceMarkLead before the start).
	versionNoShowAfterStart = "no-show-after-start"
	// versionCancellationLimit: at most MaxCancellationRequests
	// cancellation requests per appointment.
	versionCancellationLimit = "cancellation-request-limit"
	// changeLocalCreatePath: the first projection (RecordTransition of the
	// initial status) and CreatePayment run as local activities, so that a
	// consultation created with UpdateWithStart answers its checkout update
	// in the first workflow task instead of the third.
	changeLocalCreatePath = "local-create-path"
	// changeLocalReminders: an appointment reminder is sent as a local
	// activity in the workflow task of its timer instead of an activity
	// task, which saves the workflow task after it.
	changeLocalReminders = "local-reminders"
)
