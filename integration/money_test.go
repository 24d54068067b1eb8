package integration

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"derma2go/activities"
	"derma2go/demodata"
	"derma2go/devstack/mailsink"
	"derma2go/workflows"
)

// paymentOf returns the Mollie payment id of a consultation.
func paymentOf(t *testing.T, consultationID string) string {
	t.Helper()
	var id string
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT id FROM payments WHERE consultation_id = $1", consultationID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// activityRanAfterSignal reports whether the workflow's history holds a
// completed activity of type name scheduled after its first signal.
func activityRanAfterSignal(t *testing.T, workflowID, name string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := stack.Platform.Temporal.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	signalled := false
	scheduled := map[int64]bool{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			signalled = true
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			if signalled && ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == name {
				scheduled[ev.GetEventId()] = true
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			if scheduled[ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()] {
				return true
			}
		}
	}
	return false
}

// A payment-update signal sent straight to Temporal (as through the
// Temporal UI or CLI) while Mollie says "open" marks nothing paid and mails
// nothing: the workflow asks Mollie first.
func TestForgedPaymentSignalMarksNothingPaid(t *testing.T) {
	ac := newAdviceCase(t, 151)
	paymentID := paymentOf(t, ac.id)
	wfID := workflows.ConsultationWorkflowID(ac.id)
	if err := stack.Platform.Temporal.SignalWorkflow(context.Background(), wfID, "", workflows.SignalPaymentUpdate,
		workflows.PaymentUpdate{PaymentID: paymentID, Status: workflows.PaymentPaid}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the forged signal checked with Mollie", func() bool {
		return activityRanAfterSignal(t, wfID, workflows.ActivityGetPaymentStatus)
	})
	v := ac.waitStatus("awaiting_payment")
	if v.Status != "awaiting_payment" {
		t.Fatalf("status %s after a forged signal", v.Status)
	}
	var invoices int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT count(*) FROM invoices WHERE consultation_id = $1", ac.id).Scan(&invoices); err != nil {
		t.Fatal(err)
	}
	if invoices != 0 {
		t.Fatalf("%d invoices after a forged signal", invoices)
	}
	for _, m := range stack.Mail.Messages() {
		if mailConsultation(m) == ac.id {
			t.Fatalf("mail %q sent after a forged signal", m.Subject)
		}
	}

	// Paying for real still works, and the consultation is paid from then on.
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	var paid struct {
		PaidAt *time.Time `json:"paid_at"`
	}
	newClient(t).do("GET", ac.guestPath(""), nil).expect(t, http.StatusOK).decode(t, &paid)
	if paid.PaidAt == nil {
		t.Fatal("paid consultation without paid_at")
	}
}

