package integration

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/workflowservice/v1"

	"derma2go/workflows"
)

// A booking whose answer was lost to a Temporal call that timed out after
// the workflow had started (no worker ran its checkout: 503) and that the
// patient sends again with the same Idempotency-Key gets that same
// consultation, with one workflow and one payment. Before, the API deleted
// the row under its running workflow — an orphan nobody would ever finish,
// found by make chaos — and the retry booked a second consultation; when
// the row survived (PostgreSQL down too), the retry was refused the slot
// its own first attempt held.
func TestBookingRetriedAfterALostStartResumesIt(t *testing.T) {
	_, doctor := roundTheClockDoctor(t, 47)
	patient, _ := registerPatient(t, newEmail("resume"), "a-long-Passw0rd-2026")
	slot := firstSlotFrom(t, doctor, time.Now().Add(48*time.Hour))
	body := map[string]any{"type": "video", "doctor_id": doctor, "slot_start": slot.Format(time.RFC3339)}
	patient.header = http.Header{"Idempotency-Key": {"resume-" + uuid.NewString()}}
	patient.want5xx = true

	stack.StopWorker()
	lost := patient.do("POST", "/v1/consultations", body)
	if err := stack.StartWorker(); err != nil {
		t.Fatal(err)
	}
	if lost.Status != http.StatusServiceUnavailable {
		t.Fatalf("create without a worker: %d %s, want 503 (the checkout never completes)", lost.Status, lost.Body)
	}

	var got createdConsultation
	patient.do("POST", "/v1/consultations", body).expect(t, http.StatusCreated).decode(t, &got)
	if got.CheckoutURL == "" {
		t.Fatalf("resumed booking %+v has no checkout", got)
	}
	// Every workflow of the doctor is the one consultation's.
	query := fmt.Sprintf("%s = '%s'", workflows.SearchAttributeDoctorID, doctor)
	var ids []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		res, err := stack.Platform.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		ids = ids[:0]
		for _, e := range res.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		if len(ids) > 1 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(ids) != 1 || ids[0] != workflows.ConsultationWorkflowID(got.ID) {
		t.Fatalf("workflows of the doctor %v, want only %s's", ids, got.ID)
	}
	var rows int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT count(*) FROM consultations WHERE doctor_id = $1", doctor).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Fatalf("%d consultations of the doctor, want 1", rows)
	}
	payCheckout(t, got.CheckoutURL)
	waitConsultation(t, patient, got.ID, "scheduled")
	if n := sandboxPayments(got.ID); n != 1 {
		t.Fatalf("sandbox payments for %s: %d, want 1", got.ID, n)
	}
}
