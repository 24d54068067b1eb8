package activities

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"derma2go/mail"
	"derma2go/payments"
	"derma2go/workflows"
)

// closedAddr is a loopback address nobody listens on: a stopped server.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// realFailures are the errors the real clients give: PostgreSQL stopped
// (connection refused), a closed pool, an SMTP relay and Mollie stopped.
type realFailures struct {
	pgDown, pgPoolClosed, relayDown, mollieDown error
}

func failuresOfStoppedServers(t *testing.T) realFailures {
	t.Helper()
	ctx := context.Background()
	var f realFailures
	pool, err := pgxpool.New(ctx, "postgres://derma@"+closedAddr(t)+"/derma?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	_, f.pgDown = pool.Exec(ctx, "SELECT 1")
	pool.Close()
	_, f.pgPoolClosed = pool.Exec(ctx, "SELECT 1")
	sender, err := mail.NewSMTPSender("smtp://"+closedAddr(t), "Derma2Go <no-reply@derma2go.test>")
	if err != nil {
		t.Fatal(err)
	}
	f.relayDown = sender.Send(ctx, mail.Message{To: []string{"a@example.test"}, Subject: "s", Text: "t"})
	mollie, err := payments.New("test_derma2gofaulttest000000000000", "http://"+closedAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	_, f.mollieDown = mollie.GetPayment(ctx, "tr_WDqYK6vllg")
	for name, err := range map[string]error{"pg down": f.pgDown, "pool closed": f.pgPoolClosed, "relay down": f.relayDown, "mollie down": f.mollieDown} {
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
	}
	return f
}

// Only the relay's and Mollie's own failures count toward their incidents;
// PostgreSQL down, a closed pool, refusals of one address or one request
// and a stopping worker do not. SendEmail's errors are judged in the form
// the worker sees them (scrubbed), NotifyOperator's and the Mollie
// activities' as wrapped by them.
func TestIntegrationFaultCountsOnlyTheIntegrationsOwnErrors(t *testing.T) {
	ctx := context.Background()
	stopped := failuresOfStoppedServers(t)
	scrubbed := func(err error) error { return scrubEmailError(ctx, workflows.TemplatePaymentReceived, err, nil) }
	reply := func(step string, code int, enhanced string) error {
		return fmt.Errorf("send email x: %w", &mail.DeliveryError{Server: "relay:25", Step: step, Code: code, Enhanced: enhanced, Temporary: code < 500})
	}
	smtp, mollie := workflows.IntegrationSMTP, workflows.IntegrationMollie
	for _, tt := range []struct {
		name        string
		integration string
		err         error
		want        bool
	}{
		{"relay down", smtp, fmt.Errorf("notify operator: send email x: %w", stopped.relayDown), true},
		{"relay down, scrubbed", smtp, scrubbed(stopped.relayDown), true},
		{"421 at MAIL FROM", smtp, reply("MAIL FROM", 421, "4.3.0"), true},
		{"421 at MAIL FROM, scrubbed", smtp, scrubbed(reply("MAIL FROM", 421, "4.3.0")), true},
		{"535 at AUTH", smtp, reply("AUTH", 535, "5.7.8"), true},
		{"554 at DATA, scrubbed", smtp, scrubbed(reply("DATA", 554, "5.3.0")), true},
		{"relaying denied at RCPT TO", smtp, reply("RCPT TO", 550, "5.7.1"), true},
		{"RCPT TO 451 without status", smtp, scrubbed(reply("RCPT TO", 451, "")), true},
		{"no such mailbox", smtp, reply("RCPT TO", 550, "5.1.1"), false},
		{"no such mailbox, scrubbed", smtp, scrubbed(reply("RCPT TO", 550, "5.1.1")), false},
		{"the message's own sender unusable", smtp, scrubbed(reply("sender", 0, "")), false},
		{"postgres down, claim", smtp, fmt.Errorf("notify operator: email delivery: claim: %w", stopped.pgDown), false},
		{"postgres down, scrubbed", smtp, scrubbed(fmt.Errorf("send email: %w", stopped.pgDown)), false},
		{"pool closed, scrubbed", smtp, scrubbed(fmt.Errorf("email delivery: claim: %w", stopped.pgPoolClosed)), false},
		{"sent, not recorded", smtp, scrubbed(fmt.Errorf("send email x: sent, not recorded: %w", stopped.pgDown)), false},
		{"template broken", smtp, scrubbed(errors.New("render: boom")), false},
		{"mollie down", mollie, fmt.Errorf("get payment: %w", stopped.mollieDown), true},
		{"mollie 503", mollie, fmt.Errorf("create payment: payments: create payment: %w", &payments.APIError{StatusCode: 503}), true},
		{"mollie 500", mollie, &payments.APIError{StatusCode: 500}, true},
		{"mollie 429", mollie, &payments.APIError{StatusCode: 429}, true},
		{"mollie 422", mollie, &payments.APIError{StatusCode: 422}, false},
		{"mollie 404", mollie, fmt.Errorf("x: %w", &payments.APIError{StatusCode: 404}), false},
		{"postgres down, mollie activity", mollie, fmt.Errorf("get payment: stored payment: %w", stopped.pgDown), false},
		{"pool closed, mollie activity", mollie, fmt.Errorf("create payment: store: %w", stopped.pgPoolClosed), false},
		{"relay error under mollie", mollie, stopped.relayDown, false},
		{"mollie error under smtp", smtp, stopped.mollieDown, false},
		{"cancelled", mollie, fmt.Errorf("get payment: %w", context.Canceled), false},
		{"unknown integration", "sms", stopped.relayDown, false},
		{"no error", smtp, nil, false},
	} {
		if got := IntegrationFault(ctx, tt.integration, tt.err); got != tt.want {
			t.Errorf("%s (%v): %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
	stopping, cancel := context.WithCancel(ctx)
	cancel()
	if IntegrationFault(stopping, mollie, stopped.mollieDown) {
		t.Error("an attempt whose context ended (the worker stopping) counted")
	}
}
