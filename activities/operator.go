package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"

	"derma2go/mail"
	"derma2go/workflows"
)

// integrationNames are the integrations as an operator calls them.
var integrationNames = map[string]string{
	workflows.IntegrationMollie: "Mollie",
	workflows.IntegrationSMTP:   "Mail delivery (SMTP)",
}

// NotifyOperator mails SUPPORT_EMAIL that an integration keeps failing, or
// works again. It names no patient: the last error is an activity's.
func (a *Activities) NotifyOperator(ctx context.Context, in workflows.NotifyOperatorInput) error {
	name, ok := integrationNames[in.Integration]
	if !ok {
		name = in.Integration
	}
	subject := fmt.Sprintf("[Derma2Go] %s keeps failing", name)
	text := fmt.Sprintf("%s has failed %d times in a row (activities are retrying).\n\nLast error: %s\n\n"+
		"The metric derma_integration_incident_open{integration=%q} is 1 until a call succeeds again; "+
		"you get one more mail then. See docs/operations.md, \"Integration alerts\".\n",
		name, in.Failures, in.LastError, in.Integration)
	if in.Recovered {
		subject = fmt.Sprintf("[Derma2Go] %s works again", name)
		text = fmt.Sprintf("A call to %s succeeded after %d failures; the incident is closed.\n\nLast error before: %s\n",
			name, in.Failures, in.LastError)
	}
	headers := map[string]string{mail.HeaderAlert: in.Integration}
	if in.Incident > 0 {
		incident := IncidentID(in.Integration, in.Incident)
		headers[mail.HeaderIncident] = incident
		text += "\nIncident: " + incident + "\n"
	}
	// One alert per scheduled activity: its workflow run and activity ID
	// stay the same on every retry.
	info := activity.GetInfo(ctx)
	key := "alert/" + info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID + "/" + info.ActivityID
	if err := a.deliver(ctx, outgoing{key: key, template: "operator_alert", msg: mail.Message{
		To: []string{a.SupportEmail}, Subject: subject, Text: text, Headers: headers,
	}}); err != nil {
		return fmt.Errorf("notify operator: %w", err)
	}
	return nil
}

// IncidentID names an integration's n-th incident, e.g. "smtp/3": the
// value of the mail.HeaderIncident header of its operator mails.
func IncidentID(integration string, n int) string {
	return fmt.Sprintf("%s/%d", integration, n)
}
