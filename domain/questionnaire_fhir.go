package domain

import (
	"strconv"
	"time"
)

// The FHIR R4 form of a filled questionnaire, for the record export (the
// fhir package puts it into a Bundle). Only the elements a
// QuestionnaireResponse of ours uses are modelled.

// FHIRReference is a FHIR Reference ("Patient/<id>").
type FHIRReference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

// FHIRAttachment is a FHIR Attachment: where a photo answer can be read.
type FHIRAttachment struct {
	ContentType string `json:"contentType,omitempty"`
	URL         string `json:"url,omitempty"`
	Title       string `json:"title,omitempty"`
}

// FHIRAnswer is one answer of an item; exactly one value is set.
type FHIRAnswer struct {
	ValueString     *string         `json:"valueString,omitempty"`
	ValueBoolean    *bool           `json:"valueBoolean,omitempty"`
	ValueDecimal    *float64        `json:"valueDecimal,omitempty"`
	ValueDate       *string         `json:"valueDate,omitempty"`
	ValueAttachment *FHIRAttachment `json:"valueAttachment,omitempty"`
}

// FHIRResponseItem is one question (linkId = the question id) with its
// answers; an unanswered question has none.
type FHIRResponseItem struct {
	LinkID string       `json:"linkId"`
	Text   string       `json:"text,omitempty"`
	Answer []FHIRAnswer `json:"answer,omitempty"`
}

// FHIRQuestionnaireResponse is a FHIR R4 QuestionnaireResponse resource.
type FHIRQuestionnaireResponse struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id,omitempty"`
	// Questionnaire is the canonical URL of the version answered
	// ("…|<version>").
	Questionnaire string             `json:"questionnaire,omitempty"`
	Status        string             `json:"status"`
	Subject       *FHIRReference     `json:"subject,omitempty"`
	Encounter     *FHIRReference     `json:"encounter,omitempty"`
	Authored      string             `json:"authored,omitempty"`
	Author        *FHIRReference     `json:"author,omitempty"`
	Item          []FHIRResponseItem `json:"item,omitempty"`
}

// FilledQuestionnaire is a stored response with the version it answered.
type FilledQuestionnaire struct {
	// QuestionnaireID is the doctor's questionnaire ("" for a built-in
	// email-advice form, whose Kind is then set).
	QuestionnaireID string
	// BuiltinForm is the email-advice form kind of a built-in one.
	BuiltinForm FormKind
	Version     int
	Questions   Questionnaire
	Answers     Answers
	SubmittedAt time.Time
}

// FHIROptions are the references and links a QuestionnaireResponse needs
// from its surroundings.
type FHIROptions struct {
	// ID of the resource (e.g. the consultation id).
	ID string
	// CanonicalBase is the base of questionnaire canonical URLs, e.g.
	// "https://derma2go.nl/fhir/Questionnaire/"; empty leaves questionnaire out.
	CanonicalBase string
	Subject       *FHIRReference
	Encounter     *FHIRReference
	Author        *FHIRReference
	// PhotoURL gives the address of a photo answer (nil: no URL).
	PhotoURL func(photoID string) string
}

// QuestionnaireResponse turns a filled questionnaire into a FHIR R4
// QuestionnaireResponse (status completed), items in question order.
func QuestionnaireResponse(f FilledQuestionnaire, o FHIROptions) FHIRQuestionnaireResponse {
	r := FHIRQuestionnaireResponse{ResourceType: "QuestionnaireResponse", ID: o.ID, Status: "completed",
		Subject: o.Subject, Encounter: o.Encounter, Author: o.Author}
	if !f.SubmittedAt.IsZero() {
		r.Authored = f.SubmittedAt.UTC().Format(time.RFC3339)
	}
	if o.CanonicalBase != "" {
		name := f.QuestionnaireID
		if name == "" {
			name = "email-advice-" + string(f.BuiltinForm)
		}
		r.Questionnaire = o.CanonicalBase + name + "|" + strconv.Itoa(f.Version)
	}
	for _, q := range f.Questions.Questions {
		item := FHIRResponseItem{LinkID: q.ID, Text: q.Label}
		switch v := f.Answers[q.ID].(type) {
		case string:
			switch q.Kind {
			case QuestionDate:
				item.Answer = []FHIRAnswer{{ValueDate: &v}}
			case QuestionPhoto:
				att := &FHIRAttachment{Title: q.Label}
				if o.PhotoURL != nil {
					att.URL = o.PhotoURL(v)
				}
				item.Answer = []FHIRAnswer{{ValueAttachment: att}}
			default:
				item.Answer = []FHIRAnswer{{ValueString: &v}}
			}
		case []string:
			for _, s := range v {
				item.Answer = append(item.Answer, FHIRAnswer{ValueString: &s})
			}
		case bool:
			item.Answer = []FHIRAnswer{{ValueBoolean: &v}}
		case float64:
			item.Answer = []FHIRAnswer{{ValueDecimal: &v}}
		}
		r.Item = append(r.Item, item)
	}
	return r
}
