package activities

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"derma2go/accounts"
	"derma2go/billing"
	"derma2go/db"
	"derma2go/documents"
	"derma2go/mail"
	"derma2go/prescribing"
	"derma2go/workflows"
)

// guestLinkLifetime is how long links in guest emails stay valid.
const guestLinkLifetime = 90 * 24 * time.Hour

// SendEmail renders and sends one email, at most once per dedup key. The key
// is recorded after the send: a crash between the two may, rarely, send one
// duplicate; it never loses an email.
func (a *Activities) SendEmail(ctx context.Context, in workflows.SendEmailInput) error {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return err
	}
	sent, err := a.Store.EmailSent(ctx, in.DedupKey)
	if err != nil {
		return fmt.Errorf("send email: %w", err)
	}
	if sent {
		return nil
	}
	c, err := a.Store.GetConsultation(ctx, id)
	if err != nil {
		return fmt.Errorf("send email: %w", err)
	}
	msg, err := a.composeEmail(ctx, c, in)
	if err != nil {
		return err
	}
	if err := a.Mail.Send(ctx, msg); err != nil {
		return fmt.Errorf("send email %s: %w", in.Template, err)
	}
	if err := a.Store.RecordEmailSent(ctx, db.RecordEmailSentParams{
		DedupKey: in.DedupKey, ConsultationID: uuid.NullUUID{UUID: id, Valid: true}, Template: string(in.Template),
	}); err != nil {
		return fmt.Errorf("send email: record: %w", err)
	}
	return nil
}

