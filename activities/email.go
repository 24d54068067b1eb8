package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"derma2go/accounts"
	"derma2go/billing"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/mail"
	"derma2go/prescribing"
	"derma2go/web"
	"derma2go/workflows"
)

// SendEmail renders and sends one email, once per dedup key: the key is
// claimed in PostgreSQL before the send and marked sent after it (deliver),
// and the message carries a Message-ID derived from the key. A retry after
// a send whose outcome is unknown sends it again only for the templates
// that must arrive (deliveryOf). A reminder whose SendBy has passed is
// dropped, not sent late. Its errors never carry personal data (see
// scrubEmailError): they end up in the workflow history.
func (a *Activities) SendEmail(ctx context.Context, in workflows.SendEmailInput) error {
	personal, err := a.sendEmail(ctx, in)
	return scrubEmailError(ctx, in.Template, err, personal)
}

// sendEmail is SendEmail before its error is scrubbed; it returns the
// personal data the email carried.
func (a *Activities) sendEmail(ctx context.Context, in workflows.SendEmailInput) ([]string, error) {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return nil, err
	}
	if appt := in.Appointment; appt != nil && appt.SendBy != nil && time.Now().After(*appt.SendBy) {
		a.Logger.InfoContext(ctx, "email dropped: too late to be of use", "consultation_id", in.ConsultationID,
			"template", in.Template, "send_by", appt.SendBy.UTC())
		return nil, nil
	}
	prior, err := a.Store.GetEmailDelivery(ctx, in.DedupKey)
	switch {
	case err == nil && prior.State == "sent":
		return nil, nil
	case err != nil && !errors.Is(db.Translate(err), db.ErrNotFound):
		return nil, fmt.Errorf("send email: %w", err)
	}
	c, err := a.Store.GetConsultation(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("send email: %w", err)
	}
	msg, personal, err := a.composeEmail(ctx, c, in)
	if err != nil {
		return personal, err
	}
	return personal, a.deliver(ctx, outgoing{
		key: in.DedupKey, consultation: uuid.NullUUID{UUID: id, Valid: true}, template: string(in.Template), msg: msg,
	})
}

// composeEmail builds the message; it also returns the personal data it
// put in (names, addresses), which scrubEmailError keeps out of errors.
func (a *Activities) composeEmail(ctx context.Context, c db.Consultation, in workflows.SendEmailInput) (mail.Message, []string, error) {
	patient, err := accounts.PatientContact(ctx, a.Store.Queries, a.Fields, c)
	if err != nil {
		return mail.Message{}, nil, err
	}
	personal := []string{patient.Name, patient.Email}
	doctorRow, err := a.Store.GetDoctor(ctx, c.DoctorID)
	if err != nil {
		return mail.Message{}, personal, fmt.Errorf("send email: %w", err)
	}
	doctor, err := accounts.DoctorContact(ctx, a.Store.Queries, a.Fields, c.DoctorID)
	if err != nil {
		return mail.Message{}, personal, err
	}
	personal = append(personal, doctor.Name, doctor.Email, doctorRow.DisplayName, doctorRow.Address)
	msg, err := a.renderEmail(ctx, c, in, patient, doctor, doctorRow)
	return msg, personal, err
}

