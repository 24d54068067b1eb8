package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/fhir/fhirtest"
)

// Demo doctors of the record tests: A answers email advice (settings
// unchanged), B gets round-the-clock video hours (roundTheClockDoctor).
const (
	recordDoctorA = 130
	recordDoctorB = 141
)

// recordCase is one patient with a record at two doctors: email advice at A
// (form, photo, advice, invoice), a video consultation at B (form, chat both
// ways, prescription, invoice), and B's note and three diagnoses (ICD-10,
// SNOMED CT, free text).
type recordCase struct {
	patient, doctorA, doctorB *apiClient
	patientID                 string
	doctorAID, doctorBID      string
	email, password           string
	adviceID, videoID         string
	noteID, threadID          string
	diagnosisIDs              []string
}

const (
	recordNoteText = "Controle over vier weken; bij verergering eerder terugkomen."
	recordMedicine = "Hydrocortison crème"
	recordChatText = "Ik ben in de wachtkamer"
)

var (
	recordOnce sync.Once
	recordMade *recordCase
)

// sharedRecordCase builds the record once for the tests that read it.
func sharedRecordCase(t *testing.T) *recordCase {
	t.Helper()
	recordOnce.Do(func() { recordMade = newRecordCase(t) })
	if recordMade == nil {
		t.Fatal("the record case could not be built (see the first test that tried)")
	}
	return recordMade
}