func (a *Activities) composeEmail(ctx context.Context, c db.Consultation, in workflows.SendEmailInput) (mail.Message, error) {
	patient, err := accounts.PatientContact(ctx, a.Store.Queries, a.Fields, c)
	if err != nil {
		return mail.Message{}, err
	}
	doctorRow, err := a.Store.GetDoctor(ctx, c.DoctorID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("send email: %w", err)
	}
	doctor, err := accounts.DoctorContact(ctx, a.Store.Queries, a.Fields, c.DoctorID)
	if err != nil {
		return mail.Message{}, err
	}
	zone, err := time.LoadLocation(doctorRow.TimeZone)
	if err != nil {
		zone = time.UTC
	}
	lang, to := patient.Language, patient.Email
	switch in.Recipient {
	case workflows.RecipientDoctor:
		lang, to = doctor.Language, doctor.Email
	case workflows.RecipientSupport:
		lang, to = "en", a.SupportEmail
	}
	amount := documents.FormatMoney(int64(c.AmountCents), c.Currency)
	due := ""
	if c.DueAt != nil {
		due = formatWhen(*c.DueAt, zone, lang)
	}
	portal := a.portalURL(c)
	doctorURL := a.PublicURL + "/v1/doctor/consultations/" + c.ID.String()
	var data any
	var attachments []mail.Attachment
	switch in.Template {
	case workflows.TemplatePaymentReceived:
		data = mail.PaymentReceivedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Amount: amount,
			ConsultationType: c.ConsultationType, FormURL: portal}
	case workflows.TemplateAdviceRequestReceived:
		data = mail.AdviceRequestReceivedData{DoctorName: doctorRow.DisplayName, ConsultationURL: doctorURL, DueAt: due, FormKind: c.AdviceForm.String}
	case workflows.TemplateAdviceAnswered:
		adv, err := a.Store.GetPublishedAdvice(ctx, c.ID)
		if err != nil {
			return mail.Message{}, fmt.Errorf("send email: advice: %w", err)
		}
		text, err := a.Fields.DecryptString(db.FieldAdvice, adv.TextEnc)
		if err != nil {
			return mail.Message{}, fmt.Errorf("send email: advice: %w", err)
		}
		data = mail.AdviceAnsweredData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Advice: text, PortalURL: portal}
	case workflows.TemplateAdviceSLAReminder:
		data = mail.AdviceSLAReminderData{DoctorName: doctorRow.DisplayName, DueAt: due, ConsultationURL: doctorURL}
	case workflows.TemplateAdviceSLABreachedPatient:
		data = mail.AdviceSLABreachedPatientData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, DueAt: due}
	case workflows.TemplateAdviceSLABreachedSupport:
		data = mail.AdviceSLABreachedSupportData{ConsultationID: c.ID.String(), DoctorName: doctorRow.DisplayName, DueAt: due}
	case workflows.TemplateAdviceExpiredRefunded:
		data = mail.AdviceExpiredRefundedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Amount: amount}
	case workflows.TemplateConsultationDeclined:
		data = mail.ConsultationDeclinedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Amount: amount}
	case workflows.TemplateRefundIssued:
		refunded, err := a.Store.SumRefunded(ctx, c.ID)
		if err != nil {
			return mail.Message{}, fmt.Errorf("send email: %w", err)
		}
		data = mail.RefundIssuedData{PatientName: patient.Name, Amount: documents.FormatMoney(refunded, c.Currency)}
	case workflows.TemplateRefundFailedSupport:
		data = mail.RefundFailedSupportData{ConsultationID: c.ID.String(), Amount: amount}
	case workflows.TemplateReviewRequest:
		data = mail.ReviewRequestData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, ReviewURL: portal}
	case workflows.TemplateInvoice:
		inv, err := a.Store.GetInvoiceByConsultation(ctx, c.ID)
		if err != nil {
			return mail.Message{}, fmt.Errorf("send email: invoice: %w", err)
		}
		pdf, err := billing.InvoicePDF(ctx, a.Store.Queries, a.Fields, inv)
		if err != nil {
			return mail.Message{}, err
		}
		data = mail.InvoiceData{Name: patient.Name, InvoiceNumber: billing.Number(inv), Amount: amount}
		attachments = append(attachments, mail.Attachment{Name: "invoice-" + billing.Number(inv) + ".pdf", ContentType: "application/pdf", Data: pdf})
	case workflows.TemplatePrescriptionIssued:
		p, err := a.prescriptionAttachment(ctx, c, in.DocumentID)
		if err != nil {
			return mail.Message{}, err
		}
		data = mail.PrescriptionIssuedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, PortalURL: portal}
		attachments = append(attachments, p)
	default:
		appt := in.Appointment
		if appt == nil {
			return mail.Message{}, temporal.NewNonRetryableApplicationError("unknown email template "+string(in.Template), "InvalidInput", nil)
		}
		start := formatWhen(appt.Start, zone, lang)
		switch in.Template {
		case workflows.TemplateAppointmentInvitation:
			waiting := ""
			location := doctorRow.Address + ", " + doctorRow.City
			if appt.Type == workflows.TypeVideo {
				waiting, location = portal, portal
			}
			data = mail.AppointmentInvitationData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Start: start,
				ConsultationType: string(appt.Type), IntakeURL: portal, WaitingRoomURL: waiting, Address: addressIf(appt.Type, doctorRow)}
			ics, err := documents.InvitationICS(documents.Invitation{
				UID: c.ID.String() + "@derma2go", Start: appt.ExpectedStart, End: appt.End.Add(appt.ExpectedStart.Sub(appt.Start)),
				Summary: doctorRow.DisplayName + " — Derma2Go", Location: location, URL: portal,
				Organizer: "no-reply@derma2go.nl", Attendee: patient.Email, Stamp: c.CreatedAt,
			})
			if err != nil {
				return mail.Message{}, temporal.NewNonRetryableApplicationError("invitation", "InvalidInput", err)
			}
			attachments = append(attachments, mail.Attachment{Name: "afspraak.ics", ContentType: "text/calendar; method=REQUEST", Data: ics})
		case workflows.TemplateNewBookingDoctor:
			data = mail.NewBookingDoctorData{DoctorName: doctorRow.DisplayName, PatientName: patient.Name, Start: start,
				ConsultationType: string(appt.Type), ConsultationURL: doctorURL}
		case workflows.TemplateAppointmentReminder:
			data = mail.AppointmentReminderData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName,
				Start: formatWhen(appt.ExpectedStart, zone, lang), WaitingRoomURL: waitingRoom(appt.Type, portal), HoursBefore: appt.HoursBefore}
		case workflows.TemplateDoctorDelay:
			data = mail.DoctorDelayData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Minutes: appt.DelayMinutes,
				NewStart: formatWhen(appt.ExpectedStart, zone, lang)}
		case workflows.TemplateAppointmentCancelled:
			data = mail.AppointmentCancelledData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Start: start,
				RefundAmount: moneyIf(appt.RefundCents, c.Currency)}
		case workflows.TemplateCancellationRequested:
			data = mail.CancellationRequestedData{DoctorName: doctorRow.DisplayName, PatientName: patient.Name, Start: start,
				RefundAmount: moneyIf(appt.RefundCents, c.Currency), ConsultationURL: doctorURL}
		case workflows.TemplateCancellationRejected:
			data = mail.CancellationRejectedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Start: start, PortalURL: portal}
		default:
			return mail.Message{}, temporal.NewNonRetryableApplicationError("unknown email template "+string(in.Template), "InvalidInput", nil)
		}
	}
	msg, err := mail.Render(lang, string(in.Template), data)
	if err != nil {
		return mail.Message{}, temporal.NewNonRetryableApplicationError("render "+string(in.Template), "TemplateError", err)
	}
	msg.To = []string{to}
	msg.Attachments = attachments
	msg.Headers = map[string]string{"X-Derma2Go-Consultation": c.ID.String()}
	return msg, nil
}

