package api

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The email-advice intake forms. The short form is the patient's question
// in a few fields; the detailed form adds history and medication, which a
// doctor needs for a fuller answer.

// shortIntake is the short question set.
type shortIntake struct {
	Complaint string `json:"complaint" validate:"required,min=10,max=2000"`
	Location  string `json:"location" validate:"required,max=200"`
	Duration  string `json:"duration" validate:"required,oneof=days weeks months years"`
	Question  string `json:"question" validate:"required,min=5,max=1000"`
}

// detailedIntake is the detailed question set.
type detailedIntake struct {
	Complaint         string   `json:"complaint" validate:"required,min=10,max=2000"`
	Location          string   `json:"location" validate:"required,max=200"`
	Duration          string   `json:"duration" validate:"required,oneof=days weeks months years"`
	Question          string   `json:"question" validate:"required,min=5,max=1000"`
	Symptoms          []string `json:"symptoms" validate:"max=10,dive,oneof=itch pain burning bleeding scaling blisters spreading none"`
	Changed           bool     `json:"changed"`
	PreviousTreatment string   `json:"previous_treatment" validate:"max=1000"`
	Medications       string   `json:"medications" validate:"max=1000"`
	Allergies         string   `json:"allergies" validate:"max=500"`
	SkinType          string   `json:"skin_type" validate:"omitempty,oneof=I II III IV V VI"`
	AgeYears          int      `json:"age_years" validate:"required,gte=0,lte=120"`
}

// validateIntake checks answers against the question set of kind and
// returns them in canonical JSON (known fields only).
func validateIntake(kind string, answers json.RawMessage) ([]byte, error) {
	var form any
	switch kind {
	case "short":
		form = &shortIntake{}
	case "detailed":
		form = &detailedIntake{}
	default:
		return nil, fmt.Errorf("intake: unknown form kind %q", kind)
	}
	dec := json.NewDecoder(bytes.NewReader(answers))
	dec.DisallowUnknownFields()
	if err := dec.Decode(form); err != nil {
		return nil, prefixFields(jsonProblem(err), "answers.")
	}
	if err := validateStruct(form); err != nil {
		return nil, prefixFields(err, "answers.")
	}
	return json.Marshal(form)
}

// prefixFields puts a prefix before the field names of a validation problem.
func prefixFields(err error, prefix string) error {
	if p, ok := err.(*problemError); ok {
		for i := range p.fields {
			p.fields[i].Field = prefix + p.fields[i].Field
		}
	}
	return err
}