// A refund is created once even if the answer of the first attempt was lost
// and Mollie no longer remembers its idempotency key: IssueRefund looks at
// the payment's refunds before creating one.
func TestRefundCreatedOnceWhenMollieForgetsTheKey(t *testing.T) {
	ac := newAdviceCase(t, 152)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	paymentID := paymentOf(t, ac.id)
	acts := &activities.Activities{Store: stack.Platform.Store, Fields: stack.Platform.Fields, Payments: stack.Platform.Payments, Payouts: stack.Platform.Payouts,
		Logger: testLogger()}
	in := workflows.IssueRefundInput{ConsultationID: ac.id, PaymentID: paymentID, AmountCents: 500,
		Description: "Derma2Go refund test", IdempotencyKey: workflows.ConsultationWorkflowID(ac.id) + "/refund/once-test"}
	ctx := context.Background()
	first, err := acts.IssueRefund(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	// The first attempt's answer is lost before it was stored, and Mollie
	// forgets the key: the retry must find the refund instead of making
	// a second one.
	if _, err := stack.Platform.Store.Pool.Exec(ctx,
		"UPDATE refunds SET mollie_refund_id = NULL, status = 'creating' WHERE idempotency_key = $1", in.IdempotencyKey); err != nil {
		t.Fatal(err)
	}
	stack.Mollie.ForgetIdempotencyKeys()
	again, err := acts.IssueRefund(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.RefundID != first.RefundID {
		t.Fatalf("retry made refund %s, first was %s", again.RefundID, first.RefundID)
	}
	for _, p := range stack.Mollie.Payments() {
		if p.ID == paymentID && len(p.Refunds) != 1 {
			t.Fatalf("Mollie holds %d refunds of the payment, want 1", len(p.Refunds))
		}
	}
	var stored string
	if err := stack.Platform.Store.Pool.QueryRow(ctx,
		"SELECT mollie_refund_id FROM refunds WHERE idempotency_key = $1", in.IdempotencyKey).Scan(&stored); err != nil || stored != first.RefundID {
		t.Fatalf("stored refund %q (%v), want %s", stored, err, first.RefundID)
	}
}

// registerDoctorNumbers gives a demo doctor a practice name, BIG number and
// AGB code through PUT /v1/doctor/profile (and checks bad ones are refused).
func registerDoctorNumbers(t *testing.T, doctor *apiClient) {
	t.Helper()
	var p map[string]any
	doctor.do("GET", "/v1/doctor/profile", nil).expect(t, http.StatusOK).decode(t, &p)
	body := map[string]any{}
	for _, k := range []string{"specialty", "bio", "focus_areas", "languages", "city", "address", "location", "time_zone",
		"photo_url", "admin_fee_cents", "advice_sla_days"} {
		body[k] = p[k]
	}
	body["big_number"], body["agb_code"] = "1234567890", "03012345"
	if pr := doctor.do("PUT", "/v1/doctor/profile", body).expect(t, http.StatusUnprocessableEntity).problem(t); len(pr.Errors) != 1 || pr.Errors[0].Field != "big_number" {
		t.Fatalf("a 10-digit BIG number: %+v", pr)
	}
	body["big_number"], body["agb_code"], body["practice_name"] = "12345678901", "0301234x", "Huidpraktijk Test"
	if pr := doctor.do("PUT", "/v1/doctor/profile", body).expect(t, http.StatusUnprocessableEntity).problem(t); len(pr.Errors) != 1 || pr.Errors[0].Field != "agb_code" {
		t.Fatalf("a bad AGB code: %+v", pr)
	}
	body["agb_code"] = "03012345"
	var got struct {
		PracticeName string `json:"practice_name"`
		BIGNumber    string `json:"big_number"`
		AGBCode      string `json:"agb_code"`
	}
	doctor.do("PUT", "/v1/doctor/profile", body).expect(t, http.StatusOK).decode(t, &got)
	if got.PracticeName != "Huidpraktijk Test" || got.BIGNumber != "12345678901" || got.AGBCode != "03012345" {
		t.Fatalf("profile after PUT: %+v", got)
	}
}

// pdfHas reports whether an (uncompressed) PDF prints s.
func pdfHas(pdf []byte, s string) bool {
	return bytes.Contains(pdf, []byte(strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)))
}

// mailWithAttachment waits for a mail about consultation whose subject
// contains subject and returns its PDF attachment.
func mailWithAttachment(t *testing.T, consultation, subject string) (mailsink.Message, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := stack.Mail.WaitFor(ctx, func(m mailsink.Message) bool {
		return mailConsultation(m) == consultation && strings.Contains(m.Subject, subject)
	})
	if err != nil {
		t.Fatalf("no %q mail for %s: %v", subject, consultation, err)
	}
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "application/pdf") || strings.HasSuffix(a.Name, ".pdf") {
			return m, a.Data
		}
	}
	t.Fatalf("%q mail without a PDF", m.Subject)
	return m, nil
}

