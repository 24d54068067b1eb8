package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"derma2go/devstack/mailsink"
)

// TestEmailSentOnceWhenTheRelayAnswerIsLost: the mail sink keeps a
// message and drops the connection instead of answering it (the relay's
// answer lost on the way), so the SendEmail activity fails right after the
// message was delivered and Temporal retries it. The review request, sent
// at most once, is not delivered again; the payment confirmation, which
// carries the guest's link and is sent at least once, goes out again with
// the same Message-ID. Every other mail of the consultation arrives once.
// Before the send was claimed in PostgreSQL, the retry sent the review
// request a second time (the duplicate the chaos run of 19:29 found).
func TestEmailSentOnceWhenTheRelayAnswerIsLost(t *testing.T) {
	ac := newAdviceCase(t, 194)
	stack.Mail.LoseReply(ac.guestEmail, "Payment received")
	stack.Mail.LoseReply(ac.guestEmail, "How was your")
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")
	ac.answer()
	waitForMail(t, ac.guestEmail, "How was your")
	ac.waitWorkflowDone() // it waits for its emails, retries included

	copies := map[string][]mailsink.Message{}
	for _, m := range stack.Mail.Messages() {
		if mailConsultation(m) == ac.id {
			copies[m.Subject] = append(copies[m.Subject], m)
		}
	}
	if len(copies) < 4 {
		t.Fatalf("expected payment, invoice, advice and review mails, got %v", copies)
	}
	for subject, ms := range copies {
		want := 1
		if strings.Contains(subject, "Payment received") {
			want = 2
			if a, b := messageID(ms[0]), messageID(ms[len(ms)-1]); a == "" || a != b {
				t.Errorf("the payment confirmation went out again with Message-ID %q, first with %q", b, a)
			}
		}
		if len(ms) != want {
			t.Errorf("%q delivered %d times, want %d", subject, len(ms), want)
		}
	}

	// Both sends were retried after an unknown outcome (the injected
	// failure happened), and the record says how each ended.
	retried := 0
	events, _ := workflowRecord(t, ac.id)
	for _, ev := range events {
		st := ev.GetActivityTaskStartedEventAttributes()
		if st != nil && st.GetAttempt() >= 2 && st.GetLastFailure() != nil &&
			strings.Contains(failureConverter().FailureToError(st.GetLastFailure()).Error(), "outcome unknown") {
			retried++
		}
	}
	if retried != 2 {
		t.Errorf("%d sends retried after an unknown outcome, want 2", retried)
	}
	rows, err := stack.Platform.Store.Pool.Query(context.Background(),
		`SELECT template, state, sends FROM sent_emails WHERE consultation_id = $1 AND template IN ('payment_received', 'review_request') ORDER BY template`, ac.id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var tpl, state string
		var sends int
		if err := rows.Scan(&tpl, &state, &sends); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %d", tpl, state, sends))
	}
	if want := []string{"payment_received sent 2", "review_request sending 1"}; strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("sent_emails %v, want %v", got, want)
	}
}

// messageID is a caught message's Message-ID header.
func messageID(m mailsink.Message) string {
	if v := m.Headers["Message-Id"]; len(v) > 0 {
		return v[0]
	}
	return ""
}
