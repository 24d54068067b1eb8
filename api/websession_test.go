package api

import "testing"

func TestCookieSecure(t *testing.T) {
	cases := map[string]bool{
		"https://derma2go.nl":    true,
		"https://127.0.0.1:8443": true,
		"http://127.0.0.1:8080":  false,
		"http://localhost:8080":  false,
		"http://[::1]:8080":      false,
		"http://derma.example":   true,
		"http://10.0.0.5:8080":   true,
		"::not a url":            true,
	}
	for u, want := range cases {
		if got := cookieSecure(u); got != want {
			t.Errorf("cookieSecure(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestCSRFTokenIsBoundToTheSession(t *testing.T) {
	a, b := csrfToken("token-a"), csrfToken("token-b")
	if a == b || a != csrfToken("token-a") || len(a) != 64 {
		t.Errorf("csrf tokens %q %q", a, b)
	}
	if a == "token-a" {
		t.Error("the CSRF value must not be the session token")
	}
}
