package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestBadInputIsA4xxProblemAndWritesNothing sends malformed JSON, missing
// fields, wrong types, unknown fields, huge bodies and wrong media types to
// every JSON route and checks each answer is a 4xx problem and that no row
// was written.
func TestBadInputIsA4xxProblemAndWritesNothing(t *testing.T) {
	_, reg := registerPatient(t, newEmail("badinput"), "first-password-1")
	authed := &apiClient{t: t, token: reg.Token}
	huge := `{"email":"` + strings.Repeat("a", 2<<20) + `@x.nl","password":"x","name":"x"}`
	bodies := []struct {
		name, contentType, body string
		want                    int
	}{
		{"malformed", "application/json", `{"email": "a@b.nl",`, http.StatusBadRequest},
		{"not an object", "application/json", `[1,2,3]`, http.StatusBadRequest},
		{"empty", "application/json", ``, http.StatusBadRequest},
		{"two objects", "application/json", `{} {}`, http.StatusBadRequest},
		{"missing fields", "application/json", `{}`, http.StatusUnprocessableEntity},
		{"wrong types", "application/json", `{"email": 42, "password": true, "name": [], "token": 1}`, http.StatusUnprocessableEntity},
		{"unknown field", "application/json", `{"email":"a@b.nl","password":"long-enough-1","name":"A","admin":true}`, http.StatusUnprocessableEntity},
		{"bad email", "application/json", `{"email":"not-an-email","password":"long-enough-1","name":"A","token":"x"}`, http.StatusUnprocessableEntity},
		{"huge", "application/json", huge, http.StatusRequestEntityTooLarge},
		{"form encoded", "application/x-www-form-urlencoded", `email=a@b.nl`, http.StatusUnsupportedMediaType},
	}
	routes := []struct {
		path   string
		client *apiClient
	}{
		{"/v1/auth/register", newClient(t)},
		{"/v1/auth/login", newClient(t)},
		{"/v1/auth/password/forgot", newClient(t)},
		{"/v1/auth/password/reset", authed},
	}
	users, resets, tokens := count(t, "users"), count(t, "password_resets"), count(t, "auth_tokens")
	for _, r := range routes {
		for _, b := range bodies {
			t.Run(strings.TrimPrefix(r.path, "/v1/")+"/"+b.name, func(t *testing.T) {
				c := &apiClient{t: t, token: r.client.token}
				res := c.raw("POST", r.path, b.contentType, []byte(b.body))
				res.expect(t, b.want)
				p := res.problem(t)
				if b.want == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
					t.Errorf("422 without field errors: %s", res.Body)
				}
			})
		}
	}
	if got := count(t, "users"); got != users {
		t.Errorf("users %d → %d after bad input", users, got)
	}
	if got := count(t, "password_resets"); got != resets {
		t.Errorf("password_resets %d → %d after bad input", resets, got)
	}
	if got := count(t, "auth_tokens"); got != tokens {
		t.Errorf("auth_tokens %d → %d after bad input", tokens, got)
	}
}

func TestBadTokensAndUnknownRoutes(t *testing.T) {
	for _, token := range []string{"nope", strings.Repeat("x", 500)} {
		c := &apiClient{t: t, token: token}
		c.do("GET", "/v1/doctors", nil).expect(t, http.StatusUnauthorized).problem(t)
		c.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized).problem(t)
	}
	anon := newClient(t)
	anon.do("GET", "/v1/me", nil).expect(t, http.StatusUnauthorized).problem(t)
	anon.do("GET", "/v1/doctors/not-a-uuid", nil).expect(t, http.StatusNotFound).problem(t)
	anon.raw("GET", "/v1/doctors?per_page=1000", "", nil).expect(t, http.StatusBadRequest).problem(t)
	anon.raw("GET", "/v1/doctors?page=0", "", nil).expect(t, http.StatusBadRequest).problem(t)
	for _, q := range []string{"sort=cheapest", "type=house_call", "near=52.1", "near=91,5", "sort=distance",
		"radius_km=5", "min_rating=6", "max_price=-1", "available_before=soon", "q=" + strings.Repeat("x", 201)} {
		anon.raw("GET", "/v1/doctors?"+q, "", nil).expect(t, http.StatusBadRequest).problem(t)
	}
}

func count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
