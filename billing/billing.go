// Package billing issues invoices with each doctor's gap-free sequence
// numbers and renders them as PDF. Activities issue; the API and the
// activities render.
package billing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/documents"
	"derma2go/secure"
)

// IssueInvoice gives a paid consultation its invoice, once: a second call
// returns the first invoice. The number comes from the doctor's counter in
// the same transaction as the invoice row, so numbers have no gaps and no
// duplicates even under concurrent issuing.
func IssueInvoice(ctx context.Context, store *db.Store, consultationID uuid.UUID) (db.Invoice, error) {
	var inv db.Invoice
	err := store.Tx(ctx, func(q *db.Queries) error {
		c, err := q.GetConsultationForUpdate(ctx, consultationID)
		if err != nil {
			return err
		}
		existing, err := q.GetInvoiceByConsultation(ctx, consultationID)
		if err == nil {
			inv = existing
			return nil
		}
		if !errors.Is(db.Translate(err), db.ErrNotFound) {
			return err
		}
		paidAt, err := paidAt(ctx, q, c)
		if err != nil {
			return err
		}
		n, err := q.NextInvoiceNumber(ctx, c.DoctorID)
		if err != nil {
			return err
		}
		inv, err = q.CreateInvoice(ctx, db.CreateInvoiceParams{
			ID: uuid.New(), DoctorID: c.DoctorID, Number: n, ConsultationID: c.ID,
			AmountCents: c.AmountCents, Currency: c.Currency, PaidAt: paidAt,
		})
		return err
	})
	if err != nil {
		return db.Invoice{}, fmt.Errorf("billing: issue invoice for %s: %w", consultationID, err)
	}
	return inv, nil
}

