package workflows

import (
	"errors"
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// consultation is the state and the reusable steps (payment, refund,
// notification, invoice, review request, projection) shared by the
// consultation workflows. A workflow embeds it, registers its handlers and
// runs its own sequence of steps.
type consultation struct {
	st       ConsultationState
	language string
	// seq numbers the transitions for RecordTransitionInput.Seq.
	seq int
	// localCreate: the initial projection and the payment run as local
	// activities (changeLocalCreatePath, decided in start).
	localCreate bool

	paymentCh workflow.ReceiveChannel
	refundCh  workflow.ReceiveChannel

	// paymentSettled is set once the payment step has an outcome; the
	// checkout update waits for it or for the checkout URL.
	paymentSettled bool
	// background counts coroutines (emails, invoice) still running; the
	// workflow waits for them before it completes.
	background int
	// invoiceSettled is set once the invoice step has an outcome (issued
	// or failed); invoiceStarted once it began.
	invoiceSettled bool
	invoiceStarted bool
	// invoiceMailReady, when set, holds the invoice email back until it
	// reports true: the patient's name and date of birth, which the
	// invoice prints, may come only with the intake.
	invoiceMailReady func() bool
}

func newConsultation(ctx workflow.Context, typ ConsultationType, id, doctorID string, amountCents int64, language string) *consultation {
	return &consultation{
		st: ConsultationState{
			ConsultationID: id,
			Type:           typ,
			DoctorID:       doctorID,
			Status:         StatusAwaitingPayment,
			AmountCents:    amountCents,
		},
		language:  language,
		paymentCh: workflow.GetSignalChannel(ctx, SignalPaymentUpdate),
		refundCh:  workflow.GetSignalChannel(ctx, SignalRefundUpdate),
	}
}

// key builds an idempotency or dedup key under the workflow ID:
// "consultation/<id>/<part>/<part>…"; empty parts are left out.
func (c *consultation) key(parts ...string) string {
	var b strings.Builder
	b.WriteString(ConsultationWorkflowID(c.st.ConsultationID))
	for _, p := range parts {
		if p != "" {
			b.WriteByte('/')
			b.WriteString(p)
		}
	}
	return b.String()
}

// registerStateQuery registers QueryState.
func (c *consultation) registerStateQuery(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (ConsultationState, error) {
		return c.st, nil
	}); err != nil {
		return fmt.Errorf("register %s query: %w", QueryState, err)
	}
	return nil
}

// start upserts the search attributes that identify the consultation (the
// starter may have set them already; upserting is idempotent), together with
// extra ones in the same upsert (an appointment's ScheduledStart), and
// records the initial status.
func (c *consultation) start(ctx workflow.Context, extra ...temporal.SearchAttributeUpdate) {
	c.localCreate = workflow.GetVersion(ctx, changeLocalCreatePath, workflow.DefaultVersion, 1) >= 1
	attrs := append([]temporal.SearchAttributeUpdate{
		ConsultationTypeKey.ValueSet(string(c.st.Type)),
		DoctorIDKey.ValueSet(c.st.DoctorID),
	}, extra...)
	if err := workflow.UpsertTypedSearchAttributes(ctx, attrs...); err != nil {
		c.noteError(ctx, fmt.Errorf("upsert search attributes: %w", err))
	}
	c.record(ctx)
}

// setStatus changes the status without blocking; update handlers use it so
// that the next validator already sees the new status. record projects it.
func (c *consultation) setStatus(status Status, reason string) {
	c.st.Status = status
	c.st.Reason = reason
	c.st.PrescriptionAllowed = PrescriptionAllowed(c.st.Type, status)
}

// transition sets the status and projects it.
func (c *consultation) transition(ctx workflow.Context, status Status, reason string) {
	c.setStatus(status, reason)
	c.record(ctx)
}

