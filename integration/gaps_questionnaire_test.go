package integration

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// gapsQuestionnaireDoctor is the demo doctor of the questionnaire-in-record
// test (round-the-clock video hours, its own questionnaire).
const gapsQuestionnaireDoctor = 114

// TestDoctorsQuestionnaireInRecordAndLocalisedAnswerProblems: a patient's
// wrong answers to a doctor's questionnaire are refused field by field in
// the patient's language (Dutch by default, English after switching), with
// the bounds of a length and a range; the filled questionnaire then appears
// in the doctor's record timeline with its title, version and the answers
// under their questions, in the record PDF, and in the doctor's and the
// patient's FHIR Bundles as a QuestionnaireResponse to the version's
// canonical URL (0 schema errors).
func TestDoctorsQuestionnaireInRecordAndLocalisedAnswerProblems(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, gapsQuestionnaireDoctor)
	if res := doctor.do("DELETE", "/v1/doctor/questionnaires/video", nil); res.Status != http.StatusNoContent && res.Status != http.StatusNotFound {
		t.Fatalf("withdraw a left-over questionnaire → %d", res.Status)
	}
	var v struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	}
	doctor.do("POST", "/v1/doctor/questionnaires", questionsV1()).expect(t, http.StatusCreated).decode(t, &v)

	password := "gaps-questionnaire-1"
	patient, s := registerPatient(t, newEmail("gaps-qnr"), password)
	id, _ := bookPaidVideo(t, patient, doctorID, time.Now())
	path := "/v1/consultations/" + id + "/questionnaire"
	bad := map[string]any{"why": "kort", "spots": 51, "since": "gisteren", "where": []string{"hoofd"}}
	reasons := func() map[string]string {
		p := patient.do("POST", path, map[string]any{"version": v.Version, "answers": bad}).
			expect(t, http.StatusUnprocessableEntity).problem(t)
		out := map[string]string{"": p.Detail}
		for _, e := range p.Errors {
			out[e.Field] = e.Reason
		}
		return out
	}
	nl := reasons()
	wantNL := map[string]string{
		"":              "Een of meer antwoorden kloppen niet.",
		"answers.why":   "Gebruik 5 tot 4000 tekens.",
		"answers.itch":  "Deze vraag is verplicht.",
		"answers.since": "Vul een datum in (tussen 1900 en 2200).",
		"answers.spots": "Vul een getal van 0 tot en met 50 in.",
		"answers.where": "Kies uit de mogelijkheden.",
	}
	for f, want := range wantNL {
		if nl[f] != want {
			t.Errorf("Dutch %q: %q, want %q", f, nl[f], want)
		}
	}
	patient.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK)
	en := reasons()
	wantEN := map[string]string{
		"":              "One or more answers are not right.",
		"answers.itch":  "This question is required.",
		"answers.spots": "Enter a number from 0 to 50.",
	}
	for f, want := range wantEN {
		if en[f] != want {
			t.Errorf("English %q: %q, want %q", f, en[f], want)
		}
	}

	good := map[string]any{"why": "Rode schilferende plekken", "itch": true, "since": "2026-01-15", "spots": 4,
		"where": []string{"romp", "armen"}}
	patient.do("POST", path, map[string]any{"version": v.Version, "answers": good}).expect(t, http.StatusCreated)

	base := "/v1/doctor/patients/" + s.User.ID
	var rec recordView
	doctor.do("GET", base+"/record", nil).expect(t, http.StatusOK).decode(t, &rec)
	at := -1
	for i, e := range rec.Entries {
		if e.Kind == "questionnaire" {
			at = i
		}
	}
	if at < 0 {
		t.Fatalf("the doctor's record has no questionnaire entry: %v", rec.kinds())
	}
	entry := rec.Entries[at]
	if entry.ConsultationID != id || entry.Title != "Voor uw videoconsult (v"+strconv.Itoa(v.Version)+")" {
		t.Fatalf("questionnaire entry: %+v", entry)
	}
	got := map[string]string{}
	for _, d := range entry.Details {
		got[d.Label] = d.Value
	}
	if got["Waarvoor komt u?"] != "Rode schilferende plekken" || got["Jeukt het?"] != "ja / yes" || got["Sinds wanneer?"] != "2026-01-15" ||
		got["Hoeveel plekken?"] != "4" || got["Waar?"] != "armen, romp" {
		t.Fatalf("questionnaire details: %+v", entry.Details)
	}
	pdf := doctor.do("GET", base+"/record/pdf", nil).expect(t, http.StatusOK)
	if !pdfHas(pdf.Body, "Rode schilferende plekken") || !pdfHas(pdf.Body, "Waarvoor komt u?") {
		t.Errorf("the record PDF lacks the questionnaire's answers")
	}
	canonical := []byte(`"questionnaire":"urn:derma2go:questionnaire:` + v.ID + `|` + strconv.Itoa(v.Version) + `"`)
	counts, doc := bundleOf(t, doctor, base+"/record/fhir")
	if counts["QuestionnaireResponse"] != 1 || !bytes.Contains(doc, canonical) || !bytes.Contains(doc, []byte(`"valueDate":"2026-01-15"`)) {
		t.Fatalf("the doctor's bundle: %v; canonical %s present: %v", counts, canonical, bytes.Contains(doc, canonical))
	}
	var b struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(doc, &b); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entry {
		if bytes.Contains(e.Resource, canonical) && !strings.Contains(string(e.Resource), `"linkId":"why","text":"Waarvoor komt u?","answer":[{"valueString":"Rode schilferende plekken"}]`) {
			t.Errorf("the response's first item: %s", e.Resource)
		}
	}
	pcounts, pdoc := bundleOf(t, patient, "/v1/me/record/fhir")
	if pcounts["QuestionnaireResponse"] != 1 || !bytes.Contains(pdoc, canonical) {
		t.Fatalf("the patient's bundle: %v", pcounts)
	}
}
