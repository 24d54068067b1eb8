package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// DefaultPaymentHold is how long an unpaid payment (and the slot it holds) is
// kept before it is cancelled.
const DefaultPaymentHold = 15 * time.Minute

// latePaymentWatch is how long the workflow keeps watching a payment Mollie
// could not cancel after the hold elapsed; paid within it, it is refunded.
// iDEAL and card payments expire at Mollie well within it.
const latePaymentWatch = 2 * time.Hour

// paymentOutcome is how the payment step ended.
type paymentOutcome int

const (
	paymentPaid    paymentOutcome = iota // continue the consultation
	paymentFailed                        // StatusPaymentFailed
	paymentExpired                       // StatusExpired
)

// registerCheckout registers UpdateCheckout: valid while the consultation
// awaits payment, it waits until the payment exists and returns its checkout
// URL (or fails with ErrTypePaymentUnavailable).
func (c *consultation) registerCheckout(ctx workflow.Context) error {
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCheckout, c.checkout,
		workflow.UpdateHandlerOptions{
			Validator:   c.validateCheckout,
			Description: "Returns the checkout URL once the payment exists.",
		})
	if err != nil {
		return fmt.Errorf("register %s update: %w", UpdateCheckout, err)
	}
	return nil
}

func (c *consultation) validateCheckout(workflow.Context) error {
	if c.st.Status != StatusAwaitingPayment {
		return invalidState("checkout", c.st.Status)
	}
	return nil
}

func (c *consultation) checkout(ctx workflow.Context) (CheckoutResult, error) {
	if err := workflow.Await(ctx, func() bool { return c.st.CheckoutURL != "" || c.paymentSettled }); err != nil {
		return CheckoutResult{}, fmt.Errorf("wait for the payment: %w", err)
	}
	if c.st.CheckoutURL == "" {
		return CheckoutResult{}, temporal.NewApplicationErrorWithOptions("the payment could not be created",
			ErrTypePaymentUnavailable, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return CheckoutResult{PaymentID: c.st.PaymentID, CheckoutURL: c.st.CheckoutURL, Status: c.st.Status}, nil
}

// pay runs the payment step: create the payment, then wait for Mollie's word
// (SignalPaymentUpdate) or the hold. When the hold elapses the payment is
// fetched once more, since a lost webhook must not lose a paid payment, and
// otherwise cancelled. It returns the outcome and, unless paid, the reason.
// Signals for another payment id and non-final statuses are ignored; the
// caller checks ctx.Err() for cancellation.
func (c *consultation) pay(ctx workflow.Context, description string, hold time.Duration) (paymentOutcome, string) {
	defer func() { c.paymentSettled = true }()

	var created CreatePaymentResult
	in := CreatePaymentInput{
		ConsultationID: c.st.ConsultationID,
		AmountCents:    c.st.AmountCents,
		Description:    description,
		Language:       c.language,
		IdempotencyKey: c.key("payment"),
	}
	var err error
	if c.localCreate {
		err = runLocal(ctx, createPaymentLocalOptions, ActivityCreatePayment, in, &created)
	} else {
		err = run(ctx, createPaymentOptions, ActivityCreatePayment, in, &created)
	}
	if err != nil {
		c.noteError(ctx, err)
		return paymentFailed, ReasonPaymentNotCreated
	}
	c.st.PaymentID = created.PaymentID
	c.st.CheckoutURL = created.CheckoutURL
	c.st.PaymentStatus = PaymentOpen

	if status, ok := c.awaitPaymentUpdate(ctx, hold); ok {
		return c.settlePayment(ctx, status)
	}
	if ctx.Err() != nil {
		return paymentExpired, ReasonPaymentHoldElapsed
	}

	ref := PaymentRefInput{ConsultationID: c.st.ConsultationID, PaymentID: c.st.PaymentID}
	var fetched PaymentStatusResult
	if err := run(ctx, mollieOptions, ActivityGetPaymentStatus, ref, &fetched); err != nil {
		c.noteError(ctx, err)
	} else if fetched.Status.Final() {
		return c.settlePayment(ctx, fetched.Status)
	}

	var cancelled PaymentStatusResult
	if err := run(ctx, mollieOptions, ActivityCancelPayment, ref, &cancelled); err != nil {
		c.noteError(ctx, err)
		return paymentExpired, ReasonPaymentHoldElapsed
	}
	if cancelled.Status == PaymentPaid {
		return c.settlePayment(ctx, PaymentPaid)
	}
	if cancelled.Status != "" {
		c.st.PaymentStatus = cancelled.Status
	}
	return paymentExpired, ReasonPaymentHoldElapsed
}

// awaitPaymentUpdate waits for a final status of the current payment until
// the hold elapses.
func (c *consultation) awaitPaymentUpdate(ctx workflow.Context, hold time.Duration) (PaymentStatus, bool) {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, hold, workflow.TimerOptions{Summary: "payment hold"})
	for ctx.Err() == nil {
		var upd PaymentUpdate
		elapsed := false
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(c.paymentCh, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, &upd) })
		sel.AddFuture(timer, func(workflow.Future) { elapsed = true })
		sel.Select(ctx)
		if elapsed {
			return "", false
		}
		if status, ok := c.takePaymentUpdate(ctx, upd); ok {
			return status, true
		}
	}
	return "", false
}

