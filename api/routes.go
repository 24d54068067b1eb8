package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"derma2go/workflows"
)

// Every route of the API is declared once, in routeTable: who may call it,
// which object it reaches, what it writes to the audit log, whether the
// patient's PIN must be unlocked, and its body limit. The router is built
// from the table and nothing else (TestRouteTableIsTheRouter), so a route
// cannot skip its access check or its audit row.

// scope is how a route finds the object it works on and who may reach it.
type scope int

const (
	// scopeNone: no object of a particular person (public data, own settings
	// that hold no patient data).
	scopeNone scope = iota
	// scopeSelf: the caller's own account; the caller is the patient named
	// in the audit row.
	scopeSelf
	// scopeConsultation: the consultation of the path (:id), reached by its
	// logged-in patient or by a holder of its signed guest link; anyone
	// else gets 404.
	scopeConsultation
	// scopeDoctorConsultation: the consultation of the path (:id), reached
	// only by its doctor; anyone else gets 404.
	scopeDoctorConsultation
	// scopeDoctorInvoice: the invoice of the path (:file = <id>.pdf),
	// reached only by the doctor who issued it.
	scopeDoctorInvoice
	// scopeConsultationParticipant: the consultation of the path (:id),
	// reached by its patient (logged in or with the guest link) or by its
	// doctor; anyone else gets 404.
	scopeConsultationParticipant
	// scopeDoctorPatient: the patient of the path (:patientId) and their
	// medical record, reached only by a doctor who treats them (a
	// consultation between them in the record); anyone else gets 404.
	scopeDoctorPatient
	// scopeThread: the message thread of the path (:threadId), reached by
	// its patient or its doctor (both logged in); anyone else gets 404.
	scopeThread
	// scopeAdminPatient: the patient of the path (:patientId), reached by an
	// admin (whose access is logged under that patient); an id that is not a
	// patient's gets 404.
	scopeAdminPatient
)

// auditSpec is what an audited route writes: the kind of object and the
// NEN 7513 action. A zero auditSpec means the route touches no patient data.
type auditSpec struct {
	object string
	action string
}

func (a auditSpec) audited() bool { return a.object != "" }

// routeSpec declares one route.
type routeSpec struct {
	method string
	path   string
	// roles may call the route; nil means anyone (a login is optional and the
	// scope decides).
	roles []string
	scope scope
	audit auditSpec
	// pin: a logged-in patient must have unlocked the PIN in this session
	// (guests with a signed link and doctors are not asked). It guards the
	// medical parts: intake, photos, advice, documents, prescriptions.
	pin bool
	// maxBody raises the body cap of this route (bodyLimit); 0 keeps
	// maxJSONBody, which every request gets first (limitBody).
	maxBody int64
	// timeout replaces the handler deadline of every request (HandlerTimeout)
	// for this route; 0 keeps it, noHandlerTimeout takes it away.
	timeout time.Duration
	// body is a zero value of the JSON request type the handler decodes
	// (decodeJSON), nil for a route without a JSON body. FuzzRequestBodies
	// decodes fuzzed bodies into it, and TestEveryDecodedTypeIsARouteBody
	// checks that every type the package decodes is declared here.
	body any
	// beforeSecondFactor: a session that still owes the second factor may
	// call the route (the steps that lead to it). Every other route that
	// needs a login or is audited refuses such a session (secondFactorGate).
	beforeSecondFactor bool
	// cors: the route answers the Temporal UI's origin (TEMPORAL_UI_ORIGIN)
	// with CORS headers, and a cookie session from that origin needs no
	// CSRF header (temporalUICORS).
	cors    bool
	handler gin.HandlerFunc
}

// needsSecondFactor reports whether a pending session is refused here.
func (r routeSpec) needsSecondFactor() bool {
	return !r.beforeSecondFactor && (r.roles != nil || r.audit.audited())
}

var (
	anyUser  = []string{RolePatient, RoleDoctor, RoleAdmin}
	patients = []string{RolePatient}
	doctors  = []string{RoleDoctor}
	admins   = []string{RoleAdmin}
	// parties are the two sides of a message thread.
	parties = []string{RolePatient, RoleDoctor}
)

// noHandlerTimeout is the timeout of a long-lived route (the WebSocket
// signalling, which lasts as long as the video session).
const noHandlerTimeout time.Duration = -1

