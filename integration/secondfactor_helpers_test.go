package integration

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/secure"
)

// totpSecrets are the authenticator secrets of accounts the tests enrolled;
// every other doctor and the admin have the demo secret.
var (
	totpSecretsMu sync.Mutex
	totpSecrets   = map[string]string{}
)

// totpSecretOf is the authenticator secret of email.
func totpSecretOf(email string) string {
	totpSecretsMu.Lock()
	defer totpSecretsMu.Unlock()
	if s, ok := totpSecrets[strings.ToLower(email)]; ok {
		return s
	}
	return demodata.DemoTOTPSecret
}

// giveSecondFactor completes a password login (s) in c as the web client's
// second step does: with the current authenticator code when the account
// has one, after enrolling an authenticator when a doctor or admin has none.
// Every login of doctors and admins in the tests goes through here.
func giveSecondFactor(t *testing.T, c *apiClient, email, password string, s *session) {
	t.Helper()
	switch s.User.SecondFactor {
	case "required":
		var res struct {
			User struct {
				SecondFactor string `json:"second_factor"`
			} `json:"user"`
		}
		sendTOTP(t, c, "/v1/auth/second-factor", totpSecretOf(email)).decode(t, &res)
		s.User.SecondFactor = res.User.SecondFactor
	case "enrolment_required":
		var enrol struct {
			Secret string `json:"secret"`
		}
		c.do("POST", "/v1/me/second-factor", map[string]any{"password": password}).expect(t, http.StatusOK).decode(t, &enrol)
		sendTOTP(t, c, "/v1/me/second-factor/confirm", enrol.Secret)
		totpSecretsMu.Lock()
		totpSecrets[strings.ToLower(email)] = enrol.Secret
		totpSecretsMu.Unlock()
		s.User.SecondFactor = "verified"
	}
}

// sendTOTP posts the current code of secret to path. A code is good once
// per account, within one step either side of now: when another login of
// the account spent this step's code, it gives the next step's at once, and
// waits for the clock only when that one is spent too.
func sendTOTP(t *testing.T, c *apiClient, path, secret string) response {
	t.Helper()
	for attempt := 0; ; attempt++ {
		at := time.Now()
		if attempt%2 == 1 {
			at = at.Add(secure.TOTPPeriod)
		}
		code, err := secure.TOTPCode(secret, at)
		if err != nil {
			t.Fatal(err)
		}
		res := c.do("POST", path, map[string]any{"code": code})
		if res.Status == http.StatusOK || attempt == 3 || !strings.Contains(string(res.Body), "second-factor-incorrect") {
			return res.expect(t, http.StatusOK)
		}
		if attempt%2 == 1 {
			time.Sleep(secure.TOTPPeriod - time.Duration(time.Now().UnixNano()%int64(secure.TOTPPeriod)) + 50*time.Millisecond)
		}
	}
}
