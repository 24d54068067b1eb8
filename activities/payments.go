package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/mail"
	"derma2go/payments"
	"derma2go/payouts"
	"derma2go/web"
	"derma2go/workflows"
)

// CreatePayment creates the consultation's Mollie payment once: a retry finds
// the payment in Postgres, and the idempotency key makes Mollie return the
// first payment if the activity died between Mollie's answer and the insert.
// It runs inside the create path's first workflow task (a local activity),
// so it keeps to few round trips: the consultation, the doctor's account,
// Mollie, and one statement that stores the payment with its link.
func (a *Activities) CreatePayment(ctx context.Context, in workflows.CreatePaymentInput) (workflows.CreatePaymentResult, error) {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return workflows.CreatePaymentResult{}, err
	}
	c, err := a.Store.GetConsultation(ctx, id)
	if err != nil {
		return workflows.CreatePaymentResult{}, fmt.Errorf("create payment: %w", err)
	}
	if c.PaymentID.Valid {
		p, err := a.Store.GetPayment(ctx, c.PaymentID.String)
		if err != nil {
			return workflows.CreatePaymentResult{}, fmt.Errorf("create payment: stored payment: %w", err)
		}
		return workflows.CreatePaymentResult{PaymentID: p.ID, CheckoutURL: p.CheckoutUrl}, nil
	}
	acct := payouts.Account{Client: a.Payments}
	if a.Payouts != nil {
		acct, err = a.Payouts.ForDoctor(ctx, c.DoctorID)
		if errors.Is(err, payouts.ErrNotConnected) {
			return workflows.CreatePaymentResult{}, temporal.NewNonRetryableApplicationError(
				"the doctor has no connected Mollie account", "DoctorNotConnected", err)
		} else if err != nil {
			return workflows.CreatePaymentResult{}, fmt.Errorf("create payment: %w", err)
		}
	}
	p, err := acct.Client.CreatePayment(ctx, payments.CreatePayment{
		AmountCents: in.AmountCents, Currency: "EUR", Description: in.Description,
		RedirectURL:    web.Links{Base: a.PublicURL}.PaymentReturn(in.ConsultationID, mail.NormalizeLang(c.Language), a.guestAccess(c)),
		WebhookURL:     a.PublicURL + "/v1/webhooks/mollie",
		ConsultationID: in.ConsultationID, IdempotencyKey: in.IdempotencyKey,
		ApplicationFeeCents: min(acct.FeeCents, in.AmountCents), ApplicationFeeDescription: "Derma2Go",
	})
	if err != nil {
		return workflows.CreatePaymentResult{}, fmt.Errorf("create payment: %w", err)
	}
	err = a.Store.StoreCreatedPayment(ctx, db.StoreCreatedPaymentParams{
		ID: p.ID, ConsultationID: id, AmountCents: int32(p.AmountCents), Currency: p.Currency,
		Status: p.Status, CheckoutUrl: p.CheckoutURL, PaidAt: p.PaidAt,
		ConnectionID: acct.ConnectionID, ApplicationFeeCents: int32(p.ApplicationFeeCents),
	})
	if err != nil {
		return workflows.CreatePaymentResult{}, fmt.Errorf("create payment: store: %w", err)
	}
	return workflows.CreatePaymentResult{PaymentID: p.ID, CheckoutURL: p.CheckoutURL}, nil
}

// GetPaymentStatus reads a payment's status from Mollie and keeps Postgres in step.
func (a *Activities) GetPaymentStatus(ctx context.Context, in workflows.PaymentRefInput) (workflows.PaymentStatusResult, error) {
	cl, err := a.paymentsOf(ctx, in.PaymentID)
	if err != nil {
		return workflows.PaymentStatusResult{}, fmt.Errorf("get payment: %w", err)
	}
	p, err := cl.GetPayment(ctx, in.PaymentID)
	if errors.Is(err, payments.ErrNotFound) {
		return workflows.PaymentStatusResult{}, temporal.NewNonRetryableApplicationError("payment unknown at Mollie", "PaymentNotFound", err)
	}
	if err != nil {
		return workflows.PaymentStatusResult{}, fmt.Errorf("get payment: %w", err)
	}
	if err := a.Store.SetPaymentStatus(ctx, db.SetPaymentStatusParams{ID: p.ID, Status: p.Status, PaidAt: p.PaidAt}); err != nil {
		return workflows.PaymentStatusResult{}, fmt.Errorf("get payment: store: %w", err)
	}
	return workflows.PaymentStatusResult{Status: workflows.PaymentStatus(p.Status)}, nil
}

// CancelPayment cancels an open payment; a payment that cannot be cancelled
// (paid meanwhile, or a method that cannot cancel) is reported as it is.
// Email advice holds nothing; slot holds end with the status the workflow
// records next.
func (a *Activities) CancelPayment(ctx context.Context, in workflows.PaymentRefInput) (workflows.PaymentStatusResult, error) {
	cl, err := a.paymentsOf(ctx, in.PaymentID)
	if err != nil {
		return workflows.PaymentStatusResult{}, fmt.Errorf("cancel payment: %w", err)
	}
	cancelErr := cl.CancelPayment(ctx, in.PaymentID)
	if cancelErr != nil {
		a.Logger.InfoContext(ctx, "payment not cancelled", "payment_id", in.PaymentID, "err", cancelErr)
	}
	return a.GetPaymentStatus(ctx, in)
}

func parseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, temporal.NewNonRetryableApplicationError("bad consultation id", "InvalidInput", err)
	}
	return id, nil
}
