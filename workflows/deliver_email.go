package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// DeliverEmailWorkflowType is the registered name of DeliverEmailWorkflow.
const DeliverEmailWorkflowType = "DeliverEmailWorkflow"

// TemplatePrescriptionIssued (patient): a prescription, its PDF attached by
// the activity from SendEmailInput.DocumentID.
const TemplatePrescriptionIssued Template = "prescription_issued"

// DeliverEmailWorkflow sends one email durably, for mail that belongs to no
// running consultation workflow (a prescription sent after the
// consultation's workflow ended). Workflow ID: "prescription/<id>".
func DeliverEmailWorkflow(ctx workflow.Context, in SendEmailInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 72 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute,
		},
	})
	return workflow.ExecuteActivity(ctx, ActivitySendEmail, in).Get(ctx, nil)
}
