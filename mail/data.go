package mail

// Template names accepted by Render, each with the data struct it expects.
// Dates and times (DueAt, Start, NewStart) and amounts (Amount, RefundAmount)
// are formatted by the caller in the recipient's language and time zone with
// FormatTime and FormatMoney, e.g. "dinsdag 4 maart 2025 om 14:30 (CET)" and
// "€ 45,00" in Dutch, "Tuesday, 4 March 2025 at 14:30 (CET)" and "€45.00" in
// English. Names in greetings go through GreetingName: a guest known only by
// an email address is greeted formally, never by the address. Consultation types are the
// codes email_advice, video, walk_in and in_person; form kinds are short and
// detailed. The templates translate those codes; other values appear as given.
const (
	// TemplatePasswordReset is sent when someone asks to reset a password. Data: PasswordResetData.
	TemplatePasswordReset = "password_reset"
	// TemplateVerifyEmail asks a new patient to confirm the address. Data: VerifyEmailData.
	TemplateVerifyEmail = "verify_email"
	// TemplateAccountExists answers a registration for an address that has an
	// account already. Data: AccountExistsData.
	TemplateAccountExists = "account_exists"
	// TemplateWelcome is sent after registration. Data: WelcomeData.
	TemplateWelcome = "welcome"
	// TemplateAdviceRequestReceived tells a doctor about a new email-advice request. Data: AdviceRequestReceivedData.
	TemplateAdviceRequestReceived = "advice_request_received"
	// TemplateAdviceAnswered carries the doctor's written advice to the patient. Data: AdviceAnsweredData.
	TemplateAdviceAnswered = "advice_answered"
	// TemplateAdviceSLAReminder reminds a doctor that an advice is due. Data: AdviceSLAReminderData.
	TemplateAdviceSLAReminder = "advice_sla_reminder"
	// TemplateAdviceSLABreachedPatient tells the patient the advice deadline has passed. Data: AdviceSLABreachedPatientData.
	TemplateAdviceSLABreachedPatient = "advice_sla_breached_patient"
	// TemplateAdviceSLABreachedSupport alerts support to a missed advice deadline. Data: AdviceSLABreachedSupportData.
	TemplateAdviceSLABreachedSupport = "advice_sla_breached_support"
	// TemplateAdviceExpiredRefunded tells the patient the advice expired and was refunded. Data: AdviceExpiredRefundedData.
	TemplateAdviceExpiredRefunded = "advice_expired_refunded"
	// TemplatePaymentReceived confirms a payment to the patient. Data: PaymentReceivedData.
	TemplatePaymentReceived = "payment_received"
	// TemplateConsultationDeclined tells the patient the doctor declined. Data: ConsultationDeclinedData.
	TemplateConsultationDeclined = "consultation_declined"
	// TemplateRefundIssued confirms a refund to the patient. Data: RefundIssuedData.
	TemplateRefundIssued = "refund_issued"
	// TemplateRefundFailedSupport alerts support to a failed refund. Data: RefundFailedSupportData.
	TemplateRefundFailedSupport = "refund_failed_support"
	// TemplateReviewRequest asks the patient for a review. Data: ReviewRequestData.
	TemplateReviewRequest = "review_request"
	// TemplateInvoice accompanies an invoice PDF attached by the caller. Data: InvoiceData.
	TemplateInvoice = "invoice"
	// TemplateAppointmentInvitation confirms a booked appointment (caller attaches the .ics). Data: AppointmentInvitationData.
	TemplateAppointmentInvitation = "appointment_invitation"
	// TemplateAppointmentReminder reminds the patient of an appointment. Data: AppointmentReminderData.
	TemplateAppointmentReminder = "appointment_reminder"
	// TemplateAppointmentCancelled confirms a cancellation to the patient. Data: AppointmentCancelledData.
	TemplateAppointmentCancelled = "appointment_cancelled"
	// TemplateDoctorDelay tells the patient the doctor runs late. Data: DoctorDelayData.
	TemplateDoctorDelay = "doctor_delay"
	// TemplateNewBookingDoctor tells a doctor about a new booking. Data: NewBookingDoctorData.
	TemplateNewBookingDoctor = "new_booking_doctor"
	// TemplateCancellationRequested asks a doctor to confirm or reject a cancellation. Data: CancellationRequestedData.
	TemplateCancellationRequested = "cancellation_requested"
	// TemplateCancellationRejected tells the patient the appointment stands. Data: CancellationRejectedData.
	TemplateCancellationRejected = "cancellation_rejected"
	// TemplatePrescriptionIssued accompanies a prescription PDF attached by the caller. Data: PrescriptionIssuedData.
	TemplatePrescriptionIssued = "prescription_issued"
)

