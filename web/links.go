package web

import (
	"net/url"
	"strings"
)

// Links builds absolute links to the client's pages, for emails and
// redirects. Base is the public URL (scheme, host, optional path). A guest
// link carries its signed access token in ?access=; an account link carries
// none and leads through the login page when the reader is not logged in.
type Links struct {
	Base string
}

// Consultation is the patient's page of one consultation.
func (l Links) Consultation(id, access string) string {
	return l.build("/consultations/"+url.PathEscape(id), url.Values{"access": nonEmpty(access)})
}

// Intake is the intake form of an appointment.
func (l Links) Intake(id, access string) string {
	return l.build("/consultations/"+url.PathEscape(id)+"/intake", url.Values{"access": nonEmpty(access)})
}

// Questionnaire is the page where the patient fills in the doctor's
// questionnaire of a consultation.
func (l Links) Questionnaire(id, access string) string {
	return l.build("/consultations/"+url.PathEscape(id)+"/questionnaire", url.Values{"access": nonEmpty(access)})
}

// Review is the page to review a completed consultation.
func (l Links) Review(id, access string) string {
	return l.build("/consultations/"+url.PathEscape(id)+"/review", url.Values{"access": nonEmpty(access)})
}

// WaitingRoom is the video consultation's waiting room.
func (l Links) WaitingRoom(id, access string) string {
	return l.build("/consultations/"+url.PathEscape(id)+"/waiting-room", url.Values{"access": nonEmpty(access)})
}

// DoctorConsultation is the dashboard page of one consultation.
func (l Links) DoctorConsultation(id string) string {
	return l.build("/doctor/consultations/"+url.PathEscape(id), nil)
}

// Portal is the patient's list of consultations.
func (l Links) Portal() string { return l.build("/consultations", nil) }

// ResetPassword is the page that sets a new password with a reset token.
func (l Links) ResetPassword(token string) string {
	return l.build("/reset-password", url.Values{"token": {token}})
}

// VerifyEmail is the page that confirms an email address with the token
// mailed at registration.
func (l Links) VerifyEmail(token string) string {
	return l.build("/verify-email", url.Values{"token": {token}})
}

// PaymentReturn is where the checkout sends the payer back: it follows the
// payment until it settles, in lang, and (for guests, with access) links on
// to the consultation.
func (l Links) PaymentReturn(id, lang, access string) string {
	return l.build("/payment-return", url.Values{"consultation": {id}, "lang": nonEmpty(lang), "access": nonEmpty(access)})
}

func (l Links) build(p string, q url.Values) string {
	u := strings.TrimRight(l.Base, "/") + p
	for k, v := range q {
		if len(v) == 0 {
			delete(q, k)
		}
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Thread is the patient's page of a message thread (behind the login and
// the PIN).
func (l Links) Thread(id string) string {
	return l.build("/messages/"+url.PathEscape(id), nil)
}

// MessageDoctor opens the patient's thread with a doctor, starting it if
// need be (the "send the practice a message" link).
func (l Links) MessageDoctor(doctorID string) string {
	return l.build("/messages/doctor/"+url.PathEscape(doctorID), nil)
}

// DoctorThread is the dashboard page of a message thread.
func (l Links) DoctorThread(id string) string {
	return l.build("/doctor/messages/"+url.PathEscape(id), nil)
}

// WaitlistOffer is the page of a waitlist offer: the freed slot, with
// accept and decline.
func (l Links) WaitlistOffer(id string) string {
	return l.build("/waitlist/offers/"+url.PathEscape(id), nil)
}

// Waitlist is the patient's list of waitlist entries.
func (l Links) Waitlist() string { return l.build("/waitlist", nil) }
