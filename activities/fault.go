package activities

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"go.temporal.io/sdk/temporal"

	"derma2go/mail"
	"derma2go/payments"
	"derma2go/workflows"
)

// The types SendEmail gives a failure of the relay (scrubEmailError); the
// error itself does not cross the scrubbing, so IntegrationFault knows the
// relay's failures of SendEmail by these.
const (
	// errTypeRelayUnavailable: the relay could not be reached or answered
	// 4xx; retried.
	errTypeRelayUnavailable = "EmailUnavailable"
	// errTypeRelayRejected: the relay answered 5xx; not retried.
	errTypeRelayRejected = "EmailRejected"
	// errTypeAddressRefused: the relay refused the recipient's address
	// (an RFC 3463 addressing status, X.1.Y, at RCPT TO), or the
	// message's own addresses were unusable before the relay was asked.
	errTypeAddressRefused = "EmailAddressRefused"
)

// IntegrationFault reports whether err, returned by an attempt of an
// activity that depends on integration (workflows.ActivityIntegration),
// is that integration's own failure, the only kind that counts toward an
// operator alert:
//
//   - SMTP: the relay's errors — no connection, TLS or AUTH failing, a
//     4xx or 5xx reply, a connection broken or timed out mid-exchange —
//     except its refusal of one recipient's address (X.1.Y at RCPT TO);
//   - Mollie: no answer from Mollie (ErrUnreachable), or a 5xx or 429
//     answer.
//
// Everything else is not: PostgreSQL, Temporal or our worker failing
// (the chaos run's PostgreSQL restarts once raised SMTP and Mollie
// alerts), bad input, Mollie refusing one request (4xx), and ctx done
// (the worker stopping, or the attempt's own timeout).
func IntegrationFault(ctx context.Context, integration string, err error) bool {
	if err == nil || ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return false
	}
	switch integration {
	case workflows.IntegrationSMTP:
		return relayFault(err)
	case workflows.IntegrationMollie:
		return mollieFault(err)
	}
	return false
}

// relayFault: a *mail.DeliveryError from the relay, or SendEmail's
// scrubbed form of one.
func relayFault(err error) bool {
	var d *mail.DeliveryError
	if errors.As(err, &d) {
		return deliveryIsRelays(d)
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type() == errTypeRelayUnavailable || app.Type() == errTypeRelayRejected
	}
	return false
}

// deliveryIsRelays tells a failure of the relay from a refusal of the
// message's addresses: go-mail's "sender" and "recipients" steps fail
// before the relay is asked, and an addressing status (X.1.Y: no such
// mailbox, bad domain) at RCPT TO is about the address, not the relay.
func deliveryIsRelays(d *mail.DeliveryError) bool {
	switch {
	case d.Step == "sender" || d.Step == "recipients":
		return false
	case d.Step == "RCPT TO":
		status := strings.Split(d.Enhanced, ".")
		return len(status) != 3 || status[1] != "1"
	}
	return true
}

// mollieFault: Mollie did not answer, or answered 5xx or 429.
func mollieFault(err error) bool {
	if errors.Is(err, payments.ErrUnreachable) {
		return true
	}
	var api *payments.APIError
	return errors.As(err, &api) && (api.StatusCode >= http.StatusInternalServerError || api.StatusCode == http.StatusTooManyRequests)
}
