package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"derma2go/api"
	"derma2go/config"
	"derma2go/demodata"
	"derma2go/devstack/mailsink"
	"derma2go/secure"
)

// otherAPI serves a second API over the shared stack's real dependencies,
// with its configuration changed by mutate, and returns its base URL.
func otherAPI(t *testing.T, mutate func(*config.Config)) string {
	t.Helper()
	p := *stack.Platform
	p.Metrics = api.NewRegistry()
	mutate(&p.Config)
	srv := httptest.NewServer(p.APIHandler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// rawPost posts JSON to base+path with the given X-Forwarded-For ("" none).
func rawPost(t *testing.T, base, path, forwardedFor string, body any) response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", base+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: out}
}

// TestMetricsOnlyOnTheirOwnListener: /metrics is not part of the public API.
func TestMetricsOnlyOnTheirOwnListener(t *testing.T) {
	res, err := http.Get(stack.APIURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Fatalf("API /metrics → %d, want no metrics there", res.StatusCode)
	}
	if stack.MetricsURL == stack.APIURL {
		t.Fatal("metrics share the API's listener")
	}
	res, err = http.Get(stack.MetricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "go_goroutines") {
		t.Fatalf("metrics listener → %d:\n%.500s", res.StatusCode, body)
	}
}

// TestNoFramingAndHSTSInProduction: every response forbids framing; HSTS is
// sent only when the public URL is https.
func TestNoFramingAndHSTSInProduction(t *testing.T) {
	c := newClient(t)
	for _, path := range []string{"/healthz", "/v1/doctors?per_page=1", "/verify-email?token=x", "/reset-password", "/payment-return"} {
		res := c.do("GET", path, nil).expect(t, http.StatusOK)
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q lacks frame-ancestors 'none'", path, csp)
		}
		if xfo := res.Header.Get("X-Frame-Options"); xfo != "DENY" {
			t.Errorf("%s: X-Frame-Options %q", path, xfo)
		}
		if hsts := res.Header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("%s over http: HSTS %q", path, hsts)
		}
	}
	base := otherAPI(t, func(c *config.Config) { c.PublicURL = "https://api.derma2go.example" })
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") || !strings.Contains(hsts, "includeSubDomains") {
		t.Fatalf("PUBLIC_URL https: HSTS %q", hsts)
	}
}

// TestForwardedForTrustedOnlyFromProxies: without TRUSTED_PROXIES a client
// cannot pose as many sources with X-Forwarded-For: its failed logins still
// back off as one source; through a trusted proxy the header names the client.
func TestForwardedForTrustedOnlyFromProxies(t *testing.T) {
	email := newEmail("xff")
	registerVerified(t, email, "xff-password-12")
	base := otherAPI(t, func(c *config.Config) { c.TrustedProxies = nil })
	wrong := map[string]any{"email": email, "password": "not-the-password"}
	for i := range 3 {
		rawPost(t, base, "/v1/auth/login", fmt.Sprintf("203.0.113.%d", i+1), wrong).expect(t, http.StatusUnauthorized)
	}
	res := rawPost(t, base, "/v1/auth/login", "203.0.113.99", wrong).expect(t, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The shared stack trusts its loopback proxy: the same four attempts
	// from four forwarded addresses are four sources, none delayed.
	for i := range 4 {
		rawPost(t, stack.APIURL, "/v1/auth/login", fmt.Sprintf("203.0.113.%d", 10+i), wrong).expect(t, http.StatusUnauthorized)
	}
}

// TestLoginBackoffDoesNotLockOutTheOwner: a stranger guessing the password
// from elsewhere is slowed down, with growing waits; the owner logs in at once.
func TestLoginBackoffDoesNotLockOutTheOwner(t *testing.T) {
	email := newEmail("owner")
	owner, _ := registerVerified(t, email, "owner-password-12")
	stranger := newClient(t)
	var last response
	for range 8 {
		last = stranger.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "guess-password"})
		if last.Status == http.StatusTooManyRequests {
			break
		}
		last.expect(t, http.StatusUnauthorized)
	}
	last.expect(t, http.StatusTooManyRequests).problem(t)
	first := last.Header.Get("Retry-After")
	time.Sleep(1100 * time.Millisecond)
	stranger.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "guess-again"}).expect(t, http.StatusUnauthorized)
	again := stranger.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "guess-again"}).expect(t, http.StatusTooManyRequests)
	if first != "1" || again.Header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After %s then %s, want 1 then 2 (doubling)", first, again.Header.Get("Retry-After"))
	}
	for range 3 {
		owner.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "owner-password-12"}).expect(t, http.StatusOK)
	}
}