// Refunds of invoiced consultations get credit notes: the doctor's own
// gap-free sequence, each referring to its invoice, mailed to the patient
// as PDF; the invoice then says it was credited and is not for
// reimbursement. The invoice carries the practice, BIG and AGB, and the
// guest's name and date of birth given at intake.
func TestRefundGetsACreditNote(t *testing.T) {
	const doctorIndex = 153
	doctor, _ := loginAs(t, demodata.DoctorEmail(doctorIndex), "doctor-demo-2026")
	registerDoctorNumbers(t, doctor)

	var cases []*adviceCase
	for range 2 {
		ac := newAdviceCase(t, doctorIndex)
		ac.pay("paid")
		ac.waitStatus("awaiting_intake")
		// Without name and date of birth a guest's intake is refused.
		pr := newClient(t).do("POST", ac.guestPath("/intake"), map[string]any{"answers": map[string]any{
			"complaint": "A red, scaly patch on my elbow for two months",
			"location":  "left elbow", "duration": "months", "question": "Is this psoriasis and what can I do?",
		}}).expect(t, http.StatusUnprocessableEntity).problem(t)
		if len(pr.Errors) != 2 || pr.Errors[0].Field != "patient_name" || pr.Errors[1].Field != "birth_date" {
			t.Fatalf("intake without name and date of birth: %+v", pr)
		}
		ac.submitIntake()
		ac.waitStatus("awaiting_advice")
		ac.doctor.do("POST", "/v1/doctor/consultations/"+ac.id+"/decline", map[string]any{"reason": "needs_physical_exam"}).
			expect(t, http.StatusAccepted)
		ac.waitStatus("declined")
		cases = append(cases, ac)
	}
	ctx := context.Background()
	for _, ac := range cases {
		var invoiceNumber, creditNumber int
		waitFor(t, "the credit note of "+ac.id, func() bool {
			return stack.Platform.Store.Pool.QueryRow(ctx, `SELECT i.number, c.number FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id
				WHERE c.consultation_id = $1`, ac.id).Scan(&invoiceNumber, &creditNumber) == nil
		})
		cn, inv := fmt.Sprintf("D2G-CN-%06d", creditNumber), fmt.Sprintf("D2G-%06d", invoiceNumber)
		m, pdf := mailWithAttachment(t, ac.id, cn)
		if !strings.Contains(m.Subject, inv) || !pdfHas(pdf, cn) || !pdfHas(pdf, inv) {
			t.Errorf("credit note mail %q does not name %s and %s", m.Subject, cn, inv)
		}
		// The credit note is among the patient's documents too.
		var docs struct {
			Items []struct {
				Kind string `json:"kind"`
				URL  string `json:"url"`
			} `json:"items"`
		}
		newClient(t).do("GET", ac.guestPath("/documents"), nil).expect(t, http.StatusOK).decode(t, &docs)
		found := false
		for _, d := range docs.Items {
			if d.Kind == "credit_note" {
				u := d.URL + "?access=" + url.QueryEscape(ac.access)
				if doc := newClient(t).do("GET", u, nil).expect(t, http.StatusOK).Body; pdfHas(doc, cn) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("credit note %s not among the documents %+v", cn, docs.Items)
		}
		invoice := newClient(t).do("GET", ac.guestPath("/invoice.pdf"), nil).expect(t, http.StatusOK).Body
		for _, want := range []string{"Gecrediteerd / Credited", "Credited by credit note " + cn, "must not be claimed from a health insurer",
			"Huidpraktijk Test", "BIG-nummer / BIG number: 12345678901", "AGB-code / AGB code: 03012345", guestName, "29-02-1984"} {
			if !pdfHas(invoice, want) {
				t.Errorf("invoice %s lacks %q", inv, want)
			}
		}
	}
	// The doctor's credit notes are numbered 1, 2, … without gaps.
	rows, err := stack.Platform.Store.Pool.Query(ctx, `SELECT number FROM credit_notes WHERE doctor_id = $1 ORDER BY number`, cases[0].doctorID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := 1
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("credit note numbers skip from %d to %d", want-1, n)
		}
		want++
	}
	if want < 3 {
		t.Fatalf("%d credit notes, want at least 2", want-1)
	}
}

// inPersonDoctor opens a demo doctor for in-person visits all day, every
// day, in 5-minute slots.
func inPersonDoctor(t *testing.T, index int) (*apiClient, string) {
	t.Helper()
	doctor, s := loginAs(t, demodata.DoctorEmail(index), "doctor-demo-2026")
	var rules []map[string]any
	for day := range 7 {
		rules = append(rules, map[string]any{"type": "in_person", "weekday": day, "start": "00:00", "end": "24:00"})
	}
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": rules}).expect(t, http.StatusOK)
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "in_person", "amount_cents": 9000, "duration_minutes": 5},
	}}).expect(t, http.StatusOK)
	return doctor, s.User.ID
}

