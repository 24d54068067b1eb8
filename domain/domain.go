// Package domain is Derma2Go's vocabulary: the consultation types, statuses,
// form kinds, languages, decline and cancellation reasons, error types and
// link purposes, defined once, with the few rules that only need them (who
// may get a prescription, when the intake form and photos are accepted).
// The API, the workflows, the activities and prescribing use these names;
// a test compares them with the CHECK constraints of the database. The
// package does no I/O, so workflows may use it.
package domain

import "time"

// ConsultationType is one of the four kinds of consultation.
type ConsultationType string

// Consultation types.
const (
	TypeEmailAdvice ConsultationType = "email_advice"
	TypeVideo       ConsultationType = "video"
	TypeWalkIn      ConsultationType = "walk_in"
	TypeInPerson    ConsultationType = "in_person"
)

// ConsultationTypes lists every consultation type.
func ConsultationTypes() []ConsultationType {
	return []ConsultationType{TypeEmailAdvice, TypeVideo, TypeWalkIn, TypeInPerson}
}

// SlotTypes lists the consultation types that have availability (slots or
// walk-in hours): all but email advice.
func SlotTypes() []ConsultationType {
	return []ConsultationType{TypeVideo, TypeWalkIn, TypeInPerson}
}

// Valid reports whether t is a known consultation type.
func (t ConsultationType) Valid() bool { return contains(ConsultationTypes(), t) }

// Appointment reports whether t is booked for a time slot (video, in person).
func (t ConsultationType) Appointment() bool { return t == TypeVideo || t == TypeInPerson }

// PaidOnline reports whether t is paid online in advance (through Mollie):
// every type but in person, which is invoiced after the visit.
func (t ConsultationType) PaidOnline() bool { return t.Valid() && t != TypeInPerson }

// Status is the lifecycle status of a consultation, as the workflow holds it
// (state query, ConsultationStatus search attribute) and projects it into
// Postgres (consultations.status). The transitions are drawn in package
// workflows.
type Status string

// Statuses.
const (
	// StatusAwaitingPayment: the payment is being created or the patient is
	// at the checkout; the payment hold runs.
	StatusAwaitingPayment Status = "awaiting_payment"
	// StatusPaymentFailed (final): Mollie reported the payment failed or
	// canceled, or it could not be created. Nothing was paid.
	StatusPaymentFailed Status = "payment_failed"
	// StatusExpired (final): a deadline passed: the payment hold (nothing
	// paid), the intake timeout or the advice SLA plus one working day
	// (both refunded in full).
	StatusExpired Status = "expired"
	// StatusAwaitingIntake: email advice is paid; waiting for the form.
	StatusAwaitingIntake Status = "awaiting_intake"
	// StatusAwaitingAdvice: the form is in; the doctor must answer by DueAt.
	StatusAwaitingAdvice Status = "awaiting_advice"
	// StatusAnswered: the doctor's advice was accepted; it is being
	// delivered to the patient.
	StatusAnswered Status = "answered"
	// StatusCompleted (final): the advice was delivered, the session ended
	// or the visit was marked attended.
	StatusCompleted Status = "completed"
	// StatusDeclined (final): the doctor declined; refunded in full.
	StatusDeclined Status = "declined"
	// StatusCancelled (final): an appointment was cancelled.
	StatusCancelled Status = "cancelled"
	// StatusScheduled: an appointment is booked (video: paid).
	StatusScheduled Status = "scheduled"
	// StatusWaiting: the video patient is in the waiting room.
	StatusWaiting Status = "waiting"
	// StatusInSession: the video session runs.
	StatusInSession Status = "in_session"
	// StatusNoShow (final): the patient did not come.
	StatusNoShow Status = "no_show"
	// StatusCancellationRequested: the patient asked to cancel; the doctor
	// confirms or rejects.
	StatusCancellationRequested Status = "cancellation_requested"
	// StatusQueued: a paid walk-in patient waits in the doctor's walk-in
	// queue (again, once, after being called and not answering).
	StatusQueued Status = "queued"
	// StatusCalled: the doctor called the walk-in patient, who must answer
	// within the answer window (WalkInCalled.AnswerBy).
	StatusCalled Status = "called"
)

