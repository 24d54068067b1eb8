package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"go.temporal.io/sdk/temporal"

	"derma2go/billing"
	"derma2go/db"
	"derma2go/live"
	"derma2go/workflows"
)

// RecordTransition projects the workflow's status into Postgres; a write
// with an older sequence number than the stored one is ignored. In the same
// transaction it publishes the live events of what changed (status, delay),
// so clients hear of a transition exactly when it is recorded.
func (a *Activities) RecordTransition(ctx context.Context, in workflows.RecordTransitionInput) error {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return err
	}
	p := db.RecordTransitionParams{ID: id, Status: string(in.Status), Seq: int32(in.Seq), Reason: in.Reason, DueAt: in.DueAt,
		ExpectedStart: in.ExpectedStart, At: in.At}
	if in.PaymentID != "" {
		p.PaymentID = pgtype.Text{String: in.PaymentID, Valid: true}
	}
	err = a.Store.Tx(ctx, func(q *db.Queries) error {
		if _, err := live.RecordTransition(ctx, q, p); err != nil {
			return err
		}
		if in.PaidAt == nil {
			return nil
		}
		return q.SetConsultationPaidAt(ctx, db.SetConsultationPaidAtParams{ID: id, PaidAt: in.PaidAt.UTC()})
	})
	if err != nil {
		return fmt.Errorf("record transition: %w", err)
	}
	return nil
}

// IssueInvoice issues the consultation's invoice once.
func (a *Activities) IssueInvoice(ctx context.Context, in workflows.IssueInvoiceInput) (workflows.IssueInvoiceResult, error) {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return workflows.IssueInvoiceResult{}, err
	}
	inv, err := billing.IssueInvoice(ctx, a.Store, id)
	if err != nil {
		return workflows.IssueInvoiceResult{}, err
	}
	return workflows.IssueInvoiceResult{InvoiceID: inv.ID.String(), Number: billing.Number(inv)}, nil
}

// DeliverAdvice publishes the advice in the patient's portal.
func (a *Activities) DeliverAdvice(ctx context.Context, in workflows.DeliverAdviceInput) error {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return err
	}
	adviceID, err := uuid.Parse(in.AdviceID)
	if err != nil {
		return temporal.NewNonRetryableApplicationError("bad advice id", "InvalidInput", err)
	}
	_, err = a.Store.PublishAdvice(ctx, db.PublishAdviceParams{ID: adviceID, ConsultationID: id})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return temporal.NewNonRetryableApplicationError("advice does not belong to the consultation", "InvalidInput", err)
	}
	if err != nil {
		return fmt.Errorf("deliver advice: %w", err)
	}
	return nil
}

// AlertSupport records an operator alert once per consultation and code and
// logs it at error level.
func (a *Activities) AlertSupport(ctx context.Context, in workflows.AlertSupportInput) error {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return err
	}
	a.Logger.ErrorContext(ctx, "support alert", "consultation_id", in.ConsultationID, "code", in.Code, "detail", in.Detail)
	if err := a.Store.InsertSupportAlert(ctx, db.InsertSupportAlertParams{ConsultationID: id, Code: string(in.Code), Detail: in.Detail}); err != nil {
		return fmt.Errorf("alert support: %w", err)
	}
	return nil
}

// MarkInvoicePaid records that an in-person invoice was paid, on the
// invoice and the consultation; the first PaidAt stays.
func (a *Activities) MarkInvoicePaid(ctx context.Context, in workflows.MarkInvoicePaidInput) error {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return err
	}
	var n int64
	err = a.Store.Tx(ctx, func(q *db.Queries) error {
		var err error
		if n, err = q.MarkInvoicePaid(ctx, db.MarkInvoicePaidParams{PaidAt: in.PaidAt, ConsultationID: id}); err != nil || n == 0 {
			return err
		}
		return q.SetConsultationPaidAt(ctx, db.SetConsultationPaidAtParams{ID: id, PaidAt: in.PaidAt.UTC()})
	})
	if err != nil {
		return fmt.Errorf("mark invoice paid: %w", err)
	}
	if n == 0 {
		return temporal.NewNonRetryableApplicationError("the consultation has no invoice", "InvalidState", nil)
	}
	return nil
}

// IssueCreditNote issues the credit note of a refund once (see
// billing.IssueCreditNote).
func (a *Activities) IssueCreditNote(ctx context.Context, in workflows.IssueCreditNoteInput) (workflows.IssueCreditNoteResult, error) {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return workflows.IssueCreditNoteResult{}, err
	}
	cn, ok, err := billing.IssueCreditNote(ctx, a.Store, id, in.RefundKey)
	if err != nil {
		return workflows.IssueCreditNoteResult{}, err
	}
	if !ok {
		return workflows.IssueCreditNoteResult{}, nil
	}
	return workflows.IssueCreditNoteResult{Issued: true, CreditNoteID: cn.ID.String(), Number: billing.CreditNumber(cn)}, nil
}
