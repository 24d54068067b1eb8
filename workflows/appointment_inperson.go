package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// validateMark checks an in-person attendance mark: while scheduled, from
// AttendanceMarkLead before the start.
func (w *appointment) validateMark(ctx workflow.Context, op string) error {
	if err := w.requireType(op, TypeInPerson); err != nil {
		return err
	}
	if w.st.Status != StatusScheduled {
		return invalidState(op, w.st.Status)
	}
	if from := w.in.Start.Add(-AttendanceMarkLead); workflow.Now(ctx).Before(from) {
		return outsideWindow(op, from, time.Time{})
	}
	return nil
}

func (w *appointment) validateMarkAttended(ctx workflow.Context) error {
	return w.validateMark(ctx, "marking the patient attended")
}

func (w *appointment) markAttended(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateMarkAttended(ctx); err != nil {
		return ConsultationState{}, err
	}
	now := workflow.Now(ctx).UTC()
	w.st.CompletedAt = &now
	w.setStatus(StatusCompleted, "")
	w.dropReminders()
	w.change(ctx)
	w.invoice(ctx)
	return w.st, nil
}

// validateMarkNoShow checks an in-person no-show mark: while scheduled,
// from NoShowMarkGrace after the expected start.
func (w *appointment) validateMarkNoShow(ctx workflow.Context) error {
	const op = "marking the patient absent"
	if err := w.requireType(op, TypeInPerson); err != nil {
		return err
	}
	if w.st.Status != StatusScheduled {
		return invalidState(op, w.st.Status)
	}
	if from := w.noShowFrom(); workflow.Now(ctx).Before(from) {
		return outsideWindow(op, from, time.Time{})
	}
	return nil
}

// noShowFrom is when the doctor may first mark the patient absent.
func (w *appointment) noShowFrom() time.Time {
	return w.st.ExpectedStart.Add(w.in.NoShowMarkGrace)
}

func (w *appointment) markNoShow(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateMarkNoShow(ctx); err != nil {
		// Histories recorded before the rule allowed the mark from
		// AttendanceMarkLead before the start; replay what they did.
		if w.validateMark(ctx, "marking the patient absent") != nil ||
			workflow.GetVersion(ctx, versionNoShowAfterStart, workflow.DefaultVersion, 1) >= 1 {
			return ConsultationState{}, err
		}
	}
	w.setStatus(StatusNoShow, ReasonMarkedNoShow)
	w.dropReminders()
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateMarkPaid(workflow.Context) error {
	const op = "marking the invoice paid"
	if err := w.requireType(op, TypeInPerson); err != nil {
		return err
	}
	if w.st.Status != StatusCompleted {
		return invalidState(op, w.st.Status)
	}
	return nil
}

// markPaid records the payment of the in-person invoice once it is issued.
// A repeat, or one sent while the first is being recorded, returns the
// state unchanged.
func (w *appointment) markPaid(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateMarkPaid(ctx); err != nil {
		return ConsultationState{}, err
	}
	if err := workflow.Await(ctx, func() bool { return w.invoiceSettled && !w.markingPaid }); err != nil {
		return ConsultationState{}, err
	}
	if w.st.InvoicePaidAt != nil {
		return w.st, nil
	}
	if w.st.InvoiceNumber == "" {
		return ConsultationState{}, temporal.NewApplicationErrorWithOptions(
			"the invoice of this consultation could not be issued; support has been alerted",
			ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	if err := w.recordInvoicePaid(ctx); err != nil {
		return ConsultationState{}, err
	}
	if w.st.PaymentID != "" && !w.st.PaymentStatus.Final() {
		// Paid at the desk: the online payment link must not take the
		// money a second time. In the background, so that the doctor
		// does not wait for Mollie.
		ref := PaymentRefInput{ConsultationID: w.st.ConsultationID, PaymentID: w.st.PaymentID}
		w.goBackground(ctx, func(ctx workflow.Context) {
			var cancelled PaymentStatusResult
			if err := run(ctx, mollieOptions, ActivityCancelPayment, ref, &cancelled); err != nil {
				w.noteError(ctx, fmt.Errorf("cancel the invoice's online payment: %w", err))
			} else if cancelled.Status != "" {
				w.st.PaymentStatus = cancelled.Status
			}
		})
	}
	return w.st, nil
}

// recordInvoicePaid records the payment of the in-person invoice
// (MarkInvoicePaid, then InvoicePaidAt and PaidAt) and wakes the main loop.
func (w *appointment) recordInvoicePaid(ctx workflow.Context) error {
	w.markingPaid = true
	defer func() { w.markingPaid = false }()
	now := workflow.Now(ctx).UTC()
	err := run(ctx, interactiveOptions, ActivityMarkInvoicePaid,
		MarkInvoicePaidInput{ConsultationID: w.st.ConsultationID, PaidAt: now}, nil)
	if err != nil {
		w.noteError(ctx, fmt.Errorf("mark invoice paid: %w", err))
		return err
	}
	w.st.InvoicePaidAt = &now
	w.st.PaidAt = &now
	w.kick()
	return nil
}

// awaitInvoice waits until at, an update kicks wake, or Mollie's word on
// the invoice's online payment arrives (SignalPaymentUpdate, confirmed with
// Mollie by takePaymentUpdate). Paid online, the invoice is recorded paid.
func (w *appointment) awaitInvoice(ctx workflow.Context, at time.Time) error {
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, at.Sub(workflow.Now(ctx)), workflow.TimerOptions{Summary: "invoice open"})
	var upd PaymentUpdate
	signalled := false
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.ReceiveAsync(nil) })
	sel.AddReceive(w.paymentCh, func(ch workflow.ReceiveChannel, _ bool) {
		ch.Receive(ctx, &upd)
		signalled = true
	})
	sel.AddFuture(timer, func(workflow.Future) {})
	sel.Select(ctx)
	if !signalled || w.st.PaymentID == "" {
		return ctx.Err()
	}
	status, ok := w.takePaymentUpdate(ctx, upd)
	if !ok {
		return ctx.Err()
	}
	w.st.PaymentStatus = status
	if status != PaymentPaid {
		w.noteError(ctx, fmt.Errorf("the invoice's online payment ended %s", status))
		return ctx.Err()
	}
	if err := workflow.Await(ctx, func() bool { return !w.markingPaid }); err != nil {
		return err
	}
	if w.st.InvoicePaidAt == nil {
		if err := w.recordInvoicePaid(ctx); err != nil {
			return err
		}
	}
	return ctx.Err()
}
