package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/db"
	"derma2go/mail"
)

// delivery is what a retry does with an email whose earlier send has an
// unknown outcome: the worker died, or the connection to the relay broke,
// after the message was handed over and before the relay's answer was
// recorded. Nothing can find out afterwards whether the relay took it.
type delivery int

const (
	// atMostOnce skips it: for a message whose loss costs little because
	// what it says is on the portal or the dashboard anyway, and whose
	// duplicate would annoy (reminders, review requests, notices to the
	// doctor, operator alerts).
	atMostOnce delivery = iota
	// atLeastOnce sends it again with the same Message-ID: for a message
	// the recipient needs and may have no other way to (a guest's access
	// link, the advice, an invoice, a payment link, a prescription, a
	// cancellation, a task for support). Mail readers show the same
	// Message-ID as one message.
	atLeastOnce
)

// deliveryOf is each template's choice; see docs/reliability.md.
func deliveryOf(template string) delivery {
	switch template {
	case mail.TemplatePaymentReceived, mail.TemplateAdviceAnswered, mail.TemplateInvoice, mail.TemplateInvoiceDue,
		mail.TemplateCreditNote, mail.TemplateAppointmentInvitation, mail.TemplateAppointmentCancelled,
		mail.TemplateConsultationDeclined, mail.TemplatePrescriptionIssued, mail.TemplateAdviceSLABreachedSupport,
		mail.TemplateRefundFailedSupport, mail.TemplateWaitlistOffer:
		return atLeastOnce
	}
	return atMostOnce
}

// outgoing is one email a worker sends: its dedup key (one per message,
// the same on every attempt), the consultation it belongs to (if any) and
// its template, which picks its delivery.
type outgoing struct {
	key          string
	consultation uuid.NullUUID
	template     string
	msg          mail.Message
	// afterSent runs in the transaction that marks the email sent.
	afterSent func(q *db.Queries) error
}

// markSentFor bounds how long deliver keeps trying to record a send the
// relay accepted (PostgreSQL restarting), well inside the activities'
// one-minute start-to-close timeout.
const markSentFor = 40 * time.Second

// deliver sends o.msg at most once per key, or — for an atLeastOnce
// template whose earlier send has an unknown outcome — again with the
// same Message-ID. The key is claimed in PostgreSQL before the SMTP
// exchange (mark sending), the message goes out with the key's Message-ID,
// and the claim is marked sent once the relay accepted it; a send that
// certainly failed gives the claim back, so its retry sends it.
func (a *Activities) deliver(ctx context.Context, o outgoing) error {
	o.msg.MessageID = mail.MessageIDFor(o.key, a.MailFrom)
	_, err := a.Store.ClaimEmail(ctx, db.ClaimEmailParams{
		DedupKey: o.key, ConsultationID: o.consultation, Template: o.template,
		MessageID: pgtype.Text{String: o.msg.MessageID, Valid: true},
	})
	switch {
	case errors.Is(db.Translate(err), db.ErrNotFound):
		prior, err := a.Store.GetEmailDelivery(ctx, o.key)
		if err != nil {
			return fmt.Errorf("email delivery: %w", err)
		}
		if prior.State == "sent" {
			return nil
		}
		if deliveryOf(o.template) == atMostOnce {
			a.Logger.WarnContext(ctx, "email not sent again: an earlier send's outcome is unknown (at most once)",
				"template", o.template, "message_id", o.msg.MessageID)
			return nil
		}
		if prior.MessageID.Valid {
			o.msg.MessageID = prior.MessageID.String
		}
		a.Logger.WarnContext(ctx, "email sent again with its Message-ID: an earlier send's outcome is unknown (at least once)",
			"template", o.template, "message_id", o.msg.MessageID, "sends", prior.Sends+1)
		if err := a.Store.ResendEmail(ctx, o.key); err != nil {
			return fmt.Errorf("email delivery: %w", err)
		}
	case err != nil:
		return fmt.Errorf("email delivery: claim: %w", err)
	}
	if err := a.Mail.Send(ctx, o.msg); err != nil {
		if !mail.MaybeDelivered(err) {
			if rerr := a.Store.ReleaseEmailClaim(context.WithoutCancel(ctx), o.key); rerr != nil {
				a.Logger.WarnContext(ctx, "email claim not released; a retry takes the send's outcome as unknown",
					"template", o.template, "err", rerr)
			}
		}
		return fmt.Errorf("send email %s: %w", o.template, err)
	}
	return a.markSent(ctx, o)
}

// markSent records an accepted send, retrying while PostgreSQL is away:
// giving up leaves the claim in "sending", which the retry has to take as
// an unknown outcome.
func (a *Activities) markSent(ctx context.Context, o outgoing) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markSentFor)
	defer cancel()
	wait := 100 * time.Millisecond
	for {
		err := a.recordSent(ctx, o)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("send email %s: sent, not recorded: %w", o.template, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// recordSent marks o sent: one statement (one round trip, the shortest
// window in which a dying worker leaves an accepted send unrecorded), or a
// transaction with o.afterSent.
func (a *Activities) recordSent(ctx context.Context, o outgoing) error {
	if o.afterSent == nil {
		return a.Store.MarkEmailSent(ctx, o.key)
	}
	return a.Store.Tx(ctx, func(q *db.Queries) error {
		if err := q.MarkEmailSent(ctx, o.key); err != nil {
			return err
		}
		return o.afterSent(q)
	})
}