func audit(object, action string) auditSpec { return auditSpec{object: object, action: action} }

// routeTable is every route of the API.
func (s *Server) routeTable() []routeSpec {
	consultationUpdate := audit("consultation", actionUpdate)
	return []routeSpec{
		// Operations.
		{method: "GET", path: "/healthz", handler: s.healthz},
		{method: "GET", path: "/readyz", handler: s.readyz},
		{method: "GET", path: "/openapi.yaml", handler: serveSpec},
		// Web-client pages that Mollie's redirect and emailed links open; every
		// other page reaches the web client through NoRoute.
		{method: "GET", path: "/payment-return", handler: s.webClient()},
		{method: "GET", path: "/reset-password", handler: s.webClient()},
		{method: "GET", path: "/verify-email", handler: s.webClient()},
		{method: "GET", path: "/welcome", handler: s.webClient()},
		// A doctor's widgets for the practice's own website: web-client pages
		// that the origins the doctor allowed may frame (widgets.go).
		{method: "GET", path: "/widgets/:doctorId/booking", handler: s.widgetPage},
		{method: "GET", path: "/widgets/:doctorId/walk-in", handler: s.widgetPage},

		// Accounts.
		{method: "POST", path: "/v1/auth/register", scope: scopeSelf, audit: audit("user", actionCreate), body: registerRequest{}, handler: s.register},
		{method: "POST", path: "/v1/auth/login", body: loginRequest{}, handler: s.login},
		{method: "POST", path: "/v1/auth/email/verify", scope: scopeSelf, audit: audit("user", actionUpdate), body: verifyRequest{}, handler: s.verifyEmail},
		{method: "POST", path: "/v1/auth/logout", roles: anyUser, beforeSecondFactor: true, handler: s.logout},
		{method: "POST", path: "/v1/auth/second-factor", roles: anyUser, scope: scopeSelf, audit: audit("second_factor", actionUpdate), body: secondFactorRequest{}, beforeSecondFactor: true, handler: s.giveSecondFactor},
		{method: "POST", path: "/v1/auth/password/forgot", body: forgotRequest{}, handler: s.forgotPassword},
		{method: "POST", path: "/v1/auth/password/reset", audit: audit("user", actionUpdate), body: resetRequest{}, handler: s.resetPassword},
		{method: "GET", path: "/v1/me", roles: anyUser, scope: scopeSelf, audit: audit("user", actionRead), beforeSecondFactor: true, handler: s.me},
		{method: "POST", path: "/v1/me/second-factor", roles: anyUser, scope: scopeSelf, audit: audit("second_factor", actionCreate), body: enrolRequest{}, beforeSecondFactor: true, handler: s.enrolSecondFactor},
		{method: "POST", path: "/v1/me/second-factor/confirm", roles: anyUser, scope: scopeSelf, audit: audit("second_factor", actionUpdate), body: confirmSecondFactorRequest{}, beforeSecondFactor: true, handler: s.confirmSecondFactor},
		{method: "DELETE", path: "/v1/me/second-factor", roles: anyUser, scope: scopeSelf, audit: audit("second_factor", actionDelete), body: disableSecondFactorRequest{}, handler: s.disableSecondFactor},
		{method: "POST", path: "/v1/me/second-factor/recovery-codes", roles: anyUser, scope: scopeSelf, audit: audit("second_factor", actionCreate), body: enrolRequest{}, handler: s.newRecoveryCodes},
		{method: "GET", path: "/v1/me/sessions", roles: anyUser, scope: scopeSelf, audit: audit("session", actionRead), handler: s.listSessions},
		{method: "DELETE", path: "/v1/me/sessions/:id", roles: anyUser, scope: scopeSelf, audit: audit("session", actionDelete), handler: s.revokeSession},
		{method: "GET", path: "/v1/me/access-log", roles: anyUser, scope: scopeSelf, audit: audit("audit_log", actionRead), handler: s.accessLog},
		{method: "PUT", path: "/v1/me/pin", roles: anyUser, scope: scopeSelf, audit: audit("user", actionUpdate), body: setPINRequest{}, handler: s.setPIN},
		{method: "POST", path: "/v1/me/pin/unlock", roles: anyUser, scope: scopeSelf, audit: audit("user", actionUpdate), body: unlockRequest{}, handler: s.unlockPIN},
		{method: "PUT", path: "/v1/me/language", roles: anyUser, scope: scopeSelf, audit: audit("user", actionUpdate), body: languageRequest{}, handler: s.putMyLanguage},
		{method: "PUT", path: "/v1/me/password", roles: anyUser, scope: scopeSelf, audit: audit("user", actionUpdate), body: passwordChangeRequest{}, handler: s.changePassword},
		{method: "POST", path: "/v1/me/email/verification", roles: anyUser, scope: scopeSelf, audit: audit("user", actionUpdate), handler: s.resendVerification},
		{method: "GET", path: "/v1/me/record", roles: patients, scope: scopeSelf, audit: audit("record", actionRead), pin: true, handler: s.getRecord},
		{method: "GET", path: "/v1/me/record/pdf", roles: patients, scope: scopeSelf, audit: audit("record", actionExport), pin: true, handler: s.recordPDF},
		{method: "GET", path: "/v1/me/record/fhir", roles: patients, scope: scopeSelf, audit: audit("record", actionExport), pin: true, handler: s.recordFHIR},
		{method: "GET", path: "/v1/me/export", roles: patients, scope: scopeSelf, audit: audit("export", actionExport), pin: true, handler: s.exportMyData},
		{method: "GET", path: "/v1/me/erasure", roles: patients, scope: scopeSelf, audit: audit("user", actionRead), handler: s.erasurePlan},
		{method: "POST", path: "/v1/me/erasure", roles: patients, scope: scopeSelf, audit: audit("user", actionDelete), body: erasureRequest{}, handler: s.erase},
		{method: "GET", path: "/v1/me/questionnaires", roles: patients, scope: scopeSelf, audit: audit("questionnaire", actionSearch), handler: s.myQuestionnaires},
		{method: "GET", path: "/v1/me/favourites", roles: anyUser, scope: scopeSelf, audit: audit("favourite", actionRead), handler: s.listFavourites},
		{method: "PUT", path: "/v1/me/favourites/:doctorId", roles: anyUser, scope: scopeSelf, audit: audit("favourite", actionCreate), handler: s.addFavourite},
		{method: "DELETE", path: "/v1/me/favourites/:doctorId", roles: anyUser, scope: scopeSelf, audit: audit("favourite", actionDelete), handler: s.removeFavourite},
		{method: "GET", path: "/v1/me/waitlist", roles: patients, scope: scopeSelf, audit: audit("waitlist", actionRead), handler: s.listWaitlist},
		{method: "POST", path: "/v1/me/waitlist", roles: patients, scope: scopeSelf, audit: audit("waitlist", actionCreate), body: waitlistRequest{}, handler: s.joinWaitlist},
		{method: "DELETE", path: "/v1/me/waitlist/:id", roles: patients, scope: scopeSelf, audit: audit("waitlist", actionDelete), handler: s.leaveWaitlist},
		{method: "GET", path: "/v1/me/waitlist/events", roles: patients, scope: scopeSelf, audit: audit("waitlist_offer", actionRead), timeout: noHandlerTimeout, handler: s.waitlistEvents},
		{method: "GET", path: "/v1/me/waitlist/offers/:id", roles: patients, scope: scopeSelf, audit: audit("waitlist_offer", actionRead), handler: s.getWaitlistOffer},
		{method: "POST", path: "/v1/me/waitlist/offers/:id/accept", roles: patients, scope: scopeSelf, audit: audit("consultation", actionCreate), handler: s.acceptWaitlistOffer},
		{method: "POST", path: "/v1/me/waitlist/offers/:id/decline", roles: patients, scope: scopeSelf, audit: audit("waitlist_offer", actionUpdate), handler: s.declineWaitlistOffer},

		// Discovery: public.
		{method: "GET", path: "/v1/doctors", handler: s.listDoctors},
		{method: "GET", path: "/v1/doctors/:id", handler: s.getDoctor},
		{method: "GET", path: "/v1/doctors/:id/slots", handler: s.doctorSlots},
		{method: "GET", path: "/v1/doctors/:id/reviews", handler: s.doctorReviews},
		{method: "GET", path: "/v1/doctors/:id/walk-in", handler: s.doctorWalkIn},
		{method: "GET", path: "/v1/conditions", handler: s.listConditions},
		{method: "GET", path: "/v1/conditions/:slug", handler: s.getCondition},
		{method: "POST", path: "/v1/conditions/:slug/comments", roles: anyUser, body: commentRequest{}, handler: s.createConditionComment},
		{method: "POST", path: "/v1/wizard", body: wizardRequest{}, handler: s.wizard},
		// The contact and complaint form: anyone may write.
		{method: "POST", path: "/v1/contact", scope: scopeSelf, audit: audit("contact_message", actionCreate), body: contactRequest{}, handler: s.sendContact},

		// Patients (or guests with the signed link).
		{method: "POST", path: "/v1/consultations", scope: scopeSelf, audit: audit("consultation", actionCreate), body: createConsultationRequest{}, handler: s.createConsultation},
		{method: "GET", path: "/v1/consultations", roles: patients, scope: scopeSelf, audit: audit("consultation", actionSearch), handler: s.listConsultations},
		{method: "GET", path: "/v1/consultations/:id", scope: scopeConsultation, audit: audit("consultation", actionRead), handler: s.getConsultation},
		{method: "POST", path: "/v1/consultations/:id/intake", scope: scopeConsultation, audit: audit("intake", actionCreate), pin: true, body: intakeRequest{}, handler: s.submitIntake},
		{method: "POST", path: "/v1/consultations/:id/photos", scope: scopeConsultation, audit: audit("photo", actionCreate), pin: true, maxBody: maxPhotoBody, timeout: photoHandlerTimeout, handler: s.uploadPhoto},
		{method: "GET", path: "/v1/consultations/:id/invoice.pdf", scope: scopeConsultation, audit: audit("invoice", actionExport), pin: true, handler: s.patientInvoicePDF},
		{method: "GET", path: "/v1/consultations/:id/documents", scope: scopeConsultation, audit: audit("document", actionRead), pin: true, handler: s.listDocuments},
		{method: "GET", path: "/v1/consultations/:id/documents/:docId", scope: scopeConsultation, audit: audit("document", actionExport), pin: true, handler: s.getDocument},
		{method: "POST", path: "/v1/consultations/:id/checkin", scope: scopeConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdatePatientJoined, nil)},
		{method: "GET", path: "/v1/consultations/:id/cancellation", scope: scopeConsultation, audit: audit("consultation", actionRead), handler: s.cancellationQuote},
		{method: "POST", path: "/v1/consultations/:id/cancellation", scope: scopeConsultation, audit: consultationUpdate, body: cancellationRequest{}, handler: s.update(workflows.UpdateRequestCancellation, newCancellationRequest)},
		{method: "POST", path: "/v1/consultations/:id/walk-in/answer", scope: scopeConsultation, audit: consultationUpdate, handler: s.answerWalkIn},
		{method: "GET", path: "/v1/consultations/:id/questionnaire", scope: scopeConsultation, audit: audit("questionnaire_response", actionRead), pin: true, handler: s.getConsultationQuestionnaire},
		{method: "POST", path: "/v1/consultations/:id/questionnaire", scope: scopeConsultation, audit: audit("questionnaire_response", actionCreate), pin: true, body: questionnaireAnswersRequest{}, handler: s.submitQuestionnaire},
		{method: "POST", path: "/v1/consultations/:id/questionnaire/photos", scope: scopeConsultation, audit: audit("photo", actionCreate), pin: true, maxBody: maxPhotoBody, timeout: photoHandlerTimeout, handler: s.uploadQuestionnairePhoto},
		{method: "POST", path: "/v1/consultations/:id/review", scope: scopeConsultation, audit: audit("review", actionCreate), body: reviewRequest{}, handler: s.createReview},
		{method: "POST", path: "/v1/consultations/:id/video-token", scope: scopeConsultationParticipant, audit: audit("video_room", actionCreate), handler: s.videoToken},
		// A test room for the connection check (support page): anyone, limited
		// per source; it names no one and reaches no patient data, so no audit row.
		{method: "POST", path: "/v1/video/test-token", handler: s.videoTestToken},
		// Video signalling: the room token in the query is the pass.
		{method: "GET", path: "/v1/video/ws", timeout: noHandlerTimeout, handler: s.videoSignal},
		{method: "POST", path: "/v1/webhooks/mollie", handler: s.mollieWebhook},

		// Both sides of a live consultation (patient or guest link, and its doctor).
		{method: "GET", path: "/v1/consultations/:id/events", scope: scopeConsultationParticipant, audit: audit("consultation_events", actionRead), timeout: noHandlerTimeout, handler: s.consultationEvents},
		{method: "GET", path: "/v1/consultations/:id/chat", scope: scopeConsultationParticipant, audit: audit("chat", actionRead), pin: true, handler: s.listChat},
		{method: "POST", path: "/v1/consultations/:id/chat", scope: scopeConsultationParticipant, audit: audit("chat", actionCreate), pin: true, body: chatRequest{}, handler: s.postChat},
		{method: "POST", path: "/v1/consultations/:id/presence", scope: scopeConsultationParticipant, audit: audit("presence", actionUpdate), body: presenceRequest{}, handler: s.postPresence},

		// Secure messaging: a thread per patient-doctor pair (messages.go).
		{method: "GET", path: "/v1/me/threads", roles: patients, scope: scopeSelf, audit: audit("message_thread", actionSearch), pin: true, handler: s.patientThreads},
		{method: "POST", path: "/v1/me/threads", roles: patients, scope: scopeSelf, audit: audit("message_thread", actionCreate), pin: true, body: openThreadRequest{}, handler: s.openThread},
		{method: "GET", path: "/v1/me/message-settings", roles: anyUser, handler: s.getMessageSettings},
		{method: "PUT", path: "/v1/me/message-settings", roles: anyUser, body: messageSettingsRequest{}, handler: s.putMessageSettings},
		{method: "GET", path: "/v1/threads/:threadId", roles: parties, scope: scopeThread, audit: audit("message", actionRead), pin: true, handler: s.getThread},
		{method: "POST", path: "/v1/threads/:threadId/messages", roles: parties, scope: scopeThread, audit: audit("message", actionCreate), pin: true, body: postMessageRequest{}, handler: s.postMessage},
		{method: "POST", path: "/v1/threads/:threadId/files", roles: doctors, scope: scopeThread, audit: audit("message", actionCreate), pin: true, maxBody: maxFileBody, timeout: photoHandlerTimeout, handler: s.postFile},
		{method: "GET", path: "/v1/threads/:threadId/messages/:messageId/file", roles: parties, scope: scopeThread, audit: audit("message_file", actionExport), pin: true, handler: s.messageFile},
		{method: "POST", path: "/v1/threads/:threadId/read", roles: parties, scope: scopeThread, audit: audit("message", actionUpdate), pin: true, body: readRequest{}, handler: s.readThread},
		{method: "POST", path: "/v1/threads/:threadId/close", roles: doctors, scope: scopeThread, audit: audit("message_thread", actionUpdate), pin: true, handler: s.setThreadStatus(false)},
		{method: "POST", path: "/v1/threads/:threadId/reopen", roles: doctors, scope: scopeThread, audit: audit("message_thread", actionUpdate), pin: true, handler: s.setThreadStatus(true)},
		{method: "GET", path: "/v1/threads/:threadId/events", roles: parties, scope: scopeThread, audit: audit("message_events", actionRead), pin: true, timeout: noHandlerTimeout, handler: s.threadEvents},
		{method: "GET", path: "/v1/doctor/threads", roles: doctors, audit: audit("message_thread", actionSearch), handler: s.doctorThreads},
		{method: "POST", path: "/v1/doctor/consultations/:id/thread", roles: doctors, scope: scopeDoctorConsultation, audit: audit("message_thread", actionCreate), handler: s.doctorOpenThread},

		// Doctors.
		{method: "GET", path: "/v1/doctor/consultations", roles: doctors, audit: audit("consultation", actionSearch), handler: s.doctorConsultations},
		{method: "GET", path: "/v1/doctor/consultations/:id", roles: doctors, scope: scopeDoctorConsultation, audit: audit("consultation", actionRead), handler: s.doctorConsultation},
		{method: "GET", path: "/v1/doctor/consultations/:id/photos/:photoId", roles: doctors, scope: scopeDoctorConsultation, audit: audit("photo", actionRead), handler: s.doctorPhoto},
		{method: "GET", path: "/v1/doctor/consultations/:id/questionnaire", roles: doctors, scope: scopeDoctorConsultation, audit: audit("questionnaire_response", actionRead), handler: s.doctorConsultationQuestionnaire},
		{method: "POST", path: "/v1/doctor/consultations/:id/advice", roles: doctors, scope: scopeDoctorConsultation, audit: audit("advice", actionCreate), body: adviceRequest{}, handler: s.answerAdvice},
		{method: "POST", path: "/v1/doctor/consultations/:id/decline", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, body: declineRequest{}, handler: s.declineConsultation},
		{method: "POST", path: "/v1/doctor/consultations/:id/prescriptions", roles: doctors, scope: scopeDoctorConsultation, audit: audit("prescription", actionCreate), body: prescriptionRequest{}, handler: s.issuePrescription},
		{method: "POST", path: "/v1/doctor/consultations/:id/start", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateStartSession, nil)},
		{method: "POST", path: "/v1/doctor/consultations/:id/end", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateEndSession, nil)},
		{method: "POST", path: "/v1/doctor/consultations/:id/attended", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateMarkAttended, nil)},
		{method: "POST", path: "/v1/doctor/consultations/:id/no-show", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateMarkNoShow, nil)},
		{method: "POST", path: "/v1/doctor/consultations/:id/paid", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateMarkPaid, nil)},
		{method: "POST", path: "/v1/doctor/consultations/:id/delay", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, body: delayRequest{}, handler: s.update(workflows.UpdateDoctorDelay, newDelayRequest)},
		{method: "POST", path: "/v1/doctor/consultations/:id/cancel", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateDoctorCancel, nil)},
		{method: "POST", path: "/v1/doctor/consultations/:id/cancellation/confirm", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateConfirmCancellation, nil)},
		{method: "POST", path: "/v1/doctor/consultations/:id/cancellation/reject", roles: doctors, scope: scopeDoctorConsultation, audit: consultationUpdate, handler: s.update(workflows.UpdateRejectCancellation, nil)},
		{method: "GET", path: "/v1/doctor/patients", roles: doctors, audit: audit("patient", actionSearch), handler: s.doctorPatients},
		{method: "GET", path: "/v1/doctor/patients/:patientId/access-log", roles: doctors, scope: scopeDoctorPatient, audit: audit("audit_log", actionRead), handler: s.patientAccessLog},
		{method: "GET", path: "/v1/doctor/patients/:patientId/record", roles: doctors, scope: scopeDoctorPatient, audit: audit("record", actionRead), handler: s.getRecord},
		{method: "GET", path: "/v1/doctor/patients/:patientId/record/pdf", roles: doctors, scope: scopeDoctorPatient, audit: audit("record", actionExport), handler: s.recordPDF},
		{method: "GET", path: "/v1/doctor/patients/:patientId/record/fhir", roles: doctors, scope: scopeDoctorPatient, audit: audit("record", actionExport), handler: s.recordFHIR},
		{method: "POST", path: "/v1/doctor/patients/:patientId/notes", roles: doctors, scope: scopeDoctorPatient, audit: audit("record_note", actionCreate), body: noteRequest{}, handler: s.createNote},
		{method: "POST", path: "/v1/doctor/patients/:patientId/diagnoses", roles: doctors, scope: scopeDoctorPatient, audit: audit("diagnosis", actionCreate), body: diagnosisRequest{}, handler: s.createDiagnosis},
		{method: "GET", path: "/v1/doctor/waiting-room", roles: doctors, audit: audit("consultation", actionSearch), handler: s.doctorWaitingRoom},
		{method: "GET", path: "/v1/doctor/events", roles: doctors, audit: audit("consultation_events", actionRead), timeout: noHandlerTimeout, handler: s.doctorEvents},
		{method: "GET", path: "/v1/doctor/invoices", roles: doctors, audit: audit("invoice", actionSearch), handler: s.listDoctorInvoices},
		{method: "GET", path: "/v1/doctor/invoices/:file", roles: doctors, scope: scopeDoctorInvoice, audit: audit("invoice", actionExport), handler: s.doctorInvoicePDF},
		{method: "GET", path: "/v1/doctor/profile", roles: doctors, handler: s.doctorProfile},
		{method: "PUT", path: "/v1/doctor/profile", roles: doctors, body: profileRequest{}, handler: s.putDoctorProfile},
		{method: "GET", path: "/v1/doctor/availability", roles: doctors, handler: s.getAvailability},
		{method: "PUT", path: "/v1/doctor/availability", roles: doctors, body: availabilityBody{}, handler: s.putAvailability},
		{method: "GET", path: "/v1/doctor/walk-in/hours", roles: doctors, handler: s.getWalkInHours},
		{method: "PUT", path: "/v1/doctor/walk-in/hours", roles: doctors, body: walkInHoursBody{}, handler: s.putWalkInHours},
		{method: "GET", path: "/v1/doctor/walk-in", roles: doctors, audit: audit("consultation", actionSearch), handler: s.doctorWalkInQueue},
		{method: "POST", path: "/v1/doctor/walk-in/call-next", roles: doctors, audit: consultationUpdate, handler: s.walkInAct(workflows.UpdateWalkInCallNext)},
		{method: "POST", path: "/v1/doctor/walk-in/pause", roles: doctors, handler: s.walkInAct(workflows.UpdateWalkInPause)},
		{method: "POST", path: "/v1/doctor/walk-in/resume", roles: doctors, handler: s.walkInAct(workflows.UpdateWalkInResume)},
		{method: "POST", path: "/v1/doctor/walk-in/close", roles: doctors, handler: s.walkInAct(workflows.UpdateWalkInClose)},
		{method: "GET", path: "/v1/doctor/waitlist", roles: doctors, handler: s.doctorWaitlist},
		{method: "GET", path: "/v1/doctor/questionnaires", roles: doctors, handler: s.listDoctorQuestionnaires},
		{method: "POST", path: "/v1/doctor/questionnaires", roles: doctors, body: publishQuestionnaireRequest{}, handler: s.publishQuestionnaire},
		{method: "DELETE", path: "/v1/doctor/questionnaires/:type", roles: doctors, handler: s.withdrawQuestionnaire},
		{method: "GET", path: "/v1/doctor/widgets", roles: doctors, handler: s.doctorWidgets},
		{method: "PUT", path: "/v1/doctor/widgets", roles: doctors, audit: audit("widget_settings", actionUpdate), body: widgetSettingsRequest{}, handler: s.putDoctorWidgets},
		{method: "GET", path: "/v1/doctor/fees", roles: doctors, handler: s.doctorFees},
		{method: "GET", path: "/v1/doctor/checklist", roles: doctors, handler: s.doctorChecklist},
		{method: "GET", path: "/v1/doctor/guide.pdf", roles: doctors, handler: s.doctorGuidePDF},
		{method: "PUT", path: "/v1/doctor/fees", roles: doctors, body: feesRequest{}, handler: s.putDoctorFees},
		{method: "GET", path: "/v1/doctor/payments/connection", roles: doctors, audit: audit("payment_account", actionRead), handler: s.payoutConnection},
		{method: "DELETE", path: "/v1/doctor/payments/connection", roles: doctors, audit: audit("payment_account", actionDelete), handler: s.disconnectPayouts},
		{method: "POST", path: "/v1/doctor/payments/connect", roles: doctors, audit: audit("payment_account", actionCreate), handler: s.startConnect},
		{method: "POST", path: "/v1/doctor/payments/connect/complete", roles: doctors, audit: audit("payment_account", actionUpdate), body: connectCompleteRequest{}, handler: s.completeConnect},
		{method: "POST", path: "/v1/doctor/conditions/:slug/review", roles: doctors, body: doctorReviewRequest{}, handler: s.doctorReviewCondition},

		// Administrators.
		{method: "POST", path: "/v1/admin/conditions/:slug/review", roles: admins, body: adminReviewRequest{}, handler: s.adminResetConditionReview},
		{method: "GET", path: "/v1/admin/comments", roles: admins, handler: s.listModerationComments},
		{method: "GET", path: "/v1/admin/doctors", roles: admins, handler: s.adminDoctors},
		{method: "POST", path: "/v1/admin/doctors", roles: admins, audit: audit("user", actionCreate), body: inviteDoctorRequest{}, handler: s.inviteDoctor},
		{method: "POST", path: "/v1/admin/comments/:id/approve", roles: admins, handler: s.moderateComment(commentApproved)},
		{method: "POST", path: "/v1/admin/comments/:id/reject", roles: admins, handler: s.moderateComment(commentRejected)},
		{method: "GET", path: "/v1/admin/access-log", roles: admins, audit: audit("audit_log", actionSearch), handler: s.searchAuditLog},
		{method: "GET", path: "/v1/admin/patients/:patientId/access-log", roles: admins, scope: scopeAdminPatient, audit: audit("audit_log", actionRead), handler: s.patientAccessLog},
		{method: "GET", path: "/v1/admin/contact", roles: admins, audit: audit("contact_message", actionSearch), handler: s.listContactMessages},
		{method: "PATCH", path: "/v1/admin/contact/:id", roles: admins, audit: audit("contact_message", actionUpdate), body: contactStatusRequest{}, handler: s.setContactStatus},
		// The Temporal Web UI's payload codec (temporal_codec.go).
		{method: "POST", path: "/v1/admin/temporal-codec/decode", roles: admins, audit: audit("temporal_payload", actionRead), cors: true, maxBody: maxCodecBody, body: codecRequest{}, handler: s.codecDecode},
		{method: "POST", path: "/v1/admin/temporal-codec/encode", roles: admins, cors: true, maxBody: maxCodecBody, body: codecRequest{}, handler: s.codecEncode},
		{method: "OPTIONS", path: "/v1/admin/temporal-codec/decode", cors: true, handler: s.codecPreflight},
		{method: "OPTIONS", path: "/v1/admin/temporal-codec/encode", cors: true, handler: s.codecPreflight},
	}
}

