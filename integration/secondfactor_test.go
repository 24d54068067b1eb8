package integration

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"derma2go/api"
	"derma2go/demodata"
	"derma2go/secure"
)

// passwordOnly logs in without giving the second factor.
func passwordOnly(t *testing.T, email, password string) (*apiClient, session) {
	t.Helper()
	var s session
	c := newClient(t)
	c.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": password}).expect(t, http.StatusOK).decode(t, &s)
	c.token = s.Token
	return c, s
}

// TestPatientDataRoutesNeedTheSecondFactor walks the route table with a
// doctor's, an admin's and a two-factor patient's session that gave only
// the password: every route that touches patient data or needs a login
// answers 403 second-factor-required, except the steps to the second
// factor; after the code the same session reads patient data.
func TestPatientDataRoutesNeedTheSecondFactor(t *testing.T) {
	doctor, ds := passwordOnly(t, demodata.DoctorEmail(190), "doctor-demo-2026")
	admin, as := passwordOnly(t, "admin@derma2go.test", "admin-demo-2026")
	if ds.User.SecondFactor != "required" || as.User.SecondFactor != "required" {
		t.Fatalf("second factor after the password: doctor %q, admin %q", ds.User.SecondFactor, as.User.SecondFactor)
	}
	patientEmail := newEmail("twofactor-walk")
	patient, ps := registerVerified(t, patientEmail, "walk-password-12")
	enrolTOTP(t, patient, "walk-password-12", patientEmail)
	patientPending, pps := passwordOnly(t, patientEmail, "walk-password-12")
	if ps.User.SecondFactor != "not_needed" || pps.User.SecondFactor != "required" {
		t.Fatalf("patient: before enrolment %q, after %q", ps.User.SecondFactor, pps.User.SecondFactor)
	}

	someID := "0b9c1c9e-3f0a-4d5e-9a55-8f6f2c4b7d11"
	walked := 0
	for _, r := range api.Routes() {
		key := r.Method + " " + r.Path
		if r.AuditObject != "" && !r.SecondFactor && r.Roles == nil {
			t.Errorf("%s touches patient data without a login check and without the second-factor gate", key)
		}
		if !r.SecondFactor {
			continue
		}
		path := r.Path
		for _, part := range strings.Split(r.Path, "/") {
			if strings.HasPrefix(part, ":") {
				path = strings.Replace(path, part, someID, 1)
			}
		}
		for _, caller := range []struct {
			name string
			c    *apiClient
		}{{"doctor", doctor}, {"admin", admin}, {"two-factor patient", patientPending}} {
			body, ct := []byte(`{}`), "application/json"
			if r.Method == "GET" || r.Method == "DELETE" {
				body, ct = nil, ""
			}
			res := caller.c.raw(r.Method, path, ct, body)
			if res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), "second-factor-required") {
				t.Errorf("%s as a %s without the second factor → %d: %s", key, caller.name, res.Status, res.Body)
			}
		}
		walked++
	}
	if walked < 60 {
		t.Fatalf("walked only %d routes", walked)
	}

	// The steps to the second factor stay open; after the code the session reads patient data.
	var me struct {
		SecondFactor string `json:"second_factor"`
	}
	doctor.do("GET", "/v1/me", nil).expect(t, http.StatusOK).decode(t, &me)
	if me.SecondFactor != "required" {
		t.Fatalf("GET /v1/me before the code: %q", me.SecondFactor)
	}
	sendTOTP(t, doctor, "/v1/auth/second-factor", demodata.DemoTOTPSecret)
	doctor.do("GET", "/v1/doctor/consultations", nil).expect(t, http.StatusOK)
	doctor.do("GET", "/v1/me", nil).expect(t, http.StatusOK).decode(t, &me)
	if me.SecondFactor != "verified" {
		t.Fatalf("GET /v1/me after the code: %q", me.SecondFactor)
	}
}

