package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Activity options per kind of activity. Retries are Temporal's: the
// activities are idempotent (see activities.go), so a retry never repeats an
// effect.
var (
	// projectionOptions (RecordTransition): the record must follow the
	// process, so transient failures are retried without limit.
	projectionOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	}

	// createPaymentOptions (CreatePayment): the patient waits at the
	// checkout, so give up after two minutes.
	createPaymentOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    20 * time.Second,
		ScheduleToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Second,
		},
	}

	// mollieOptions (GetPaymentStatus, CancelPayment, GetRefundStatus).
	mollieOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
		},
	}

	// moneyOptions (IssueRefund, IssueInvoice, DeliverAdvice): outages of a
	// day are ridden out; after that support is alerted.
	moneyOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
		},
	}

	// emailOptions (SendEmail): sent in the background, so a mail outage
	// of up to three days delays emails without holding up the process.
	emailOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 72 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    5 * time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    15 * time.Minute,
		},
	}

	// interactiveOptions (MarkInvoicePaid): run by an update handler while
	// the doctor waits for the answer, so give up after a minute; the
	// doctor may try again.
	interactiveOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    15 * time.Second,
		ScheduleToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Second,
		},
	}

	// waitlistTriggerOptions (OfferFreedSlot): a freed slot is worth
	// offering only for a while; after an hour of failures it is left to
	// normal booking.
	waitlistTriggerOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	}

	// alertOptions (AlertSupport).
	alertOptions = workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 7 * 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    10 * time.Minute,
		},
	}
)

// Local activity options of the create path (changeLocalCreatePath): the
// initial projection and the payment run inside the first workflow task,
// so the checkout update can complete in it. They keep the bounds of their
// ordinary options; a projection that fails as a local activity is retried
// as an ordinary one (projectionOptions, without limit).
var (
	projectionLocalOptions = workflow.LocalActivityOptions{
		StartToCloseTimeout:    10 * time.Second,
		ScheduleToCloseTimeout: 30 * time.Second,
		RetryPolicy:            projectionOptions.RetryPolicy,
	}
	createPaymentLocalOptions = workflow.LocalActivityOptions{
		StartToCloseTimeout:    createPaymentOptions.StartToCloseTimeout,
		ScheduleToCloseTimeout: createPaymentOptions.ScheduleToCloseTimeout,
		RetryPolicy:            createPaymentOptions.RetryPolicy,
	}
)

// reminderLocalOptions (changeLocalReminders): the first attempt of a
// reminder, a local activity in the workflow task of its timer, bounded by
// emailOptions' attempt; notifyBy retries a failed one as an ordinary
// activity.
var reminderLocalOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout: emailOptions.StartToCloseTimeout,
	RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
}

// runLocal is run for a local activity: the worker runs it inside the
// workflow task that asks for it, and the history gets a marker with its
// result instead of the scheduled, started and completed events of an
// activity task.
func runLocal(ctx workflow.Context, opts workflow.LocalActivityOptions, name string, in, out any) error {
	if err := checkCall(name, in, out); err != nil {
		return err
	}
	ctx = workflow.WithLocalActivityOptions(ctx, opts)
	if err := workflow.ExecuteLocalActivity(ctx, name, in).Get(ctx, out); err != nil {
		return fmt.Errorf("local activity %s: %w", name, err)
	}
	return nil
}

// run executes the named activity with the given options and decodes its
// result into out (nil for activities without a result).
// The call must match the activity's ActivityStub.
func run(ctx workflow.Context, opts workflow.ActivityOptions, name string, in, out any) error {
	if err := checkCall(name, in, out); err != nil {
		return err
	}
	ctx = workflow.WithActivityOptions(ctx, opts)
	if err := workflow.ExecuteActivity(ctx, name, in).Get(ctx, out); err != nil {
		return fmt.Errorf("activity %s: %w", name, err)
	}
	return nil
}
