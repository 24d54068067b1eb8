package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// IntegrationHealthWorkflowType is the registered name of
// IntegrationHealthWorkflow.
const IntegrationHealthWorkflowType = "IntegrationHealthWorkflow"

// Integrations whose outages raise an operator alert.
const (
	IntegrationMollie = "mollie"
	IntegrationSMTP   = "smtp"
)

// ActivityIntegration names the integration each activity depends on: the
// worker reports the failed and the first successful attempts of these
// activities to that integration's health workflow. An activity that calls
// Mollie or sends mail belongs here.
var ActivityIntegration = map[string]string{
	ActivityCreatePayment:    IntegrationMollie,
	ActivityGetPaymentStatus: IntegrationMollie,
	ActivityCancelPayment:    IntegrationMollie,
	ActivityIssueRefund:      IntegrationMollie,
	ActivityGetRefundStatus:  IntegrationMollie,
	ActivitySendEmail:        IntegrationSMTP,
	ActivityNotifyOperator:   IntegrationSMTP,
}

// IntegrationHealthWorkflowID is the ID of an integration's health workflow.
func IntegrationHealthWorkflowID(integration string) string {
	return "integration-health/" + integration
}

// Signals of IntegrationHealthWorkflow (sent with SignalWithStart).
const (
	// SignalIntegrationFailed carries an IntegrationFailure.
	SignalIntegrationFailed = "integration-failed"
	// SignalIntegrationRecovered carries the name of the activity that
	// succeeded after failures.
	SignalIntegrationRecovered = "integration-recovered"
)

// QueryIntegrationHealth answers the workflow's IntegrationHealthState
// (the Temporal UI's Queries tab shows it).
const QueryIntegrationHealth = "state"

// IncidentAfterFailures is how many failed attempts in a row, with no
// success between them, make an incident: one or two failures are a blip
// the retries absorb, five (about 30 s of backed-off retries) is an outage.
const IncidentAfterFailures = 5

// IntegrationFailure is one failed attempt of an activity.
type IntegrationFailure struct {
	Activity string
	// Error is the error message; it names no patient (activity errors
	// carry ids at most).
	Error string
}

// IntegrationHealthState is the workflow's state, carried across
// continue-as-new (and its input).
type IntegrationHealthState struct {
	Integration string
	// Failures counts the failed attempts since the last success.
	Failures int
	// Open is true while an incident is raised; it closes on a success.
	Open bool
	// Incidents counts the incidents raised so far.
	Incidents int
	// LastError is the latest failure's message.
	LastError string
}

// ActivityNotifyOperator mails the operator (SUPPORT_EMAIL) about an
// integration incident: NotifyOperatorInput → nothing.
const ActivityNotifyOperator = "NotifyOperator"

// NotifyOperatorInput is the input of ActivityNotifyOperator.
type NotifyOperatorInput struct {
	Integration string
	// Incident numbers the integration's incidents from 1
	// (IntegrationHealthState.Incidents when it was raised); its "keeps
	// failing" and "works again" mails carry the same number. 0 in
	// histories from before it was added.
	Incident int
	// Recovered is false for "keeps failing", true for "works again".
	Recovered bool
	Failures  int
	LastError string
}

// notifyOperatorOptions: when SMTP itself is down the mail waits for it; a
// day later the incident is old news.
var notifyOperatorOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    time.Minute,
	ScheduleToCloseTimeout: 24 * time.Hour,
	RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 10 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute},
}

// integrationEventsBeforeContinue bounds the history: after this many
// signals the workflow continues as new with its state.
const integrationEventsBeforeContinue = 500

// IntegrationHealthWorkflow follows one integration (Mollie, SMTP). The
// worker signals each failed attempt of an activity that depends on it and
// the first success after failures. IncidentAfterFailures failures in a row
// raise an incident: exactly one operator email and the metrics
// derma_integration_incidents_total and derma_integration_incident_open
// (1 until the next success, which mails "works again"). Workflow ID:
// IntegrationHealthWorkflowID(integration).
func IntegrationHealthWorkflow(ctx workflow.Context, in IntegrationHealthState) error {
	h := &integrationHealth{state: in}
	return h.run(ctx)
}

type integrationHealth struct {
	state  IntegrationHealthState
	events int
	// notifying counts operator mails in flight; continue-as-new waits
	// for them.
	notifying int
}

func (h *integrationHealth) run(ctx workflow.Context) error {
	log := workflow.GetLogger(ctx)
	if err := workflow.SetQueryHandler(ctx, QueryIntegrationHealth, func() (IntegrationHealthState, error) {
		return h.state, nil
	}); err != nil {
		return err
	}
	metrics := workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"integration": h.state.Integration})
	open := metrics.Gauge("derma_integration_incident_open")
	open.Update(boolGauge(h.state.Open))
	notify := func(in NotifyOperatorInput) {
		h.notifying++
		workflow.Go(ctx, func(gctx workflow.Context) {
			defer func() { h.notifying-- }()
			if err := run(gctx, notifyOperatorOptions, ActivityNotifyOperator, in, nil); err != nil {
				log.Error("operator notification failed", "integration", in.Integration, "error", err)
			}
		})
	}
	failed := workflow.GetSignalChannel(ctx, SignalIntegrationFailed)
	recovered := workflow.GetSignalChannel(ctx, SignalIntegrationRecovered)
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(failed, func(c workflow.ReceiveChannel, _ bool) {
		var f IntegrationFailure
		c.Receive(ctx, &f)
		h.events++
		h.state.Failures++
		h.state.LastError = f.Activity + ": " + f.Error
		if !h.state.Open && h.state.Failures >= IncidentAfterFailures {
			h.state.Open = true
			h.state.Incidents++
			metrics.Counter("derma_integration_incidents").Inc(1)
			open.Update(1)
			notify(NotifyOperatorInput{Integration: h.state.Integration, Incident: h.state.Incidents, Failures: h.state.Failures, LastError: h.state.LastError})
		}
	})
	sel.AddReceive(recovered, func(c workflow.ReceiveChannel, _ bool) {
		var activity string
		c.Receive(ctx, &activity)
		h.events++
		if h.state.Open {
			h.state.Open = false
			open.Update(0)
			notify(NotifyOperatorInput{Integration: h.state.Integration, Incident: h.state.Incidents, Recovered: true, Failures: h.state.Failures, LastError: h.state.LastError})
		}
		h.state.Failures = 0
	})
	for h.events < integrationEventsBeforeContinue && !workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
		sel.Select(ctx)
	}
	for sel.HasPending() {
		sel.Select(ctx)
	}
	if err := workflow.Await(ctx, func() bool { return h.notifying == 0 && workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, IntegrationHealthWorkflow, h.state)
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
