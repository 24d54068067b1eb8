// Package fhir maps a medical record (package emr) onto a FHIR R4 (4.0.1)
// Bundle of type collection: Patient, Practitioner, Encounter (each
// consultation), QuestionnaireResponse (intake answers), Condition
// (diagnoses), DocumentReference (photos, notes, invoices and credit
// notes), MedicationRequest (prescriptions) and Communication (advice and
// chat messages). Resources are written as structs, not maps, so the JSON
// has a stable order; every export is validated against the official R4
// JSON schema in the tests (testdata/fhir.schema.json).
package fhir

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"derma2go/domain"
	"derma2go/emr"
	"derma2go/messaging"
)

// Code systems and naming systems used in the Bundle.
const (
	SystemICD10     = "http://hl7.org/fhir/sid/icd-10"
	SystemSNOMED    = "http://snomed.info/sct"
	SystemLOINC     = "http://loinc.org"
	SystemActCode   = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	SystemBIG       = "http://fhir.nl/fhir/NamingSystem/big"
	SystemAGB       = "http://fhir.nl/fhir/NamingSystem/agb-z"
	SystemUCUM      = "http://unitsofmeasure.org"
	SystemCondClin  = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	SystemCondCat   = "http://terminology.hl7.org/CodeSystem/condition-category"
	SystemDerma2Go  = "urn:derma2go"
	questionnaireNS = "urn:derma2go:questionnaire:"
)

// Bundle is a FHIR R4 Bundle.
type Bundle struct {
	ResourceType string  `json:"resourceType"`
	ID           string  `json:"id"`
	Type         string  `json:"type"`
	Timestamp    string  `json:"timestamp"`
	Total        *int    `json:"total,omitempty"`
	Entry        []Entry `json:"entry"`
}

// Entry is one resource of a Bundle.
type Entry struct {
	FullURL  string `json:"fullUrl"`
	Resource any    `json:"resource"`
}

// Reference points at another resource of the Bundle.
type Reference struct {
	Reference string `json:"reference"`
	Display   string `json:"display,omitempty"`
}

// Coding is one code of a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept as codes and text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Identifier is a business identifier.
type Identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

// HumanName is a person's name as one text.
type HumanName struct {
	Text string `json:"text"`
}

// ContactPoint is an email address.
type ContactPoint struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

// Address is a postal address.
type Address struct {
	Line []string `json:"line,omitempty"`
	City string   `json:"city,omitempty"`
}

// Period is a span of time.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Attachment is content (data or a link) with its type.
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	Data        string `json:"data,omitempty"`
	URL         string `json:"url,omitempty"`
	Size        int    `json:"size,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// Patient is the FHIR Patient resource.
type Patient struct {
	ResourceType  string            `json:"resourceType"`
	ID            string            `json:"id"`
	Identifier    []Identifier      `json:"identifier,omitempty"`
	Name          []HumanName       `json:"name,omitempty"`
	Telecom       []ContactPoint    `json:"telecom,omitempty"`
	BirthDate     string            `json:"birthDate,omitempty"`
	Communication []PatientLanguage `json:"communication,omitempty"`
}

// PatientLanguage is a language the patient reads.
type PatientLanguage struct {
	Language CodeableConcept `json:"language"`
}

// Practitioner is the FHIR Practitioner resource.
type Practitioner struct {
	ResourceType string       `json:"resourceType"`
	ID           string       `json:"id"`
	Identifier   []Identifier `json:"identifier,omitempty"`
	Name         []HumanName  `json:"name,omitempty"`
	Address      []Address    `json:"address,omitempty"`
}

// Encounter is the FHIR Encounter resource (a consultation).
type Encounter struct {
	ResourceType string                 `json:"resourceType"`
	ID           string                 `json:"id"`
	Status       string                 `json:"status"`
	Class        Coding                 `json:"class"`
	Type         []CodeableConcept      `json:"type,omitempty"`
	Subject      Reference              `json:"subject"`
	Participant  []EncounterParticipant `json:"participant,omitempty"`
	Period       *Period                `json:"period,omitempty"`
}

// EncounterParticipant is the doctor of an encounter.
type EncounterParticipant struct {
	Individual Reference `json:"individual"`
}

// QuestionnaireResponse is the FHIR QuestionnaireResponse resource.
type QuestionnaireResponse struct {
	ResourceType  string     `json:"resourceType"`
	ID            string     `json:"id"`
	Questionnaire string     `json:"questionnaire,omitempty"`
	Status        string     `json:"status"`
	Subject       Reference  `json:"subject"`
	Encounter     *Reference `json:"encounter,omitempty"`
	Authored      string     `json:"authored,omitempty"`
	Author        *Reference `json:"author,omitempty"`
	Item          []QRItem   `json:"item,omitempty"`
}

// QRItem is one answered question.
type QRItem struct {
	LinkID string     `json:"linkId"`
	Text   string     `json:"text,omitempty"`
	Answer []QRAnswer `json:"answer,omitempty"`
}

// QRAnswer is one answer value.
type QRAnswer struct {
	ValueString  *string  `json:"valueString,omitempty"`
	ValueBoolean *bool    `json:"valueBoolean,omitempty"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
	ValueInteger *int64   `json:"valueInteger,omitempty"`
}