// paidAt reads a consultation's paid_at as its patient sees it.
func paidAt(t *testing.T, c *apiClient, id string) *time.Time {
	t.Helper()
	var v struct {
		PaidAt *time.Time `json:"paid_at"`
	}
	c.do("GET", "/v1/consultations/"+id, nil).expect(t, http.StatusOK).decode(t, &v)
	return v.PaidAt
}

// The in-person invoice tells the patient how and by when to pay, with an
// online payment link; paying through it marks the visit paid (paid_at on
// the consultation and the invoice). A visit marked paid by the doctor is
// paid too.
func TestInPersonInvoicePaymentLinkAndPaidAt(t *testing.T) {
	doctor, doctorID := inPersonDoctor(t, 154)
	email := newEmail("inperson")
	patient, _ := registerPatient(t, email, "inperson-password-1")
	book := func(from time.Time) string {
		var p slotsPage
		newClient(t).do("GET", "/v1/doctors/"+doctorID+"/slots?type=in_person&from="+url.QueryEscape(from.UTC().Format(time.RFC3339)), nil).
			expect(t, http.StatusOK).decode(t, &p)
		if len(p.Items) == 0 {
			t.Fatal("no in-person slot")
		}
		var b booking
		patient.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctorID,
			"slot_start": p.Items[0].Start.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
		waitConsultation(t, patient, b.ID, "scheduled")
		return b.ID
	}

	online := book(time.Now())
	doctor.do("POST", "/v1/doctor/consultations/"+online+"/attended", nil).expect(t, http.StatusOK)
	m, pdf := mailWithAttachment(t, online, "D2G-")
	due := time.Now().Add(14 * 24 * time.Hour).In(amsterdam(t)).Format("02-01-2006")
	link := ""
	for _, line := range strings.Split(m.Text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), stack.MollieURL+"/checkout/") {
			link = strings.TrimSpace(line)
		}
	}
	if link == "" || !strings.Contains(m.Text, due) || !pdfHas(pdf, link) || !pdfHas(pdf, "Unpaid, due by "+due) {
		t.Fatalf("the invoice mail does not say how and by when to pay (link %q, due %s):\n%s", link, due, m.Text)
	}
	if paidAt(t, patient, online) != nil {
		t.Fatal("paid_at set before the invoice was paid")
	}
	payCheckout(t, link)
	waitFor(t, "paid_at after paying online", func() bool { return paidAt(t, patient, online) != nil })
	var invoicePaid *time.Time
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT paid_at FROM invoices WHERE consultation_id = $1", online).Scan(&invoicePaid); err != nil || invoicePaid == nil {
		t.Fatalf("invoice paid_at %v (%v)", invoicePaid, err)
	}

	desk := book(time.Now())
	doctor.do("POST", "/v1/doctor/consultations/"+desk+"/attended", nil).expect(t, http.StatusOK)
	mailWithAttachment(t, desk, "D2G-")
	doctor.do("POST", "/v1/doctor/consultations/"+desk+"/paid", nil).expect(t, http.StatusOK)
	if paidAt(t, patient, desk) == nil {
		t.Fatal("an in-person visit marked paid has no paid_at")
	}
	invoice := patient.do("GET", "/v1/consultations/"+desk+"/invoice.pdf", nil).expect(t, http.StatusOK).Body
	if !pdfHas(invoice, "Paid on ") || !pdfHas(invoice, "Test Pati") {
		t.Error("the invoice of a visit marked paid does not read as paid")
	}
}

// A paid video appointment has paid_at, and its invoice reads as paid.
func TestVideoPaidAt(t *testing.T) {
	_, doctorID := roundTheClockDoctor(t, 155)
	patient, _ := registerPatient(t, newEmail("videopaid"), "videopaid-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(2*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")
	if paidAt(t, patient, b.ID) == nil {
		t.Fatal("a paid video appointment has no paid_at")
	}
	var invoicePaid *time.Time
	waitFor(t, "the invoice", func() bool {
		return stack.Platform.Store.Pool.QueryRow(context.Background(),
			"SELECT paid_at FROM invoices WHERE consultation_id = $1", b.ID).Scan(&invoicePaid) == nil
	})
	if invoicePaid == nil {
		t.Fatal("the invoice of a paid video appointment reads as unpaid")
	}
}
