package workflows

import "time"

// Activity stubs: the names under which package activities registers its
// implementations, and their input and output structs. Every activity may be
// retried and replayed, so every one of them must be idempotent as described
// on its constant. None of them receives personal or medical data: they load
// what they need from Postgres by ConsultationID.
//
// Errors: an activity returns a plain error for a transient problem (Temporal
// retries it under the workflow's retry policy) and a non-retryable
// temporal.ApplicationError for a permanent one. Error messages end up in the
// workflow history and the state query: keep personal data out of them.
const (
	// ActivityCreatePayment creates the Mollie payment of a consultation:
	// CreatePaymentInput → CreatePaymentResult. At most one payment exists
	// per IdempotencyKey: a retry returns the payment created before (look
	// it up in Postgres, and send the key as Mollie's Idempotency-Key). The
	// payment's webhook URL points at the API, its metadata names the
	// consultation, its redirect URL leads back to the consultation page.
	ActivityCreatePayment = "CreatePayment"

	// ActivityGetPaymentStatus fetches a payment's current status from
	// Mollie: PaymentRefInput → PaymentStatusResult. Read-only.
	ActivityGetPaymentStatus = "GetPaymentStatus"

	// ActivityCancelPayment cancels an unpaid payment at Mollie and releases
	// whatever the consultation held while the patient paid (a slot):
	// PaymentRefInput → PaymentStatusResult, the status after the attempt.
	// A payment that is paid (the patient just finished) is not cancelled,
	// the activity returns PaymentPaid and releases nothing. A payment Mollie
	// cannot cancel (most methods cannot while open) is returned with its
	// current status (open, pending): the workflow then watches for a late
	// payment and refunds it. Calling it twice is harmless.
	ActivityCancelPayment = "CancelPayment"

	// ActivityIssueRefund refunds (part of) a payment: IssueRefundInput →
	// IssueRefundResult. Exactly once per IdempotencyKey, in Postgres and at
	// Mollie: a retry returns the refund created before. The activity must
	// also refuse (non-retryable error) to refund more than was paid in
	// total for the consultation.
	ActivityIssueRefund = "IssueRefund"

	// ActivityGetRefundStatus fetches a refund's current status from Mollie
	// and stores it in Postgres: RefundRefInput → RefundStatusResult.
	ActivityGetRefundStatus = "GetRefundStatus"

	// ActivitySendEmail renders a template with data it loads from Postgres
	// (names, addresses, language, links) and sends it: SendEmailInput →
	// nothing. One email per DedupKey, whatever retries or replays happen:
	// the key is claimed in Postgres before the send and marked sent after
	// it; a retry after a send with an unknown outcome (worker killed, the
	// relay's answer lost) skips it or sends it again with the same
	// Message-ID, by template (activities.deliveryOf).
	ActivitySendEmail = "SendEmail"

	// ActivityIssueInvoice issues the invoice of a paid consultation with the
	// doctor's next gap-free number: IssueInvoiceInput → IssueInvoiceResult.
	// At most one invoice per consultation: a retry returns the invoice
	// issued before. The number is taken in the same transaction that
	// stores the invoice.
	ActivityIssueInvoice = "IssueInvoice"

	// ActivityRecordTransition writes the consultation's status into
	// Postgres (the record lists and dashboards read): RecordTransitionInput
	// → nothing. Writes are applied only if Seq is greater than the stored
	// sequence, so a late retry never overwrites a newer status.
	ActivityRecordTransition = "RecordTransition"

	// ActivityDeliverAdvice publishes the doctor's written advice in the
	// patient's portal: DeliverAdviceInput → nothing. Idempotent (publishing
	// a published advice is a no-op). It fails non-retryably if the advice
	// does not belong to the consultation. The workflow emails the patient
	// (TemplateAdviceAnswered) afterwards.
	ActivityDeliverAdvice = "DeliverAdvice"

	// ActivityAlertSupport raises an operator alert (error log line plus a
	// row support works from): AlertSupportInput → nothing. Used where money
	// needs a human: failed or unconfirmed refunds, failed invoices, advice
	// that could not be delivered. Idempotent per (ConsultationID, Code).
	ActivityAlertSupport = "AlertSupport"

	// ActivityMarkInvoicePaid records that the patient paid the invoice of
	// an in-person appointment (the doctor marked it paid):
	// MarkInvoicePaidInput → nothing. Idempotent: marking a paid invoice
	// again keeps the first PaidAt. It fails non-retryably if the
	// consultation has no invoice.
	ActivityMarkInvoicePaid = "MarkInvoicePaid"
)