// PasswordResetData is the data of TemplatePasswordReset.
type PasswordResetData struct {
	Name           string // account holder; may be empty
	ResetURL       string // single-use reset link
	ExpiresMinutes int    // validity of ResetURL in minutes
}

// VerifyEmailData is the data of TemplateVerifyEmail.
type VerifyEmailData struct {
	Name        string // account holder; may be empty
	VerifyURL   string // single-use confirmation link
	ExpiresDays int    // validity of VerifyURL in days
}

// AccountExistsData is the data of TemplateAccountExists.
type AccountExistsData struct {
	Name     string // account holder; may be empty
	ResetURL string // where to ask for a new password
}

// WelcomeData is the data of TemplateWelcome.
type WelcomeData struct {
	Name      string // account holder; may be empty
	PortalURL string // the patient or doctor portal
}

// AdviceRequestReceivedData is the data of TemplateAdviceRequestReceived (to the doctor).
type AdviceRequestReceivedData struct {
	DoctorName      string
	ConsultationURL string // the request in the doctor's dashboard
	DueAt           string // formatted answer deadline
	FormKind        string // "short" or "detailed"
}

// AdviceAnsweredData is the data of TemplateAdviceAnswered (to the patient).
type AdviceAnsweredData struct {
	PatientName string
	DoctorName  string
	Advice      string // multi-line plain text; line breaks are kept in the HTML part
	// NotifyOnly: the patient chose to be told only that the advice is
	// ready; Advice is then empty and the email points to the portal.
	NotifyOnly bool
	PortalURL  string
}

// AdviceSLAReminderData is the data of TemplateAdviceSLAReminder (to the doctor).
type AdviceSLAReminderData struct {
	DoctorName      string
	DueAt           string // formatted answer deadline
	ConsultationURL string
}

// AdviceSLABreachedPatientData is the data of TemplateAdviceSLABreachedPatient.
type AdviceSLABreachedPatientData struct {
	PatientName string
	DoctorName  string
	DueAt       string // the deadline that passed
}

// AdviceSLABreachedSupportData is the data of TemplateAdviceSLABreachedSupport.
type AdviceSLABreachedSupportData struct {
	ConsultationID string
	DoctorName     string
	DueAt          string
}

// AdviceExpiredRefundedData is the data of TemplateAdviceExpiredRefunded.
type AdviceExpiredRefundedData struct {
	PatientName string
	DoctorName  string
	Amount      string // formatted amount refunded
}

// PaymentReceivedData is the data of TemplatePaymentReceived.
type PaymentReceivedData struct {
	PatientName      string
	DoctorName       string
	Amount           string // formatted amount paid
	ConsultationType string // email_advice, video, walk_in or in_person
	FormURL          string // form to fill in or check; may be empty
}

// ConsultationDeclinedData is the data of TemplateConsultationDeclined.
type ConsultationDeclinedData struct {
	PatientName string
	DoctorName  string
	Amount      string // formatted amount refunded in full
	// Reason is the doctor's decline reason code (needs_physical_exam,
	// outside_expertise, urgent_care_needed, insufficient_information,
	// other); it decides what the patient is advised to do next.
	Reason string
}

// RefundIssuedData is the data of TemplateRefundIssued.
type RefundIssuedData struct {
	PatientName string
	Amount      string // formatted amount refunded
	Reason      string // short reason in the recipient's language; may be empty
}

// RefundFailedSupportData is the data of TemplateRefundFailedSupport.
type RefundFailedSupportData struct {
	ConsultationID string
	RefundID       string // payment provider's refund id; may be empty if none was created
	Amount         string
}

// ReviewRequestData is the data of TemplateReviewRequest.
type ReviewRequestData struct {
	PatientName string
	DoctorName  string
	ReviewURL   string
}

