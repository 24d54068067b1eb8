package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"derma2go/billing"
	"derma2go/db"
	"derma2go/documents"
	"derma2go/mail"
	"derma2go/workflows"
)

// moneyEmail builds the data and PDF attachment of the credit-note and
// unpaid-invoice emails; amounts are written the way readers of lang write them.
func (a *Activities) moneyEmail(ctx context.Context, c db.Consultation, in workflows.SendEmailInput, name, lang string) (any, []mail.Attachment, error) {
	inv, err := a.Store.GetInvoiceByConsultation(ctx, c.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("send email: invoice: %w", err)
	}
	if in.Template == workflows.TemplateInvoiceDue {
		doc, err := billing.InvoiceDocument(ctx, a.Store.Queries, a.Fields, inv)
		if err != nil {
			return nil, nil, err
		}
		pdf, err := documents.InvoicePDF(doc)
		if err != nil {
			return nil, nil, err
		}
		zone, err := time.LoadLocation("Europe/Amsterdam")
		if err != nil {
			zone = time.UTC
		}
		due := ""
		if doc.PayBy != nil {
			due = doc.PayBy.In(zone).Format("02-01-2006")
		}
		data := mail.InvoiceDueData{Name: name, InvoiceNumber: billing.Number(inv), Amount: mail.FormatMoney(lang, int64(inv.AmountCents), inv.Currency),
			DueDate: due, PaymentURL: doc.PaymentURL, PracticeName: doc.PracticeName}
		return data, []mail.Attachment{{Name: "invoice-" + billing.Number(inv) + ".pdf", ContentType: "application/pdf", Data: pdf}}, nil
	}
	id, err := uuid.Parse(in.DocumentID)
	if err != nil {
		return nil, nil, temporal.NewNonRetryableApplicationError("bad credit note id", "InvalidInput", err)
	}
	cn, err := a.Store.GetCreditNote(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("send email: credit note: %w", err)
	}
	if cn.ConsultationID != c.ID {
		return nil, nil, temporal.NewNonRetryableApplicationError("the credit note is not of this consultation", "InvalidInput", nil)
	}
	pdf, err := billing.CreditNotePDF(ctx, a.Store.Queries, a.Fields, cn)
	if err != nil {
		return nil, nil, err
	}
	data := mail.CreditNoteData{Name: name, CreditNoteNumber: billing.CreditNumber(cn), InvoiceNumber: billing.Number(inv),
		Amount: mail.FormatMoney(lang, int64(cn.AmountCents), cn.Currency)}
	return data, []mail.Attachment{{Name: "credit-note-" + billing.CreditNumber(cn) + ".pdf", ContentType: "application/pdf", Data: pdf}}, nil
}
