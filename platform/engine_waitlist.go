package platform

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/api"
	"derma2go/waitlist"
	"derma2go/workflows"
)

// AnswerWaitlistOffer sends the patient's answer to the offer chain; a
// refusal, or a chain that has ended, is api.ErrRejected.
func (e *engine) AnswerWaitlistOffer(ctx context.Context, workflowID, update string, offerID uuid.UUID) error {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	handle, err := e.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: update, UpdateID: update + "/" + offerID.String(),
		Args: []any{workflows.WaitlistAnswer{OfferID: offerID.String()}}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, nil)
	}
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case err == nil:
		return nil
	case errors.As(err, &appErr) && (appErr.Type() == workflows.ErrTypeInvalidState || appErr.Type() == workflows.ErrTypeInvalidInput):
		return fmt.Errorf("%w: %s", api.ErrRejected, appErr.Message())
	case errors.As(err, &notFound):
		return fmt.Errorf("%w: the offer has ended", api.ErrRejected)
	default:
		return fmt.Errorf("engine: waitlist %s: %w", update, unavailable(ctx, err))
	}
}

// WaitlistBooked signals the chain that the accepted offer was booked.
func (e *engine) WaitlistBooked(ctx context.Context, workflowID string) error {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	if err := e.c.SignalWorkflow(ctx, workflowID, "", workflows.SignalWaitlistBooked, nil); err != nil {
		return fmt.Errorf("engine: waitlist booked: %w", unavailable(ctx, err))
	}
	return nil
}

// StartWaitlistChain starts the offer chain of a freed slot.
func (e *engine) StartWaitlistChain(ctx context.Context, in workflows.WaitlistOfferInput) error {
	ctx, cancel := e.bound(ctx)
	defer cancel()
	if _, err := waitlist.StartChain(ctx, e.c, in); err != nil {
		return unavailable(ctx, err)
	}
	return nil
}