// CreatePaymentInput is the input of ActivityCreatePayment.
type CreatePaymentInput struct {
	ConsultationID string
	AmountCents    int64
	// Description is shown at the checkout and on the bank statement; it
	// names the service, never the patient or the complaint.
	Description string
	// Language ("nl", "en") selects the checkout's locale.
	Language string
	// IdempotencyKey is "consultation/<id>/payment".
	IdempotencyKey string
}

// CreatePaymentResult is the output of ActivityCreatePayment.
type CreatePaymentResult struct {
	PaymentID   string // Mollie id, tr_…
	CheckoutURL string
}

// PaymentRefInput names a payment; input of ActivityGetPaymentStatus and
// ActivityCancelPayment.
type PaymentRefInput struct {
	ConsultationID string
	PaymentID      string
}

// PaymentStatusResult is the output of ActivityGetPaymentStatus and
// ActivityCancelPayment.
type PaymentStatusResult struct {
	Status PaymentStatus
}

// PaymentStatus is a Mollie payment status.
type PaymentStatus string

// Mollie payment statuses. Only PaymentPaid means the money is in.
const (
	PaymentOpen       PaymentStatus = "open"
	PaymentPending    PaymentStatus = "pending"
	PaymentAuthorized PaymentStatus = "authorized"
	PaymentPaid       PaymentStatus = "paid"
	PaymentFailed     PaymentStatus = "failed"
	PaymentCanceled   PaymentStatus = "canceled"
	PaymentExpired    PaymentStatus = "expired"
)

// Final reports whether Mollie will not change s any more.
func (s PaymentStatus) Final() bool {
	switch s {
	case PaymentPaid, PaymentFailed, PaymentCanceled, PaymentExpired:
		return true
	}
	return false
}

// IssueRefundInput is the input of ActivityIssueRefund.
type IssueRefundInput struct {
	ConsultationID string
	PaymentID      string
	AmountCents    int64
	// Description is shown on the patient's bank statement; it names the
	// service, never the patient or the complaint.
	Description string
	// IdempotencyKey is "consultation/<id>/refund/<purpose>".
	IdempotencyKey string
}

// IssueRefundResult is the output of ActivityIssueRefund.
type IssueRefundResult struct {
	RefundID string // Mollie id, re_…
	Status   RefundStatus
}

// RefundRefInput names a refund; input of ActivityGetRefundStatus.
type RefundRefInput struct {
	ConsultationID string
	PaymentID      string
	RefundID       string
}

// RefundStatusResult is the output of ActivityGetRefundStatus.
type RefundStatusResult struct {
	Status RefundStatus
}

// RefundStatus is a Mollie refund status.
type RefundStatus string

// Mollie refund statuses. RefundRefunded is success; RefundFailed and
// RefundCanceled need support.
const (
	RefundQueued     RefundStatus = "queued"
	RefundPending    RefundStatus = "pending"
	RefundProcessing RefundStatus = "processing"
	RefundRefunded   RefundStatus = "refunded"
	RefundFailed     RefundStatus = "failed"
	RefundCanceled   RefundStatus = "canceled"
)

// Final reports whether Mollie will not change s any more.
func (s RefundStatus) Final() bool {
	switch s {
	case RefundRefunded, RefundFailed, RefundCanceled:
		return true
	}
	return false
}

