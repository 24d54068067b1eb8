package platform

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/api"
	"derma2go/workflows"
)

// StartWalkIn starts a walk-in consultation's workflow and, in the same
// call, sends the checkout Update, which returns once the payment exists.
func (e *engine) StartWalkIn(ctx context.Context, in api.WalkInStart) (string, error) {
	id := workflows.ConsultationWorkflowID(in.ConsultationID.String())
	start := e.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes:    workflows.StartSearchAttributes(workflows.TypeWalkIn, in.DoctorID.String()),
	}, workflows.WalkInWorkflowType, workflows.WalkInInput{
		ConsultationID: in.ConsultationID.String(), DoctorID: in.DoctorID.String(), AmountCents: in.AmountCents,
		Opens: in.Opens, Closes: in.Closes, DoctorTimeZone: in.TimeZone, Language: in.Language,
		PaymentHold: e.paymentHold, ReviewDelay: e.reviewDelay, AnswerWindow: e.walkInAnswer,
	})
	return e.startWithCheckout(ctx, id, start)
}

// WalkInQueue queries the queue of a doctor's session; a session whose queue
// never started (nobody paid yet) is reported as not found (ok false).
func (e *engine) WalkInQueue(ctx context.Context, q api.WalkInSession) (workflows.WalkInQueueState, bool, error) {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	var st workflows.WalkInQueueState
	v, err := e.c.QueryWorkflow(ctx, workflows.WalkInQueueWorkflowID(q.DoctorID.String(), q.Opens), "", workflows.QueryWalkInQueue)
	if err == nil {
		err = v.Get(&st)
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("engine: walk-in queue: %w", unavailable(ctx, err))
	}
	return st, true, nil
}

// WalkInAct sends a queue Update (workflows.UpdateWalkIn*) and decodes its
// result into out; a refusal, or a queue that never started or has ended,
// is api.ErrRejected.
func (e *engine) WalkInAct(ctx context.Context, q api.WalkInSession, name string, arg, out any) error {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	opts := client.UpdateWorkflowOptions{
		WorkflowID: workflows.WalkInQueueWorkflowID(q.DoctorID.String(), q.Opens), UpdateName: name,
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}
	if arg != nil {
		opts.Args = []any{arg}
	}
	var handle client.WorkflowUpdateHandle
	var err error
	if name == workflows.UpdateWalkInClose && !q.Closes.IsZero() {
		// Closing a session nobody joined yet starts its queue closed, so
		// that a patient paying now is refunded instead of queued.
		opts.WorkflowID = ""
		start := e.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID:                       workflows.WalkInQueueWorkflowID(q.DoctorID.String(), q.Opens),
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		}, workflows.WalkInQueueWorkflowType, workflows.WalkInQueueInput{
			DoctorID: q.DoctorID.String(), Opens: q.Opens, Closes: q.Closes, AnswerWindow: e.walkInAnswer,
		})
		handle, err = e.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start, UpdateOptions: opts})
	} else {
		handle, err = e.c.UpdateWorkflow(ctx, opts)
	}
	if err == nil {
		err = handle.Get(ctx, out)
	}
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case err == nil:
		return nil
	case errors.As(err, &started):
		return fmt.Errorf("%w: the walk-in session has closed", api.ErrRejected)
	case errors.As(err, &appErr) && (appErr.Type() == workflows.ErrTypeInvalidState || appErr.Type() == workflows.ErrTypeInvalidInput):
		return fmt.Errorf("%w: %s", api.ErrRejected, appErr.Message())
	case errors.As(err, &notFound):
		return fmt.Errorf("%w: nobody has joined this walk-in session", api.ErrRejected)
	default:
		return fmt.Errorf("engine: walk-in %s: %w", name, unavailable(ctx, err))
	}
}