// record projects the current status: the ConsultationStatus search
// attribute and the row in Postgres (RecordTransition).
func (c *consultation) record(ctx workflow.Context) {
	c.seq++
	in := RecordTransitionInput{
		ConsultationID: c.st.ConsultationID,
		Seq:            c.seq,
		Status:         c.st.Status,
		Reason:         c.st.Reason,
		DueAt:          c.st.DueAt,
		PaymentID:      c.st.PaymentID,
		At:             workflow.Now(ctx).UTC(),
		ExpectedStart:  c.st.ExpectedStart,
		PaidAt:         c.st.PaidAt,
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, ConsultationStatusKey.ValueSet(string(in.Status))); err != nil {
		c.noteError(ctx, fmt.Errorf("upsert %s: %w", SearchAttributeConsultationStatus, err))
	}
	if c.localCreate && c.seq == 1 {
		err := runLocal(ctx, projectionLocalOptions, ActivityRecordTransition, in, nil)
		if err == nil || isCanceled(ctx, err) {
			return
		}
		c.noteError(ctx, fmt.Errorf("record transition to %s (local): %w", in.Status, err))
	}
	if err := run(ctx, projectionOptions, ActivityRecordTransition, in, nil); err != nil {
		c.noteError(ctx, fmt.Errorf("record transition to %s: %w", in.Status, err))
	}
}

// noteError keeps an error the workflow handles without failing in the state
// (LastError) and the log.
func (c *consultation) noteError(ctx workflow.Context, err error) {
	if err == nil || isCanceled(ctx, err) {
		return
	}
	c.st.LastError = err.Error()
	workflow.GetLogger(ctx).Warn("consultation step failed",
		"consultation", c.st.ConsultationID, "status", c.st.Status, "error", err)
}

// alert raises an operator alert (AlertSupport). Failures are only noted.
func (c *consultation) alert(ctx workflow.Context, code AlertCode, cause error) {
	in := AlertSupportInput{ConsultationID: c.st.ConsultationID, Code: code}
	if cause != nil {
		in.Detail = cause.Error()
	}
	if err := run(ctx, alertOptions, ActivityAlertSupport, in, nil); err != nil {
		c.noteError(ctx, fmt.Errorf("alert support (%s): %w", code, err))
	}
}

// goBackground runs fn in a workflow coroutine that the workflow waits for
// before it completes (see finish).
func (c *consultation) goBackground(ctx workflow.Context, fn func(ctx workflow.Context)) {
	c.background++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { c.background-- }()
		fn(ctx)
	})
}

// finish waits until background work and update handlers are done, then
// consumes signals nobody waits for any more (duplicates, late webhooks) so
// that they are logged rather than reported as unhandled.
func (c *consultation) finish(ctx workflow.Context, extra ...workflow.ReceiveChannel) error {
	c.paymentSettled = true // release a checkout update still waiting
	if err := workflow.Await(ctx, func() bool {
		return c.background == 0 && workflow.AllHandlersFinished(ctx)
	}); err != nil {
		return fmt.Errorf("wait for handlers: %w", err)
	}
	logger := workflow.GetLogger(ctx)
	var p PaymentUpdate
	for c.paymentCh.ReceiveAsync(&p) {
		logger.Info("ignored payment update", "payment", p.PaymentID, "status", p.Status)
	}
	var r RefundUpdate
	for c.refundCh.ReceiveAsync(&r) {
		logger.Info("ignored refund update", "refund", r.RefundID, "status", r.Status)
	}
	for _, ch := range extra {
		var v any
		for ch.ReceiveAsync(&v) {
			logger.Info("ignored signal", "signal", ch.Name())
		}
	}
	return nil
}

// isCanceled reports whether err stems from the workflow being cancelled.
func isCanceled(ctx workflow.Context, err error) bool {
	var canceled *temporal.CanceledError
	return ctx.Err() != nil || errors.As(err, &canceled)
}

// invalidState is the error validators return for a request that does not fit
// the current status (HTTP 409).
func invalidState(op string, s Status) error {
	return temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("%s is not possible while the consultation is %s", op, s),
		ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// invalidInput is the error validators return for a malformed request
// (HTTP 400).
func invalidInput(msg string) error {
	return temporal.NewApplicationErrorWithOptions(msg, ErrTypeInvalidInput,
		temporal.ApplicationErrorOptions{NonRetryable: true})
}