// InvoiceData is the data of TemplateInvoice.
type InvoiceData struct {
	Name          string // invoice addressee; may be empty
	InvoiceNumber string
	Amount        string // formatted invoice total
}

// AppointmentInvitationData is the data of TemplateAppointmentInvitation.
type AppointmentInvitationData struct {
	PatientName      string
	DoctorName       string
	Start            string // formatted start, in the doctor's zone
	ConsultationType string // video or in_person
	IntakeURL        string // intake form; may be empty
	QuestionnaireURL string // the doctor's questionnaire; empty if the doctor offers none
	WaitingRoomURL   string // virtual waiting room; empty for in-person visits
	Address          string // practice address; empty for video
}

// AppointmentReminderData is the data of TemplateAppointmentReminder.
type AppointmentReminderData struct {
	PatientName    string
	DoctorName     string
	Start          string
	WaitingRoomURL string // empty for in-person visits
	HoursBefore    int    // how long before Start this reminder goes out (24, 1)
}

// AppointmentCancelledData is the data of TemplateAppointmentCancelled.
type AppointmentCancelledData struct {
	PatientName  string
	DoctorName   string
	Start        string
	RefundAmount string // formatted refund; empty when nothing is refunded
	// Cause is who ended the appointment: "patient" (the patient's request,
	// confirmed), "doctor" (cancelled by the doctor), "not_held" (the
	// patient waited, the session never started) or "declined"; empty
	// when unknown.
	Cause string
	// DeclineReason is the decline reason code when Cause is "declined".
	DeclineReason string
	// LateRequest: the patient asked less than 24 hours before the start,
	// so nothing is refunded.
	LateRequest bool
	// Paid: the patient paid in advance (video); in-person visits are
	// invoiced afterwards, so there is nothing to refund.
	Paid bool
}

// DoctorDelayData is the data of TemplateDoctorDelay.
type DoctorDelayData struct {
	PatientName string
	DoctorName  string
	Minutes     int    // announced delay
	NewStart    string // formatted expected start
}

// NewBookingDoctorData is the data of TemplateNewBookingDoctor.
type NewBookingDoctorData struct {
	DoctorName       string
	PatientName      string
	Start            string
	ConsultationType string
	ConsultationURL  string
}

// PrescriptionIssuedData is the data of TemplatePrescriptionIssued.
type PrescriptionIssuedData struct {
	PatientName string
	DoctorName  string
	PortalURL   string
}

// CancellationRequestedData is the data of TemplateCancellationRequested (to the doctor).
type CancellationRequestedData struct {
	DoctorName      string
	PatientName     string
	Start           string // formatted appointment start
	RefundAmount    string // formatted refund if confirmed; empty: none
	ConsultationURL string
}

// CancellationRejectedData is the data of TemplateCancellationRejected (to the patient).
type CancellationRejectedData struct {
	PatientName string
	DoctorName  string
	Start       string // formatted appointment start
	// MessagesURL opens the patient's message thread with the doctor.
	MessagesURL string
	// RequestsLeft is how many more cancellation requests the patient may
	// make for this appointment: 1 after the first rejection, 0 after the
	// second (the appointment stands); -1 when unknown (nothing is said).
	RequestsLeft int
}

// Templates of the contact and complaint form.
const (
	// TemplateContactReceived acknowledges a contact message to its sender;
	// a complaint about a practitioner explains the complaints procedure.
	// Data: ContactReceivedData.
	TemplateContactReceived = "contact_received"
	// TemplateContactSupport carries a complaint about the service to
	// support. Data: ContactSupportData.
	TemplateContactSupport = "contact_support"
)

// ContactReceivedData is the data of TemplateContactReceived.
type ContactReceivedData struct {
	Name      string // the sender as they signed
	Topic     string // subject code: system_complaint, practitioner or other
	Reference string // short reference of the message
	// The practitioner a complaint names (all empty when it names none).
	DoctorName, PracticeName, PracticeAddress string
	ProfileURL                                string // the doctor's public profile page
}

// ContactSupportData is the data of TemplateContactSupport.
type ContactSupportData struct {
	Reference string // short reference of the message
	Sender    string // the sender's name as they signed
	Email     string // the sender's address, to answer
	Message   string // the message as sent
	AdminURL  string // the administrators' contact list
}