// SendEmailInput is the input of ActivitySendEmail.
type SendEmailInput struct {
	ConsultationID string
	Template       Template
	Recipient      Recipient
	// DedupKey identifies this one email: "consultation/<id>/email/<template>/<recipient>[/<occasion>]".
	DedupKey string
	// DocumentID names the document a template attaches
	// (prescription_issued); empty for every other template.
	DocumentID string `json:",omitempty"`
	// Appointment carries, for the appointment templates, the facts of the
	// moment that Postgres may not hold yet (a delay, which reminder, the
	// refund); nil for every other template.
	Appointment *AppointmentEmail `json:",omitempty"`
}

// AppointmentEmail is SendEmailInput.Appointment. The activity formats the
// instants in the doctor's zone and the amounts as money.
type AppointmentEmail struct {
	Type ConsultationType // video or in_person
	// Start is the booked start; ExpectedStart the start after the doctor's
	// delay (equal to Start without one). End is the booked end.
	Start         time.Time
	End           time.Time
	ExpectedStart time.Time
	// DelayMinutes is the doctor's announced delay (doctor_delay).
	DelayMinutes int `json:",omitempty"`
	// HoursBefore is which reminder this is: 24 or 1 (appointment_reminder).
	HoursBefore int `json:",omitempty"`
	// RefundCents is what the patient gets back (appointment_cancelled,
	// cancellation_requested); 0 means nothing.
	RefundCents int64 `json:",omitempty"`
	// SendBy (appointment_reminder): the email is useless later
	// (ReminderSendBy); the activity drops it instead of sending it late.
	SendBy *time.Time `json:",omitempty"`
	// Sequence is the calendar revision of the appointment: 0 for the
	// invitation, one more for every change (a delay) and for the
	// cancellation. The activity writes it into the attached .ics.
	Sequence int `json:",omitempty"`
	// Reason (appointment_cancelled) is why the appointment ended: a
	// Reason* constant or a DeclineReason.
	Reason string `json:",omitempty"`
	// CancellationRequests is how many cancellation requests the patient
	// made so far (cancellation_rejected says whether one more is possible).
	CancellationRequests int `json:",omitempty"`
	// CancellationRequestedAt (appointment_cancelled) is when the patient
	// asked to cancel; nil when the doctor ended the appointment. The
	// email says whether the request came too late for a refund.
	CancellationRequestedAt *time.Time `json:",omitempty"`
}

// Template names an email template of package mail (nl and en).
type Template string

// Email templates.
const (
	TemplatePaymentReceived          Template = "payment_received"            // patient
	TemplateAdviceRequestReceived    Template = "advice_request_received"     // doctor: a new request, with its due time
	TemplateAdviceAnswered           Template = "advice_answered"             // patient: the advice is in the portal
	TemplateAdviceSLAReminder        Template = "advice_sla_reminder"         // doctor: due soon
	TemplateAdviceSLABreachedPatient Template = "advice_sla_breached_patient" // patient: late, refund one working day later if still unanswered
	TemplateAdviceSLABreachedSupport Template = "advice_sla_breached_support" // support
	TemplateAdviceExpiredRefunded    Template = "advice_expired_refunded"     // patient: unanswered, refunded in full
	TemplateConsultationDeclined     Template = "consultation_declined"       // patient: declined, refunded in full
	TemplateRefundIssued             Template = "refund_issued"               // patient: a refund is on its way
	TemplateRefundFailedSupport      Template = "refund_failed_support"       // support: a refund failed or stayed unconfirmed
	TemplateReviewRequest            Template = "review_request"              // patient
	TemplateInvoice                  Template = "invoice"                     // patient: the invoice (PDF)

	// Appointments; each gets SendEmailInput.Appointment.

	// TemplateAppointmentInvitation (patient): the booking, with the
	// intake-form and (video) waiting-room links and an .ics attachment,
	// which the activity adds.
	TemplateAppointmentInvitation Template = "appointment_invitation"
	// TemplateNewBookingDoctor (doctor): a new booking.
	TemplateNewBookingDoctor Template = "new_booking_doctor"
	// TemplateAppointmentReminder (patient): 24 h or 1 h before the
	// (expected) start; Appointment.HoursBefore says which.
	TemplateAppointmentReminder Template = "appointment_reminder"
	// TemplateDoctorDelay (patient): the doctor runs
	// Appointment.DelayMinutes late; the new expected start, with an
	// updated .ics (Appointment.Sequence).
	TemplateDoctorDelay Template = "doctor_delay"
	// TemplateAppointmentCancelled (patient): the appointment is cancelled
	// or declined, with Appointment.RefundCents (0: no refund) and
	// Appointment.Reason; the activity attaches a METHOD:CANCEL .ics.
	TemplateAppointmentCancelled Template = "appointment_cancelled"
	// TemplateCancellationRequested (doctor): the patient asks to cancel;
	// confirm or reject in the dashboard before the start (undecided, it is
	// confirmed at the start). Appointment.RefundCents is the refund the
	// patient would get.
	TemplateCancellationRequested Template = "cancellation_requested"
	// TemplateCancellationRejected (patient): the doctor rejected the
	// cancellation request; the appointment stands.
	TemplateCancellationRejected Template = "cancellation_rejected"
)

