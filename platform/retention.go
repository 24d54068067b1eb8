package platform

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/workflows"
)

// EnsureRetentionSchedules creates the Temporal Schedule of every retention
// job (workflows.RetentionJobs), or brings an existing one to the current
// interval and action: running it at every worker start is harmless. Each
// schedule starts the job's workflow every interval, skipping a run while
// the previous one is still going.
func EnsureRetentionSchedules(ctx context.Context, c client.Client, every time.Duration) error {
	for _, j := range workflows.RetentionJobs {
		opts := client.ScheduleOptions{
			ID:   workflows.RetentionScheduleID(j.Name),
			Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: every}}},
			Action: &client.ScheduleWorkflowAction{
				ID: workflows.RetentionWorkflowID(j.Name), Workflow: workflows.RetentionWorkflowType,
				Args: []any{workflows.RetentionInput{Job: j.Name}}, TaskQueue: workflows.TaskQueue,
			},
			Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		}
		_, err := c.ScheduleClient().Create(ctx, opts)
		if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			err = c.ScheduleClient().GetHandle(ctx, opts.ID).Update(ctx, client.ScheduleUpdateOptions{
				DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
					s := in.Description.Schedule
					s.Spec = &opts.Spec
					s.Action = opts.Action
					if s.Policy == nil {
						s.Policy = &client.SchedulePolicies{}
					}
					s.Policy.Overlap = opts.Overlap
					return &client.ScheduleUpdate{Schedule: &s}, nil
				},
			})
		}
		if err != nil {
			return fmt.Errorf("platform: retention schedule %s: %w", opts.ID, err)
		}
	}
	return nil
}