// Condition is the FHIR Condition resource (a diagnosis).
type Condition struct {
	ResourceType   string            `json:"resourceType"`
	ID             string            `json:"id"`
	ClinicalStatus *CodeableConcept  `json:"clinicalStatus,omitempty"`
	Category       []CodeableConcept `json:"category,omitempty"`
	Code           CodeableConcept   `json:"code"`
	Subject        Reference         `json:"subject"`
	Encounter      *Reference        `json:"encounter,omitempty"`
	RecordedDate   string            `json:"recordedDate,omitempty"`
	Recorder       *Reference        `json:"recorder,omitempty"`
}

// DocumentReference is the FHIR DocumentReference resource (a photo, note
// or financial document).
type DocumentReference struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id"`
	Status       string              `json:"status"`
	Type         *CodeableConcept    `json:"type,omitempty"`
	Subject      Reference           `json:"subject"`
	Date         string              `json:"date,omitempty"`
	Author       []Reference         `json:"author,omitempty"`
	Description  string              `json:"description,omitempty"`
	Content      []DocumentContent   `json:"content"`
	Context      *DocumentRefContext `json:"context,omitempty"`
}

// DocumentContent is the attachment of a DocumentReference.
type DocumentContent struct {
	Attachment Attachment `json:"attachment"`
}

// DocumentRefContext ties a document to its encounter.
type DocumentRefContext struct {
	Encounter []Reference `json:"encounter,omitempty"`
}

// MedicationRequest is the FHIR MedicationRequest resource (a prescription).
type MedicationRequest struct {
	ResourceType              string           `json:"resourceType"`
	ID                        string           `json:"id"`
	Status                    string           `json:"status"`
	Intent                    string           `json:"intent"`
	MedicationCodeableConcept CodeableConcept  `json:"medicationCodeableConcept"`
	Subject                   Reference        `json:"subject"`
	Encounter                 *Reference       `json:"encounter,omitempty"`
	AuthoredOn                string           `json:"authoredOn,omitempty"`
	Requester                 *Reference       `json:"requester,omitempty"`
	DosageInstruction         []Dosage         `json:"dosageInstruction,omitempty"`
	DispenseRequest           *DispenseRequest `json:"dispenseRequest,omitempty"`
}

// Dosage is how to take a medication.
type Dosage struct {
	Text               string `json:"text,omitempty"`
	PatientInstruction string `json:"patientInstruction,omitempty"`
}

// DispenseRequest is what the pharmacy hands out.
type DispenseRequest struct {
	ExpectedSupplyDuration *Duration `json:"expectedSupplyDuration,omitempty"`
}

// Duration is a length of time in UCUM units.
type Duration struct {
	Value  int    `json:"value"`
	Unit   string `json:"unit"`
	System string `json:"system"`
	Code   string `json:"code"`
}

// Communication is the FHIR Communication resource (advice, a chat
// message).
type Communication struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id"`
	PartOf       []Reference       `json:"partOf,omitempty"`
	Status       string            `json:"status"`
	Category     []CodeableConcept `json:"category,omitempty"`
	Subject      Reference         `json:"subject"`
	Encounter    *Reference        `json:"encounter,omitempty"`
	Sent         string            `json:"sent,omitempty"`
	Recipient    []Reference       `json:"recipient,omitempty"`
	Sender       *Reference        `json:"sender,omitempty"`
	Payload      []CommPayload     `json:"payload,omitempty"`
	Received     string            `json:"received,omitempty"`
}

