package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"
)

// Following a refund: Mollie reports refund changes through the payment's
// webhook (the API signals SignalRefundUpdate); between signals the workflow
// polls, first after refundPollFirst, then backing off to refundPollMax, and
// gives up after refundFollowLimit with an alert.
const (
	refundPollFirst   = 10 * time.Minute
	refundPollMax     = 2 * time.Hour
	refundFollowLimit = 7 * 24 * time.Hour
)

// refund refunds amountCents of the consultation's payment and follows the
// refund until Mollie settles it.
//
// The refund is issued with the idempotency key
// "consultation/<id>/refund/<purpose>", so retries and replays issue it once.
// The amount is capped at what was paid and not yet refunded; nothing is
// issued for 0 cents. notice, if set, is emailed to the patient once Mollie
// accepted the refund. A refund that cannot be issued, fails at Mollie or
// stays unconfirmed raises a support alert and a refund_failed_support email;
// the consultation itself carries on.
func (c *consultation) refund(ctx workflow.Context, amountCents int64, reason, purpose string, notice Template) {
	if left := c.st.AmountCents - c.st.RefundedCents; amountCents > left {
		amountCents = left
	}
	if amountCents <= 0 || c.st.PaymentID == "" {
		return
	}
	var issued IssueRefundResult
	err := run(ctx, moneyOptions, ActivityIssueRefund, IssueRefundInput{
		ConsultationID: c.st.ConsultationID,
		PaymentID:      c.st.PaymentID,
		AmountCents:    amountCents,
		Description:    reason,
		IdempotencyKey: c.key("refund", purpose),
	}, &issued)
	if err != nil {
		if isCanceled(ctx, err) {
			return
		}
		c.st.RefundStatus = RefundFailed
		c.refundFailed(ctx, purpose, AlertRefundFailed, fmt.Errorf("issue %s refund: %w", purpose, err))
		return
	}
	c.st.RefundID = issued.RefundID
	c.st.RefundStatus = issued.Status
	c.st.RefundedCents += amountCents
	if notice != "" {
		c.notify(ctx, notice, RecipientPatient, purpose)
	}
	if workflow.GetVersion(ctx, changeCreditNote, workflow.DefaultVersion, versionCreditNote) >= versionCreditNote {
		c.creditNote(ctx, purpose)
	}
	c.followRefund(ctx, issued.RefundID, issued.Status, amountCents, purpose)
}

// followRefund waits for the refund to reach a final status.
func (c *consultation) followRefund(ctx workflow.Context, refundID string, status RefundStatus, amountCents int64, purpose string) {
	started := workflow.Now(ctx)
	poll := refundPollFirst
	ref := RefundRefInput{ConsultationID: c.st.ConsultationID, PaymentID: c.st.PaymentID, RefundID: refundID}
	for !status.Final() {
		if ctx.Err() != nil {
			return
		}
		left := refundFollowLimit - workflow.Now(ctx).Sub(started)
		if left <= 0 {
			c.refundFailed(ctx, purpose, AlertRefundUnconfirmed,
				fmt.Errorf("refund %s still %s after %s", refundID, status, refundFollowLimit))
			return
		}
		wait := min(poll, left)

		timerCtx, cancel := workflow.WithCancel(ctx)
		timer := workflow.NewTimerWithOptions(timerCtx, wait, workflow.TimerOptions{Summary: "refund poll"})
		var upd RefundUpdate
		signalled := false
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(c.refundCh, func(ch workflow.ReceiveChannel, _ bool) {
			ch.Receive(ctx, &upd)
			signalled = true
		})
		sel.AddFuture(timer, func(workflow.Future) {})
		sel.Select(ctx)
		cancel()

		if signalled {
			if upd.RefundID != refundID || upd.Status == "" {
				continue
			}
			if workflow.GetVersion(ctx, changeConfirmRefundSignal, workflow.DefaultVersion, versionConfirmRefundSignal) == workflow.DefaultVersion {
				status = upd.Status
				c.st.RefundStatus = status
				continue
			}
			// From versionConfirmRefundSignal on, a signal only says
			// "look now": the status is fetched from Mollie below.
		}
		var fetched RefundStatusResult
		if err := run(ctx, mollieOptions, ActivityGetRefundStatus, ref, &fetched); err != nil {
			c.noteError(ctx, err)
		} else if fetched.Status != "" {
			status = fetched.Status
			c.st.RefundStatus = status
		}
		if !signalled {
			poll = min(2*poll, refundPollMax)
		}
	}
	if status == RefundRefunded {
		return
	}
	c.st.RefundedCents -= amountCents
	c.refundFailed(ctx, purpose, AlertRefundFailed, fmt.Errorf("refund %s %s at Mollie", refundID, status))
}

// refundFailed gets a human onto a refund that did not go through.
func (c *consultation) refundFailed(ctx workflow.Context, purpose string, code AlertCode, cause error) {
	c.noteError(ctx, cause)
	c.alert(ctx, code, cause)
	c.notify(ctx, TemplateRefundFailedSupport, RecipientSupport, purpose)
}

// creditNote issues, in the background, the credit note of the refund with
// the given purpose once the invoice step has an outcome, and emails it to
// the patient. Without an invoice nothing was invoiced and nothing is
// credited. A credit note that cannot be issued raises a support alert.
func (c *consultation) creditNote(ctx workflow.Context, purpose string) {
	key := c.key("refund", purpose)
	c.goBackground(ctx, func(ctx workflow.Context) {
		if err := workflow.Await(ctx, func() bool { return !c.invoiceStarted || c.invoiceSettled }); err != nil {
			return
		}
		if c.st.InvoiceNumber == "" {
			return
		}
		var res IssueCreditNoteResult
		err := run(ctx, moneyOptions, ActivityIssueCreditNote, IssueCreditNoteInput{ConsultationID: c.st.ConsultationID, RefundKey: key}, &res)
		if err != nil {
			if isCanceled(ctx, err) {
				return
			}
			err = fmt.Errorf("issue credit note: %w", err)
			c.noteError(ctx, err)
			c.alert(ctx, AlertCreditNoteFailed, err)
			return
		}
		if !res.Issued {
			return
		}
		c.st.CreditNoteNumbers = append(c.st.CreditNoteNumbers, res.Number)
		in := SendEmailInput{
			ConsultationID: c.st.ConsultationID,
			Template:       TemplateCreditNote,
			Recipient:      RecipientPatient,
			DedupKey:       c.key("email", string(TemplateCreditNote), string(RecipientPatient), purpose),
			DocumentID:     res.CreditNoteID,
		}
		if err := run(ctx, emailOptions, ActivitySendEmail, in, nil); err != nil {
			c.noteError(ctx, fmt.Errorf("email %s: %w", TemplateCreditNote, err))
		}
	})
}
