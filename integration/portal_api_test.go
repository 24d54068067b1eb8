package integration

import (
	"context"
	"net/http"
	"testing"
	"time"
)

type cancellationQuote struct {
	Allowed       bool    `json:"allowed"`
	RefundCents   int64   `json:"refund_cents"`
	PaidCents     int64   `json:"paid_cents"`
	AdminFeeCents int64   `json:"admin_fee_cents"`
	Currency      string  `json:"currency"`
	Deadline      *string `json:"refund_deadline"`
	RequestsLeft  int     `json:"requests_left"`
}

// The quote a patient sees before cancelling is what the request then fixes:
// paid minus the admin fee fixed at booking (not the fee changed since),
// and after the request no further request is quoted.
func TestCancellationQuoteMatchesTheRequest(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 177)
	var fee int64
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT admin_fee_cents FROM doctors WHERE user_id = $1", doctorID).Scan(&fee); err != nil {
		t.Fatal(err)
	}
	patient, _ := registerPatient(t, newEmail("quote"), "quote-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(50*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")

	// The doctor raises the admin fee after the booking: the booking keeps its own.
	var profile map[string]any
	doctor.do("GET", "/v1/doctor/profile", nil).expect(t, http.StatusOK).decode(t, &profile)
	put := map[string]any{"admin_fee_cents": fee + 1000}
	for _, k := range []string{"specialty", "bio", "focus_areas", "languages", "city", "address", "location", "time_zone",
		"photo_url", "advice_sla_days", "practice_name", "big_number", "agb_code"} {
		put[k] = profile[k]
	}
	doctor.do("PUT", "/v1/doctor/profile", put).expect(t, http.StatusOK)

	var q cancellationQuote
	patient.do("GET", "/v1/consultations/"+b.ID+"/cancellation", nil).expect(t, http.StatusOK).decode(t, &q)
	if !q.Allowed || q.PaidCents != 6000 || q.AdminFeeCents != fee || q.RefundCents != 6000-fee || q.RequestsLeft != 2 ||
		q.Currency != "EUR" || q.Deadline == nil {
		t.Fatalf("quote %+v, want allowed, 6000 paid, fee %d, refund %d, 2 left", q, fee, 6000-fee)
	}
	if d, err := time.Parse(time.RFC3339, *q.Deadline); err != nil || !d.Equal(slot.Add(-24*time.Hour)) {
		t.Fatalf("deadline %v, want %s", *q.Deadline, slot.Add(-24*time.Hour))
	}
	var state struct {
		CancellationRefundCents *int64 `json:"cancellation_refund_cents"`
	}
	patient.do("POST", "/v1/consultations/"+b.ID+"/cancellation", map[string]any{"reason": "feeling_better"}).
		expect(t, http.StatusOK).decode(t, &state)
	if state.CancellationRefundCents == nil || *state.CancellationRefundCents != q.RefundCents {
		t.Fatalf("the request fixed %v, the quote said %d", state.CancellationRefundCents, q.RefundCents)
	}
	patient.do("GET", "/v1/consultations/"+b.ID+"/cancellation", nil).expect(t, http.StatusOK).decode(t, &q)
	if q.Allowed || q.RequestsLeft != 1 {
		t.Fatalf("quote while a request is pending: %+v", q)
	}
	// Someone else's consultation is not found.
	other, _ := registerPatient(t, newEmail("quote-other"), "quote-password-2")
	other.do("GET", "/v1/consultations/"+b.ID+"/cancellation", nil).expect(t, http.StatusNotFound)
}

// A patient sets the language of their mail and changes the password: the
// old one no longer logs in, other sessions are logged out, this one stays.
func TestAccountLanguageAndPassword(t *testing.T) {
	email := newEmail("settings")
	patient, _ := registerPatient(t, email, "settings-password-1")
	elsewhere, _ := loginAs(t, email, "settings-password-1")
	var u struct {
		Language string `json:"language"`
	}
	patient.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK).decode(t, &u)
	if u.Language != "en" {
		t.Fatalf("language %q after PUT", u.Language)
	}
	patient.raw("PUT", "/v1/me/language", "application/json", []byte(`{"language":"de"}`)).expect(t, http.StatusUnprocessableEntity)

	patient.do("PUT", "/v1/me/password", map[string]any{"current_password": "wrong-password-1", "new_password": "settings-password-2"}).
		expect(t, http.StatusForbidden)
	patient.raw("PUT", "/v1/me/password", "application/json",
		[]byte(`{"current_password":"settings-password-1","new_password":"short"}`)).expect(t, http.StatusUnprocessableEntity)
	patient.do("PUT", "/v1/me/password", map[string]any{"current_password": "settings-password-1", "new_password": "settings-password-2"}).
		expect(t, http.StatusNoContent)
	patient.do("GET", "/v1/me", nil).expect(t, http.StatusOK)
	elsewhere.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized)
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "settings-password-1"}).
		expect(t, http.StatusUnauthorized)
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "settings-password-2"}).
		expect(t, http.StatusOK)
}