func newRecordCase(t *testing.T) *recordCase {
	t.Helper()
	rc := &recordCase{email: newEmail("record"), password: "record-password-1"}
	var ps, as session
	rc.patient, ps = registerPatient(t, rc.email, rc.password)
	rc.patientID = ps.User.ID
	rc.doctorA, as = loginAs(t, demodata.DoctorEmail(recordDoctorA), "doctor-demo-2026")
	rc.doctorAID = as.User.ID

	// Email advice at A.
	var created booking
	rc.patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": rc.doctorAID, "form": "detailed"}).
		expect(t, http.StatusCreated).decode(t, &created)
	rc.adviceID = created.ID
	payCheckout(t, created.CheckoutURL)
	waitConsultation(t, rc.patient, rc.adviceID, "awaiting_intake")
	ct, body := multipartPhoto(t, photoJPEG(t))
	rc.patient.raw("POST", "/v1/consultations/"+rc.adviceID+"/photos", ct, body).expect(t, http.StatusCreated)
	rc.patient.do("POST", "/v1/consultations/"+rc.adviceID+"/intake", map[string]any{"answers": map[string]any{
		"complaint": "A red, scaly patch on my elbow for two months", "location": "left elbow", "duration": "months",
		"question": "Is this psoriasis?", "symptoms": []string{"itch", "scaling"}, "changed": true, "age_years": 41,
		"medications": "none", "allergies": "", "previous_treatment": "", "skin_type": "II",
	}, "birth_date": "1985-04-12"}).expect(t, http.StatusAccepted)
	waitConsultation(t, rc.patient, rc.adviceID, "awaiting_advice")
	rc.doctorA.do("POST", "/v1/doctor/consultations/"+rc.adviceID+"/advice", map[string]any{"text": adviceText}).expect(t, http.StatusAccepted)
	waitFor(t, "the advice to be published", func() bool {
		var v consultationView
		rc.patient.do("GET", "/v1/consultations/"+rc.adviceID, nil).expect(t, http.StatusOK).decode(t, &v)
		return v.Advice != nil
	})

	// Video at B, with chat and a prescription.
	rc.doctorB, rc.doctorBID = roundTheClockDoctor(t, recordDoctorB)
	slot := firstSlotFrom(t, rc.doctorBID, time.Now())
	rc.patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": rc.doctorBID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &created)
	rc.videoID = created.ID
	payCheckout(t, created.CheckoutURL)
	waitConsultation(t, rc.patient, rc.videoID, "scheduled")
	rc.patient.do("POST", "/v1/consultations/"+rc.videoID+"/intake", map[string]any{"answers": map[string]any{
		"complaint": "Itchy red patches on both hands", "location": "hands", "duration": "weeks", "question": "Is it eczema?",
	}}).expect(t, http.StatusAccepted)
	rc.patient.do("POST", "/v1/consultations/"+rc.videoID+"/checkin", nil).expect(t, http.StatusOK)
	rc.patient.do("POST", "/v1/consultations/"+rc.videoID+"/chat", map[string]any{"text": recordChatText}).expect(t, http.StatusCreated)
	rc.doctorB.do("POST", "/v1/doctor/consultations/"+rc.videoID+"/start", nil).expect(t, http.StatusOK)
	rc.doctorB.do("POST", "/v1/consultations/"+rc.videoID+"/chat", map[string]any{"text": "Welkom, ik zie u"}).expect(t, http.StatusCreated)
	rc.doctorB.do("POST", "/v1/doctor/consultations/"+rc.videoID+"/prescriptions", map[string]any{
		"medication": recordMedicine, "strength": "1%", "dosage": "twice daily", "duration_days": 14,
		"instructions": "Apply thinly to the patches.",
	}).expect(t, http.StatusCreated)
	rc.doctorB.do("POST", "/v1/doctor/consultations/"+rc.videoID+"/end", nil).expect(t, http.StatusOK)
	waitConsultation(t, rc.patient, rc.videoID, "completed")

	// A secure message thread with B (messaging): the patient asks, the
	// doctor answers.
	var thread struct {
		ID string `json:"id"`
	}
	rc.patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": rc.doctorBID}).decode(t, &thread)
	if thread.ID == "" {
		t.Fatal("no thread opened with doctor B")
	}
	rc.threadID = thread.ID
	rc.patient.do("POST", "/v1/threads/"+thread.ID+"/messages", map[string]any{"text": "Mag ik de crème vaker smeren?"}).expect(t, http.StatusCreated)
	rc.doctorB.do("POST", "/v1/threads/"+thread.ID+"/messages", map[string]any{"text": "Nee, twee keer per dag is genoeg."}).expect(t, http.StatusCreated)

	// B's own entries.
	base := "/v1/doctor/patients/" + rc.patientID
	var note struct {
		ID string `json:"id"`
	}
	rc.doctorB.do("POST", base+"/notes", map[string]any{"text": recordNoteText, "consultation_id": rc.videoID}).
		expect(t, http.StatusCreated).decode(t, &note)
	rc.noteID = note.ID
	for _, d := range []map[string]any{
		{"text": "Eczema of the hands", "code_system": "icd10", "code": "l30.9", "consultation_id": rc.videoID},
		{"text": "Atopic dermatitis", "code_system": "snomed", "code": "24079001"},
		{"text": "Dry skin"},
	} {
		var made struct {
			ID   string `json:"id"`
			Code string `json:"code"`
		}
		rc.doctorB.do("POST", base+"/diagnoses", d).expect(t, http.StatusCreated).decode(t, &made)
		rc.diagnosisIDs = append(rc.diagnosisIDs, made.ID)
	}
	return rc
}

type recordView struct {
	Patient struct {
		ID        string  `json:"id"`
		Name      string  `json:"name"`
		BirthDate *string `json:"birth_date"`
	} `json:"patient"`
	Doctors []struct {
		ID string `json:"id"`
	} `json:"doctors"`
	Entries []struct {
		Kind           string `json:"kind"`
		ID             string `json:"id"`
		ConsultationID string `json:"consultation_id"`
		Title          string `json:"title"`
		Text           string `json:"text"`
		Code           string `json:"code"`
		CodeSystem     string `json:"code_system"`
		URL            string `json:"url"`
		Details        []struct {
			Label, Value string
		} `json:"details"`
	} `json:"entries"`
}