// TestPINLockIsPerSession: wrong PINs in one session lock that session only.
func TestPINLockIsPerSession(t *testing.T) {
	email := newEmail("pinsession")
	c, _ := registerPatient(t, email, "pinsession-pass-1")
	var second session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "pinsession-pass-1"}).
		expect(t, http.StatusOK).decode(t, &second)
	thief := &apiClient{t: t, token: second.Token, source: newSource()}
	for range 5 {
		thief.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": "0000"}).expect(t, http.StatusForbidden)
	}
	thief.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}).expect(t, http.StatusLocked)
	c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}).expect(t, http.StatusOK)
	var lockedUntil time.Time
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT pin_locked_until FROM auth_tokens WHERE token_hash = $1`, secure.HashToken(second.Token)).Scan(&lockedUntil); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(lockedUntil); d < 14*time.Minute || d > 16*time.Minute {
		t.Fatalf("locked for %s, want 15 minutes", d)
	}
}

// TestRegisterAndForgotRevealNothing: for an address with an account and one
// without, register and forgot-password answer with the same status and
// body, in the same time (medians of interleaved samples within a generous
// ratio, robust on a loaded machine).
func TestRegisterAndForgotRevealNothing(t *testing.T) {
	const samples = 9
	type timed struct {
		res response
		d   time.Duration
	}
	call := func(path string, body any) timed {
		c := newClient(t) // a source of its own: the per-source limits stay out of the way
		start := time.Now()
		res := c.do("POST", path, body)
		return timed{res, time.Since(start)}
	}
	median := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	for _, path := range []string{"/v1/auth/register", "/v1/auth/password/forgot"} {
		var known, unknown []time.Duration
		var bodies []string
		for i := range samples {
			existing := demodata.DoctorEmail(185 + i) // seeded accounts no other test uses
			fresh := newEmail("reveal")
			for _, email := range []string{existing, fresh} {
				body := map[string]any{"email": email}
				if path == "/v1/auth/register" {
					body = map[string]any{"email": email, "password": "reveal-password-1", "name": "Reveal"}
				}
				r := call(path, body)
				r.res.expect(t, http.StatusAccepted)
				bodies = append(bodies, string(r.res.Body))
				if email == existing {
					known = append(known, r.d)
				} else {
					unknown = append(unknown, r.d)
				}
			}
		}
		for _, b := range bodies {
			if b != bodies[0] {
				t.Fatalf("%s: bodies differ:\n%s\n%s", path, bodies[0], b)
			}
		}
		mk, mu := median(known), median(unknown)
		ratio := float64(max(mk, mu)) / float64(min(mk, mu))
		t.Logf("%s: median %s with an account, %s without (ratio %.2f)", path, mk, mu, ratio)
		if ratio > 1.5 {
			t.Errorf("%s: median %s with an account, %s without: the timing tells them apart", path, mk, mu)
		}
	}
	// The owner of the existing address was told, and nothing changed.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := stack.Mail.WaitFor(ctx, func(m mailsink.Message) bool {
		return sentTo(m, demodata.DoctorEmail(185)) && strings.Contains(m.Text, "geen nieuw account")
	}); err != nil {
		t.Errorf("no account-exists notice to the owner: %v", err)
	}
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": demodata.DoctorEmail(185), "password": "doctor-demo-2026"}).
		expect(t, http.StatusOK)
}

// TestRegistrationNeedsAnUncommonPassword: the most common passwords are
// refused with a field problem (in Dutch: the client asks for no language),
// at registration and at reset.
func TestRegistrationNeedsAnUncommonPassword(t *testing.T) {
	c := newClient(t)
	for _, pw := range []string{"1234567890", "Basketball", "qwertyuiop2024!"} {
		p := c.do("POST", "/v1/auth/register", map[string]any{"email": newEmail("common"), "password": pw, "name": "C"}).
			expect(t, http.StatusUnprocessableEntity).problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != "password" || !strings.Contains(p.Errors[0].Reason, "meest gebruikte") {
			t.Fatalf("%q: problem %+v", pw, p)
		}
	}
	p := c.do("POST", "/v1/auth/password/reset", map[string]any{"token": "whatever", "password": "harrypotter1"}).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	if len(p.Errors) != 1 || p.Errors[0].Field != "password" {
		t.Fatalf("reset: problem %+v", p)
	}
}

// TestRegistrationAndGuestBookingsLimitedPerSource: one source opens a few
// accounts and guest consultations, not an unbounded number.
func TestRegistrationAndGuestBookingsLimitedPerSource(t *testing.T) {
	c := newClient(t)
	var last response
	for i := range 12 {
		last = c.do("POST", "/v1/auth/register", map[string]any{"email": newEmail("flood"), "password": "flood-password-1", "name": "F"})
		if last.Status == http.StatusTooManyRequests {
			if i < 10 {
				t.Fatalf("registration %d refused", i+1)
			}
			break
		}
		last.expect(t, http.StatusAccepted)
	}
	last.expect(t, http.StatusTooManyRequests).problem(t)
	newClient(t).do("POST", "/v1/auth/register", map[string]any{"email": newEmail("elsewhere"), "password": "flood-password-1", "name": "E"}).
		expect(t, http.StatusAccepted)

	doctor := doctorID(t, 41)
	g := newClient(t)
	for i := range 12 {
		last = g.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctor, "form": "short", "guest_email": newEmail("guestflood")})
		if last.Status == http.StatusTooManyRequests {
			if i < 10 {
				t.Fatalf("guest consultation %d refused", i+1)
			}
			break
		}
		last.expect(t, http.StatusCreated)
	}
	last.expect(t, http.StatusTooManyRequests).problem(t)
}

// TestBookingNeedsAConfirmedAddress: an unconfirmed patient logs in but
// cannot book; the single-use link from the mail (or a new one) confirms.
func TestBookingNeedsAConfirmedAddress(t *testing.T) {
	email := newEmail("unconfirmed")
	c := newClient(t)
	c.do("POST", "/v1/auth/register", map[string]any{"email": email, "password": "unconfirmed-pw-1", "name": "U"}).expect(t, http.StatusAccepted)
	// The account is made right after the answer; its mail says it is there.
	first := verifyTokenOf(t, waitForLink(t, email, verifyLink))
	var s session
	c.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "unconfirmed-pw-1"}).expect(t, http.StatusOK).decode(t, &s)
	c.token = s.Token
	var me struct {
		EmailVerified bool `json:"email_verified"`
	}
	c.do("GET", "/v1/me", nil).expect(t, http.StatusOK).decode(t, &me)
	if me.EmailVerified {
		t.Fatal("a new account counts as confirmed")
	}
	doctor := doctorID(t, 42)
	book := map[string]any{"type": "email_advice", "doctor_id": doctor, "form": "short"}
	if p := c.do("POST", "/v1/consultations", book).expect(t, http.StatusForbidden).problem(t); p.Type != "https://derma2go.nl/problems/email-unverified" {
		t.Fatalf("unconfirmed booking: %s", p.Type)
	}
	slots := freeSlots(t, doctor, "in_person")
	if len(slots.Items) == 0 {
		t.Fatal("no in-person slot")
	}
	c.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctor, "slot_start": slots.Items[0].Start.Format(time.RFC3339)}).
		expect(t, http.StatusForbidden)

	// A new link can be asked for; the first one confirms, after which no
	// link works again.
	c.do("POST", "/v1/me/email/verification", nil).expect(t, http.StatusAccepted)
	c.do("POST", "/v1/auth/email/verify", map[string]any{"token": first}).expect(t, http.StatusNoContent)
	c.do("POST", "/v1/auth/email/verify", map[string]any{"token": first}).expect(t, http.StatusBadRequest).problem(t)
	c.do("GET", "/v1/me", nil).expect(t, http.StatusOK).decode(t, &me)
	if !me.EmailVerified {
		t.Fatal("confirmed, but /v1/me says not")
	}
	c.do("POST", "/v1/me/email/verification", nil).expect(t, http.StatusConflict)
	c.do("POST", "/v1/consultations", book).expect(t, http.StatusCreated)
}

func verifyTokenOf(t *testing.T, m mailsink.Message) string {
	t.Helper()
	match := verifyLink.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no confirmation link in %q", m.Subject)
	}
	return match[1]
}

// TestUnpaidBookingsCapped: a patient holds at most MAX_UNPAID_BOOKINGS (3)
// unpaid appointments ahead; a cancelled or expired one no longer counts.
func TestUnpaidBookingsCapped(t *testing.T) {
	doctor := doctorID(t, 43)
	slots := freeSlots(t, doctor, "in_person")
	if len(slots.Items) < 5 {
		t.Fatalf("%d in-person slots", len(slots.Items))
	}
	c, s := registerPatient(t, newEmail("hoarder"), "hoarder-password-1")
	var ids []string
	for i := range 3 {
		var b struct {
			ID string `json:"id"`
		}
		c.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctor, "slot_start": slots.Items[i].Start.Format(time.RFC3339)}).
			expect(t, http.StatusCreated).decode(t, &b)
		ids = append(ids, b.ID)
	}
	p := c.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctor, "slot_start": slots.Items[3].Start.Format(time.RFC3339)}).
		expect(t, http.StatusConflict).problem(t)
	if p.Type != "https://derma2go.nl/problems/too-many-unpaid" || !strings.Contains(p.Detail, "3") {
		t.Fatalf("fourth booking: %+v", p)
	}
	// A booking that no longer holds the doctor's time does not count.
	if _, err := stack.Platform.Store.Pool.Exec(context.Background(),
		`UPDATE consultations SET status = 'cancelled' WHERE id = $1 AND patient_id = $2`, ids[0], s.User.ID); err != nil {
		t.Fatal(err)
	}
	c.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctor, "slot_start": slots.Items[3].Start.Format(time.RFC3339)}).
		expect(t, http.StatusCreated)
}
