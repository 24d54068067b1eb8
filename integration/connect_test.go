package integration

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"derma2go/db"
	"derma2go/demodata"
	"derma2go/devstack"
	"derma2go/payments/molliesandbox"
	"derma2go/platform"
)

// Mollie Connect in the stack: every demo doctor was connected to a sandbox
// account of their own at start (devstack.ConnectDoctors). These tests take
// one doctor's connection away and go through the flow again.

// payoutState is GET /v1/doctor/payments/connection.
type payoutState struct {
	Required         bool   `json:"required"`
	Connected        bool   `json:"connected"`
	OrganizationName string `json:"organization_name"`
}

// disconnectedDoctor logs in a demo doctor, gives them email-advice and
// video fees and video hours all day, and removes their Mollie connection
// (they had no payments yet); the cleanup connects them again.
func disconnectedDoctor(t *testing.T, index int) (*apiClient, string) {
	t.Helper()
	ctx := context.Background()
	doctor, s := loginAs(t, demodata.DoctorEmail(index), "doctor-demo-2026")
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "email_advice", "amount_cents": 3500, "duration_minutes": 15},
		{"type": "video", "amount_cents": 6000, "duration_minutes": 15},
	}}).expect(t, http.StatusOK)
	var rules []map[string]any
	for day := range 7 {
		rules = append(rules, map[string]any{"type": "video", "weekday": day, "start": "00:00", "end": "24:00"})
	}
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": rules}).expect(t, http.StatusOK)
	if _, err := stack.Platform.Store.Pool.Exec(ctx, "DELETE FROM mollie_connections WHERE doctor_id = $1", s.User.ID); err != nil {
		t.Fatalf("removing the connection of doctor %d: %v", index, err)
	}
	t.Cleanup(func() {
		if _, err := stack.ConnectDoctors(context.Background()); err != nil {
			t.Errorf("reconnecting: %v", err)
		}
	})
	return doctor, s.User.ID
}

// clickThroughAs starts a connection as doctor and clicks through the
// sandbox's consent page as organization, returning Mollie's redirect.
func clickThroughAs(t *testing.T, doctor *apiClient, organization string, grant bool) *url.URL {
	t.Helper()
	var start struct {
		AuthorizeURL string `json:"authorize_url"`
	}
	doctor.do("POST", "/v1/doctor/payments/connect", nil).expect(t, http.StatusCreated).decode(t, &start)
	if !strings.HasPrefix(start.AuthorizeURL, stack.MollieURL+"/oauth2/authorize?") {
		t.Fatalf("authorize URL %s, want the sandbox's consent page", start.AuthorizeURL)
	}
	back, err := molliesandbox.ClickThrough(context.Background(), nil, start.AuthorizeURL, organization, grant)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Scheme + "://" + back.Host + back.Path; got != stack.APIURL+platform.ConnectRedirectPath {
		t.Fatalf("Mollie sends the doctor back to %s, want the payouts page %s", got, stack.APIURL+platform.ConnectRedirectPath)
	}
	return back
}

// complete posts what Mollie sent back.
func complete(doctor *apiClient, back *url.URL) response {
	q := back.Query()
	body := map[string]any{"state": q.Get("state")}
	if q.Get("code") != "" {
		body["code"] = q.Get("code")
	}
	if q.Get("error") != "" {
		body["error"] = q.Get("error")
	}
	return doctor.do("POST", "/v1/doctor/payments/connect/complete", body)
}

// sandboxPayment is the sandbox's record of a consultation's payment.
func sandboxPayment(t *testing.T, consultationID string) molliesandbox.Payment {
	t.Helper()
	var id string
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT payment_id FROM consultations WHERE id = $1", consultationID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, p := range stack.Mollie.Payments() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("payment %s not in the sandbox", id)
	return molliesandbox.Payment{}
}

// organizationOf is the sandbox organisation of a doctor's current connection.
func organizationOf(t *testing.T, doctorID string) string {
	t.Helper()
	var org string
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT organization_id FROM mollie_connections WHERE doctor_id = $1 ORDER BY connected_at DESC LIMIT 1", doctorID).Scan(&org); err != nil {
		t.Fatal(err)
	}
	return org
}

