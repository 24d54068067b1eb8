package domain

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func sample() Questionnaire {
	return Questionnaire{Title: "Before your visit", Questions: []Question{
		{ID: "why", Kind: QuestionLongText, Label: "Why do you come?", Required: true, MinLength: 3},
		{ID: "where", Kind: QuestionText, Label: "Where?", MaxLength: 20},
		{ID: "since", Kind: QuestionDate, Label: "Since when?"},
		{ID: "itch", Kind: QuestionYesNo, Label: "Does it itch?", Required: true},
		{ID: "spots", Kind: QuestionNumber, Label: "How many spots?", Min: float(0), Max: float(100)},
		{ID: "colour", Kind: QuestionSingleChoice, Label: "Colour", Options: []string{"red", "brown"}},
		{ID: "tried", Kind: QuestionMultipleChoice, Label: "Tried", Options: []string{"cream", "pills", "nothing"}},
		{ID: "photo", Kind: QuestionPhoto, Label: "A photo"},
	}}
}

func TestQuestionnaireCheck(t *testing.T) {
	if errs := sample().Check(); errs != nil {
		t.Fatalf("sample: %v", errs)
	}
	for _, k := range FormKinds() {
		if errs := BuiltinQuestionnaire(k).Check(); errs != nil {
			t.Fatalf("built-in %s: %v", k, errs)
		}
	}
	bad := map[string]func(q *Questionnaire){
		"questions[0].id":         func(q *Questionnaire) { q.Questions[0].ID = "Why?" },
		"questions[1].id":         func(q *Questionnaire) { q.Questions[1].ID = "why" },
		"questions[0].kind":       func(q *Questionnaire) { q.Questions[0].Kind = "essay" },
		"questions[0].label":      func(q *Questionnaire) { q.Questions[0].Label = "  " },
		"questions[5].options":    func(q *Questionnaire) { q.Questions[5].Options = []string{"red"} },
		"questions[6].options":    func(q *Questionnaire) { q.Questions[6].Options = []string{"a", "a"} },
		"questions[3].options":    func(q *Questionnaire) { q.Questions[3].Options = []string{"a", "b"} },
		"questions[4].min":        func(q *Questionnaire) { q.Questions[4].Min = float(200) },
		"questions[3].max_length": func(q *Questionnaire) { q.Questions[3].MaxLength = 5 },
		"questions[0].min_length": func(q *Questionnaire) { q.Questions[0].MaxLength = 2 },
		"title":                   func(q *Questionnaire) { q.Title = strings.Repeat("t", MaxTitleLength+1) },
		"questions":               func(q *Questionnaire) { q.Questions = nil },
	}
	for field, spoil := range bad {
		q := sample()
		q.Questions = append([]Question(nil), q.Questions...)
		spoil(&q)
		errs := q.Check()
		if len(errs) == 0 || errs[0].Field != field {
			t.Errorf("%s: errors %v", field, errs)
		}
	}
}

func TestCheckAnswers(t *testing.T) {
	q := sample()
	got, errs := CheckAnswers(q, []byte(`{"why":"a rash","where":"","since":"2026-02-01","itch":false,"spots":3,
		"colour":"red","tried":["nothing","cream","cream"],"photo":"0B6F5C4E-8D0A-4C7B-9C52-2F7E8A3E1D11"}`))
	if errs != nil {
		t.Fatal(errs)
	}
	want := `{"colour":"red","itch":false,"photo":"0b6f5c4e-8d0a-4c7b-9c52-2f7e8a3e1d11","since":"2026-02-01","spots":3,"tried":["cream","nothing"],"why":"a rash"}`
	if string(got.Canonical()) != want {
		t.Fatalf("canonical\n %s\nwant\n %s", got.Canonical(), want)
	}
	if ids := got.PhotoIDs(q); len(ids) != 1 || ids[0].String() != "0b6f5c4e-8d0a-4c7b-9c52-2f7e8a3e1d11" {
		t.Fatalf("photo ids %v", ids)
	}
	for body, field := range map[string]string{
		`{"itch":true}`:                                                       "answers.why",
		`{"why":"ok?","itch":"yes"}`:                                          "answers.itch",
		`{"why":"ab","itch":true}`:                                            "answers.why",
		`{"why":"abc","itch":true,"x":1}`:                                     "answers.x",
		`{"why":"abc","itch":true,"spots":101}`:                               "answers.spots",
		`{"why":"abc","itch":true,"spots":"3"}`:                               "answers.spots",
		`{"why":"abc","itch":true,"since":"2026-02-30"}`:                      "answers.since",
		`{"why":"abc","itch":true,"colour":"blue"}`:                           "answers.colour",
		`{"why":"abc","itch":true,"tried":["x"]}`:                             "answers.tried",
		`{"why":"abc","itch":true,"photo":"me.jpg"}`:                          "answers.photo",
		`{"why":"abc","itch":true,"where":"` + strings.Repeat("é", 21) + `"}`: "answers.where",
		`[1]`:   "answers",
		`null`:  "answers",
		`{} {}`: "answers",
	} {
		if _, errs := CheckAnswers(q, []byte(body)); len(errs) == 0 || errs[0].Field != field {
			t.Errorf("%s: errors %v, want %s first", body, errs, field)
		}
	}
}