// renderEmail fills the template's data and renders it.
func (a *Activities) renderEmail(ctx context.Context, c db.Consultation, in workflows.SendEmailInput,
	patient, doctor accounts.Contact, doctorRow db.Doctor) (mail.Message, error) {
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
	lang = mail.NormalizeLang(lang)
	amount := mail.FormatMoney(lang, int64(c.AmountCents), c.Currency)
	due := ""
	if c.DueAt != nil {
		due = mail.FormatTime(lang, *c.DueAt, zone)
	}
	links, access, id := web.Links{Base: a.PublicURL}, a.guestAccess(c), c.ID.String()
	portal := links.Consultation(id, access)
	doctorURL := links.DoctorConsultation(id)
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
		if c.AdviceNotifyOnly {
			text = "" // the patient asked to be told only that the advice is ready
		}
		data = mail.AdviceAnsweredData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Advice: text,
			NotifyOnly: c.AdviceNotifyOnly, PortalURL: portal}
	case workflows.TemplateAdviceSLAReminder:
		data = mail.AdviceSLAReminderData{DoctorName: doctorRow.DisplayName, DueAt: due, ConsultationURL: doctorURL}
	case workflows.TemplateAdviceSLABreachedPatient:
		data = mail.AdviceSLABreachedPatientData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, DueAt: due}
	case workflows.TemplateAdviceSLABreachedSupport:
		data = mail.AdviceSLABreachedSupportData{ConsultationID: c.ID.String(), DoctorName: doctorRow.DisplayName, DueAt: due}
	case workflows.TemplateAdviceExpiredRefunded:
		data = mail.AdviceExpiredRefundedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Amount: amount}
	case workflows.TemplateConsultationDeclined:
		data = mail.ConsultationDeclinedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Amount: amount,
			Reason: c.StatusReason}
	case workflows.TemplateRefundIssued:
		refunded, err := a.Store.SumRefunded(ctx, c.ID)
		if err != nil {
			return mail.Message{}, fmt.Errorf("send email: %w", err)
		}
		data = mail.RefundIssuedData{PatientName: patient.Name, Amount: mail.FormatMoney(lang, refunded, c.Currency)}
	case workflows.TemplateRefundFailedSupport:
		data = mail.RefundFailedSupportData{ConsultationID: c.ID.String(), Amount: amount}
	case workflows.TemplateReviewRequest:
		data = mail.ReviewRequestData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, ReviewURL: links.Review(id, access)}
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
	case workflows.TemplateCreditNote, workflows.TemplateInvoiceDue:
		data, attachments, err = a.moneyEmail(ctx, c, in, patient.Name, lang)
		if err != nil {
			return mail.Message{}, err
		}
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
		start := mail.FormatTime(lang, appt.Start, zone)
		waiting := waitingRoom(appt.Type, links.WaitingRoom(id, access))
		calendar := func(cancel bool, stamp time.Time) error {
			att, err := a.calendarFile(c, appt, doctorRow, waiting, portal, patient.Email, lang, cancel, stamp)
			if err != nil {
				return err
			}
			attachments = append(attachments, att)
			return nil
		}
		switch in.Template {
		case workflows.TemplateAppointmentInvitation:
			questionnaire, err := a.questionnaireLink(ctx, c, links, access)
			if err != nil {
				return mail.Message{}, err
			}
			data = mail.AppointmentInvitationData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Start: start,
				ConsultationType: string(appt.Type), IntakeURL: links.Intake(id, access), QuestionnaireURL: questionnaire,
				WaitingRoomURL: waiting, Address: addressIf(appt.Type, doctorRow)}
			if err := calendar(false, c.CreatedAt); err != nil {
				return mail.Message{}, err
			}
		case workflows.TemplateNewBookingDoctor:
			data = mail.NewBookingDoctorData{DoctorName: doctorRow.DisplayName, PatientName: patient.Name, Start: start,
				ConsultationType: string(appt.Type), ConsultationURL: doctorURL}
		case workflows.TemplateAppointmentReminder:
			data = mail.AppointmentReminderData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName,
				Start: mail.FormatTime(lang, appt.ExpectedStart, zone), WaitingRoomURL: waiting, HoursBefore: appt.HoursBefore}
		case workflows.TemplateDoctorDelay:
			data = mail.DoctorDelayData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Minutes: appt.DelayMinutes,
				NewStart: mail.FormatTime(lang, appt.ExpectedStart, zone)}
			if err := calendar(false, time.Now()); err != nil {
				return mail.Message{}, err
			}
		case workflows.TemplateAppointmentCancelled:
			data = cancelledData(lang, patient.Name, doctorRow.DisplayName, start, appt)
			if err := calendar(true, time.Now()); err != nil {
				return mail.Message{}, err
			}
		case workflows.TemplateCancellationRequested:
			data = mail.CancellationRequestedData{DoctorName: doctorRow.DisplayName, PatientName: patient.Name, Start: start,
				RefundAmount: moneyIf(lang, appt.RefundCents, c.Currency), ConsultationURL: doctorURL}
		case workflows.TemplateCancellationRejected:
			left := -1
			if appt.CancellationRequests > 0 {
				left = max(workflows.MaxCancellationRequests-appt.CancellationRequests, 0)
			}
			data = mail.CancellationRejectedData{PatientName: patient.Name, DoctorName: doctorRow.DisplayName, Start: start,
				MessagesURL: links.MessageDoctor(c.DoctorID.String()), RequestsLeft: left}
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

// guestAccess is the signed access token a guest's links carry; account
// consultations need none (their links lead through the login page).
func (a *Activities) guestAccess(c db.Consultation) string {
	if c.PatientID.Valid {
		return ""
	}
	return a.Links.Sign(domain.LinkConsultation, c.ID.String(), time.Now().Add(domain.GuestLinkLifetime))
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

func moneyIf(lang string, cents int64, currency string) string {
	if cents <= 0 {
		return ""
	}
	return mail.FormatMoney(lang, cents, currency)
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
