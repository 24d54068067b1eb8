package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/db"
	"derma2go/payments"
)

// mollieWebhook handles Mollie's webhook, which carries only an id. Nothing
// in the request is trusted: the payment is fetched from Mollie, must be one
// of ours, and only then are its workflow told the payment status and the
// status of its open refunds. An unknown or forged id changes nothing (404);
// a duplicate call repeats signals the workflow ignores.
func (s *Server) mollieWebhook(c *gin.Context) {
	id, err := webhookPaymentID(c)
	if err != nil {
		fail(c, err)
		return
	}
	ours, err := s.Store.GetPayment(c, id)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		fail(c, errNotFound("This payment"))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	// The payment's own account is asked: the platform's, or the doctor's
	// connected one it was made on.
	mollie, err := s.paymentsOf(c, id)
	if err != nil {
		logger(c).WarnContext(c, "webhook: payment account not reached", "payment_id", id, "err", err)
		fail(c, errUnavailable("The payment provider could not be reached; try again."))
		return
	}
	p, err := mollie.GetPayment(c, id)
	if errors.Is(err, payments.ErrNotFound) {
		fail(c, errNotFound("This payment"))
		return
	} else if err != nil {
		// Mollie retries a webhook that fails: ask it to.
		logger(c).WarnContext(c, "webhook: payment not fetched", "payment_id", id, "err", err)
		fail(c, errUnavailable("The payment provider could not be reached; try again."))
		return
	}
	if err := s.Store.SetPaymentStatus(c, db.SetPaymentStatusParams{ID: p.ID, Status: p.Status, PaidAt: p.PaidAt}); err != nil {
		fail(c, err)
		return
	}
	if err := s.Engine.PaymentChanged(c, ours.ConsultationID, p.ID, p.Status); err != nil {
		fail(c, err)
		return
	}
	open, err := s.Store.ListOpenRefunds(c, ours.ConsultationID)
	if err != nil {
		fail(c, err)
		return
	}
	for _, r := range open {
		if !r.MollieRefundID.Valid {
			continue
		}
		mr, err := mollie.GetRefund(c, p.ID, r.MollieRefundID.String)
		if err != nil {
			logger(c).WarnContext(c, "webhook: refund not fetched", "refund_id", r.MollieRefundID.String, "err", err)
			fail(c, errUnavailable("The payment provider could not be reached; try again."))
			return
		}
		if err := s.Store.SetRefundStatus(c, db.SetRefundStatusParams{
			MollieRefundID: pgtype.Text{String: mr.ID, Valid: true}, Status: mr.Status,
		}); err != nil {
			fail(c, err)
			return
		}
		if err := s.Engine.RefundChanged(c, ours.ConsultationID, mr.ID, mr.Status); err != nil {
			fail(c, err)
			return
		}
	}
	c.Status(http.StatusOK)
}

// webhookPaymentID reads the payment id from a Mollie webhook (a
// form-encoded body with the field id); anything else is a 4xx problem.
func webhookPaymentID(c *gin.Context) (string, error) {
	if c.ContentType() != "application/x-www-form-urlencoded" {
		return "", newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			"Mollie webhooks are form-encoded.")
	}
	id := strings.TrimSpace(c.PostForm("id"))
	if id == "" || len(id) > 64 {
		return "", errValidation(FieldProblem{Field: "id", Reason: "is required"})
	}
	return id, nil
}

// paymentsOf is the client of the account a stored payment was made on.
func (s *Server) paymentsOf(ctx context.Context, paymentID string) (*payments.Client, error) {
	if s.Payouts == nil {
		return s.Payments, nil
	}
	return s.Payouts.ForPayment(ctx, paymentID)
}