// enrolTOTP turns two-factor sign-in on for the session c and returns the
// secret and the recovery codes.
func enrolTOTP(t *testing.T, c *apiClient, password, email string) (secret string, recovery []string, code string) {
	t.Helper()
	var enrol struct {
		Secret     string `json:"secret"`
		OtpauthURI string `json:"otpauth_uri"`
		QRCode     string `json:"qr_code"`
	}
	c.do("POST", "/v1/me/second-factor", map[string]any{"password": password}).expect(t, http.StatusOK).decode(t, &enrol)
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(enrol.QRCode, "data:image/png;base64,"))
	if err != nil || !strings.HasPrefix(enrol.QRCode, "data:image/png;base64,") || string(png[1:4]) != "PNG" ||
		!strings.HasPrefix(enrol.OtpauthURI, "otpauth://totp/Derma2Go:") || !strings.Contains(enrol.OtpauthURI, "secret="+enrol.Secret) {
		t.Fatalf("enrolment %+v", enrol)
	}
	var codes struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	code, err = secure.TOTPCode(enrol.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c.do("POST", "/v1/me/second-factor/confirm", map[string]any{"code": "000000"}).expect(t, http.StatusForbidden)
	c.do("POST", "/v1/me/second-factor/confirm", map[string]any{"code": code}).expect(t, http.StatusOK).decode(t, &codes)
	if len(codes.RecoveryCodes) != 10 {
		t.Fatalf("recovery codes %v", codes.RecoveryCodes)
	}
	totpSecretsMu.Lock()
	totpSecrets[strings.ToLower(email)] = enrol.Secret
	totpSecretsMu.Unlock()
	return enrol.Secret, codes.RecoveryCodes, code
}