// CommPayload is the content of a Communication: text, an attachment (a
// shared file or link) or a reference (a prescription); one of them.
type CommPayload struct {
	ContentString     string      `json:"contentString,omitempty"`
	ContentAttachment *Attachment `json:"contentAttachment,omitempty"`
	ContentReference  *Reference  `json:"contentReference,omitempty"`
}

// Options change what an export carries.
type Options struct {
	// PhotoURL, when set, gives the link of a photo (the reader's own
	// route to it); without it the photo's DocumentReference carries its
	// metadata only.
	PhotoURL func(emr.Photo) string
	// DocumentURL gives the link of an invoice, credit note or
	// prescription PDF for the reader.
	DocumentURL func(consultationID, documentID uuid.UUID) string
	// ThreadFileURL gives the link of a file shared in a message thread.
	ThreadFileURL func(threadID, messageID uuid.UUID) string
}

// Export maps the record onto a Bundle.
func Export(r *emr.Record, opt Options) Bundle {
	b := Bundle{ResourceType: "Bundle", ID: derived(r.Patient.ID, "bundle:"+r.GeneratedAt.Format(time.RFC3339Nano)).String(),
		Type: "collection", Timestamp: instant(r.GeneratedAt)}
	patient := ref(r.Patient.ID)
	patient.Display = r.Patient.Name
	p := Patient{ResourceType: "Patient", ID: r.Patient.ID.String(),
		Identifier: []Identifier{{System: SystemDerma2Go + ":patient", Value: r.Patient.ID.String()}}}
	if r.Patient.Name != "" {
		p.Name = []HumanName{{Text: r.Patient.Name}}
	}
	if r.Patient.Email != "" {
		p.Telecom = []ContactPoint{{System: "email", Value: r.Patient.Email}}
	}
	if r.Patient.BirthDate != nil {
		p.BirthDate = r.Patient.BirthDate.Format("2006-01-02")
	}
	if r.Patient.Language != "" {
		p.Communication = []PatientLanguage{{Language: CodeableConcept{Coding: []Coding{{System: "urn:ietf:bcp:47", Code: r.Patient.Language}}}}}
	}
	b.add(r.Patient.ID, p)

	for _, d := range r.Doctors {
		pr := Practitioner{ResourceType: "Practitioner", ID: d.ID.String(), Name: []HumanName{{Text: d.Name}}}
		if d.BIGNumber != "" {
			pr.Identifier = append(pr.Identifier, Identifier{System: SystemBIG, Value: d.BIGNumber})
		}
		if d.AGBCode != "" {
			pr.Identifier = append(pr.Identifier, Identifier{System: SystemAGB, Value: d.AGBCode})
		}
		if d.Address != "" || d.City != "" {
			a := Address{City: d.City}
			if d.Address != "" {
				a.Line = []string{d.Address}
			}
			pr.Address = []Address{a}
		}
		b.add(d.ID, pr)
	}
	doctorOf := map[uuid.UUID]uuid.UUID{}
	for _, c := range r.Consultations {
		doctorOf[c.ID] = c.DoctorID
		e := Encounter{ResourceType: "Encounter", ID: c.ID.String(), Status: encounterStatus(c.Status), Class: encounterClass(c.Type),
			Type:        []CodeableConcept{{Coding: []Coding{{System: SystemDerma2Go + ":consultation-type", Code: c.Type}}, Text: c.Type}},
			Subject:     patient,
			Participant: []EncounterParticipant{{Individual: practitioner(r, c.DoctorID)}}}
		if c.Start != nil {
			e.Period = &Period{Start: instant(*c.Start)}
			if c.End != nil {
				e.Period.End = instant(*c.End)
			}
		} else {
			e.Period = &Period{Start: instant(c.CreatedAt)}
			if c.CompletedAt != nil {
				e.Period.End = instant(*c.CompletedAt)
			}
		}
		b.add(c.ID, e)
	}
	for _, in := range r.Intakes {
		id := derived(in.ConsultationID, "intake")
		enc := ref(in.ConsultationID)
		qr := QuestionnaireResponse{ResourceType: "QuestionnaireResponse", ID: id.String(),
			Questionnaire: questionnaireNS + "email-advice-" + in.Form, Status: "completed", Subject: patient,
			Encounter: &enc, Authored: instant(in.SubmittedAt), Author: &patient}
		for _, a := range in.Answers {
			qr.Item = append(qr.Item, QRItem{LinkID: a.Key, Text: a.Key, Answer: answers(a)})
		}
		b.add(id, qr)
	}
	for _, fq := range r.Questionnaires {
		b.add(derived(fq.ConsultationID, "questionnaire"), questionnaireResponse(r, fq, opt))
	}
	for _, d := range r.Diagnoses {
		code := CodeableConcept{Text: d.Text}
		switch d.CodeSystem {
		case emr.CodeICD10:
			code.Coding = []Coding{{System: SystemICD10, Code: d.Code}}
		case emr.CodeSNOMED:
			code.Coding = []Coding{{System: SystemSNOMED, Code: d.Code}}
		}
		doc := practitioner(r, d.DoctorID)
		c := Condition{ResourceType: "Condition", ID: d.ID.String(),
			ClinicalStatus: &CodeableConcept{Coding: []Coding{{System: SystemCondClin, Code: "active"}}},
			Category:       []CodeableConcept{{Coding: []Coding{{System: SystemCondCat, Code: "encounter-diagnosis"}}}},
			Code:           code, Subject: patient, Encounter: encounterOf(d.ConsultationID), RecordedDate: instant(d.CreatedAt), Recorder: &doc}
		b.add(d.ID, c)
	}
	for _, ph := range r.Photos {
		at := Attachment{ContentType: ph.ContentType, Size: ph.SizeBytes, Title: fmt.Sprintf("photo %dx%d", ph.Width, ph.Height), Creation: instant(ph.CreatedAt)}
		if opt.PhotoURL != nil {
			at.URL = opt.PhotoURL(ph)
		}
		enc := ref(ph.ConsultationID)
		dr := DocumentReference{ResourceType: "DocumentReference", ID: ph.ID.String(), Status: "current",
			Type:    &CodeableConcept{Coding: []Coding{{System: SystemLOINC, Code: "72170-4", Display: "Photographic image"}}, Text: "photo"},
			Subject: patient, Date: instant(ph.CreatedAt), Author: []Reference{patient}, Content: []DocumentContent{{Attachment: at}},
			Context: &DocumentRefContext{Encounter: []Reference{enc}}}
		b.add(ph.ID, dr)
	}
	for _, n := range r.Notes {
		doc := practitioner(r, n.DoctorID)
		dr := DocumentReference{ResourceType: "DocumentReference", ID: n.ID.String(), Status: "current",
			Type:    &CodeableConcept{Coding: []Coding{{System: SystemLOINC, Code: "11506-3", Display: "Progress note"}}, Text: "note"},
			Subject: patient, Date: instant(n.CreatedAt), Author: []Reference{doc},
			Content: []DocumentContent{{Attachment: Attachment{ContentType: "text/plain; charset=utf-8",
				Data: base64.StdEncoding.EncodeToString([]byte(n.Text)), Creation: instant(n.CreatedAt)}}}}
		if e := encounterOf(n.ConsultationID); e != nil {
			dr.Context = &DocumentRefContext{Encounter: []Reference{*e}}
		}
		b.add(n.ID, dr)
	}
	for _, d := range r.Documents {
		enc := ref(d.ConsultationID)
		title := "invoice " + d.Number
		if d.Kind == emr.DocumentCreditNote {
			title = "credit note " + d.Number
		}
		at := Attachment{ContentType: "application/pdf", Title: title, Creation: instant(d.IssuedAt)}
		if opt.DocumentURL != nil {
			at.URL = opt.DocumentURL(d.ConsultationID, d.ID)
		}
		dr := DocumentReference{ResourceType: "DocumentReference", ID: d.ID.String(), Status: "current",
			Type:    &CodeableConcept{Coding: []Coding{{System: SystemDerma2Go + ":document", Code: d.Kind}}, Text: d.Kind},
			Subject: patient, Date: instant(d.IssuedAt), Description: title, Content: []DocumentContent{{Attachment: at}},
			Context: &DocumentRefContext{Encounter: []Reference{enc}}}
		if doc, ok := doctorOf[d.ConsultationID]; ok {
			dr.Author = []Reference{practitioner(r, doc)}
		}
		b.add(d.ID, dr)
	}
	for _, p := range r.Prescriptions {
		enc := ref(p.ConsultationID)
		doc := practitioner(r, p.DoctorID)
		med := p.Rx.Medication
		if p.Rx.Strength != "" {
			med += " " + p.Rx.Strength
		}
		mr := MedicationRequest{ResourceType: "MedicationRequest", ID: p.ID.String(), Status: "active", Intent: "order",
			MedicationCodeableConcept: CodeableConcept{Text: med}, Subject: patient, Encounter: &enc, AuthoredOn: instant(p.CreatedAt),
			Requester: &doc, DosageInstruction: []Dosage{{Text: p.Rx.Dosage, PatientInstruction: p.Rx.Instructions}}}
		if p.Rx.DurationDays > 0 {
			mr.DispenseRequest = &DispenseRequest{ExpectedSupplyDuration: &Duration{Value: p.Rx.DurationDays, Unit: "days", System: SystemUCUM, Code: "d"}}
		}
		b.add(p.ID, mr)
	}
	for _, a := range r.Advice {
		enc := ref(a.ConsultationID)
		doc := practitioner(r, a.DoctorID)
		c := Communication{ResourceType: "Communication", ID: a.ID.String(), Status: "completed",
			Category: []CodeableConcept{{Coding: []Coding{{System: SystemDerma2Go + ":communication", Code: "advice"}}, Text: "advice"}},
			Subject:  patient, Encounter: &enc, Sent: instant(a.PublishedAt), Recipient: []Reference{patient}, Sender: &doc,
			Payload: []CommPayload{{ContentString: a.Text}}}
		b.add(a.ID, c)
	}
	for _, m := range r.Messages {
		enc := ref(m.ConsultationID)
		doc := practitioner(r, doctorOf[m.ConsultationID])
		from, to := patient, doc
		if m.FromRole == "doctor" {
			from, to = doc, patient
		}
		c := Communication{ResourceType: "Communication", ID: m.ID.String(), Status: "completed",
			Category: []CodeableConcept{{Coding: []Coding{{System: SystemDerma2Go + ":communication", Code: "chat"}}, Text: "chat"}},
			Subject:  patient, Encounter: &enc, Sent: instant(m.CreatedAt), Recipient: []Reference{to}, Sender: &from,
			Payload: []CommPayload{{ContentString: m.Text}}}
		b.add(m.ID, c)
	}
	b.addThreads(r, opt, patient)
	n := len(b.Entry)
	b.Total = &n
	return b
}