func (v recordView) kinds() map[string]int {
	out := map[string]int{}
	for _, e := range v.Entries {
		out[e.Kind]++
	}
	return out
}

func (v recordView) consultations() map[string]bool {
	out := map[string]bool{}
	for _, e := range v.Entries {
		if e.ConsultationID != "" {
			out[e.ConsultationID] = true
		}
	}
	return out
}

// bundleOf fetches a FHIR export, validates it offline against the
// official R4 schema and returns the count of each resource type.
func bundleOf(t *testing.T, c *apiClient, path string) (map[string]int, []byte) {
	t.Helper()
	res := c.do("GET", path, nil).expect(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/fhir+json") {
		t.Fatalf("%s: content type %q", path, ct)
	}
	if problems := fhirtest.Validate(res.Body); len(problems) > 0 {
		t.Fatalf("%s: %d FHIR problems:\n%s", path, len(problems), strings.Join(problems, "\n"))
	}
	var b struct {
		Entry []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(res.Body, &b); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range b.Entry {
		out[e.Resource.ResourceType]++
	}
	return out, res.Body
}

func checkCounts(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d %s, want %d (all: %v)", what, got[k], k, n, got)
		}
	}
}

// TestDoctorRecordHoldsOnlyTheirOwnPartAndExportsValidFHIR: doctor B's
// record of the patient is B's video consultation with its form, chat,
// prescription, invoice, B's note and diagnoses — and nothing of A's email
// advice; A's holds the advice, photo and form. Both export as FHIR R4
// Bundles with 0 schema errors, and as PDF.
func TestDoctorRecordHoldsOnlyTheirOwnPartAndExportsValidFHIR(t *testing.T) {
	rc := sharedRecordCase(t)
	base := "/v1/doctor/patients/" + rc.patientID

	var list struct {
		Items []struct {
			ID            string `json:"id"`
			Name          string `json:"name"`
			Consultations int    `json:"consultations"`
		} `json:"items"`
	}
	rc.doctorB.do("GET", "/v1/doctor/patients", nil).expect(t, http.StatusOK).decode(t, &list)
	found := false
	for _, p := range list.Items {
		found = found || (p.ID == rc.patientID && p.Name == "Test Patiënt" && p.Consultations == 1)
	}
	if !found {
		t.Fatalf("doctor B's patients lack the patient: %+v", list.Items)
	}

	var b recordView
	rc.doctorB.do("GET", base+"/record", nil).expect(t, http.StatusOK).decode(t, &b)
	checkCounts(t, "B's record", b.kinds(), map[string]int{"consultation": 1, "intake": 1, "message": 2, "prescription": 1,
		"note": 1, "diagnosis": 3, "document": 1, "advice": 0, "photo": 0, "thread": 1, "thread_message": 2})
	if cs := b.consultations(); cs[rc.adviceID] || !cs[rc.videoID] {
		t.Errorf("B's record reaches consultations %v, want only %s", cs, rc.videoID)
	}
	if len(b.Doctors) != 1 || b.Doctors[0].ID != rc.doctorBID || b.Patient.ID != rc.patientID || b.Patient.BirthDate == nil {
		t.Errorf("B's record: doctors %+v, patient %+v", b.Doctors, b.Patient)
	}
	var sawICD bool
	for _, e := range b.Entries {
		if e.Kind == "diagnosis" && e.CodeSystem == "icd10" && e.Code == "L30.9" {
			sawICD = true
		}
		if e.Kind == "note" && e.Text != recordNoteText {
			t.Errorf("note reads %q", e.Text)
		}
	}
	if !sawICD {
		t.Errorf("no ICD-10 diagnosis L30.9 (normalised) in %+v", b.Entries)
	}
	counts, doc := bundleOf(t, rc.doctorB, base+"/record/fhir")
	checkCounts(t, "B's bundle", counts, map[string]int{"Patient": 1, "Practitioner": 1, "Encounter": 1, "QuestionnaireResponse": 1,
		"Condition": 3, "MedicationRequest": 1, "Communication": 5, "DocumentReference": 2})
	if bytes.Contains(doc, []byte(rc.adviceID)) || !bytes.Contains(doc, []byte("http://hl7.org/fhir/sid/icd-10")) {
		t.Errorf("B's bundle names A's consultation or lacks ICD-10")
	}
	pdf := rc.doctorB.do("GET", base+"/record/pdf", nil).expect(t, http.StatusOK)
	if !bytes.HasPrefix(pdf.Body, []byte("%PDF")) || !pdfHas(pdf.Body, "Hydrocortison") || !pdfHas(pdf.Body, "Controle over vier weken") ||
		!pdfHas(pdf.Body, "L30.9") {
		t.Errorf("B's PDF lacks the prescription, note or diagnosis code")
	}

	var a recordView
	rc.doctorA.do("GET", base+"/record", nil).expect(t, http.StatusOK).decode(t, &a)
	checkCounts(t, "A's record", a.kinds(), map[string]int{"consultation": 1, "intake": 1, "photo": 1, "advice": 1, "document": 1,
		"note": 0, "diagnosis": 0, "prescription": 0, "message": 0, "thread": 0, "thread_message": 0})
	if cs := a.consultations(); cs[rc.videoID] {
		t.Errorf("A's record reaches B's consultation")
	}
	for _, e := range a.Entries {
		if e.Kind == "photo" {
			rc.doctorA.do("GET", e.URL, nil).expect(t, http.StatusOK)
		}
	}
	counts, _ = bundleOf(t, rc.doctorA, base+"/record/fhir")
	checkCounts(t, "A's bundle", counts, map[string]int{"Patient": 1, "Practitioner": 1, "Encounter": 1, "QuestionnaireResponse": 1,
		"Communication": 1, "DocumentReference": 2, "Condition": 0, "MedicationRequest": 0})
}

