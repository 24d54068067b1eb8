package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"derma2go/workflows"
)

// TestCheckoutAnsweredInFirstWorkflowTask: a guest's email advice is
// created (POST /v1/consultations → 201 with the checkout) with one
// workflow task before the checkout update completes: the initial
// projection and the Mollie payment run as local activities inside it
// (markers in the history), not as activity tasks with a workflow task
// after each.
func TestCheckoutAnsweredInFirstWorkflowTask(t *testing.T) {
	doctor := doctorID(t, 187)
	var created struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		CheckoutURL string `json:"checkout_url"`
	}
	newClient(t).do("POST", "/v1/consultations", map[string]any{
		"type": "email_advice", "doctor_id": doctor, "form": "short", "guest_email": newEmail("firsttask"), "language": "en",
	}).expect(t, http.StatusCreated).decode(t, &created)
	if created.Status != "awaiting_payment" || !strings.HasPrefix(created.CheckoutURL, stack.MollieURL+"/checkout/") {
		t.Fatalf("created %+v", created)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	it := stack.Platform.Temporal.GetWorkflowHistory(ctx, workflows.ConsultationWorkflowID(created.ID), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var tasks, markers, activities int
	var seen []string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, strings.TrimPrefix(e.GetEventType().String(), "EVENT_TYPE_"))
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			tasks++
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "LocalActivity" {
				markers++
			}
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			activities++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
			if tasks != 1 || markers != 2 || activities != 0 {
				t.Fatalf("before the checkout completed: %d workflow tasks, %d local activities, %d activity tasks; want 1, 2, 0\nhistory: %s",
					tasks, markers, activities, strings.Join(seen, " "))
			}
			return
		}
	}
	t.Fatalf("no completed checkout update in the history: %s", strings.Join(seen, " "))
}