// addThreads maps each secure message thread onto a header Communication
// (in-progress while open, completed once closed) and each of its messages
// onto a Communication that is partOf the header: text as contentString, a
// shared file or link as contentAttachment, a shared prescription as
// contentReference to its MedicationRequest.
func (b *Bundle) addThreads(r *emr.Record, opt Options, patient Reference) {
	rx := make(map[uuid.UUID]bool, len(r.Prescriptions))
	for _, p := range r.Prescriptions {
		rx[p.ID] = true
	}
	thread := Coding{System: SystemDerma2Go + ":communication", Code: "thread"}
	for _, t := range r.Threads {
		status := "in-progress"
		if t.Status == messaging.StatusClosed {
			status = "completed"
		}
		doc := practitioner(r, t.DoctorID)
		b.add(t.ID, Communication{ResourceType: "Communication", ID: t.ID.String(), Status: status,
			Category: []CodeableConcept{{Coding: []Coding{thread}, Text: "Berichten / Messages"}}, Subject: patient,
			Sent: instant(t.CreatedAt), Recipient: []Reference{patient, doc}})
	}
	for _, m := range r.ThreadMessages {
		t, ok := r.Thread(m.ThreadID)
		if !ok {
			continue
		}
		doc := practitioner(r, t.DoctorID)
		from, to := patient, doc
		if m.FromRole == messaging.RoleDoctor {
			from, to = doc, patient
		}
		c := Communication{ResourceType: "Communication", ID: m.ID.String(), PartOf: []Reference{ref(t.ID)}, Status: "completed",
			Category: []CodeableConcept{{Coding: []Coding{{System: SystemDerma2Go + ":communication", Code: "message"}}, Text: m.Kind}},
			Subject:  patient, Sent: instant(m.SentAt), Recipient: []Reference{to}, Sender: &from}
		if m.ReadAt != nil {
			c.Received = instant(*m.ReadAt)
		}
		if m.Text != "" {
			c.Payload = append(c.Payload, CommPayload{ContentString: m.Text})
		}
		switch m.Kind {
		case messaging.KindFile:
			a := &Attachment{ContentType: m.ContentType, Size: m.Size, Title: m.Title, Creation: instant(m.SentAt)}
			if opt.ThreadFileURL != nil {
				a.URL = opt.ThreadFileURL(t.ID, m.ID)
			}
			c.Payload = append(c.Payload, CommPayload{ContentAttachment: a})
		case messaging.KindLink:
			c.Payload = append(c.Payload, CommPayload{ContentAttachment: &Attachment{URL: m.LinkURL, Title: m.Title}})
		case messaging.KindPrescription:
			if rx[m.PrescriptionID] {
				p := ref(m.PrescriptionID)
				c.Payload = append(c.Payload, CommPayload{ContentReference: &p})
			}
		}
		b.add(m.ID, c)
	}
}

