package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

type healthHarness struct {
	env   *testsuite.TestWorkflowEnvironment
	mails []NotifyOperatorInput
	at    time.Duration
}

func newHealthHarness(t *testing.T) *healthHarness {
	var s testsuite.WorkflowTestSuite
	h := &healthHarness{env: s.NewTestWorkflowEnvironment()}
	h.env.RegisterWorkflowWithOptions(IntegrationHealthWorkflow, workflow.RegisterOptions{Name: IntegrationHealthWorkflowType})
	h.env.RegisterActivityWithOptions(func(_ context.Context, in NotifyOperatorInput) error {
		h.mails = append(h.mails, in)
		return nil
	}, activity.RegisterOptions{Name: ActivityNotifyOperator})
	return h
}

// after schedules a signal one minute after the previous one.
func (h *healthHarness) after(signal string, arg any) {
	h.at += time.Minute
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(signal, arg) }, h.at)
}

func (h *healthHarness) fail(n int) {
	for range n {
		h.after(SignalIntegrationFailed, IntegrationFailure{Activity: ActivityCreatePayment, Error: "mollie: 503"})
	}
}

// Fewer than IncidentAfterFailures failures in a row raise nothing; the
// fifth raises one incident (one mail), more failures no second one; a
// success closes it (one "works again" mail); a new run of failures is a
// new incident.
func TestIntegrationHealthAlertsOncePerIncident(t *testing.T) {
	h := newHealthHarness(t)
	h.fail(IncidentAfterFailures - 1)
	h.after(SignalIntegrationRecovered, ActivityCreatePayment) // a blip: no incident, counter reset
	h.fail(IncidentAfterFailures - 1)
	var mailsBeforeFifth int
	h.env.RegisterDelayedCallback(func() { mailsBeforeFifth = len(h.mails) }, h.at+30*time.Second)
	h.fail(1 + 7) // the fifth in a row, then seven more during the incident
	var openDuring IntegrationHealthState
	h.env.RegisterDelayedCallback(func() { openDuring = h.mustState(t) }, h.at+30*time.Second)
	h.after(SignalIntegrationRecovered, ActivityGetPaymentStatus)
	h.fail(IncidentAfterFailures)
	h.env.RegisterDelayedCallback(func() { h.env.CancelWorkflow() }, h.at+time.Hour)
	h.env.ExecuteWorkflow(IntegrationHealthWorkflowType, IntegrationHealthState{Integration: IntegrationMollie})

	if mailsBeforeFifth != 0 {
		t.Errorf("%d mails before the fifth failure in a row", mailsBeforeFifth)
	}
	if len(h.mails) != 3 {
		t.Fatalf("mails %+v, want incident, recovery, second incident", h.mails)
	}
	if m := h.mails[0]; m.Recovered || m.Incident != 1 || m.Failures != IncidentAfterFailures || m.Integration != IntegrationMollie || m.LastError != "CreatePayment: mollie: 503" {
		t.Errorf("first mail %+v", m)
	}
	if m := h.mails[1]; !m.Recovered || m.Incident != 1 || m.Failures != IncidentAfterFailures+7 {
		t.Errorf("recovery mail %+v, want incident 1's", m)
	}
	if m := h.mails[2]; m.Recovered || m.Incident != 2 {
		t.Errorf("third mail %+v, want a new incident, number 2", m)
	}
	if !openDuring.Open || openDuring.Incidents != 1 {
		t.Errorf("state during the incident %+v", openDuring)
	}
}

func (h *healthHarness) mustState(t *testing.T) IntegrationHealthState {
	t.Helper()
	v, err := h.env.QueryWorkflow(QueryIntegrationHealth)
	if err != nil {
		t.Fatal(err)
	}
	var s IntegrationHealthState
	if err := v.Get(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The workflow continues as new after integrationEventsBeforeContinue
// signals, carrying an open incident: no second mail afterwards.
func TestIntegrationHealthContinuesAsNewWithItsState(t *testing.T) {
	h := newHealthHarness(t)
	h.fail(integrationEventsBeforeContinue)
	h.env.ExecuteWorkflow(IntegrationHealthWorkflowType, IntegrationHealthState{Integration: IntegrationSMTP})
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	err := h.env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("ended with %v, want continue-as-new", err)
	}
	var carried IntegrationHealthState
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &carried); err != nil {
		t.Fatal(err)
	}
	if !carried.Open || carried.Incidents != 1 || carried.Failures != integrationEventsBeforeContinue || carried.Integration != IntegrationSMTP {
		t.Errorf("carried state %+v", carried)
	}
	if len(h.mails) != 1 {
		t.Errorf("mails %+v, want one incident mail", h.mails)
	}
}