// portalURL is the consultation's page; guests get a signed access link.
func (a *Activities) portalURL(c db.Consultation) string {
	u := a.PublicURL + "/v1/consultations/" + c.ID.String()
	if !c.PatientID.Valid {
		u += "?access=" + url.QueryEscape(a.Links.Sign("consultation", c.ID.String(), time.Now().Add(guestLinkLifetime)))
	}
	return u
}

var (
	dutchDays   = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
	dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
)

// formatWhen prints an instant in the doctor's zone in the reader's language:
// "dinsdag 4 maart 2025 om 14:30" or "Tuesday 4 March 2025 at 14:30".
func formatWhen(t time.Time, zone *time.Location, lang string) string {
	t = t.In(zone)
	if lang == "en" {
		return t.Format("Monday 2 January 2006 at 15:04 MST")
	}
	return fmt.Sprintf("%s %d %s %d om %s", dutchDays[t.Weekday()], t.Day(), dutchMonths[t.Month()-1], t.Year(), t.Format("15:04 MST"))
}

func waitingRoom(t workflows.ConsultationType, portal string) string {
	if t == workflows.TypeVideo {
		return portal
	}
	return ""
}

func addressIf(t workflows.ConsultationType, d db.Doctor) string {
	if t == workflows.TypeInPerson {
		return d.Address + ", " + d.City
	}
	return ""
}

func moneyIf(cents int64, currency string) string {
	if cents <= 0 {
		return ""
	}
	return documents.FormatMoney(cents, currency)
}

// prescriptionAttachment renders a consultation's prescription as a PDF attachment.
func (a *Activities) prescriptionAttachment(ctx context.Context, c db.Consultation, documentID string) (mail.Attachment, error) {
	id, err := uuid.Parse(documentID)
	if err != nil {
		return mail.Attachment{}, temporal.NewNonRetryableApplicationError("bad prescription id", "InvalidInput", err)
	}
	p, err := a.Store.GetPrescription(ctx, db.GetPrescriptionParams{ID: id, ConsultationID: c.ID})
	if err != nil {
		return mail.Attachment{}, fmt.Errorf("send email: prescription: %w", err)
	}
	pdf, err := prescribing.PDF(ctx, a.Store.Queries, a.Fields, p)
	if err != nil {
		return mail.Attachment{}, err
	}
	return mail.Attachment{Name: "recept-" + p.ID.String()[:8] + ".pdf", ContentType: "application/pdf", Data: pdf}, nil
}