// TestPatientRecordAcrossDoctors: the patient's own record (PIN) holds both
// doctors' consultations, advice, prescription and documents with links
// that open, and exports as a valid FHIR Bundle and a PDF.
func TestPatientRecordAcrossDoctors(t *testing.T) {
	rc := sharedRecordCase(t)
	var v recordView
	rc.patient.do("GET", "/v1/me/record", nil).expect(t, http.StatusOK).decode(t, &v)
	checkCounts(t, "patient's record", v.kinds(), map[string]int{"consultation": 2, "intake": 2, "photo": 1, "advice": 1,
		"prescription": 1, "document": 2, "message": 2, "note": 1, "diagnosis": 3, "thread": 1, "thread_message": 2})
	if len(v.Doctors) != 2 {
		t.Errorf("doctors %+v", v.Doctors)
	}
	for _, e := range v.Entries {
		if e.Kind == "prescription" || e.Kind == "document" {
			if e.URL == "" {
				t.Errorf("%s %s has no link", e.Kind, e.ID)
				continue
			}
			if res := rc.patient.do("GET", e.URL, nil).expect(t, http.StatusOK); !bytes.HasPrefix(res.Body, []byte("%PDF")) {
				t.Errorf("%s opens no PDF", e.URL)
			}
		}
	}
	counts, _ := bundleOf(t, rc.patient, "/v1/me/record/fhir")
	checkCounts(t, "patient's bundle", counts, map[string]int{"Patient": 1, "Practitioner": 2, "Encounter": 2, "QuestionnaireResponse": 2,
		"Condition": 3, "MedicationRequest": 1, "Communication": 6, "DocumentReference": 4})
	pdf := rc.patient.do("GET", "/v1/me/record/pdf", nil).expect(t, http.StatusOK)
	if !pdfHas(pdf.Body, "Medisch dossier") || !pdfHas(pdf.Body, "psoriasis") || !pdfHas(pdf.Body, "Hydrocortison") {
		t.Errorf("the patient's PDF lacks the advice or the prescription")
	}
}

