package workflows

import (
	"context"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
)

// TestRetentionWorkflowRunsItsJobsActivity: each job's workflow runs that
// job's activity and answers what it removed; an unknown job fails without
// running anything.
func TestRetentionWorkflowRunsItsJobsActivity(t *testing.T) {
	for _, job := range RetentionJobs {
		var s testsuite.WorkflowTestSuite
		env := s.NewTestWorkflowEnvironment()
		ran := map[string]int{}
		for _, other := range RetentionJobs {
			name := other.Activity
			env.RegisterActivityWithOptions(func(_ context.Context, in RetentionInput) (RetentionResult, error) {
				ran[name]++
				if in.Job != job.Name {
					t.Errorf("activity %s got job %q", name, in.Job)
				}
				return RetentionResult{Removed: 7}, nil
			}, activity.RegisterOptions{Name: name})
		}
		env.ExecuteWorkflow(RetentionWorkflow, RetentionInput{Job: job.Name})
		var out RetentionResult
		if err := env.GetWorkflowResult(&out); err != nil || out.Removed != 7 {
			t.Fatalf("job %s: result %+v, %v", job.Name, out, err)
		}
		if len(ran) != 1 || ran[job.Activity] != 1 {
			t.Errorf("job %s ran %v, want only %s once", job.Name, ran, job.Activity)
		}
	}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.ExecuteWorkflow(RetentionWorkflow, RetentionInput{Job: "everything"})
	if err := env.GetWorkflowError(); err == nil {
		t.Error("an unknown job succeeded")
	}
}