// Statuses lists every status.
func Statuses() []Status {
	return []Status{StatusAwaitingPayment, StatusPaymentFailed, StatusExpired, StatusAwaitingIntake,
		StatusAwaitingAdvice, StatusAnswered, StatusCompleted, StatusDeclined, StatusCancelled,
		StatusScheduled, StatusWaiting, StatusInSession, StatusNoShow, StatusCancellationRequested,
		StatusQueued, StatusCalled}
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return contains(Statuses(), s) }

// Final reports whether no further transition follows s. A final status in
// Postgres never changes again, so it needs no word from the workflow.
func (s Status) Final() bool {
	switch s {
	case StatusPaymentFailed, StatusExpired, StatusCompleted, StatusDeclined, StatusCancelled, StatusNoShow:
		return true
	}
	return false
}

// FreesSlot reports whether a consultation in status s no longer occupies
// its slot (the no-overlap constraint of the database ignores these).
func (s Status) FreesSlot() bool {
	switch s {
	case StatusCancelled, StatusExpired, StatusDeclined, StatusPaymentFailed:
		return true
	}
	return false
}

// FormKind is the size of the intake form.
type FormKind string

// Form kinds: appointments always take the short form; email advice the
// one chosen at booking.
const (
	FormShort    FormKind = "short"
	FormDetailed FormKind = "detailed"
)

// FormKinds lists the form kinds.
func FormKinds() []FormKind { return []FormKind{FormShort, FormDetailed} }

// Valid reports whether k is a known form kind.
func (k FormKind) Valid() bool { return contains(FormKinds(), k) }

// Language is a language the platform speaks to patients in.
type Language string

// Languages.
const (
	LanguageDutch   Language = "nl"
	LanguageEnglish Language = "en"
)

// Languages lists the languages; the first is the default.
func Languages() []Language { return []Language{LanguageDutch, LanguageEnglish} }

// DeclineReason is why a doctor declines a consultation.
type DeclineReason string

// Decline reasons.
const (
	DeclineNeedsPhysicalExam       DeclineReason = "needs_physical_exam"
	DeclineOutsideExpertise        DeclineReason = "outside_expertise"
	DeclineUrgentCare              DeclineReason = "urgent_care_needed"
	DeclineInsufficientInformation DeclineReason = "insufficient_information"
	DeclineOther                   DeclineReason = "other"
)

// DeclineReasons lists the decline reasons.
func DeclineReasons() []DeclineReason {
	return []DeclineReason{DeclineNeedsPhysicalExam, DeclineOutsideExpertise, DeclineUrgentCare,
		DeclineInsufficientInformation, DeclineOther}
}

// Valid reports whether r is one of the known decline reasons.
func (r DeclineReason) Valid() bool { return contains(DeclineReasons(), r) }

// Cancellation reason codes: the patient's (request) or the doctor's
// (cancel). Only codes travel through Temporal, never free text.
const (
	CancelReasonScheduleConflict  = "schedule_conflict"
	CancelReasonFeelingBetter     = "feeling_better"
	CancelReasonOtherCare         = "other_care"
	CancelReasonDoctorUnavailable = "doctor_unavailable"
	CancelReasonOther             = "other"
)

// PatientCancelReasons lists the codes a patient may give with a request.
func PatientCancelReasons() []string {
	return []string{CancelReasonScheduleConflict, CancelReasonFeelingBetter, CancelReasonOtherCare, CancelReasonOther}
}

// ValidCancelReason reports whether r is empty or a cancellation reason code.
func ValidCancelReason(r string) bool {
	return r == "" || r == CancelReasonDoctorUnavailable || contains(PatientCancelReasons(), r)
}

// Application error types: what a workflow's validator or handler says when
// it refuses. The API maps ErrTypeInvalidState to 409 and ErrTypeInvalidInput
// to 400 (422 for a field it did not check itself).
const (
	ErrTypeInvalidState       = "InvalidState"
	ErrTypeInvalidInput       = "InvalidInput"
	ErrTypePaymentUnavailable = "PaymentUnavailable"
)

// Link purposes of signed links (secure.Links): a token signed for one
// purpose never opens another.
const (
	// LinkConsultation grants a guest access to one consultation.
	LinkConsultation = "consultation"
)

// GuestLinkLifetime is how long a guest's consultation link is valid.
const GuestLinkLifetime = 90 * 24 * time.Hour

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
