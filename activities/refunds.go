package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/payments"
	"derma2go/workflows"
)

// IssueRefund refunds a payment exactly once per idempotency key: the refund
// row is reserved under the key in Postgres first, and a retry returns the
// refund recorded there. A row without a Mollie refund (the attempt died
// between Mollie's answer and the update) is completed from the payment's
// refunds at Mollie, found by the key in their metadata, before a new one
// is created: Mollie's own Idempotency-Key header, which the create also
// carries, is forgotten after a while. It refuses to refund more than was
// paid for the consultation.
func (a *Activities) IssueRefund(ctx context.Context, in workflows.IssueRefundInput) (workflows.IssueRefundResult, error) {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return workflows.IssueRefundResult{}, err
	}
	var row db.Refund
	err = a.Store.Tx(ctx, func(q *db.Queries) error {
		c, err := q.GetConsultationForUpdate(ctx, id)
		if err != nil {
			return err
		}
		existing, err := q.GetRefundByKey(ctx, in.IdempotencyKey)
		if err == nil {
			row = existing
			return nil
		}
		refunded, err := q.SumRefunded(ctx, id)
		if err != nil {
			return err
		}
		if refunded+in.AmountCents > int64(c.AmountCents) {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("refund of %d cents exceeds the %d cents paid (%d refunded)", in.AmountCents, c.AmountCents, refunded),
				"RefundTooLarge", nil)
		}
		row, err = q.CreateRefund(ctx, db.CreateRefundParams{
			ID: uuid.New(), IdempotencyKey: in.IdempotencyKey, ConsultationID: id, PaymentID: in.PaymentID,
			AmountCents: int32(in.AmountCents), Reason: in.Description,
		})
		return err
	})
	if err != nil {
		return workflows.IssueRefundResult{}, fmt.Errorf("issue refund: %w", err)
	}
	if row.MollieRefundID.Valid {
		return workflows.IssueRefundResult{RefundID: row.MollieRefundID.String, Status: workflows.RefundStatus(row.Status)}, nil
	}
	r, found, err := a.findRefund(ctx, in.PaymentID, in.IdempotencyKey)
	if err != nil {
		return workflows.IssueRefundResult{}, fmt.Errorf("issue refund: %w", err)
	}
	if !found {
		cl, err := a.paymentsOf(ctx, in.PaymentID)
		if err != nil {
			return workflows.IssueRefundResult{}, fmt.Errorf("issue refund: %w", err)
		}
		r, err = cl.CreateRefund(ctx, in.PaymentID, in.AmountCents, in.Description, in.IdempotencyKey)
		if err != nil {
			return workflows.IssueRefundResult{}, fmt.Errorf("issue refund: %w", err)
		}
	}
	if _, err := a.Store.SetRefundMollie(ctx, db.SetRefundMollieParams{
		ID: row.ID, MollieRefundID: pgtype.Text{String: r.ID, Valid: true}, Status: r.Status,
	}); err != nil {
		return workflows.IssueRefundResult{}, fmt.Errorf("issue refund: store: %w", err)
	}
	return workflows.IssueRefundResult{RefundID: r.ID, Status: workflows.RefundStatus(r.Status)}, nil
}

// GetRefundStatus reads a refund's status from Mollie and stores it.
func (a *Activities) GetRefundStatus(ctx context.Context, in workflows.RefundRefInput) (workflows.RefundStatusResult, error) {
	cl, err := a.paymentsOf(ctx, in.PaymentID)
	if err != nil {
		return workflows.RefundStatusResult{}, fmt.Errorf("get refund: %w", err)
	}
	r, err := cl.GetRefund(ctx, in.PaymentID, in.RefundID)
	if err != nil {
		return workflows.RefundStatusResult{}, fmt.Errorf("get refund: %w", err)
	}
	if err := a.Store.SetRefundStatus(ctx, db.SetRefundStatusParams{MollieRefundID: pgtype.Text{String: r.ID, Valid: true}, Status: r.Status}); err != nil {
		return workflows.RefundStatusResult{}, fmt.Errorf("get refund: store: %w", err)
	}
	return workflows.RefundStatusResult{Status: workflows.RefundStatus(r.Status)}, nil
}

// findRefund looks among the payment's refunds at Mollie for the one created
// with idempotencyKey.
func (a *Activities) findRefund(ctx context.Context, paymentID, idempotencyKey string) (payments.Refund, bool, error) {
	cl, err := a.paymentsOf(ctx, paymentID)
	if err != nil {
		return payments.Refund{}, false, err
	}
	refunds, err := cl.ListRefunds(ctx, paymentID)
	if err != nil {
		return payments.Refund{}, false, err
	}
	for _, r := range refunds {
		if r.IdempotencyKey == idempotencyKey {
			return r, true, nil
		}
	}
	return payments.Refund{}, false, nil
}