// chain is the handler chain of a route (after the engine's middleware,
// which caps every body at maxJSONBody and sets the handler deadline), in
// this order: open the audit entry (so refusals are written too), find the
// object and name its patient, authenticate, refuse a session that owes
// the second factor, check the role, check access
// to the object, check the PIN, raise the body cap and deadline where the
// route declares it, run the handler.
func (s *Server) chain(r routeSpec) []gin.HandlerFunc {
	var hs []gin.HandlerFunc
	if r.cors {
		hs = append(hs, s.temporalUICORS)
	}
	if r.audit.audited() {
		hs = append(hs, s.audited(r))
	}
	if r.scope != scopeNone && r.scope != scopeSelf {
		hs = append(hs, s.findSubject(r.scope))
	}
	if strings.HasPrefix(r.path, "/v1/") {
		hs = append(hs, s.authenticate(), s.secondFactorGate(r))
	}
	if r.roles != nil {
		hs = append(hs, requireRole(r.roles...))
	}
	if r.scope != scopeNone && r.scope != scopeSelf {
		hs = append(hs, s.authorize(r.scope))
	}
	if r.pin {
		hs = append(hs, s.requirePIN())
	}
	if r.maxBody != 0 {
		hs = append(hs, bodyLimit(r.maxBody))
	}
	if r.timeout != 0 {
		hs = append(hs, handlerTimeout(r.timeout))
	}
	return append(hs, r.handler)
}