// TestSeededPatientsExportValidFHIR: the demo patients' records export as
// FHIR R4 Bundles with 0 schema errors.
func TestSeededPatientsExportValidFHIR(t *testing.T) {
	for _, email := range []string{"patient@derma2go.test", "patient2@derma2go.test"} {
		c, _ := loginAs(t, email, "patient-demo-2026")
		counts, _ := bundleOf(t, c, "/v1/me/record/fhir")
		if counts["Patient"] != 1 {
			t.Errorf("%s: %v", email, counts)
		}
	}
}

// TestRecordNotesAndDiagnosesEncryptedAtRest: the stored note and
// diagnoses hold neither their text nor their code in the clear.
func TestRecordNotesAndDiagnosesEncryptedAtRest(t *testing.T) {
	rc := sharedRecordCase(t)
	ctx := context.Background()
	var note []byte
	if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT text_enc FROM record_notes WHERE id = $1", rc.noteID).Scan(&note); err != nil {
		t.Fatal(err)
	}
	if len(note) == 0 || bytes.Contains(note, []byte("Controle")) || bytes.Contains(note, []byte("vier weken")) {
		t.Fatalf("note stored in the clear: %q", note)
	}
	for _, id := range rc.diagnosisIDs {
		var data []byte
		if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT data_enc FROM record_diagnoses WHERE id = $1", id).Scan(&data); err != nil {
			t.Fatal(err)
		}
		for _, clear := range []string{"L30.9", "24079001", "Eczema", "dermatitis", "Dry skin"} {
			if bytes.Contains(data, []byte(clear)) {
				t.Fatalf("diagnosis %s stored with %q in the clear", id, clear)
			}
		}
	}
}

// TestRecordRoutesRefuseOthers is the authorization matrix of the record's
// routes: another doctor (who does not treat the patient), the patient,
// another patient and a stranger are refused on every doctor route; ids
// that are no patient of the doctor (unknown, malformed, a doctor's, a
// patient with only an unpaid booking) answer 404; the patient routes
// refuse doctors, strangers and a session without the PIN.
func TestRecordRoutesRefuseOthers(t *testing.T) {
	rc := sharedRecordCase(t)
	other, _ := loginAs(t, demodata.DoctorEmail(recordDoctorA+2), "doctor-demo-2026")
	intruder, _ := registerPatient(t, newEmail("record-intruder"), "intruder-password-1")
	stranger := newClient(t)
	// A patient who only started a checkout with B: not (yet) B's patient.
	unpaid, us := registerPatient(t, newEmail("record-unpaid"), "unpaid-password-1")
	var b booking
	unpaid.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": rc.doctorAID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &b)

	doctorRoutes := []struct{ method, suffix, body string }{
		{"GET", "/record", ""}, {"GET", "/record/pdf", ""}, {"GET", "/record/fhir", ""},
		{"POST", "/notes", `{"text":"intrusion"}`}, {"POST", "/diagnoses", `{"text":"intrusion"}`},
	}
	callers := map[string]*apiClient{"another doctor": other, "the patient": rc.patient, "another patient": intruder, "a stranger": stranger}
	for _, r := range doctorRoutes {
		path := "/v1/doctor/patients/" + rc.patientID + r.suffix
		for who, c := range callers {
			res := c.raw(r.method, path, "application/json", []byte(r.body))
			if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
				t.Errorf("%s %s as %s → %d: %s", r.method, path, who, res.Status, res.Body)
			}
		}
		for name, id := range map[string]string{"unknown": "7d9f3c4e-0000-4000-8000-000000000000", "malformed": "not-a-uuid",
			"a doctor": rc.doctorAID, "unpaid booking": us.User.ID} {
			res := rc.doctorA.raw(r.method, "/v1/doctor/patients/"+id+r.suffix, "application/json", []byte(r.body))
			if res.Status != http.StatusNotFound {
				t.Errorf("%s %s (%s) as doctor A → %d: %s", r.method, r.suffix, name, res.Status, res.Body)
			}
		}
	}
	// The rightful doctor is refused nothing, and nobody else wrote a note.
	var v recordView
	rc.doctorB.do("GET", "/v1/doctor/patients/"+rc.patientID+"/record", nil).expect(t, http.StatusOK).decode(t, &v)
	if k := v.kinds(); k["note"] != 1 || k["diagnosis"] != 3 {
		t.Errorf("after the intrusions B's record has %v", k)
	}
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	other.do("GET", "/v1/doctor/patients", nil).expect(t, http.StatusOK).decode(t, &list)
	for _, p := range list.Items {
		if p.ID == rc.patientID {
			t.Errorf("another doctor lists the patient")
		}
	}
	rc.patient.do("GET", "/v1/doctor/patients", nil).expect(t, http.StatusForbidden)

	var second session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": rc.email, "password": rc.password}).
		expect(t, http.StatusOK).decode(t, &second)
	locked := &apiClient{t: t, token: second.Token}
	for _, path := range []string{"/v1/me/record", "/v1/me/record/pdf", "/v1/me/record/fhir"} {
		for who, c := range map[string]*apiClient{"a doctor": rc.doctorB, "a stranger": stranger, "PIN locked": locked} {
			res := c.raw("GET", path, "", nil)
			if res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
				t.Errorf("GET %s as %s → %d", path, who, res.Status)
			}
		}
	}
}

