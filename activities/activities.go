// Package activities implements the Temporal activities of the consultation
// workflows: everything with I/O — Postgres, Mollie, email — lives here, so
// the workflows stay deterministic.
package activities

import (
	"log/slog"

	"go.temporal.io/sdk/client"

	"derma2go/db"
	"derma2go/mail"
	"derma2go/payments"
	"derma2go/secure"
	"derma2go/waitlist"
)

// Activities holds the dependencies of every activity.
type Activities struct {
	Store        *db.Store
	Fields       *secure.Fields
	Links        *secure.Links
	Mail         mail.Sender
	Payments     *payments.Client
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
}