// mount adds every route of the table to the engine.
func (s *Server) mount(e *gin.Engine) {
	s.auditObjects = map[string]bool{}
	for _, r := range s.routeTable() {
		e.Handle(r.method, r.path, s.chain(r)...)
		if r.audit.audited() {
			s.auditObjects[r.audit.object] = true
		}
	}
}

func serveSpec(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", OpenAPISpec) }

// RouteInfo is the declaration of one route without its handler, for tests
// and documentation.
type RouteInfo struct {
	Method, Path string
	// Roles that may call it; empty means anyone (the scope decides).
	Roles []string
	// Scope is none, self, consultation, doctor-consultation, doctor-invoice,
	// consultation-participant, doctor-patient, thread or admin-patient.
	Scope string
	// AuditObject and AuditAction are what an access writes to the audit
	// log; an empty AuditObject means the route touches no patient data.
	AuditObject, AuditAction string
	// PIN: a logged-in patient must have unlocked the PIN.
	PIN bool
	// SecondFactor: a session that still owes the second factor (every
	// doctor's and admin's until given) is refused.
	SecondFactor bool
}

// Routes lists every route of the API as routeTable declares it.
func Routes() []RouteInfo {
	s := &Server{Deps: Deps{Registry: prometheus.NewRegistry()}}
	names := map[scope]string{scopeNone: "none", scopeSelf: "self", scopeConsultation: "consultation",
		scopeDoctorConsultation: "doctor-consultation", scopeDoctorInvoice: "doctor-invoice",
		scopeConsultationParticipant: "consultation-participant", scopeDoctorPatient: "doctor-patient", scopeThread: "thread",
		scopeAdminPatient: "admin-patient"}
	var out []RouteInfo
	for _, r := range s.routeTable() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Roles: r.roles, Scope: names[r.scope],
			AuditObject: r.audit.object, AuditAction: r.audit.action, PIN: r.pin, SecondFactor: r.needsSecondFactor()})
	}
	return out
}