// paidAt is when the consultation was paid: as recorded by the workflow,
// else when Mollie says its payment was paid, else nil (unpaid, such as an
// in-person visit invoiced afterwards).
func paidAt(ctx context.Context, q *db.Queries, c db.Consultation) (*time.Time, error) {
	if c.PaidAt != nil {
		return c.PaidAt, nil
	}
	p, err := q.GetPaidPaymentOfConsultation(ctx, c.ID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if p.PaidAt != nil {
		return p.PaidAt, nil
	}
	return &p.UpdatedAt, nil
}

// Number formats an invoice number as the doctor's year-free sequence, e.g. D2G-000042.
func Number(inv db.Invoice) string { return fmt.Sprintf("D2G-%06d", inv.Number) }

// descriptions of consultation types on invoices.
var descriptions = map[string]string{
	"email_advice": "E-mailconsult dermatoloog / Dermatology email advice",
	"video":        "Videoconsult dermatoloog / Dermatology video consultation",
	"walk_in":      "Online inloopspreekuur / Online walk-in consultation",
	"in_person":    "Consult dermatoloog / Dermatology consultation",
}

// PaymentTerm is how long a patient has to pay an invoice that was not paid
// in advance (in-person visits): the due date printed on it.
const PaymentTerm = 14 * 24 * time.Hour

// CreditNumber formats a credit note number: the doctor's own gap-free
// sequence of credit notes, e.g. D2G-CN-000003.
func CreditNumber(cn db.CreditNote) string { return fmt.Sprintf("D2G-CN-%06d", cn.Number) }

// InvoiceDocument assembles what an issued invoice prints: the practice
// and doctor (BIG, AGB), the patient (name, date of birth), the date of
// care, the payment status with the payment link while unpaid, and the
// credit notes issued against it.
func InvoiceDocument(ctx context.Context, q *db.Queries, f *secure.Fields, inv db.Invoice) (documents.Invoice, error) {
	c, err := q.GetConsultation(ctx, inv.ConsultationID)
	if err != nil {
		return documents.Invoice{}, fmt.Errorf("billing: %w", err)
	}
	doctor, err := q.GetDoctor(ctx, inv.DoctorID)
	if err != nil {
		return documents.Invoice{}, fmt.Errorf("billing: %w", err)
	}
	patient, err := accounts.PatientIdentity(ctx, q, f, c)
	if err != nil {
		return documents.Invoice{}, err
	}
	doc := documents.Invoice{
		Number: Number(inv), IssuedAt: inv.IssuedAt, CareDate: careDate(c, inv), PaidAt: inv.PaidAt,
		PracticeName: doctor.PracticeName, DoctorName: doctor.DisplayName, DoctorAddress: doctor.Address, DoctorCity: doctor.City,
		BIGNumber: doctor.BigNumber, AGBCode: doctor.AgbCode,
		PatientName: patient.Name, PatientBirthDate: patient.BirthDate,
		Description: descriptions[c.ConsultationType], AmountCents: int64(inv.AmountCents), Currency: inv.Currency,
	}
	if inv.PaidAt == nil {
		due := inv.IssuedAt.Add(PaymentTerm)
		doc.PayBy = &due
		if c.PaymentID.Valid {
			p, err := q.GetPayment(ctx, c.PaymentID.String)
			if err != nil {
				return documents.Invoice{}, fmt.Errorf("billing: payment: %w", err)
			}
			if p.Status == "open" {
				doc.PaymentURL = p.CheckoutUrl
			}
		}
	}
	credits, err := q.ListInvoiceCreditNotes(ctx, inv.ID)
	if err != nil {
		return documents.Invoice{}, fmt.Errorf("billing: credit notes: %w", err)
	}
	for _, cn := range credits {
		doc.Credits = append(doc.Credits, documents.CreditRef{Number: CreditNumber(cn), IssuedAt: cn.IssuedAt, AmountCents: int64(cn.AmountCents)})
	}
	return doc, nil
}

// careDate is the day of care: the appointment's start, else the day the
// consultation was completed, else the invoice date.
func careDate(c db.Consultation, inv db.Invoice) time.Time {
	switch {
	case c.Slot.Valid && c.Slot.Lower.Valid:
		return c.Slot.Lower.Time
	case c.CompletedAt != nil:
		return *c.CompletedAt
	}
	return inv.IssuedAt
}

// InvoicePDF renders an issued invoice.
func InvoicePDF(ctx context.Context, q *db.Queries, f *secure.Fields, inv db.Invoice) ([]byte, error) {
	doc, err := InvoiceDocument(ctx, q, f, inv)
	if err != nil {
		return nil, err
	}
	return documents.InvoicePDF(doc)
}

// IssueCreditNote gives a refund of an invoiced consultation its credit
// note, once: a second call returns the first. The number comes from the
// doctor's credit-note counter in the same transaction, so credit notes
// have their own gap-free sequence. A consultation without an invoice gets
// none (ok false): nothing was invoiced, so nothing is credited.
func IssueCreditNote(ctx context.Context, store *db.Store, consultationID uuid.UUID, refundKey string) (cn db.CreditNote, ok bool, err error) {
	err = store.Tx(ctx, func(q *db.Queries) error {
		c, err := q.GetConsultationForUpdate(ctx, consultationID)
		if err != nil {
			return err
		}
		refund, err := q.GetRefundByKey(ctx, refundKey)
		if err != nil {
			return fmt.Errorf("refund %s: %w", refundKey, err)
		}
		if refund.ConsultationID != c.ID {
			return fmt.Errorf("refund %s is not of consultation %s", refundKey, c.ID)
		}
		existing, err := q.GetCreditNoteByRefund(ctx, refund.ID)
		if err == nil {
			cn, ok = existing, true
			return nil
		}
		if !errors.Is(db.Translate(err), db.ErrNotFound) {
			return err
		}
		inv, err := q.GetInvoiceByConsultation(ctx, c.ID)
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		n, err := q.NextCreditNoteNumber(ctx, c.DoctorID)
		if err != nil {
			return err
		}
		cn, err = q.CreateCreditNote(ctx, db.CreateCreditNoteParams{
			ID: uuid.New(), DoctorID: c.DoctorID, Number: n, InvoiceID: inv.ID, ConsultationID: c.ID,
			RefundID: refund.ID, AmountCents: refund.AmountCents, Currency: inv.Currency,
		})
		ok = err == nil
		return err
	})
	if err != nil {
		return db.CreditNote{}, false, fmt.Errorf("billing: issue credit note for %s: %w", consultationID, err)
	}
	return cn, ok, nil
}

// CreditNotePDF renders an issued credit note.
func CreditNotePDF(ctx context.Context, q *db.Queries, f *secure.Fields, cn db.CreditNote) ([]byte, error) {
	inv, err := q.GetInvoice(ctx, cn.InvoiceID)
	if err != nil {
		return nil, fmt.Errorf("billing: %w", err)
	}
	doc, err := InvoiceDocument(ctx, q, f, inv)
	if err != nil {
		return nil, err
	}
	return documents.CreditNotePDF(documents.CreditNote{
		Number: CreditNumber(cn), IssuedAt: cn.IssuedAt, InvoiceNumber: Number(inv), InvoiceDate: inv.IssuedAt,
		Invoice: doc, AmountCents: int64(cn.AmountCents),
	})
}