// Recipient says whom of a consultation an email goes to; the activity looks
// up the address.
type Recipient string

// Recipients.
const (
	RecipientPatient Recipient = "patient"
	RecipientDoctor  Recipient = "doctor"
	RecipientSupport Recipient = "support"
)

// IssueInvoiceInput is the input of ActivityIssueInvoice.
type IssueInvoiceInput struct {
	ConsultationID string
}

// IssueInvoiceResult is the output of ActivityIssueInvoice.
type IssueInvoiceResult struct {
	InvoiceID string
	Number    string // the doctor's gap-free invoice number
}

// RecordTransitionInput is the input of ActivityRecordTransition.
type RecordTransitionInput struct {
	ConsultationID string
	// Seq increases by one with every transition of the workflow; apply a
	// write only if Seq is greater than the stored one.
	Seq    int
	Status Status
	// Reason explains final statuses (Reason* constants, DeclineReason).
	Reason string
	// DueAt is the advice deadline while one runs (UTC).
	DueAt     *time.Time
	PaymentID string
	// At is the workflow time of the transition (UTC).
	At time.Time
	// ExpectedStart is an appointment's start after the doctor's announced
	// delay (UTC); nil for email advice. A delay is projected as a write
	// with an unchanged Status.
	ExpectedStart *time.Time `json:",omitempty"`
	// PaidAt is when the workflow confirmed the payment (UTC): the video
	// or email-advice payment at Mollie, or the in-person invoice. Nil
	// while unpaid; the first value stored stays.
	PaidAt *time.Time `json:",omitempty"`
}

// DeliverAdviceInput is the input of ActivityDeliverAdvice.
type DeliverAdviceInput struct {
	ConsultationID string
	AdviceID       string
}

// AlertSupportInput is the input of ActivityAlertSupport.
type AlertSupportInput struct {
	ConsultationID string
	Code           AlertCode
	// Detail is a technical description (an error message); no personal data.
	Detail string
}

// AlertCode says what support must look at.
type AlertCode string

// Alert codes.
const (
	AlertRefundFailed      AlertCode = "refund_failed"      // IssueRefund failed, or Mollie reported the refund failed/canceled
	AlertRefundUnconfirmed AlertCode = "refund_unconfirmed" // no final refund status within the follow limit
	AlertInvoiceFailed     AlertCode = "invoice_failed"
	AlertDeliveryFailed    AlertCode = "advice_delivery_failed"
	// AlertSessionNotHeld: a video patient waited, the doctor never started
	// the session; the patient was refunded in full.
	AlertSessionNotHeld AlertCode = "session_not_held"
	// AlertAttendanceUnmarked: an in-person visit is still marked neither
	// attended nor no-show a day after its end.
	AlertAttendanceUnmarked AlertCode = "attendance_unmarked"
)

// MarkInvoicePaidInput is the input of ActivityMarkInvoicePaid.
type MarkInvoicePaidInput struct {
	ConsultationID string
	// PaidAt is the workflow time the doctor marked the invoice paid (UTC).
	PaidAt time.Time
}
