// Package billing issues invoices with each doctor's gap-free sequence
// numbers and renders them as PDF. Activities issue; the API and the
// activities render.
package billing

import (
	"context"
	"errors"
	"fmt"

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
		n, err := q.NextInvoiceNumber(ctx, c.DoctorID)
		if err != nil {
			return err
		}
		inv, err = q.CreateInvoice(ctx, db.CreateInvoiceParams{
			ID: uuid.New(), DoctorID: c.DoctorID, Number: n, ConsultationID: c.ID,
			AmountCents: c.AmountCents, Currency: c.Currency, PaidAt: c.PaidAt,
		})
		return err
	})
	if err != nil {
		return db.Invoice{}, fmt.Errorf("billing: issue invoice for %s: %w", consultationID, err)
	}
	return inv, nil
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

// InvoicePDF renders an issued invoice.
func InvoicePDF(ctx context.Context, q *db.Queries, f *secure.Fields, inv db.Invoice) ([]byte, error) {
	c, err := q.GetConsultation(ctx, inv.ConsultationID)
	if err != nil {
		return nil, fmt.Errorf("billing: %w", err)
	}
	doctor, err := q.GetDoctor(ctx, inv.DoctorID)
	if err != nil {
		return nil, fmt.Errorf("billing: %w", err)
	}
	patient, err := accounts.PatientContact(ctx, q, f, c)
	if err != nil {
		return nil, err
	}
	return documents.InvoicePDF(documents.Invoice{
		Number: Number(inv), IssuedAt: inv.IssuedAt, PaidAt: inv.PaidAt,
		DoctorName: doctor.DisplayName, DoctorAddress: doctor.Address, DoctorCity: doctor.City,
		PatientName: patient.Name, Description: descriptions[c.ConsultationType],
		AmountCents: int64(inv.AmountCents), Currency: inv.Currency,
	})
}
