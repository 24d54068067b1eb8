package integration

import (
	"context"
	"net/http"
	"testing"
)

// TestPINGuardsMedicalRecords: a logged-in patient reads a consultation's
// medical parts only after unlocking them with a PIN in this session; five
// wrong PINs lock it; a new login needs a new unlock.
func TestPINGuardsMedicalRecords(t *testing.T) {
	email := newEmail("pin")
	c, s := registerVerified(t, email, "pin-password-1")

	// A consultation of this patient (inserted directly: the booking flows are tested elsewhere).
	var doctor, id string
	ctx := context.Background()
	if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT user_id FROM doctors ORDER BY user_id LIMIT 1").Scan(&doctor); err != nil {
		t.Fatal(err)
	}
	if err := stack.Platform.Store.Pool.QueryRow(ctx, `INSERT INTO consultations (id, doctor_id, patient_id, consultation_type, advice_form, status, amount_cents)
		VALUES (gen_random_uuid(), $1, $2, 'email_advice', 'short', 'completed', 100) RETURNING id`, doctor, s.User.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := "/v1/consultations/" + id
	if p := c.do("GET", path+"/documents", nil).expect(t, http.StatusForbidden).problem(t); p.Type != "https://derma2go.nl/problems/pin-required" {
		t.Fatalf("without a PIN: %s", p.Type)
	}
	c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": "1234"}).expect(t, http.StatusConflict)
	c.do("PUT", "/v1/me/pin", map[string]any{"pin": "1357", "password": "wrong-password"}).expect(t, http.StatusForbidden)
	c.raw("PUT", "/v1/me/pin", "application/json", []byte(`{"pin":"12ab","password":"pin-password-1"}`)).expect(t, http.StatusUnprocessableEntity)
	c.do("PUT", "/v1/me/pin", map[string]any{"pin": "1357", "password": "pin-password-1"}).expect(t, http.StatusNoContent)
	c.do("GET", path+"/documents", nil).expect(t, http.StatusForbidden) // set, not yet unlocked

	for i := range 4 {
		p := c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": "0000"}).expect(t, http.StatusForbidden).problem(t)
		if p.Type != "https://derma2go.nl/problems/pin-incorrect" {
			t.Fatalf("wrong PIN %d: %s", i+1, p.Type)
		}
	}
	c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": "1357"}).expect(t, http.StatusOK) // success resets the count
	c.do("GET", path, nil).expect(t, http.StatusOK)
	c.do("GET", path+"/documents", nil).expect(t, http.StatusOK)

	// A second session must unlock on its own; five wrong PINs lock even the right one out.
	var second session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "pin-password-1"}).
		expect(t, http.StatusOK).decode(t, &second)
	c2 := &apiClient{t: t, token: second.Token}
	c2.do("GET", path+"/documents", nil).expect(t, http.StatusForbidden)
	for range 5 {
		c2.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": "0000"}).expect(t, http.StatusForbidden)
	}
	res := c2.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": "1357"}).expect(t, http.StatusLocked)
	if res.Header.Get("Retry-After") == "" {
		t.Error("423 without Retry-After")
	}
	res.problem(t)
	// Setting a new PIN with the password lifts the lock.
	c2.do("PUT", "/v1/me/pin", map[string]any{"pin": "8642", "password": "pin-password-1"}).expect(t, http.StatusNoContent)
	c2.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": "8642"}).expect(t, http.StatusOK)
	c2.do("GET", path+"/documents", nil).expect(t, http.StatusOK)
}

// TestPINGuardsMedicalPartsNotBookingOrPayment (issue 8, item 9): without
// the PIN unlocked a patient still sees a consultation's status, times and
// payment, and may cancel or check in; the medical parts (advice, intake,
// photos, documents, the invoice among them) need the PIN on every route
// that reaches them.
func TestPINGuardsMedicalPartsNotBookingOrPayment(t *testing.T) {
	a := newAuditCase(t)
	path := "/v1/consultations/" + a.id
	var locked struct {
		Status        string  `json:"status"`
		PaidAt        *string `json:"paid_at"`
		Advice        *string `json:"advice"`
		MedicalLocked bool    `json:"medical_locked"`
	}
	a.locked.do("GET", path, nil).expect(t, http.StatusOK).decode(t, &locked)
	if locked.Status == "" || locked.PaidAt == nil || locked.Advice != nil || !locked.MedicalLocked {
		t.Fatalf("without the PIN: %+v, want status and payment but no advice", locked)
	}
	unlocked := locked
	unlocked.MedicalLocked = false
	a.patient.do("GET", path, nil).expect(t, http.StatusOK).decode(t, &unlocked)
	if unlocked.Advice == nil || unlocked.MedicalLocked {
		t.Fatalf("with the PIN: %+v, want the advice", unlocked)
	}
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	a.locked.do("GET", "/v1/consultations", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != a.id {
		t.Fatalf("list without the PIN: %+v", list.Items)
	}
	for _, medical := range []struct{ method, suffix string }{
		{"GET", "/documents"}, {"GET", "/documents/" + a.invoiceID}, {"GET", "/invoice.pdf"},
		{"POST", "/intake"}, {"POST", "/photos"},
	} {
		res := a.locked.raw(medical.method, path+medical.suffix, "application/json", []byte(`{}`)).expect(t, http.StatusForbidden)
		if p := res.problem(t); p.Type != "https://derma2go.nl/problems/pin-locked-session" {
			t.Errorf("%s %s without the PIN: %s", medical.method, medical.suffix, p.Type)
		}
	}
	for _, booking := range []string{"/cancellation", "/checkin"} {
		if res := a.locked.raw("POST", path+booking, "application/json", []byte(`{}`)); res.Status == http.StatusForbidden {
			t.Errorf("POST %s without the PIN → 403: %s", booking, res.Body)
		}
	}
}
