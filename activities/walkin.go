package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/live"
	"derma2go/workflows"
)

// JoinWalkInQueue puts a paid walk-in patient in their session's queue with
// update-with-start: the first patient starts the queue, with the doctor's
// measured session lengths and walk-in slot length as its estimate. A queue
// that has closed (ended, or refusing joins) answers Joined false.
func (a *Activities) JoinWalkInQueue(ctx context.Context, in workflows.JoinWalkInQueueInput) (workflows.JoinWalkInQueueResult, error) {
	if a.Temporal == nil {
		return workflows.JoinWalkInQueueResult{}, temporal.NewNonRetryableApplicationError("no Temporal client", "Config", nil)
	}
	doctorID, err := parseID(in.DoctorID)
	if err != nil {
		return workflows.JoinWalkInQueueResult{}, err
	}
	queue := workflows.WalkInQueueInput{DoctorID: in.DoctorID, Opens: in.Opens, Closes: in.Closes, AnswerWindow: in.AnswerWindow}
	if err := a.walkInEstimate(ctx, doctorID, &queue); err != nil {
		return workflows.JoinWalkInQueueResult{}, err
	}
	id := workflows.WalkInQueueWorkflowID(in.DoctorID, in.Opens)
	start := a.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		// A session's queue runs once: after it ended, nobody restarts it.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		// The queue ends at closing time; this bounds a stuck one.
		WorkflowExecutionTimeout: in.Closes.Sub(in.Opens) + 24*time.Hour,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.ConsultationTypeKey.ValueSet(string(domain.TypeWalkIn)),
			workflows.DoctorIDKey.ValueSet(in.DoctorID),
		),
	}, workflows.WalkInQueueWorkflowType, queue)
	handle, err := a.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     "join/" + in.ConsultationID,
			UpdateName:   workflows.UpdateWalkInJoin,
			Args:         []any{workflows.WalkInJoin{ConsultationID: in.ConsultationID, PaidAt: in.PaidAt}},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var pos workflows.WalkInPosition
	if err == nil {
		err = handle.Get(ctx, &pos)
	}
	if closedQueue(err) {
		return workflows.JoinWalkInQueueResult{Joined: false}, nil
	}
	if err != nil {
		return workflows.JoinWalkInQueueResult{}, fmt.Errorf("join walk-in queue %s: %w", id, err)
	}
	return workflows.JoinWalkInQueueResult{Joined: true, Position: pos}, nil
}

// closedQueue reports whether err says the queue takes nobody any more: its
// validator refused (closed), or it ended and may not start again.
func closedQueue(err error) bool {
	var appErr *temporal.ApplicationError
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	var notFound *serviceerror.NotFound
	return errors.As(err, &appErr) && appErr.Type() == workflows.ErrTypeInvalidState ||
		errors.As(err, &started) || errors.As(err, &notFound)
}

// walkInEstimate fills the queue's session estimate: the doctor's measured
// average, and their walk-in slot length for when nothing is measured yet.
func (a *Activities) walkInEstimate(ctx context.Context, doctorID uuid.UUID, q *workflows.WalkInQueueInput) error {
	stats, err := a.Store.GetWalkInStats(ctx, doctorID)
	switch {
	case err == nil:
		q.MeasuredSessions = int(stats.Sessions)
		q.AverageSession = time.Duration(stats.AvgSeconds * float64(time.Second)).Round(time.Second)
	case !errors.Is(db.Translate(err), db.ErrNotFound):
		return fmt.Errorf("walk-in stats: %w", err)
	}
	fees, err := a.Store.ListDoctorFees(ctx, []uuid.UUID{doctorID})
	if err != nil {
		return fmt.Errorf("walk-in fee: %w", err)
	}
	for _, f := range fees {
		if f.ConsultationType == string(domain.TypeWalkIn) && f.DurationMinutes > 0 {
			q.EstimatedSession = time.Duration(f.DurationMinutes) * time.Minute
		}
	}
	return nil
}

// RecordWalkInSession adds a session's length to the doctor's running
// average, once per consultation.
func (a *Activities) RecordWalkInSession(ctx context.Context, in workflows.RecordWalkInSessionInput) error {
	id, err := parseID(in.ConsultationID)
	if err != nil {
		return err
	}
	doctorID, err := parseID(in.DoctorID)
	if err != nil {
		return err
	}
	err = a.Store.Tx(ctx, func(q *db.Queries) error {
		n, err := q.InsertWalkInSession(ctx, db.InsertWalkInSessionParams{ConsultationID: id, DoctorID: doctorID, Seconds: int32(in.Seconds)})
		if err != nil || n == 0 {
			return err
		}
		_, err = q.AddWalkInSessionToStats(ctx, db.AddWalkInSessionToStatsParams{DoctorID: doctorID, Seconds: float64(in.Seconds)})
		return err
	})
	if err != nil {
		return fmt.Errorf("record walk-in session: %w", err)
	}
	return nil
}

// PublishWalkInQueue pushes every waiting patient's position and ETA to
// their live stream, in one transaction.
func (a *Activities) PublishWalkInQueue(ctx context.Context, in workflows.PublishWalkInQueueInput) error {
	doctorID, err := parseID(in.DoctorID)
	if err != nil {
		return err
	}
	err = a.Store.Tx(ctx, func(q *db.Queries) error {
		for _, p := range in.Waiting {
			id, err := parseID(p.ConsultationID)
			if err != nil {
				return err
			}
			if err := live.PublishQueue(ctx, q, id, doctorID, p.Position, p.ETAMinutes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("publish walk-in queue: %w", err)
	}
	return nil
}
