// Package activities implements the Temporal activities of the consultation
// workflows: everything with I/O — Postgres, Mollie, email — lives here, so
// the workflows stay deterministic.
package activities

import (
	"context"
	"errors"
	"log/slog"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/mail"
	"derma2go/payments"
	"derma2go/payouts"
	"derma2go/privacy"
	"derma2go/secure"
	"derma2go/waitlist"
)

// Activities holds the dependencies of every activity.
type Activities struct {
	Store    *db.Store
	Fields   *secure.Fields
	Links    *secure.Links
	Mail     mail.Sender
	Payments *payments.Client
	// Payouts picks the Mollie account of each payment; nil uses Payments
	// for all of them.
	Payouts      *payouts.Service
	PublicURL    string
	SupportEmail string
	// MailFrom is the sender of every email (MAIL_FROM); calendar files
	// name it as their ORGANIZER.
	MailFrom string
	Logger   *slog.Logger
	// Temporal is the client the walk-in activities reach the queue
	// workflows with, and OfferFreedSlot starts offer chains with.
	Temporal client.Client
	// Waitlist is the offer chains' timing.
	Waitlist waitlist.Config
	// Retention are the retention periods of the retention activities.
	Retention privacy.Retention
}

// paymentsOf is the client of the account a stored payment was made on.
func (a *Activities) paymentsOf(ctx context.Context, paymentID string) (*payments.Client, error) {
	if a.Payouts == nil {
		return a.Payments, nil
	}
	cl, err := a.Payouts.ForPayment(ctx, paymentID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return nil, temporal.NewNonRetryableApplicationError("payment unknown", "PaymentNotFound", err)
	}
	return cl, err
}
