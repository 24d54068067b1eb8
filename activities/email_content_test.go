package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"derma2go/db"
	"derma2go/mail"
	"derma2go/workflows"
)

var (
	testStart = time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC)
	testEnd   = testStart.Add(20 * time.Minute)
)

func TestCancelledDataNamesCauseAndLateness(t *testing.T) {
	late := testStart.Add(-2 * time.Hour)
	early := testStart.Add(-48 * time.Hour)
	for _, tt := range []struct {
		name string
		appt workflows.AppointmentEmail
		want mail.AppointmentCancelledData
	}{
		{"late request", workflows.AppointmentEmail{Type: workflows.TypeVideo, Start: testStart,
			Reason: workflows.ReasonCancellationConfirmed, CancellationRequestedAt: &late},
			mail.AppointmentCancelledData{Cause: "patient", LateRequest: true, Paid: true}},
		{"in time, auto-confirmed", workflows.AppointmentEmail{Type: workflows.TypeVideo, Start: testStart, RefundCents: 5000,
			Reason: workflows.ReasonCancellationAutoConfirmed, CancellationRequestedAt: &early},
			mail.AppointmentCancelledData{Cause: "patient", RefundAmount: "€50.00", Paid: true}},
		{"doctor", workflows.AppointmentEmail{Type: workflows.TypeVideo, Start: testStart, RefundCents: 6000,
			Reason: workflows.ReasonDoctorCancelled}, mail.AppointmentCancelledData{Cause: "doctor", RefundAmount: "€60.00", Paid: true}},
		{"declined urgent, in person", workflows.AppointmentEmail{Type: workflows.TypeInPerson, Start: testStart,
			Reason: string(workflows.DeclineUrgentCare)}, mail.AppointmentCancelledData{Cause: "declined", DeclineReason: "urgent_care_needed"}},
		{"not held", workflows.AppointmentEmail{Type: workflows.TypeVideo, Start: testStart, RefundCents: 6000,
			Reason: workflows.ReasonSessionNotHeld}, mail.AppointmentCancelledData{Cause: "not_held", RefundAmount: "€60.00", Paid: true}},
		{"older workflow without a reason", workflows.AppointmentEmail{Type: workflows.TypeVideo, Start: testStart},
			mail.AppointmentCancelledData{Paid: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := cancelledData(mail.LangEN, "Sanne", "dr. Jansen", "start", &tt.appt)
			tt.want.PatientName, tt.want.DoctorName, tt.want.Start = "Sanne", "dr. Jansen", "start"
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// unfoldICS joins folded lines and returns the value of property name.
func unfoldICS(b []byte, name string) string {
	for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n ", ""), "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && (k == name || strings.HasPrefix(k, name+";")) {
			return v
		}
	}
	return ""
}

func TestCalendarFile(t *testing.T) {
	a := &Activities{MailFrom: "Derma2Go <no-reply@derma2go.test>"}
	c := db.Consultation{ID: uuid.MustParse("8f14e45f-ceea-467f-a0e6-4c1e3f5e7a21"), CreatedAt: testStart.Add(-72 * time.Hour)}
	d := db.Doctor{DisplayName: "dr. Jansen", Address: "Keizersgracht 1", City: "Amsterdam"}
	waiting := "https://derma2go.test/consultations/8f14e45f-ceea-467f-a0e6-4c1e3f5e7a21/waiting-room?access=" + strings.Repeat("x", 90)
	video := &workflows.AppointmentEmail{Type: workflows.TypeVideo, Start: testStart, End: testEnd, ExpectedStart: testStart}

	inv, err := a.calendarFile(c, video, d, waiting, "https://derma2go.test/c", "pim@example.test", mail.LangNL, false, c.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Name != "afspraak.ics" || inv.ContentType != "text/calendar; charset=utf-8; method=REQUEST" {
		t.Errorf("invitation attachment %q %q", inv.Name, inv.ContentType)
	}
	for prop, want := range map[string]string{
		"METHOD": "REQUEST", "UID": c.ID.String() + "@derma2go", "SEQUENCE": "0", "LOCATION": waiting,
		"ORGANIZER": "mailto:no-reply@derma2go.test", "ATTENDEE": "mailto:pim@example.test",
	} {
		if got := unfoldICS(inv.Data, prop); got != want {
			t.Errorf("invitation %s = %q, want %q", prop, got, want)
		}
	}

	delayed := *video
	delayed.ExpectedStart, delayed.Sequence = testStart.Add(20*time.Minute), 1
	upd, err := a.calendarFile(c, &delayed, d, waiting, "", "pim@example.test", mail.LangEN, false, testStart)
	if err != nil {
		t.Fatal(err)
	}
	if unfoldICS(upd.Data, "SEQUENCE") != "1" || unfoldICS(upd.Data, "DTSTART") != "20260312T132000Z" ||
		unfoldICS(upd.Data, "DTEND") != "20260312T134000Z" || upd.Name != "appointment.ics" {
		t.Errorf("update:\n%s", upd.Data)
	}

	cancelled := delayed
	cancelled.Sequence = 2
	cnl, err := a.calendarFile(c, &cancelled, d, waiting, "", "pim@example.test", mail.LangEN, true, testStart)
	if err != nil {
		t.Fatal(err)
	}
	if unfoldICS(cnl.Data, "METHOD") != "CANCEL" || unfoldICS(cnl.Data, "UID") != c.ID.String()+"@derma2go" ||
		unfoldICS(cnl.Data, "SEQUENCE") != "2" || unfoldICS(cnl.Data, "STATUS") != "CANCELLED" ||
		cnl.ContentType != "text/calendar; charset=utf-8; method=CANCEL" {
		t.Errorf("cancellation %q:\n%s", cnl.ContentType, cnl.Data)
	}

	legacy := *video // a workflow that predates Sequence
	old, err := a.calendarFile(c, &legacy, d, waiting, "", "pim@example.test", mail.LangEN, true, testStart)
	if err != nil || unfoldICS(old.Data, "SEQUENCE") != "1" {
		t.Errorf("cancellation without a sequence: %v\n%s", err, old.Data)
	}

	inPerson := &workflows.AppointmentEmail{Type: workflows.TypeInPerson, Start: testStart, End: testEnd, ExpectedStart: testStart}
	ip, err := a.calendarFile(c, inPerson, d, "", "", "pim@example.test", mail.LangEN, false, testStart)
	if err != nil || unfoldICS(ip.Data, "LOCATION") != `Keizersgracht 1\, Amsterdam` {
		t.Errorf("in-person location %q (%v)", unfoldICS(ip.Data, "LOCATION"), err)
	}
}

// goMailLikeError mimics what go-mail returns for a refused recipient.
type goMailLikeError struct{ addr string }

func (e goMailLikeError) Error() string {
	return "sending SMTP RCPT TO command: 550 5.1.1 <" + e.addr + ">: Recipient address rejected, affected recipient(s): " + e.addr
}

func TestScrubEmailErrorRemovesPersonalData(t *testing.T) {
	const addr = "sanne.devries@example.test"
	ctx := context.Background()
	permanent := &mail.DeliveryError{Server: "smtp.test:25", Step: "RCPT TO", Code: 550}
	for _, tt := range []struct {
		name         string
		err          error
		personal     []string
		typ          string
		nonRetryable bool
	}{
		{"raw go-mail text", fmt.Errorf("send email: %w", goMailLikeError{addr}), nil, "EmailFailed", false},
		{"names", fmt.Errorf("render for Sanne de Vries of dr. Jansen: %w", errors.New("boom")), []string{"Sanne de Vries", "dr. Jansen"}, "EmailFailed", false},
		{"permanent refusal", fmt.Errorf("x: %w", permanent), nil, "EmailRejected", true},
		{"no such mailbox", &mail.DeliveryError{Server: "smtp.test:25", Step: "RCPT TO", Code: 550, Enhanced: "5.1.1"}, nil, "EmailAddressRefused", true},
		{"temporary", &mail.DeliveryError{Server: "smtp.test:25", Step: "connect", Temporary: true}, nil, "EmailUnavailable", false},
		{"non-retryable cause", temporal.NewNonRetryableApplicationError("render <"+addr+">", "TemplateError", goMailLikeError{addr}), nil, "TemplateError", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := scrubEmailError(ctx, workflows.TemplatePaymentReceived, tt.err, tt.personal)
			var appErr *temporal.ApplicationError
			if !errors.As(got, &appErr) {
				t.Fatalf("got %T %v, want an ApplicationError", got, got)
			}
			if errors.Unwrap(got) != nil {
				t.Errorf("scrubbed error keeps a cause chain: %v", errors.Unwrap(got))
			}
			for _, p := range append([]string{addr, "sanne", "Jansen"}, tt.personal...) {
				if strings.Contains(got.Error(), p) {
					t.Errorf("scrubbed error %q contains %q", got, p)
				}
			}
			if appErr.Type() != tt.typ || appErr.NonRetryable() != tt.nonRetryable {
				t.Errorf("type %s non-retryable %v, want %s %v", appErr.Type(), appErr.NonRetryable(), tt.typ, tt.nonRetryable)
			}
			if !strings.Contains(got.Error(), "payment_received") {
				t.Errorf("scrubbed error %q does not name the template", got)
			}
		})
	}
	if scrubEmailError(ctx, workflows.TemplateInvoice, nil, nil) != nil {
		t.Error("nil error not kept nil")
	}
}
