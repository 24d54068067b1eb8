package integration

import (
	"context"
	"errors"
	"net/textproto"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"derma2go/activities"
	"derma2go/db"
	"derma2go/mail"
	"derma2go/worker"
	"derma2go/workflows"
)

// alertProbe is what alertProbeWorkflow runs: the production activities
// SendEmail and GetPaymentStatus, side by side, each with retries until
// Attempts (0: no bound). Temporal retries about once a second at the
// shortest, so several at once reach an incident's failures sooner.
type alertProbe struct {
	Emails     []workflows.SendEmailInput
	PaymentIDs []string
	Attempts   int32
}

// alertProbeWorkflow stands in for a consultation that has mail (and a
// payment check) due: it schedules the real activities on a test worker.
func alertProbeWorkflow(ctx workflow.Context, in alertProbe) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 20 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 50 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: in.Attempts},
	})
	var futures []workflow.Future
	for _, e := range in.Emails {
		futures = append(futures, workflow.ExecuteActivity(ctx, workflows.ActivitySendEmail, e))
	}
	for _, id := range in.PaymentIDs {
		futures = append(futures, workflow.ExecuteActivity(ctx, workflows.ActivityGetPaymentStatus, workflows.PaymentRefInput{PaymentID: id}))
	}
	var errs []error
	for _, f := range futures {
		errs = append(errs, f.Get(ctx, nil))
	}
	return errors.Join(errs...)
}

// probeWorker runs the production activities on store, with the
// production health interceptor, on a task queue of its own.
func probeWorker(t *testing.T, store *db.Store) string {
	t.Helper()
	queue := "alert-probe-" + uuid.NewString()
	p := stack.Platform
	w := sdkworker.New(p.Temporal, queue, sdkworker.Options{
		Interceptors: []interceptor.WorkerInterceptor{worker.HealthInterceptor(p.Temporal, testLogger())},
	})
	w.RegisterWorkflow(alertProbeWorkflow)
	w.RegisterActivity(&activities.Activities{
		Store: store, Fields: p.Fields, Links: p.Links, Mail: p.Mail, Payments: p.Payments, Payouts: p.Payouts,
		PublicURL: p.Config.PublicURL, SupportEmail: p.Config.SupportEmail, MailFrom: p.Config.MailFrom, Logger: testLogger(),
	})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return queue
}