// JSON encodes the Bundle as application/fhir+json.
func (b Bundle) JSON() ([]byte, error) {
	out, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("fhir: %w", err)
	}
	return out, nil
}

func (b *Bundle) add(id uuid.UUID, res any) {
	b.Entry = append(b.Entry, Entry{FullURL: "urn:uuid:" + id.String(), Resource: res})
}

// questionnaireResponse is a filled doctor's questionnaire as a
// QuestionnaireResponse (domain.QuestionnaireResponse) answering the
// version's canonical URL, with photo answers linked as the reader may
// open them.
func questionnaireResponse(r *emr.Record, fq emr.FilledQuestionnaire, opt Options) domain.FHIRQuestionnaireResponse {
	toDomain := func(x Reference) *domain.FHIRReference {
		return &domain.FHIRReference{Reference: x.Reference, Display: x.Display}
	}
	patient := ref(r.Patient.ID)
	o := domain.FHIROptions{ID: derived(fq.ConsultationID, "questionnaire").String(), CanonicalBase: questionnaireNS,
		Subject: toDomain(patient), Encounter: toDomain(ref(fq.ConsultationID)), Author: toDomain(patient)}
	if opt.PhotoURL != nil {
		o.PhotoURL = func(id string) string {
			for _, ph := range r.Photos {
				if ph.ID.String() == id {
					return opt.PhotoURL(ph)
				}
			}
			return ""
		}
	}
	return domain.QuestionnaireResponse(fq.FilledQuestionnaire, o)
}

