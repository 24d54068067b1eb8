package emr

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/domain"
)

// TestCheckCode: ICD-10 codes (L40, L40.0, normalised to upper case) and
// SNOMED CT concept ids pass; codes of the wrong shape, a code without its
// system and unknown systems do not.
func TestCheckCode(t *testing.T) {
	ok := []struct{ system, code, want string }{
		{"", "", ""}, {CodeICD10, "L40", "L40"}, {CodeICD10, " l40.0 ", "L40.0"}, {CodeICD10, "B35.31", "B35.31"},
		{CodeSNOMED, "9014002", "9014002"}, {CodeSNOMED, "24079001", "24079001"},
	}
	for _, c := range ok {
		got, err := CheckCode(c.system, c.code)
		if err != nil || got != c.want {
			t.Errorf("CheckCode(%q, %q) = %q, %v; want %q", c.system, c.code, got, err, c.want)
		}
	}
	bad := []struct {
		system, code string
		want         error
	}{
		{"", "L40", ErrCodeWithout}, {"icd9", "696.1", ErrCodeSystem}, {CodeICD10, "", ErrCodeFormat},
		{CodeICD10, "40L", ErrCodeFormat}, {CodeICD10, "L4", ErrCodeFormat}, {CodeICD10, "L40.", ErrCodeFormat},
		{CodeICD10, "L40-0", ErrCodeFormat}, {CodeSNOMED, "L40.0", ErrCodeFormat}, {CodeSNOMED, "12345", ErrCodeFormat},
		{CodeSNOMED, "0123456", ErrCodeFormat},
	}
	for _, c := range bad {
		if _, err := CheckCode(c.system, c.code); !errors.Is(err, c.want) {
			t.Errorf("CheckCode(%q, %q) = %v, want %v", c.system, c.code, err, c.want)
		}
	}
}

// TestCheckText trims and bounds the text of an entry.
func TestCheckText(t *testing.T) {
	if s, err := CheckText("  Psoriasis \n", 20); err != nil || s != "Psoriasis" {
		t.Errorf("CheckText = %q, %v", s, err)
	}
	if _, err := CheckText(" \t", 20); !errors.Is(err, ErrEmptyText) {
		t.Errorf("blank: %v", err)
	}
	if _, err := CheckText("ééééé", 4); !errors.Is(err, ErrTextTooLong) {
		t.Errorf("too long: %v", err)
	}
	if _, err := CheckText("éééé", 4); err != nil {
		t.Errorf("four runes: %v", err)
	}
}

// TestTimelineAndPDFCarryTheDoctorsQuestionnaire: a filled doctor's
// questionnaire is one timeline entry after the consultation, titled with
// its version, each answered question a labelled line in question order
// (choices joined, yes/no and numbers printed), and it is counted.
func TestTimelineAndPDFCarryTheDoctorsQuestionnaire(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	doctor, c := uuid.New(), uuid.New()
	r := &Record{GeneratedAt: at, Patient: Patient{ID: uuid.New(), Name: "Pim"},
		Doctors:       []Doctor{{ID: doctor, Name: "Dr. A"}},
		Consultations: []Consultation{{ID: c, DoctorID: doctor, Type: "video", Status: "scheduled", CreatedAt: at, Start: &at}},
		Questionnaires: []FilledQuestionnaire{{ConsultationID: c, DoctorID: doctor, FilledQuestionnaire: domain.FilledQuestionnaire{
			Version: 2, SubmittedAt: at.Add(-time.Hour),
			Questions: domain.Questionnaire{Title: "Intake video", Questions: []domain.Question{
				{ID: "why", Kind: domain.QuestionLongText, Label: "Waarvoor komt u?"},
				{ID: "skipped", Kind: domain.QuestionText, Label: "Overgeslagen"},
				{ID: "where", Kind: domain.QuestionMultipleChoice, Label: "Waar?", Options: []string{"armen", "romp"}},
				{ID: "itch", Kind: domain.QuestionYesNo, Label: "Jeukt het?"},
				{ID: "spots", Kind: domain.QuestionNumber, Label: "Hoeveel?"},
			}},
			Answers: domain.Answers{"why": "Schilfers", "where": []string{"armen", "romp"}, "itch": false, "spots": 3.0},
		}}},
	}
	if r.Entries() != 2 {
		t.Fatalf("entries %d, want 2", r.Entries())
	}
	var got *Entry
	for _, e := range r.Timeline() {
		if e.Kind == KindQuestionnaire {
			got = &e
		}
	}
	if got == nil || got.Title != "Intake video (v2)" || got.ConsultationID.UUID != c || got.DoctorID != doctor {
		t.Fatalf("questionnaire entry: %+v", got)
	}
	want := []Detail{{"Waarvoor komt u?", "Schilfers"}, {"Waar?", "armen, romp"}, {"Jeukt het?", "nee / no"}, {"Hoeveel?", "3"}}
	if !slices.Equal(got.Details, want) {
		t.Fatalf("details %+v, want %+v", got.Details, want)
	}
	pdf, err := r.PDF(true)
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("PDF: %v", err)
	}
}
