package fhir_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"derma2go/emr"
	"derma2go/fhir"
	"derma2go/fhir/fhirtest"
	"derma2go/messaging"
	"derma2go/prescribing"
)

// fullRecord has an entry of every kind.
func fullRecord() *emr.Record {
	at := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)
	patient, doctor, c1, c2 := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	start, end := at.Add(24*time.Hour), at.Add(24*time.Hour+15*time.Minute)
	thread, rx := uuid.New(), uuid.New()
	birth := time.Date(1984, 2, 29, 0, 0, 0, 0, time.UTC)
	return &emr.Record{
		GeneratedAt: at.Add(48 * time.Hour),
		Patient:     emr.Patient{ID: patient, Name: "Pim Patiënt", Email: "pim@example.test", BirthDate: &birth, Language: "nl"},
		Doctors: []emr.Doctor{{ID: doctor, Name: "Dr. Anna de Vries", BIGNumber: "19012345601", AGBCode: "01012345",
			Address: "Keizersgracht 1", City: "Amsterdam"}},
		Consultations: []emr.Consultation{
			{ID: c1, DoctorID: doctor, DoctorName: "Dr. Anna de Vries", Type: "email_advice", Status: "completed", CreatedAt: at, CompletedAt: &end},
			{ID: c2, DoctorID: doctor, DoctorName: "Dr. Anna de Vries", Type: "video", Status: "completed", Start: &start, End: &end, CreatedAt: at},
		},
		Intakes: []emr.Intake{{ConsultationID: c1, Form: "detailed", SubmittedAt: at, Answers: []emr.Answer{
			{Key: "age_years", Value: float64(42)}, {Key: "changed", Value: true}, {Key: "complaint", Value: "Rode schilferende plek"},
			{Key: "symptoms", Value: []any{"itch", "scaling"}}, {Key: "medications", Value: ""}, {Key: "weight", Value: 71.5},
		}}},
		Photos: []emr.Photo{{ID: uuid.New(), ConsultationID: c1, ContentType: "image/jpeg", SizeBytes: 1234, Width: 40, Height: 30, CreatedAt: at}},
		Advice: []emr.Advice{{ID: uuid.New(), ConsultationID: c1, DoctorID: doctor, Text: "Vet de huid in.", PublishedAt: at}},
		Prescriptions: []emr.Prescription{{ID: rx, ConsultationID: c2, DoctorID: doctor, CreatedAt: end,
			Rx: prescribing.Rx{Medication: "Hydrocortison crème", Strength: "1%", Dosage: "2x daags", DurationDays: 14, Instructions: "Dun aanbrengen"}}},
		Documents: []emr.Document{
			{ID: uuid.New(), ConsultationID: c1, Kind: emr.DocumentInvoice, Number: "D2G-000001", AmountCents: 4500, Currency: "EUR", IssuedAt: at},
			{ID: uuid.New(), ConsultationID: c1, Kind: emr.DocumentCreditNote, Number: "D2G-CN-000001", AmountCents: 4500, Currency: "EUR", IssuedAt: at},
		},
		Notes: []emr.Note{{ID: uuid.New(), DoctorID: doctor, ConsultationID: uuid.NullUUID{UUID: c2, Valid: true}, Text: "Controle over 4 weken.", CreatedAt: end}},
		Diagnoses: []emr.Diagnosis{
			{ID: uuid.New(), DoctorID: doctor, ConsultationID: uuid.NullUUID{UUID: c2, Valid: true}, Text: "Psoriasis vulgaris", CodeSystem: emr.CodeICD10, Code: "L40.0", CreatedAt: end},
			{ID: uuid.New(), DoctorID: doctor, Text: "Eczeem", CodeSystem: emr.CodeSNOMED, Code: "43116000", CreatedAt: end},
			{ID: uuid.New(), DoctorID: doctor, Text: "Droge huid", CreatedAt: end},
		},
		Threads: []messaging.Thread{{ID: thread, PatientID: patient, DoctorID: doctor, Status: messaging.StatusClosed, CreatedAt: end, ClosedAt: &end}},
		ThreadMessages: []messaging.Message{
			{ID: uuid.New(), ThreadID: thread, Seq: 1, FromRole: "patient", Kind: messaging.KindText, Text: "Mag ik de crème vaker gebruiken?", SentAt: end, ReadAt: &end},
			{ID: uuid.New(), ThreadID: thread, Seq: 2, FromRole: "doctor", Kind: messaging.KindFile, Text: "Uitslag", Title: "uitslag.pdf", ContentType: "application/pdf", Size: 2048, SentAt: end},
			{ID: uuid.New(), ThreadID: thread, Seq: 3, FromRole: "doctor", Kind: messaging.KindLink, Title: "Thuisarts", LinkURL: "https://www.thuisarts.nl/eczeem", SentAt: end},
			{ID: uuid.New(), ThreadID: thread, Seq: 4, FromRole: "doctor", Kind: messaging.KindPrescription, Text: "Uw recept", PrescriptionID: rx, SentAt: end},
		},
		Messages: []emr.Message{
			{ID: uuid.New(), ConsultationID: c2, FromRole: "patient", Text: "Ik ben er", CreatedAt: start},
			{ID: uuid.New(), ConsultationID: c2, FromRole: "doctor", Text: "Welkom", CreatedAt: start},
		},
	}
}