func TestQuestionnaireResponseInFHIR(t *testing.T) {
	q := sample()
	a, errs := CheckAnswers(q, []byte(`{"why":"a rash","itch":true,"spots":2.5,"tried":["pills","cream"],"since":"2025-12-24","photo":"0b6f5c4e-8d0a-4c7b-9c52-2f7e8a3e1d11"}`))
	if errs != nil {
		t.Fatal(errs)
	}
	r := QuestionnaireResponse(FilledQuestionnaire{QuestionnaireID: "q-1", Version: 2, Questions: q, Answers: a},
		FHIROptions{ID: "c-1", CanonicalBase: "https://derma2go.nl/fhir/Questionnaire/", Subject: &FHIRReference{Reference: "Patient/p-1"},
			PhotoURL: func(id string) string { return "Binary/" + id }})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"resourceType":"QuestionnaireResponse"`, `"status":"completed"`,
		`"questionnaire":"https://derma2go.nl/fhir/Questionnaire/q-1|2"`, `{"linkId":"itch","text":"Does it itch?","answer":[{"valueBoolean":true}]}`,
		`{"linkId":"tried","text":"Tried","answer":[{"valueString":"cream"},{"valueString":"pills"}]}`, `"valueDecimal":2.5`,
		`"valueDate":"2025-12-24"`, `"url":"Binary/0b6f5c4e-8d0a-4c7b-9c52-2f7e8a3e1d11"`, `{"linkId":"where","text":"Where?"}`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("response lacks %s:\n%s", want, b)
		}
	}
}

// FuzzCheckAnswers checks fuzzed answers against a fuzzed questionnaire
// (and the sample): it never panics, accepted answers name only known
// questions and every required one, and they check again to the same
// canonical form.
func FuzzCheckAnswers(f *testing.F) {
	def, _ := json.Marshal(sample())
	f.Add(def, []byte(`{"why":"a rash","itch":true,"tried":["cream"],"spots":1e1}`))
	f.Add(def, []byte(`{"why":"abc","itch":false,"since":"1999-01-01","photo":"0b6f5c4e-8d0a-4c7b-9c52-2f7e8a3e1d11"}`))
	f.Fuzz(func(t *testing.T, definition, answers []byte) {
		var q Questionnaire
		if json.Unmarshal(definition, &q) != nil || q.Check() != nil {
			q = sample()
		}
		got, errs := CheckAnswers(q, answers)
		if errs != nil {
			if got != nil || errs[0].Field == "" || errs[0].Reason == "" {
				t.Fatalf("refusal %v with answers %v", errs, got)
			}
			return
		}
		known := map[string]bool{}
		for _, qu := range q.Questions {
			known[qu.ID] = true
			if _, ok := got[qu.ID]; qu.Required && !ok {
				t.Fatalf("required %s missing from %v", qu.ID, got)
			}
		}
		for id := range got {
			if !known[id] {
				t.Fatalf("unknown %q accepted", id)
			}
		}
		again, errs := CheckAnswers(q, got.Canonical())
		if errs != nil || !bytes.Equal(again.Canonical(), got.Canonical()) {
			t.Fatalf("canonical %s checks to %s (%v)", got.Canonical(), again.Canonical(), errs)
		}
	})
}
