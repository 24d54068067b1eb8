package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/demodata"
)

// TestClaimOfAKilledInstanceIsTakenOverAfterItsDeadline: an API instance
// killed while it handled POST /v1/consultations leaves its Idempotency-Key
// claimed and unanswered. Once the claim is older than the handler's
// deadline (HTTP_HANDLER_TIMEOUT) and a margin, no handler can still be
// working on it, and the client's retry goes through: it books when the
// dead attempt had not inserted its consultation yet, and resumes the
// consultation when it had. Before, the claim blocked every retry with 409
// "Request in progress" for two minutes (make chaos: a walk-in create whose
// instance was killed never answered within the smoke run's bound).
func TestClaimOfAKilledInstanceIsTakenOverAfterItsDeadline(t *testing.T) {
	_, doctor := loginAs(t, demodata.DoctorEmail(196), "doctor-demo-2026")
	key := "killed-" + uuid.NewString()
	guest := newClient(t)
	guest.header = http.Header{"Idempotency-Key": {key}}
	body := map[string]any{"type": "email_advice", "doctor_id": doctor.User.ID, "form": "short",
		"guest_email": newEmail("killed"), "language": "en"}
	var first createdConsultation
	guest.do("POST", "/v1/consultations", body).expect(t, http.StatusCreated).decode(t, &first)

	// The claim as the killed instance left it, past the deadline and the
	// margin (15 s) but well inside the two minutes it used to wait.
	age := stack.Platform.Config.HTTP.Handler + 25*time.Second
	leave := func(withConsultation bool) {
		t.Helper()
		if _, err := stack.Platform.Store.Pool.Exec(context.Background(), `UPDATE idempotency_keys
			SET response_status = '', checkout_url = '', created_at = now() - make_interval(secs => $2),
			    consultation_id = CASE WHEN $3 THEN consultation_id END
			WHERE key = $1`, key, age.Seconds(), withConsultation); err != nil {
			t.Fatal(err)
		}
	}
	leave(false) // killed before its insert
	var second createdConsultation
	guest.do("POST", "/v1/consultations", body).expect(t, http.StatusCreated).decode(t, &second)
	if second.ID == first.ID || second.CheckoutURL == "" {
		t.Fatalf("retry after a claim without a consultation: %+v (first %s)", second, first.ID)
	}
	leave(true) // killed after its insert, while the workflow engine answered
	var third createdConsultation
	guest.do("POST", "/v1/consultations", body).expect(t, http.StatusCreated).decode(t, &third)
	if third.ID != second.ID || third.CheckoutURL == "" {
		t.Fatalf("retry after a claim with consultation %s resumed %+v", second.ID, third)
	}
}
