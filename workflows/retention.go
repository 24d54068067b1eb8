package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// RetentionWorkflowType is the registered name of RetentionWorkflow.
const RetentionWorkflowType = "RetentionWorkflow"

// The retention activities, one per job (privacy/retention.go).
const (
	ActivityRetainTokens        = "RetainTokens"
	ActivityRetainOutbox        = "RetainOutbox"
	ActivityRetainAbandoned     = "RetainAbandoned"
	ActivityRetainErasedRecords = "RetainErasedRecords"
	ActivityRetainAudit         = "RetainAudit"
)

// RetentionJob is one retention job: the name its schedule and workflow
// carry, and its activity.
type RetentionJob struct {
	Name     string
	Activity string
}

// RetentionJobs are the retention jobs; each has a Temporal Schedule of its
// own (RetentionScheduleID), created when a worker starts.
var RetentionJobs = []RetentionJob{
	{Name: "tokens", Activity: ActivityRetainTokens},
	{Name: "outbox", Activity: ActivityRetainOutbox},
	{Name: "abandoned", Activity: ActivityRetainAbandoned},
	{Name: "erased-records", Activity: ActivityRetainErasedRecords},
	{Name: "audit", Activity: ActivityRetainAudit},
}

// RetentionInput names the job a run does.
type RetentionInput struct {
	Job string
}

// RetentionResult is how many rows (or accounts, consultations) a run removed.
type RetentionResult struct {
	Removed int64
}

// RetentionScheduleID is the id of a job's schedule in the Temporal UI.
func RetentionScheduleID(job string) string { return "retention-" + job }

// RetentionWorkflowID is the id of the workflows a job's schedule starts.
func RetentionWorkflowID(job string) string { return "retention/" + job }

// RetentionWorkflow runs one retention job: its activity, retried until it
// succeeds within the hour (every job is idempotent). An unknown job fails
// at once.
func RetentionWorkflow(ctx workflow.Context, in RetentionInput) (RetentionResult, error) {
	activity := ""
	for _, j := range RetentionJobs {
		if j.Name == in.Job {
			activity = j.Activity
		}
	}
	if activity == "" {
		return RetentionResult{}, temporal.NewNonRetryableApplicationError("unknown retention job "+in.Job, "UnknownRetentionJob", nil)
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    10 * time.Minute,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		},
	})
	var out RetentionResult
	err := workflow.ExecuteActivity(ctx, activity, in).Get(ctx, &out)
	return out, err
}
