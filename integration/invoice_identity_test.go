package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// invoiceMails returns the invoice mails (a PDF named after the invoice
// number) caught for a consultation.
func invoiceMails(consultation string) int {
	n := 0
	for _, m := range stack.Mail.Messages() {
		if mailConsultation(m) == consultation && strings.Contains(m.Subject, "D2G-") && !strings.Contains(m.Subject, "D2G-CN-") {
			n++
		}
	}
	return n
}

// A guest gives name and date of birth only with the intake, so the
// invoice, issued at payment, is mailed once the intake is in: the PDF
// the guest gets names them instead of "unknown".
func TestGuestInvoiceMailNamesThePatient(t *testing.T) {
	ac := newAdviceCase(t, 154)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")

	// The invoice exists (numbered at payment) and the payment mail is
	// out, but no invoice mail has gone out before the intake.
	ctx := context.Background()
	waitFor(t, "the invoice of "+ac.id, func() bool {
		var n int
		return stack.Platform.Store.Pool.QueryRow(ctx, `SELECT number FROM invoices WHERE consultation_id = $1`, ac.id).Scan(&n) == nil
	})
	time.Sleep(2 * time.Second)
	if n := invoiceMails(ac.id); n != 0 {
		t.Fatalf("%d invoice mails before the intake gave the guest's name", n)
	}

	ac.submitIntake()
	m, pdf := mailWithAttachment(t, ac.id, "D2G-")
	for _, want := range []string{guestName, "29-02-1984"} {
		if !pdfHas(pdf, want) {
			t.Errorf("invoice mail %q: the PDF lacks %q", m.Subject, want)
		}
	}
	if pdfHas(pdf, "unknown") {
		t.Errorf("invoice mail %q still reads unknown", m.Subject)
	}
	if n := invoiceMails(ac.id); n != 1 {
		t.Errorf("%d invoice mails, want 1", n)
	}
	// The guest's later download says the same.
	doc := newClient(t).do("GET", ac.guestPath("/invoice.pdf"), nil).expect(t, http.StatusOK).Body
	if !pdfHas(doc, guestName) {
		t.Errorf("downloaded invoice lacks %q", guestName)
	}
}
