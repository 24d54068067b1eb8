package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"derma2go/devstack/mailsink"
	"derma2go/web"
)

type session struct {
	Token string `json:"token"`
	User  struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
		Role  string `json:"role"`
		// SecondFactor is the session's second factor (see giveSecondFactor).
		SecondFactor string `json:"second_factor"`
	} `json:"user"`
}

// newEmail is an address no other test (or run against the same stack)
// uses; safe to call from parallel tests and goroutines.
func newEmail(prefix string) string {
	return fmt.Sprintf("%s-%d-%d@example.test", prefix, time.Now().UnixNano(), emailSeq.Add(1))
}

// testPIN is the PIN the test patients set.
const testPIN = "2468"

// registerPatient creates an account, confirms its address, sets its PIN
// and returns a client logged in as it with the medical parts unlocked.
func registerPatient(t *testing.T, email, password string) (*apiClient, session) {
	t.Helper()
	c, s := registerVerified(t, email, password)
	c.do("PUT", "/v1/me/pin", map[string]any{"pin": testPIN, "password": password}).expect(t, http.StatusNoContent)
	c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}).expect(t, http.StatusOK)
	return c, s
}

// registerVerified registers, opens the confirmation link's page, confirms
// the address as that page does, and logs in.
func registerVerified(t *testing.T, email, password string) (*apiClient, session) {
	t.Helper()
	return registerVerifiedNamed(t, email, password, "Test Patiënt")
}

// registerVerifiedNamed is registerVerified with a name of the test's own
// (a test that looks for the patient's name in the database).
func registerVerifiedNamed(t *testing.T, email, password, name string) (*apiClient, session) {
	t.Helper()
	c := newClient(t)
	c.do("POST", "/v1/auth/register", map[string]any{"email": email, "password": password, "name": name}).
		expect(t, http.StatusAccepted)
	confirmEmail(t, c, email)
	var s session
	c.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": password}).expect(t, http.StatusOK).decode(t, &s)
	c.token = s.Token
	return c, s
}

// confirmEmail follows the confirmation link mailed to email: the link opens
// the web client's page, which posts the token to the API as done here.
func confirmEmail(t *testing.T, c *apiClient, email string) {
	t.Helper()
	msg := waitForLink(t, strings.ToLower(email), verifyLink)
	match := verifyLink.FindStringSubmatch(msg.Text)
	if match == nil {
		t.Fatalf("no confirmation link in mail %q:\n%s", msg.Subject, msg.Text)
	}
	token, err := url.QueryUnescape(match[1])
	if err != nil {
		t.Fatal(err)
	}
	link := match[0]
	if !strings.HasPrefix(link, stack.APIURL+"/verify-email?") {
		t.Fatalf("link %s is not this stack's confirmation page", link)
	}
	pageRes := c.do("GET", strings.TrimPrefix(link, stack.APIURL), nil).expect(t, http.StatusOK)
	if page, ok := web.Match(strings.SplitN(strings.TrimPrefix(link, stack.APIURL), "?", 2)[0]); !ok || page != "verifyEmail" ||
		!strings.HasPrefix(pageRes.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("the confirmation link opens %q (page %q):\n%s", pageRes.Header.Get("Content-Type"), page, pageRes.Body)
	}
	c.do("POST", "/v1/auth/email/verify", map[string]any{"token": token}).expect(t, http.StatusNoContent)
}

