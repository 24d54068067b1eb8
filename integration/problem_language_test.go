package integration

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
)

// TestProblemsSpeakTheUsersLanguage: representative bad requests — a
// validation 422 with field reasons, a 404, a 409, a 401, a malformed JSON
// body and a 429 — answer in Dutch with Content-Language nl when the
// browser asks for Dutch, and in English for a user who chose English (the
// setting goes before Accept-Language). None is a 500.
func TestProblemsSpeakTheUsersLanguage(t *testing.T) {
	const password = "Taal-van-de-patient-42"
	dutch := func(c *apiClient) *apiClient {
		c.header = http.Header{"Accept-Language": {"nl-NL,nl;q=0.9,en;q=0.5"}}
		return c
	}
	check := func(name string, res response, status int, lang, title, detail string, reasons map[string]string) {
		t.Helper()
		if res.Status != status {
			t.Errorf("%s: status %d, want %d: %s", name, res.Status, status, res.Body)
			return
		}
		p := res.problem(t)
		if got := res.Header.Get("Content-Language"); got != lang {
			t.Errorf("%s: Content-Language %q, want %q", name, got, lang)
		}
		if p.Title != title || (detail != "" && p.Detail != detail) {
			t.Errorf("%s: title %q detail %q, want %q, %q", name, p.Title, p.Detail, title, detail)
		}
		for field, want := range reasons {
			found := false
			for _, e := range p.Errors {
				if e.Field == field {
					found = true
					if e.Reason != want {
						t.Errorf("%s: %s %q, want %q", name, field, e.Reason, want)
					}
				}
			}
			if !found {
				t.Errorf("%s: no reason for %s in %+v", name, field, p.Errors)
			}
		}
	}

	anon := dutch(newClient(t))
	check("422", anon.raw("POST", "/v1/auth/register", "application/json",
		[]byte(`{"email": "geen-adres", "password": "`+password+`", "name": ""}`)),
		http.StatusUnprocessableEntity, "nl", "Ongeldige invoer", "Een of meer velden zijn niet goed ingevuld.",
		map[string]string{"email": "moet een e-mailadres zijn", "name": "is verplicht"})
	check("404", anon.do("GET", "/v1/doctors/"+uuid.NewString(), nil),
		http.StatusNotFound, "nl", "Niet gevonden", "Deze arts bestaat niet of is niet van u.", nil)
	check("401", anon.do("GET", "/v1/me", nil),
		http.StatusUnauthorized, "nl", "Niet ingelogd", "", nil)
	check("bad JSON", anon.raw("POST", "/v1/auth/login", "application/json", []byte(`{"email": `)),
		http.StatusBadRequest, "nl", "Ongeldig verzoek", "De inhoud van het verzoek is geen geldige JSON.", nil)

	email := newEmail("problem-language")
	patient, _ := registerVerified(t, email, password)
	dutch(patient)
	check("409", patient.do("POST", "/v1/me/email/verification", nil),
		http.StatusConflict, "nl", "Adres al bevestigd", "Uw e-mailadres is al bevestigd.", nil)

	// Wrong passwords: three are free, then the pair waits.
	guesser := dutch(newClient(t))
	var res response
	for range 5 {
		res = guesser.do("POST", "/v1/auth/login", map[string]any{"email": email, "password": "verkeerd-wachtwoord-1"})
		if res.Status == http.StatusTooManyRequests {
			break
		}
		res.expect(t, http.StatusUnauthorized)
	}
	check("429", res, http.StatusTooManyRequests, "nl", "Te veel verzoeken",
		"Te veel mislukte inlogpogingen voor dit account vanaf deze plek. Wacht even voordat u het opnieuw probeert.", nil)

	// A user who chose English gets English, whatever the browser asks.
	patient.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK)
	check("409 en", patient.do("POST", "/v1/me/email/verification", nil),
		http.StatusConflict, "en", "Address confirmed already", "Your email address is confirmed already.", nil)
	check("422 en", patient.raw("PUT", "/v1/me/language", "application/json", []byte(`{"language": "fr"}`)),
		http.StatusUnprocessableEntity, "en", "Invalid input", "One or more fields are invalid.", nil)
	check("404 en", patient.do("GET", "/v1/consultations/"+uuid.NewString(), nil),
		http.StatusNotFound, "en", "Not found", "This consultation does not exist or is not yours.", nil)
}