// TestConnectFlowPaysTheDoctorsAccount: a doctor without a connected Mollie
// account is refused for types paid online (a localised 409, in Dutch by
// default and in English when asked) and the dashboard says they must
// connect; another doctor cannot complete their connection with their
// state; after the consent page the tokens are stored encrypted; a paid
// email advice is then created on the doctor's own sandbox account with the
// platform's application fee (the platform's key does not even see it), the
// webhook's status check asks that account, and the refund of the doctor's
// decline goes through it too.
func TestConnectFlowPaysTheDoctorsAccount(t *testing.T) {
	ctx := context.Background()
	doctor, doctorID := disconnectedDoctor(t, 80)
	patient, _ := registerVerified(t, newEmail("connect"), "connect-password-1")

	var st payoutState
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if !st.Required || st.Connected {
		t.Fatalf("connection before connecting: %+v, want required and not connected", st)
	}
	res := patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctorID, "form": "short"}).
		expect(t, http.StatusConflict)
	if p := res.problem(t); !strings.HasSuffix(p.Type, "/doctor-not-connected") || !strings.Contains(p.Detail, "online betalingen") {
		t.Fatalf("refusal %+v, want doctor-not-connected in Dutch", p)
	}
	res = patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctorID, "form": "short", "language": "en"}).
		expect(t, http.StatusConflict)
	if p := res.problem(t); !strings.Contains(p.Detail, "cannot receive online payments") || res.Header.Get("Content-Language") != "en" {
		t.Fatalf("refusal in English %+v (Content-Language %q)", p, res.Header.Get("Content-Language"))
	}
	// Not connected, the doctor is not listed: only they read their slots.
	slot := firstSlotAs(t, doctor, doctorID, "video", time.Now().Add(48*time.Hour))
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID, "slot_start": slot.Format(time.RFC3339)}).
		expect(t, http.StatusConflict)
	var rows int
	if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT count(*) FROM consultations WHERE doctor_id = $1", doctorID).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("refused bookings left %d consultations (%v)", rows, err)
	}

	back := clickThroughAs(t, doctor, "Praktijk Tachtig", true)
	other, _ := loginAs(t, demodata.DoctorEmail(81), "doctor-demo-2026")
	if p := complete(other, back).expect(t, http.StatusBadRequest).problem(t); !strings.HasSuffix(p.Type, "/connect-state") {
		t.Fatalf("another doctor completing with this state: %+v", p)
	}
	complete(doctor, back).expect(t, http.StatusOK).decode(t, &st)
	if !st.Connected || st.OrganizationName != "Praktijk Tachtig" {
		t.Fatalf("after connecting: %+v", st)
	}
	if p := complete(doctor, back).expect(t, http.StatusBadRequest).problem(t); !strings.HasSuffix(p.Type, "/connect-state") {
		t.Fatalf("a state used twice: %+v", p)
	}
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if !st.Connected || st.OrganizationName != "Praktijk Tachtig" {
		t.Fatalf("connection read back: %+v", st)
	}
	var accessEnc, refreshEnc, nameEnc []byte
	if err := stack.Platform.Store.Pool.QueryRow(ctx, `SELECT access_token_enc, refresh_token_enc, organization_name_enc
		FROM mollie_connections WHERE doctor_id = $1`, doctorID).Scan(&accessEnc, &refreshEnc, &nameEnc); err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{accessEnc, refreshEnc, nameEnc} {
		if bytes.Contains(b, []byte("access_")) || bytes.Contains(b, []byte("refresh_")) || bytes.Contains(b, []byte("Tachtig")) {
			t.Fatalf("a token or name is stored in clear: %q", b)
		}
	}
	access, err := stack.Platform.Fields.DecryptString(db.FieldMollieAccessToken, accessEnc)
	if err != nil || !strings.HasPrefix(access, "access_") {
		t.Fatalf("stored access token does not decrypt: %v", err)
	}
	org := organizationOf(t, doctorID)

	var created booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctorID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	sp := sandboxPayment(t, created.ID)
	if sp.OrganizationID != org || sp.ApplicationFee == nil || sp.ApplicationFee.Value != "1.50" || sp.Amount.Value != "35.00" {
		t.Fatalf("sandbox payment %+v, want 35.00 on %s with the 1.50 application fee", sp, org)
	}
	if _, err := stack.Platform.Payments.GetPayment(ctx, sp.ID); err == nil {
		t.Fatal("the platform's own key reads a payment of the doctor's account")
	}
	var fee int
	if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT application_fee_cents FROM payments WHERE id = $1", sp.ID).Scan(&fee); err != nil || fee != devstack.DevApplicationFeeCents {
		t.Fatalf("stored application fee %d (%v), want %d", fee, err, devstack.DevApplicationFeeCents)
	}
	payCheckout(t, created.CheckoutURL)
	waitConsultation(t, patient, created.ID, "awaiting_intake")

	doctor.do("POST", "/v1/doctor/consultations/"+created.ID+"/decline", map[string]any{"reason": "needs_physical_exam"}).
		expect(t, http.StatusAccepted)
	waitConsultation(t, patient, created.ID, "declined")
	waitRefunded(t, created.ID, 1)
	if sp = sandboxPayment(t, created.ID); len(sp.Refunds) != 1 || sp.Refunds[0].Amount.Value != "35.00" || sp.OrganizationID != org {
		t.Fatalf("refunds %+v of the payment on %q, want one of 35.00 on the doctor's account", sp.Refunds, sp.OrganizationID)
	}
}

