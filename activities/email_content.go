package activities

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"regexp"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/documents"
	"derma2go/mail"
	"derma2go/workflows"
)

// Causes of an appointment_cancelled email (mail.AppointmentCancelledData.Cause).
const (
	causePatient  = "patient"  // the patient's request, confirmed by the doctor or at the start
	causeDoctor   = "doctor"   // the doctor cancelled
	causeNotHeld  = "not_held" // the patient waited, the session never started
	causeDeclined = "declined" // the doctor declined the patient
)

// cancelledData is the content of appointment_cancelled: who ended the
// appointment and why, what is refunded, and whether a patient's request
// came too late for a refund.
func cancelledData(lang, patientName, doctorName, start string, appt *workflows.AppointmentEmail) mail.AppointmentCancelledData {
	d := mail.AppointmentCancelledData{PatientName: patientName, DoctorName: doctorName, Start: start,
		RefundAmount: moneyIf(lang, appt.RefundCents, "EUR"), Paid: appt.Type == workflows.TypeVideo}
	switch reason := appt.Reason; {
	case reason == workflows.ReasonCancellationConfirmed || reason == workflows.ReasonCancellationAutoConfirmed:
		d.Cause = causePatient
		if req := appt.CancellationRequestedAt; req != nil {
			d.LateRequest = appt.Start.Sub(*req) < workflows.CancellationNotice
		}
	case reason == workflows.ReasonDoctorCancelled:
		d.Cause = causeDoctor
	case reason == workflows.ReasonSessionNotHeld:
		d.Cause = causeNotHeld
	case workflows.DeclineReason(reason).Valid():
		d.Cause, d.DeclineReason = causeDeclined, reason
	}
	return d
}

// calendarFile is the .ics attached to an appointment email: the
// invitation (METHOD:REQUEST), an update with a higher SEQUENCE after a
// delay, or the cancellation (METHOD:CANCEL, same UID). LOCATION is the
// waiting-room page for video (the link the email gives) and the practice
// address in person; ORGANIZER is the address the email comes from.
func (a *Activities) calendarFile(c db.Consultation, appt *workflows.AppointmentEmail, d db.Doctor,
	waitingRoomURL, pageURL, attendee, lang string, cancel bool, stamp time.Time) (mail.Attachment, error) {
	location := waitingRoomURL
	if appt.Type != workflows.TypeVideo {
		location = d.Address + ", " + d.City
	}
	seq := appt.Sequence
	if cancel && seq == 0 {
		seq = 1 // a workflow started before Sequence existed sends 0
	}
	ics, err := documents.InvitationICS(documents.Invitation{
		UID: c.ID.String() + "@derma2go", Sequence: seq,
		Start: appt.ExpectedStart, End: appt.End.Add(appt.ExpectedStart.Sub(appt.Start)),
		Summary: d.DisplayName + " — Derma2Go", Location: location, URL: pageURL,
		Organizer: a.senderAddress(), Attendee: attendee, Cancelled: cancel, Stamp: stamp,
	})
	if err != nil {
		return mail.Attachment{}, temporal.NewNonRetryableApplicationError("calendar file", "InvalidInput", err)
	}
	name, method := "afspraak.ics", "REQUEST"
	if lang == mail.LangEN {
		name = "appointment.ics"
	}
	if cancel {
		method = "CANCEL"
	}
	return mail.Attachment{Name: name, ContentType: "text/calendar; charset=utf-8; method=" + method, Data: ics}, nil
}

// senderAddress is the bare address of MailFrom ("Derma2Go
// <no-reply@…>" → "no-reply@…"), the ORGANIZER of calendar files.
func (a *Activities) senderAddress() string {
	if addr, err := netmail.ParseAddress(a.MailFrom); err == nil {
		return addr.Address
	}
	return ""
}

// emailAddress matches anything that looks like an email address.
var emailAddress = regexp.MustCompile(`[^\s<>()\[\],;:"']+@[^\s<>()\[\],;:"']+`)

// scrubEmailError turns an error of SendEmail into one that is safe for the
// workflow history: SMTP servers and go-mail put the recipient's address
// into their texts, and Temporal records an activity's error with the
// whole chain of its causes. The result is a flat ApplicationError (no
// cause) whose message has every email address and every piece of personal
// data the email carried (names, addresses) replaced. A permanent SMTP
// refusal (5xx) is not retried.
func scrubEmailError(ctx context.Context, tpl workflows.Template, err error, personal []string) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	msg := err.Error()
	for _, p := range personal {
		if p = strings.TrimSpace(p); len(p) >= 3 {
			msg = strings.ReplaceAll(msg, p, "[personal data]")
		}
	}
	msg = emailAddress.ReplaceAllString(msg, "[address]")
	typ, nonRetryable := "EmailFailed", false
	var delivery *mail.DeliveryError
	var appErr *temporal.ApplicationError
	switch {
	case errors.As(err, &delivery) && !deliveryIsRelays(delivery):
		typ, nonRetryable = errTypeAddressRefused, !delivery.Temporary
	case errors.As(err, &delivery) && !delivery.Temporary:
		typ, nonRetryable = errTypeRelayRejected, true
	case errors.As(err, &delivery):
		typ = errTypeRelayUnavailable
	case errors.Is(err, mail.ErrInvalidMessage):
		typ, nonRetryable = "EmailInvalid", true
	case errors.As(err, &appErr):
		typ, nonRetryable = appErr.Type(), appErr.NonRetryable()
	}
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("send email %s: %s", tpl, msg), typ,
		temporal.ApplicationErrorOptions{NonRetryable: nonRetryable})
}