// takePaymentUpdate applies a payment signal: it reports a final status of
// the current payment and ignores everything else. A signal is only a hint
// (anyone with access to Temporal can send one): from
// versionConfirmPaymentSignal on, a final status it claims is confirmed
// with Mollie (GetPaymentStatus) and Mollie's answer is what counts; a
// non-final claim changes nothing.
func (c *consultation) takePaymentUpdate(ctx workflow.Context, upd PaymentUpdate) (PaymentStatus, bool) {
	if upd.PaymentID != c.st.PaymentID || upd.Status == "" {
		workflow.GetLogger(ctx).Info("ignored payment update for another payment",
			"payment", upd.PaymentID, "current", c.st.PaymentID)
		return "", false
	}
	if workflow.GetVersion(ctx, changeConfirmPaymentSignal, workflow.DefaultVersion, versionConfirmPaymentSignal) == workflow.DefaultVersion {
		if !upd.Status.Final() {
			c.st.PaymentStatus = upd.Status
			return "", false
		}
		return upd.Status, true
	}
	if !upd.Status.Final() {
		return "", false
	}
	status, ok := c.confirmPayment(ctx)
	if !ok || !status.Final() {
		workflow.GetLogger(ctx).Warn("payment update not confirmed by Mollie",
			"payment", upd.PaymentID, "claimed", upd.Status, "mollie", status)
		if status != "" {
			c.st.PaymentStatus = status
		}
		return "", false
	}
	return status, true
}

// confirmPayment asks Mollie for the current payment's status. A failure is
// noted and reported as !ok.
func (c *consultation) confirmPayment(ctx workflow.Context) (PaymentStatus, bool) {
	var fetched PaymentStatusResult
	ref := PaymentRefInput{ConsultationID: c.st.ConsultationID, PaymentID: c.st.PaymentID}
	if err := run(ctx, mollieOptions, ActivityGetPaymentStatus, ref, &fetched); err != nil {
		c.noteError(ctx, fmt.Errorf("confirm payment status: %w", err))
		return "", false
	}
	return fetched.Status, true
}

// settlePayment applies the payment's final status; paid, it keeps the
// moment in PaidAt.
func (c *consultation) settlePayment(ctx workflow.Context, status PaymentStatus) (paymentOutcome, string) {
	c.st.PaymentStatus = status
	switch status {
	case PaymentPaid:
		c.markPaidNow(ctx)
		return paymentPaid, ""
	case PaymentFailed:
		return paymentFailed, ReasonPaymentFailed
	case PaymentCanceled:
		return paymentFailed, ReasonPaymentCanceled
	default:
		return paymentExpired, ReasonPaymentExpired
	}
}

// watchLatePayment is called after the consultation expired with a payment
// Mollie could not cancel. If that payment is still paid within
// latePaymentWatch it is refunded in full; otherwise nothing happens.
func (c *consultation) watchLatePayment(ctx workflow.Context, refundDescription string) {
	if c.st.PaymentID == "" || c.st.PaymentStatus.Final() {
		return
	}
	status, ok := c.awaitPaymentUpdate(ctx, latePaymentWatch)
	if !ok {
		if ctx.Err() != nil {
			return
		}
		var fetched PaymentStatusResult
		ref := PaymentRefInput{ConsultationID: c.st.ConsultationID, PaymentID: c.st.PaymentID}
		if err := run(ctx, mollieOptions, ActivityGetPaymentStatus, ref, &fetched); err != nil {
			c.noteError(ctx, err)
			return
		}
		status = fetched.Status
	}
	c.st.PaymentStatus = status
	if status == PaymentPaid {
		workflow.GetLogger(ctx).Warn("payment completed after the consultation expired; refunding",
			"consultation", c.st.ConsultationID, "payment", c.st.PaymentID)
		c.refund(ctx, c.st.AmountCents, refundDescription, "late_payment", TemplateRefundIssued)
	}
}

// markPaidNow sets PaidAt to the workflow time, once.
func (c *consultation) markPaidNow(ctx workflow.Context) {
	if c.st.PaidAt == nil {
		now := workflow.Now(ctx).UTC()
		c.st.PaidAt = &now
	}
}