func export(t *testing.T, r *emr.Record) []byte {
	t.Helper()
	out, err := fhir.Export(r, fhir.Options{
		PhotoURL:      func(p emr.Photo) string { return "/v1/photos/" + p.ID.String() },
		ThreadFileURL: func(t, m uuid.UUID) string { return "/v1/threads/" + t.String() + "/messages/" + m.String() + "/file" },
		DocumentURL:   func(c, d uuid.UUID) string { return "/v1/consultations/" + c.String() + "/documents/" + d.String() },
	}).JSON()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportOfEveryKindOfEntryIsValidR4: a record with every kind of entry
// exports as a Bundle that the official R4 schema accepts with 0 errors, with
// one resource of the right type per entry.
func TestExportOfEveryKindOfEntryIsValidR4(t *testing.T) {
	r := fullRecord()
	doc := export(t, r)
	if problems := fhirtest.Validate(doc); len(problems) > 0 {
		t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	var b struct {
		Total int `json:"total"`
		Entry []struct {
			Resource map[string]any `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(doc, &b); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range b.Entry {
		count[e.Resource["resourceType"].(string)]++
	}
	want := map[string]int{"Patient": 1, "Practitioner": 1, "Encounter": 2, "QuestionnaireResponse": 1, "Condition": 3,
		"DocumentReference": 4, "MedicationRequest": 1, "Communication": 8}
	for typ, n := range want {
		if count[typ] != n {
			t.Errorf("%s: %d resources, want %d (%v)", typ, count[typ], n, count)
		}
	}
	if b.Total != len(b.Entry) || b.Total != 2+r.Entries() {
		t.Errorf("total %d for %d entries (record %d)", b.Total, len(b.Entry), r.Entries())
	}
	for _, s := range []string{`"code":"L40.0"`, fhir.SystemICD10, fhir.SystemSNOMED, `"valueInteger":42`, `"valueDecimal":71.5`,
		`"valueBoolean":true`, `"intent":"order"`, fhir.SystemBIG, `"partOf":[{"reference":"urn:uuid:`, `"contentAttachment":{"contentType":"application/pdf"`,
		`"contentReference":{"reference":"urn:uuid:`, `"received":"`} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("bundle lacks %s", s)
		}
	}
}

// TestValidatorRefusesInvalidFHIR: the validator is not a rubber stamp; a
// wrong status code, an unknown element, a time without a zone, a missing
// required element and a dangling reference are each reported.
func TestValidatorRefusesInvalidFHIR(t *testing.T) {
	good := string(export(t, fullRecord()))
	cases := map[string]func(string) string{
		"status outside its value set": func(s string) string { return strings.Replace(s, `"status":"finished"`, `"status":"done"`, 1) },
		"unknown element":              func(s string) string { return strings.Replace(s, `"intent":"order"`, `"intent":"order","dose":"x"`, 1) },
		"dateTime without a zone": func(s string) string {
			return strings.Replace(s, `"recordedDate":"`, `"recordedDate":"2026-01-01T10:00:00","x_":"`, 1)
		},
		"missing required element": func(s string) string { return strings.Replace(s, `"intent":"order",`, ``, 1) },
		"dangling reference": func(s string) string {
			return strings.Replace(s, `"requester":{"reference":"urn:uuid:`, `"requester":{"reference":"urn:uuid:0`, 1)
		},
	}
	for name, mutate := range cases {
		bad := mutate(good)
		if bad == good {
			t.Fatalf("%s: mutation did not apply", name)
		}
		if problems := fhirtest.Validate([]byte(bad)); len(problems) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}