// TestRecordEntriesRefuseBadInput: empty or too long text, a code without
// its system or not fitting it, and a consultation of another doctor are
// 422 in the user's language, and nothing is stored.
func TestRecordEntriesRefuseBadInput(t *testing.T) {
	rc := sharedRecordCase(t)
	base := "/v1/doctor/patients/" + rc.patientID
	before := count(t, "record_notes") + count(t, "record_diagnoses")
	cases := []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/notes", map[string]any{"text": "   "}, "text"},
		{"/notes", map[string]any{"text": strings.Repeat("x", 5001)}, "text"},
		{"/notes", map[string]any{"text": "ok", "consultation_id": rc.adviceID}, "consultation_id"},
		{"/diagnoses", map[string]any{"text": "Psoriasis", "code": "L40.0"}, "code_system"},
		{"/diagnoses", map[string]any{"text": "Psoriasis", "code_system": "icd10", "code": "40L"}, "code"},
		{"/diagnoses", map[string]any{"text": "Psoriasis", "code_system": "snomed", "code": "L40.0"}, "code"},
	}
	for _, c := range cases {
		res := rc.doctorB.do("POST", base+c.path, c.body)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s %v → %d: %s", c.path, c.body, res.Status, res.Body)
			continue
		}
		p := res.problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != c.field {
			t.Errorf("%s %v: problem %+v, want field %s", c.path, c.body, p, c.field)
		}
	}
	// In the doctor's language (Dutch).
	res := rc.doctorB.do("POST", base+"/notes", map[string]any{"text": " "})
	if p := res.problem(t); len(p.Errors) != 1 || p.Errors[0].Reason != "mag niet leeg zijn" || res.Header.Get("Content-Language") != "nl" {
		t.Errorf("Dutch problem %+v", p)
	}
	// A code system the spec does not know is refused before the handler.
	if res := rc.doctorB.raw("POST", base+"/diagnoses", "application/json", []byte(`{"text":"Psoriasis","code_system":"icd9","code":"696.1"}`)); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("icd9 → %d: %s", res.Status, res.Body)
	}
	if after := count(t, "record_notes") + count(t, "record_diagnoses"); after != before {
		t.Errorf("refused entries stored: %d → %d rows", before, after)
	}
}