func runProbe(t *testing.T, queue string, in alertProbe) client.WorkflowRun {
	t.Helper()
	run, err := stack.Platform.Temporal.ExecuteWorkflow(context.Background(),
		client.StartWorkflowOptions{ID: "alert-probe/" + uuid.NewString(), TaskQueue: queue}, alertProbeWorkflow, in)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// healthOf is an integration's health state; the zero state while its
// workflow has not started (nothing failed yet).
func healthOf(t *testing.T, integration string) workflows.IntegrationHealthState {
	t.Helper()
	v, err := stack.Platform.Temporal.QueryWorkflow(context.Background(), workflows.IntegrationHealthWorkflowID(integration), "", workflows.QueryIntegrationHealth)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return workflows.IntegrationHealthState{Integration: integration}
	}
	if err != nil {
		t.Fatal(err)
	}
	var s workflows.IntegrationHealthState
	if err := v.Get(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitHealth polls the integration's health state until ok, or fails.
func waitHealth(t *testing.T, integration string, within time.Duration, ok func(workflows.IntegrationHealthState) bool) workflows.IntegrationHealthState {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		s := healthOf(t, integration)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s health after %s: %+v", integration, within, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAlertsBlameOnlyTheRelayAndMollie: mail and a payment check are due
// while the worker's PostgreSQL pool is closed — every attempt of SendEmail
// and GetPaymentStatus fails, more often than an incident needs — and no
// SMTP or Mollie failure is counted, no incident raised. Then the relay
// refuses mail (421) while a SendEmail retries: exactly one incident, whose
// "keeps failing" and "works again" mails to support each come once and
// carry its incident id (X-Derma2Go-Incident).
func TestAlertsBlameOnlyTheRelayAndMollie(t *testing.T) {
	ctx := context.Background()
	ac := newAdviceCase(t, 147)
	var paymentID string
	if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT payment_id FROM consultations WHERE id = $1", ac.id).Scan(&paymentID); err != nil {
		t.Fatal(err)
	}
	emails := func(n int) []workflows.SendEmailInput {
		var in []workflows.SendEmailInput
		for range n {
			in = append(in, workflows.SendEmailInput{ConsultationID: ac.id, Template: workflows.TemplatePaymentReceived,
				Recipient: workflows.RecipientPatient, DedupKey: "alert-probe/" + uuid.NewString()})
		}
		return in
	}

	t.Run("postgres down", func(t *testing.T) {
		smtpBefore, mollieBefore := healthOf(t, workflows.IntegrationSMTP), healthOf(t, workflows.IntegrationMollie)
		pool, err := pgxpool.New(ctx, stack.Config.DatabaseURL)
		if err != nil {
			t.Fatal(err)
		}
		pool.Close()
		queue := probeWorker(t, &db.Store{Queries: db.New(pool), Pool: pool})
		// 2×4 failed attempts of each: more than an incident needs.
		run := runProbe(t, queue, alertProbe{Emails: emails(2), PaymentIDs: []string{paymentID, paymentID}, Attempts: 4})
		if err := run.Get(ctx, nil); err == nil {
			t.Fatal("the activities succeeded with the pool closed")
		}
		// Each report is signalled before its attempt ends; a query after
		// the run sees them all.
		for _, before := range []workflows.IntegrationHealthState{smtpBefore, mollieBefore} {
			if after := healthOf(t, before.Integration); after.Failures != before.Failures || after.Incidents != before.Incidents || after.Open {
				t.Errorf("%s: PostgreSQL down counted as its failure: before %+v, after %+v", before.Integration, before, after)
			}
		}
	})

	t.Run("relay refuses mail", func(t *testing.T) {
		before := healthOf(t, workflows.IntegrationSMTP)
		if before.Open {
			t.Fatalf("an SMTP incident is already open: %+v", before)
		}
		queue := probeWorker(t, stack.Platform.Store)
		stack.Mail.SetOutage(true)
		defer stack.Mail.SetOutage(false)
		run := runProbe(t, queue, alertProbe{Emails: emails(3)})
		raised := waitHealth(t, workflows.IntegrationSMTP, time.Minute, func(s workflows.IntegrationHealthState) bool { return s.Incidents > before.Incidents })
		stack.Mail.SetOutage(false)
		if err := run.Get(ctx, nil); err != nil {
			t.Fatalf("the email was not sent once the relay took mail again: %v", err)
		}
		waitHealth(t, workflows.IntegrationSMTP, time.Minute, func(s workflows.IntegrationHealthState) bool { return !s.Open })
		if raised.Incidents != before.Incidents+1 {
			t.Fatalf("incidents %d → %d, want one more", before.Incidents, raised.Incidents)
		}
		incident := activities.IncidentID(workflows.IntegrationSMTP, raised.Incidents)
		count := func() (failing, again int) {
			for _, m := range stack.Mail.Messages() {
				if v := m.Headers[textproto.CanonicalMIMEHeaderKey(mail.HeaderIncident)]; len(v) == 0 || v[0] != incident || !sentTo(m, stack.Config.SupportEmail) {
					continue
				}
				switch m.Subject {
				case "[Derma2Go] Mail delivery (SMTP) keeps failing":
					failing++
				case "[Derma2Go] Mail delivery (SMTP) works again":
					again++
				}
			}
			return failing, again
		}
		// The alert waits in its own retries (10 s, then more) while the
		// relay refuses mail.
		deadline := time.Now().Add(90 * time.Second)
		for f, a := count(); f < 1 || a < 1; f, a = count() {
			if time.Now().After(deadline) {
				t.Fatalf("incident %s: %d \"keeps failing\" and %d \"works again\" mails, want one of each", incident, f, a)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if f, a := count(); f != 1 || a != 1 {
			t.Errorf("incident %s: %d \"keeps failing\" and %d \"works again\" mails, want exactly one of each", incident, f, a)
		}
		if after := healthOf(t, workflows.IntegrationSMTP); after.Incidents != raised.Incidents {
			t.Errorf("incidents %d after the relay came back, want %d", after.Incidents, raised.Incidents)
		}
	})
}
