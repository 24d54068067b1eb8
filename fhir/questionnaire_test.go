package fhir_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/domain"
	"derma2go/emr"
	"derma2go/fhir/fhirtest"
)

// withQuestionnaire adds to the full record's video consultation a doctor's
// questionnaire (version 3) with an answer of every kind, the photo one
// naming a photo of the record.
func withQuestionnaire(r *emr.Record) (*emr.Record, uuid.UUID, uuid.UUID) {
	c2 := r.Consultations[1].ID
	photo := uuid.New()
	r.Photos = append(r.Photos, emr.Photo{ID: photo, ConsultationID: c2, ContentType: "image/jpeg", SizeBytes: 999, Width: 20, Height: 10,
		CreatedAt: r.Consultations[1].CreatedAt})
	qid := uuid.New()
	zero, fifty := 0.0, 50.0
	r.Questionnaires = []emr.FilledQuestionnaire{{ConsultationID: c2, DoctorID: r.Doctors[0].ID, FilledQuestionnaire: domain.FilledQuestionnaire{
		QuestionnaireID: qid.String(), Version: 3, SubmittedAt: r.Consultations[1].CreatedAt.Add(time.Hour),
		Questions: domain.Questionnaire{Title: "Voor uw videoconsult", Questions: []domain.Question{
			{ID: "why", Kind: domain.QuestionLongText, Label: "Waarvoor komt u?", Required: true},
			{ID: "itch", Kind: domain.QuestionYesNo, Label: "Jeukt het?"},
			{ID: "since", Kind: domain.QuestionDate, Label: "Sinds wanneer?"},
			{ID: "spots", Kind: domain.QuestionNumber, Label: "Hoeveel plekken?", Min: &zero, Max: &fifty},
			{ID: "where", Kind: domain.QuestionMultipleChoice, Label: "Waar?", Options: []string{"armen", "benen", "romp"}},
			{ID: "skin", Kind: domain.QuestionSingleChoice, Label: "Huidtype", Options: []string{"droog", "vet"}},
			{ID: "photo", Kind: domain.QuestionPhoto, Label: "Een foto van de plek"},
			{ID: "extra", Kind: domain.QuestionText, Label: "Nog iets?"},
		}},
		Answers: domain.Answers{"why": "Rode plekken", "itch": true, "since": "2026-01-15", "spots": 4.0,
			"where": []string{"armen", "romp"}, "skin": "droog", "photo": photo.String()},
	}}}
	return r, qid, photo
}

// TestExportCarriesTheDoctorsQuestionnaire: a filled doctor's questionnaire
// becomes a QuestionnaireResponse answering its version's canonical URL,
// items in question order with labels, each answer in its FHIR type (date,
// decimal, boolean, strings, the photo as an attachment with the reader's
// link), the unanswered question without answer; the Bundle has 0 schema
// errors.
func TestExportCarriesTheDoctorsQuestionnaire(t *testing.T) {
	r, qid, photo := withQuestionnaire(fullRecord())
	doc := export(t, r)
	if problems := fhirtest.Validate(doc); len(problems) > 0 {
		t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	var b struct {
		Total int `json:"total"`
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(doc, &b); err != nil {
		t.Fatal(err)
	}
	var found *domain.FHIRQuestionnaireResponse
	n := 0
	for _, e := range b.Entry {
		var head struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal(e.Resource, &head); err != nil {
			t.Fatal(err)
		}
		if head.ResourceType == "QuestionnaireResponse" {
			var qr domain.FHIRQuestionnaireResponse
			if err := json.Unmarshal(e.Resource, &qr); err != nil {
				t.Fatal(err)
			}
			n++
			if strings.Contains(qr.Questionnaire, qid.String()) {
				found = &qr
			}
		}
	}
	if n != 2 || found == nil {
		t.Fatalf("%d QuestionnaireResponses (want the intake's and the doctor's), doctor's found: %v", n, found != nil)
	}
	if b.Total != 2+r.Entries() {
		t.Errorf("total %d for %d record entries", b.Total, r.Entries())
	}
	qr := *found
	if qr.Questionnaire != "urn:derma2go:questionnaire:"+qid.String()+"|3" || qr.Status != "completed" ||
		qr.Encounter == nil || qr.Encounter.Reference != "urn:uuid:"+r.Consultations[1].ID.String() ||
		qr.Subject == nil || qr.Subject.Reference != "urn:uuid:"+r.Patient.ID.String() || qr.Authored == "" {
		t.Fatalf("response header: %+v", qr)
	}
	if len(qr.Item) != 8 || qr.Item[0].LinkID != "why" || qr.Item[0].Text != "Waarvoor komt u?" || len(qr.Item[7].Answer) != 0 {
		t.Fatalf("items: %+v", qr.Item)
	}
	it := qr.Item
	if *it[1].Answer[0].ValueBoolean != true || *it[2].Answer[0].ValueDate != "2026-01-15" || *it[3].Answer[0].ValueDecimal != 4 ||
		len(it[4].Answer) != 2 || *it[4].Answer[1].ValueString != "romp" || *it[5].Answer[0].ValueString != "droog" {
		t.Fatalf("answers: %s", doc)
	}
	if a := it[6].Answer[0].ValueAttachment; a == nil || a.URL != "/v1/photos/"+photo.String() {
		t.Fatalf("photo answer: %+v", it[6].Answer)
	}
}
