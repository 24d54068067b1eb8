package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// answer runs fail(err) for a request with Accept-Language accept and
// returns the problem and the response's Content-Language.
func answer(t *testing.T, accept string, err error) (Problem, string) {
	t.Helper()
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/v1/x", nil)
	if accept != "" {
		c.Request.Header.Set("Accept-Language", accept)
	}
	fail(c, err)
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p, w.Header().Get("Content-Language")
}

// TestFailAnswersInTheRequestLanguage: fail translates title, detail (the
// format before its values) and field reasons (also those filled in by a
// domain package) into the request's language, Dutch by default.
func TestFailAnswersInTheRequestLanguage(t *testing.T) {
	p, lang := answer(t, "", errNotFound("This patient"))
	if lang != "nl" || p.Title != "Niet gevonden" || p.Detail != "Deze patiënt bestaat niet of is niet van u." {
		t.Errorf("default: %s %+v", lang, p)
	}
	p, lang = answer(t, "en-GB,en;q=0.9", errNotFound("This patient"))
	if lang != "en" || p.Title != "Not found" || p.Detail != "This patient does not exist or is not yours." {
		t.Errorf("English: %s %+v", lang, p)
	}
	p, _ = answer(t, "nl-NL", errTooMany("At most %d event streams may be open at once; close one first.", 4))
	if p.Title != "Te veel verzoeken" || p.Detail != "Er mogen hoogstens 4 gebeurtenisstromen tegelijk open zijn; sluit er eerst een." {
		t.Errorf("format: %+v", p)
	}
	p, _ = answer(t, "nl", errValidation(
		FieldProblem{Field: "name", Reason: "is required"},
		FieldProblem{Field: "text", Reason: "must be at most 200 characters"},
		FieldProblem{Field: "rules[1].Start", Reason: "overlaps rule 0 (video 1 09:00–12:00)"},
	))
	want := []string{"is verplicht", "mag hoogstens 200 tekens lang zijn", "overlapt met regel 0 (video 1 09:00–12:00)"}
	if p.Title != "Ongeldige invoer" || len(p.Errors) != 3 {
		t.Fatalf("validation: %+v", p)
	}
	for i, w := range want {
		if p.Errors[i].Reason != w {
			t.Errorf("reason %d = %q, want %q", i, p.Errors[i].Reason, w)
		}
	}
	// A workflow's refusal names an action and a status of the catalog.
	p, _ = answer(t, "nl", errConflict("cancelling is not possible while the consultation is completed"))
	if p.Detail != "annuleren is niet mogelijk zolang het consult afgerond is" {
		t.Errorf("workflow refusal: %+v", p)
	}
	// The request's own choice (a form's language) goes first.
	p, lang = answer(t, "nl", newProblem(http.StatusConflict, "x", "Conflict", "The form was sent already.").inLanguage("en"))
	if lang != "en" || p.Detail != "The form was sent already." {
		t.Errorf("pinned: %s %+v", lang, p)
	}
	// A 500 hides the error, in Dutch too.
	p, lang = answer(t, "", errors.New("secret"))
	if lang != "nl" || p.Status != 500 || p.Title != "Interne fout" {
		t.Errorf("500: %s %+v", lang, p)
	}
}

// TestFailOnAClientThatWentAwayIsNotAnError: a handler failing because the
// client closed the request (its context cancelled, as pgx reports it on a
// commit) is answered 499 without a body and logged as information, not as
// a 500 "request failed"; the same cancellation error while the request's
// own context is alive stays a 500.
func TestFailOnAClientThatWentAwayIsNotAnError(t *testing.T) {
	gone := fmt.Errorf("db: commit: timeout: %w", context.Canceled)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPut, "/v1/doctor/profile", nil).WithContext(ctx)
	fail(c, gone)
	if w.Code != StatusClientClosedRequest || w.Body.Len() != 0 {
		t.Errorf("client gone: %d %q", w.Code, w.Body.String())
	}
	p, _ := answer(t, "", gone)
	if p.Status != http.StatusInternalServerError {
		t.Errorf("live request: %+v", p)
	}
}