func ref(id uuid.UUID) Reference {
	return Reference{Reference: "urn:uuid:" + id.String()}
}

func practitioner(r *emr.Record, id uuid.UUID) Reference {
	out := ref(id)
	if d, ok := r.Doctor(id); ok {
		out.Display = d.Name
	}
	return out
}

func encounterOf(id uuid.NullUUID) *Reference {
	if !id.Valid {
		return nil
	}
	r := ref(id.UUID)
	return &r
}

// derived is a stable id for a resource that has no row of its own (the
// QuestionnaireResponse of a consultation's intake).
func derived(base uuid.UUID, what string) uuid.UUID { return uuid.NewSHA1(base, []byte(what)) }

func instant(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// encounterStatus maps a consultation status onto Encounter.status.
func encounterStatus(status string) string {
	switch status {
	case "scheduled", "cancellation_requested", "awaiting_intake":
		return "planned"
	case "waiting", "queued", "called":
		return "arrived"
	case "in_session", "awaiting_advice", "answered":
		return "in-progress"
	case "completed":
		return "finished"
	case "cancelled", "declined", "no_show", "expired":
		return "cancelled"
	}
	return "unknown"
}

// encounterClass: a visit at the practice is ambulatory (AMB); video,
// walk-in and email advice are virtual (VR).
func encounterClass(typ string) Coding {
	if typ == "in_person" {
		return Coding{System: SystemActCode, Code: "AMB", Display: "ambulatory"}
	}
	return Coding{System: SystemActCode, Code: "VR", Display: "virtual"}
}

func answers(a emr.Answer) []QRAnswer {
	switch v := a.Value.(type) {
	case string:
		if v == "" {
			return nil
		}
		return []QRAnswer{{ValueString: &v}}
	case bool:
		return []QRAnswer{{ValueBoolean: &v}}
	case float64:
		if v == float64(int64(v)) {
			i := int64(v)
			return []QRAnswer{{ValueInteger: &i}}
		}
		return []QRAnswer{{ValueDecimal: &v}}
	case []any:
		var out []QRAnswer
		for _, x := range v {
			s := fmt.Sprint(x)
			out = append(out, QRAnswer{ValueString: &s})
		}
		return out
	case nil:
		return nil
	}
	s := a.Text()
	return []QRAnswer{{ValueString: &s}}
}
