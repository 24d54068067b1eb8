package workflows

import (
	"fmt"
	"strconv"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// endAppointment ends a scheduled appointment as cancelled or declined:
// reminders are dropped, the patient gets appointment_cancelled with the
// refund, and conclude issues the refund. It records the status, so from an
// update handler it returns once Postgres has it.
func (w *appointment) endAppointment(ctx workflow.Context, status Status, reason string, refundCents int64, purpose string) {
	w.setStatus(status, reason)
	w.dropReminders()
	w.refundCents, w.refundPurpose = refundCents, purpose
	facts := w.facts()
	facts.RefundCents = refundCents
	facts.Sequence = w.delays + 1
	facts.Reason = reason
	if w.st.CancellationRequestedAt != nil && (reason == ReasonCancellationConfirmed || reason == ReasonCancellationAutoConfirmed) {
		at := *w.st.CancellationRequestedAt
		facts.CancellationRequestedAt = &at
	}
	w.notifyWith(ctx, TemplateAppointmentCancelled, RecipientPatient, "", facts)
	w.record(ctx)
	w.kick()
}

func (w *appointment) validateRequestCancellation(ctx workflow.Context, in CancellationRequest) error {
	const op = "requesting a cancellation"
	if !ValidCancelReason(in.Reason) {
		return invalidInput(fmt.Sprintf("unknown cancellation reason %q", in.Reason))
	}
	if w.st.Status != StatusScheduled {
		return invalidState(op, w.st.Status)
	}
	if !workflow.Now(ctx).Before(w.in.Start) {
		return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("%s is possible only before the start", op),
			ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
	}
	return w.checkCancellationLimit()
}

// checkCancellationLimit refuses a request beyond MaxCancellationRequests.
func (w *appointment) checkCancellationLimit() error {
	if w.cancelRequests < MaxCancellationRequests {
		return nil
	}
	return temporal.NewApplicationErrorWithOptions(
		fmt.Sprintf("the doctor has already rejected %d cancellation requests for this appointment, so it stands; "+
			"please contact the practice through your messages", w.cancelRequests),
		ErrTypeInvalidState, temporal.ApplicationErrorOptions{NonRetryable: true})
}

// requestCancellation fixes the refund at the moment of the request
// (CancellationRefund) and asks the doctor to decide.
func (w *appointment) requestCancellation(ctx workflow.Context, in CancellationRequest) (ConsultationState, error) {
	if err := w.validateRequestCancellation(ctx, in); err != nil {
		// Histories recorded before the limit accepted every request;
		// replay what they did.
		if w.checkCancellationLimit() == nil ||
			workflow.GetVersion(ctx, versionCancellationLimit, workflow.DefaultVersion, 1) >= 1 {
			return ConsultationState{}, err
		}
	}
	now := workflow.Now(ctx).UTC()
	w.st.CancellationRequestedAt = &now
	w.st.CancellationReason = in.Reason
	w.st.CancellationRefundCents = CancellationRefund(now, w.in.Start, w.paidCents(), w.in.AdminFeeCents)
	w.cancelRequests++
	w.st.CancellationRequests = w.cancelRequests
	w.setStatus(StatusCancellationRequested, "")
	facts := w.facts()
	facts.RefundCents = w.st.CancellationRefundCents
	w.notifyWith(ctx, TemplateCancellationRequested, RecipientDoctor, strconv.Itoa(w.cancelRequests), facts)
	w.change(ctx)
	return w.st, nil
}

func (w *appointment) validateCancellationDecision(workflow.Context) error {
	if w.st.Status != StatusCancellationRequested {
		return invalidState("deciding on a cancellation", w.st.Status)
	}
	return nil
}

func (w *appointment) confirmCancellation(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateCancellationDecision(ctx); err != nil {
		return ConsultationState{}, err
	}
	w.endAppointment(ctx, StatusCancelled, ReasonCancellationConfirmed, w.st.CancellationRefundCents, "cancellation")
	return w.st, nil
}

func (w *appointment) rejectCancellation(ctx workflow.Context) (ConsultationState, error) {
	if err := w.validateCancellationDecision(ctx); err != nil {
		return ConsultationState{}, err
	}
	w.st.CancellationRequestedAt, w.st.CancellationReason, w.st.CancellationRefundCents = nil, "", 0
	w.setStatus(StatusScheduled, "")
	w.notifyWith(ctx, TemplateCancellationRejected, RecipientPatient, strconv.Itoa(w.cancelRequests), w.facts())
	w.change(ctx)
	return w.st, nil
}

// doctorEndable reports whether the doctor may still cancel or decline:
// before the session.
func (w *appointment) doctorEndable() bool {
	switch w.st.Status {
	case StatusScheduled, StatusWaiting, StatusCancellationRequested:
		return true
	}
	return false
}

func (w *appointment) validateDoctorCancel(_ workflow.Context, in DoctorCancellation) error {
	if !ValidCancelReason(in.Reason) {
		return invalidInput(fmt.Sprintf("unknown cancellation reason %q", in.Reason))
	}
	if !w.doctorEndable() {
		return invalidState("cancelling", w.st.Status)
	}
	return nil
}

func (w *appointment) doctorCancel(ctx workflow.Context, in DoctorCancellation) (ConsultationState, error) {
	if err := w.validateDoctorCancel(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	w.st.CancellationReason = in.Reason
	w.st.CancellationRefundCents = w.paidCents()
	w.endAppointment(ctx, StatusCancelled, ReasonDoctorCancelled, w.paidCents(), "doctor_cancellation")
	return w.st, nil
}

func (w *appointment) validateDecline(_ workflow.Context, in DeclineInput) error {
	if !in.Reason.Valid() {
		return invalidInput(fmt.Sprintf("unknown decline reason %q", in.Reason))
	}
	if !w.doctorEndable() {
		return invalidState("declining", w.st.Status)
	}
	return nil
}

func (w *appointment) decline(ctx workflow.Context, in DeclineInput) (ConsultationState, error) {
	if err := w.validateDecline(ctx, in); err != nil {
		return ConsultationState{}, err
	}
	w.st.CancellationRefundCents = w.paidCents()
	w.endAppointment(ctx, StatusDeclined, string(in.Reason), w.paidCents(), "declined")
	return w.st, nil
}