func TestAccountLifecycle(t *testing.T) {
	email := newEmail("Lifecycle") // mixed case: lookups normalise
	c, reg := registerPatient(t, email, "first-password-1")
	if reg.User.Role != "patient" || reg.User.Email != strings.ToLower(email) {
		t.Fatalf("registered user %+v", reg.User)
	}

	var login session
	anon := newClient(t)
	anon.do("POST", "/v1/auth/login", map[string]any{"email": strings.ToUpper(email), "password": "first-password-1"}).
		expect(t, http.StatusOK).decode(t, &login)
	second := &apiClient{t: t, token: login.Token}

	var me struct{ ID, Email, Name string }
	second.do("GET", "/v1/me", nil).expect(t, http.StatusOK).decode(t, &me)
	if me.ID != reg.User.ID || me.Name != "Test Patiënt" {
		t.Fatalf("/me = %+v, want user %s", me, reg.User.ID)
	}

	anon.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "wrong-password"}).
		expect(t, http.StatusUnauthorized).problem(t)

	// Forgot → the mail sink catches the link → reset.
	anon.do("POST", "/v1/auth/password/forgot", map[string]any{"email": email}).expect(t, http.StatusAccepted)
	msg := waitForLink(t, strings.ToLower(email), resetLink)
	token := resetToken(t, msg)

	anon.do("POST", "/v1/auth/password/reset", map[string]any{"token": token, "password": "second-password-2"}).
		expect(t, http.StatusNoContent)

	// Old sessions are revoked; the reset link is single-use.
	c.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized).problem(t)
	second.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized).problem(t)
	anon.do("POST", "/v1/auth/password/reset", map[string]any{"token": token, "password": "third-password-3"}).
		expect(t, http.StatusBadRequest).problem(t)

	anon.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "first-password-1"}).
		expect(t, http.StatusUnauthorized)
	var fresh session
	anon.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "second-password-2"}).
		expect(t, http.StatusOK).decode(t, &fresh)

	// Logout revokes exactly this token.
	third := &apiClient{t: t, token: fresh.Token}
	third.do("POST", "/v1/auth/logout", nil).expect(t, http.StatusNoContent)
	third.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized)
}

func TestForgotPasswordRevealsNothing(t *testing.T) {
	anon := newClient(t)
	before := len(stack.Mail.Messages())
	anon.do("POST", "/v1/auth/password/forgot", map[string]any{"email": newEmail("nobody")}).expect(t, http.StatusAccepted)
	if after := len(stack.Mail.Messages()); after != before {
		t.Fatalf("a mail was sent for an unknown address (%d → %d)", before, after)
	}
}

func TestResetTokenExpiresAfterAnHour(t *testing.T) {
	email := newEmail("expiry")
	_, reg := registerPatient(t, email, "first-password-1")
	anon := newClient(t)
	anon.do("POST", "/v1/auth/password/forgot", map[string]any{"email": email}).expect(t, http.StatusAccepted)
	token := resetToken(t, waitForLink(t, email, resetLink))
	// Age the token past its hour directly in the database.
	if _, err := stack.Platform.Store.Pool.Exec(context.Background(),
		`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1`, reg.User.ID); err != nil {
		t.Fatal(err)
	}
	anon.do("POST", "/v1/auth/password/reset", map[string]any{"token": token, "password": "second-password-2"}).
		expect(t, http.StatusBadRequest).problem(t)
	anon.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "first-password-1"}).
		expect(t, http.StatusOK)
}

func TestLoginRateLimited(t *testing.T) {
	email := newEmail("ratelimit")
	registerPatient(t, email, "first-password-1")
	anon := newClient(t)
	var last response
	for range 8 {
		last = anon.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "wrong-password"})
		if last.Status == http.StatusTooManyRequests {
			break
		}
	}
	last.expect(t, http.StatusTooManyRequests)
	if last.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	last.problem(t)
}

// waitForLink waits for a mail to to whose text holds a link matching re.
func waitForLink(t *testing.T, to string, re *regexp.Regexp) mailsink.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	msg, err := stack.Mail.WaitFor(ctx, func(m mailsink.Message) bool { return sentTo(m, to) && re.MatchString(m.Text) })
	if err != nil {
		t.Fatalf("no mail to %s with a link like %s: %v", to, re, err)
	}
	return msg
}

func waitForMail(t *testing.T, to, subjectContains string) mailsink.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	msg, err := stack.Mail.WaitFor(ctx, func(m mailsink.Message) bool {
		for _, rcpt := range m.To {
			if strings.EqualFold(strings.Trim(rcpt, "<>"), to) && strings.Contains(m.Subject, subjectContains) {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no mail to %s (%q): %v", to, subjectContains, err)
	}
	return msg
}

var resetLink = regexp.MustCompile(`https?://[^\s"<>]+/reset-password\?token=([A-Za-z0-9_%-]+)`)

func resetToken(t *testing.T, m mailsink.Message) string {
	t.Helper()
	match := resetLink.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no reset link in mail %q:\n%s", m.Subject, m.Text)
	}
	tok, err := url.QueryUnescape(match[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.HTML, "reset-password?token=") {
		t.Errorf("HTML part lacks the reset link")
	}
	return tok
}