// TestConnectRefreshesAnExpiringToken: once the stored access token is
// about to expire (and the sandbox no longer takes it), the next payment
// refreshes it first, stores the new one encrypted, and is made on the
// doctor's account.
func TestConnectRefreshesAnExpiringToken(t *testing.T) {
	ctx := context.Background()
	doctor, doctorID := loginAs(t, demodata.DoctorEmail(82), "doctor-demo-2026")
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "email_advice", "amount_cents": 4000, "duration_minutes": 15},
	}}).expect(t, http.StatusOK)
	id := doctorID.User.ID
	org := organizationOf(t, id)
	var before []byte
	if err := stack.Platform.Store.Pool.QueryRow(ctx, `UPDATE mollie_connections SET access_expires_at = now() + interval '1 minute'
		WHERE doctor_id = $1 RETURNING access_token_enc`, id).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if n := stack.Mollie.ExpireAccessTokens(org); n == 0 {
		t.Fatal("the sandbox had no access token of the doctor's account")
	}
	old, err := stack.Platform.Fields.DecryptString(db.FieldMollieAccessToken, before)
	if err != nil {
		t.Fatal(err)
	}

	patient, _ := registerVerified(t, newEmail("refresh"), "refresh-password-1")
	var created booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": id, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	if sp := sandboxPayment(t, created.ID); sp.OrganizationID != org {
		t.Fatalf("payment on %q, want the doctor's %s", sp.OrganizationID, org)
	}
	var after []byte
	var expires time.Time
	var refreshed *time.Time
	if err := stack.Platform.Store.Pool.QueryRow(ctx, `SELECT access_token_enc, access_expires_at, refreshed_at
		FROM mollie_connections WHERE doctor_id = $1`, id).Scan(&after, &expires, &refreshed); err != nil {
		t.Fatal(err)
	}
	fresh, err := stack.Platform.Fields.DecryptString(db.FieldMollieAccessToken, after)
	if err != nil || fresh == old || refreshed == nil || time.Until(expires) < 50*time.Minute {
		t.Fatalf("after the payment: token changed %v, refreshed at %v, expires in %s (%v)", fresh != old, refreshed, time.Until(expires), err)
	}
	payCheckout(t, created.CheckoutURL)
	waitConsultation(t, patient, created.ID, "awaiting_intake")
}

// TestConnectDeniedAndRefusedCallers: a doctor who denies access at Mollie
// stays unconnected (409 connect-denied); patients and strangers cannot
// reach the payout routes.
func TestConnectDeniedAndRefusedCallers(t *testing.T) {
	doctor, _ := disconnectedDoctor(t, 83)
	back := clickThroughAs(t, doctor, "Praktijk Drieëntachtig", false)
	if back.Query().Get("error") != "access_denied" {
		t.Fatalf("denial came back as %s", back)
	}
	if p := complete(doctor, back).expect(t, http.StatusConflict).problem(t); !strings.HasSuffix(p.Type, "/connect-denied") {
		t.Fatalf("denied: %+v", p)
	}
	var st payoutState
	doctor.do("GET", "/v1/doctor/payments/connection", nil).expect(t, http.StatusOK).decode(t, &st)
	if st.Connected {
		t.Fatalf("connected after a denial: %+v", st)
	}
	patient, _ := registerVerified(t, newEmail("payout-intruder"), "intruder-password-1")
	for _, r := range []struct{ method, path string }{
		{"GET", "/v1/doctor/payments/connection"}, {"POST", "/v1/doctor/payments/connect"}, {"POST", "/v1/doctor/payments/connect/complete"},
	} {
		var body any
		if strings.HasSuffix(r.path, "/complete") {
			body = map[string]any{"state": "x", "code": "y"}
		}
		patient.do(r.method, r.path, body).expect(t, http.StatusForbidden)
		newClient(t).do(r.method, r.path, body).expect(t, http.StatusUnauthorized)
	}
}
