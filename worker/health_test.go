package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"derma2go/payments"
	"derma2go/workflows"
)

// recordingClient is the Temporal client boundary: it records the signals.
type recordingClient struct {
	client.Client
	signals []string
}

func (c *recordingClient) SignalWithStartWorkflow(_ context.Context, id, signal string, _ any, opts client.StartWorkflowOptions, wf any, _ ...any) (client.WorkflowRun, error) {
	if id != workflows.IntegrationHealthWorkflowID(workflows.IntegrationMollie) || opts.TaskQueue != workflows.TaskQueue || wf != workflows.IntegrationHealthWorkflowType {
		return nil, errors.New("unexpected target " + id)
	}
	c.signals = append(c.signals, signal)
	return nil, nil
}

// Every failure of Mollie itself is reported; refusals of one request,
// failures of our own parts (PostgreSQL down) and a stopping worker are
// not; of the successes only the first after failures.
func TestHealthReporterSignalsFailuresAndTheFirstSuccess(t *testing.T) {
	c := &recordingClient{}
	r := &healthReporter{c: c, log: slog.New(slog.DiscardHandler), failing: map[string]bool{}}
	ctx := context.Background()
	mollie := workflows.IntegrationMollie
	r.observe(ctx, mollie, "CreatePayment", nil)
	r.observe(ctx, mollie, "CreatePayment", fmt.Errorf("create payment: %w: dial tcp: connection refused", payments.ErrUnreachable))
	r.observe(ctx, mollie, "CreatePayment", temporal.NewNonRetryableApplicationError("bad amount", "Invalid", &payments.APIError{StatusCode: 422}))
	r.observe(ctx, mollie, "CreatePayment", fmt.Errorf("create payment: store: %w", errors.New("failed to connect to `host=127.0.0.1`: dial tcp: connection refused")))
	r.observe(ctx, mollie, "GetPaymentStatus", &payments.APIError{StatusCode: 503})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	r.observe(cancelled, mollie, "GetPaymentStatus", context.Canceled)
	r.observe(ctx, mollie, "GetPaymentStatus", nil)
	r.observe(ctx, mollie, "GetPaymentStatus", nil)
	want := []string{workflows.SignalIntegrationFailed, workflows.SignalIntegrationFailed, workflows.SignalIntegrationRecovered}
	if len(c.signals) != len(want) {
		t.Fatalf("signals %v, want %v", c.signals, want)
	}
	for i := range want {
		if c.signals[i] != want[i] {
			t.Fatalf("signals %v, want %v", c.signals, want)
		}
	}
}

// Every activity that calls Mollie or sends mail is followed.
func TestMollieAndMailActivitiesAreFollowed(t *testing.T) {
	for _, name := range []string{workflows.ActivityCreatePayment, workflows.ActivityIssueRefund, workflows.ActivityGetRefundStatus,
		workflows.ActivitySendEmail, workflows.ActivityNotifyOperator} {
		if workflows.ActivityIntegration[name] == "" {
			t.Errorf("%s is not followed", name)
		}
	}
}