// TestTwoFactorSignInOfAPatient: a patient turns it on (QR code, first
// code), the next login asks for a code, a code is good once, a recovery
// code is good once (only hashes stored), wrong codes are rate-limited, and
// the patient may turn it off again with password and code.
func TestTwoFactorSignInOfAPatient(t *testing.T) {
	email, password := newEmail("twofactor"), "twofactor-pass-1"
	first, _ := registerVerified(t, email, password)
	secret, recovery, confirmed := enrolTOTP(t, first, password, email)

	// The code that confirmed the enrolment cannot sign in: a code is good once.
	c, s := passwordOnly(t, email, password)
	if s.User.SecondFactor != "required" {
		t.Fatalf("login after enrolment: second factor %q", s.User.SecondFactor)
	}
	c.do("GET", "/v1/consultations", nil).expect(t, http.StatusForbidden)
	p := c.do("POST", "/v1/auth/second-factor", map[string]any{"code": confirmed}).expect(t, http.StatusForbidden).problem(t)
	if !strings.HasSuffix(p.Type, "/second-factor-incorrect") {
		t.Fatalf("replayed code: %+v", p)
	}
	sendTOTP(t, c, "/v1/auth/second-factor", secret)
	c.do("GET", "/v1/consultations", nil).expect(t, http.StatusOK)

	// A recovery code works once, typed in lower case without the dash.
	rc, _ := passwordOnly(t, email, password)
	typed := strings.ToLower(strings.ReplaceAll(recovery[0], "-", ""))
	var given struct {
		RecoveryCodesLeft int `json:"recovery_codes_left"`
	}
	rc.do("POST", "/v1/auth/second-factor", map[string]any{"code": typed}).expect(t, http.StatusOK).decode(t, &given)
	if given.RecoveryCodesLeft != 9 {
		t.Fatalf("recovery codes left %d", given.RecoveryCodesLeft)
	}
	rc.do("GET", "/v1/consultations", nil).expect(t, http.StatusOK)
	again, _ := passwordOnly(t, email, password)
	again.do("POST", "/v1/auth/second-factor", map[string]any{"code": recovery[0]}).expect(t, http.StatusForbidden)
	// Only the hashes are stored.
	hashes := [][]byte{}
	for _, code := range recovery {
		hashes = append(hashes, secure.HashRecoveryCode(code))
	}
	var stored, matching int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT count(*), count(*) FILTER (WHERE code_hash = ANY($2)) FROM recovery_codes WHERE user_id = $1`,
		s.User.ID, hashes).Scan(&stored, &matching); err != nil || stored != 10 || matching != 10 {
		t.Fatalf("recovery codes stored: %d rows, %d of them the codes' hashes (%v)", stored, matching, err)
	}

	// Wrong codes: five are free, then the account waits.
	var last response
	for i := range 7 {
		last = again.do("POST", "/v1/auth/second-factor", map[string]any{"code": "00000" + string(rune('0'+i))})
		if last.Status == http.StatusTooManyRequests {
			break
		}
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("after wrong codes: %d %s", last.Status, last.Body)
	}
}

// TestTurningTwoFactorOffAndStaffCannot: a patient turns it off with the
// password and a recovery code; a doctor cannot.
func TestTurningTwoFactorOffAndStaffCannot(t *testing.T) {
	email, password := newEmail("twofactor-off"), "twofactor-off-1"
	c, _ := registerVerified(t, email, password)
	_, recovery, _ := enrolTOTP(t, c, password, email)
	c.do("DELETE", "/v1/me/second-factor", map[string]any{"password": password, "code": recovery[0]}).expect(t, http.StatusNoContent)
	_, s := passwordOnly(t, email, password)
	if s.User.SecondFactor != "not_needed" {
		t.Fatalf("after turning it off: %q", s.User.SecondFactor)
	}
	doctor, _ := loginAs(t, demodata.DoctorEmail(191), "doctor-demo-2026")
	p := doctor.do("DELETE", "/v1/me/second-factor", map[string]any{"password": "doctor-demo-2026", "code": "123456"}).
		expect(t, http.StatusForbidden).problem(t)
	if !strings.HasSuffix(p.Type, "/second-factor-mandatory") {
		t.Fatalf("doctor turning it off: %+v", p)
	}
}

// TestSessionsListRevokeAndIdle: the caller lists their sessions (the
// current one marked, with where it was opened), ends another one, and a
// doctor's session idle past 30 minutes is over while a patient's is not.
func TestSessionsListRevokeAndIdle(t *testing.T) {
	email, password := newEmail("sessions"), "sessions-pass-12"
	a, _ := registerVerified(t, email, password)
	b, _ := passwordOnly(t, email, password)
	var list struct {
		Items []struct {
			ID        string `json:"id"`
			Current   bool   `json:"current"`
			ClientIP  string `json:"client_ip"`
			UserAgent string `json:"user_agent"`
		} `json:"items"`
	}
	a.do("GET", "/v1/me/sessions", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("sessions %+v", list.Items)
	}
	var other string
	for _, it := range list.Items {
		if it.ClientIP == "" || it.UserAgent == "" {
			t.Errorf("session %+v lacks where it was opened", it)
		}
		if !it.Current {
			other = it.ID
		}
	}
	if other == "" || list.Items[0].Current == list.Items[1].Current {
		t.Fatalf("current not marked once: %+v", list.Items)
	}
	// Someone else cannot end it; the owner can.
	stranger, _ := registerVerified(t, newEmail("sessions-stranger"), "stranger-pass-12")
	stranger.do("DELETE", "/v1/me/sessions/"+other, nil).expect(t, http.StatusNotFound)
	a.do("DELETE", "/v1/me/sessions/"+other, nil).expect(t, http.StatusNoContent)
	b.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized)
	a.do("DELETE", "/v1/me/sessions/"+other, nil).expect(t, http.StatusNotFound)

	// Idle lifetimes: 30 minutes for doctors, a week for patients.
	doctor, _ := passwordOnly(t, demodata.DoctorEmail(192), "doctor-demo-2026")
	sendTOTP(t, doctor, "/v1/auth/second-factor", demodata.DemoTOTPSecret)
	doctor.do("GET", "/v1/doctor/consultations", nil).expect(t, http.StatusOK)
	idle := func(c *apiClient, d time.Duration) {
		if _, err := stack.Platform.Store.Pool.Exec(context.Background(),
			`UPDATE auth_tokens SET last_seen_at = now() - make_interval(secs => $2) WHERE token_hash = $1`,
			secure.HashToken(c.token), d.Seconds()); err != nil {
			t.Fatal(err)
		}
	}
	idle(doctor, 29*time.Minute)
	doctor.do("GET", "/v1/doctor/consultations", nil).expect(t, http.StatusOK)
	idle(doctor, 31*time.Minute)
	doctor.do("GET", "/v1/doctor/consultations", nil).expect(t, http.StatusUnauthorized)
	idle(a, 6*24*time.Hour)
	a.do("GET", "/v1/me", nil).expect(t, http.StatusOK)
	idle(a, 8*24*time.Hour)
	a.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized)
}
